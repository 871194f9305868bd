"""What every result row carries: the machine, its load, and the versions that ran."""

from __future__ import annotations

import json
import os
import platform
from importlib import metadata
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"

PACKAGES = (
    "django",
    "wagtail",
    "channels",
    "channels-redis",
    "daphne",
    "uvicorn",
    "uvloop",
    "websockets",
    "redis",
    "twisted",
    "psycopg",
)


def machine() -> dict:
    """The machine and its load right now (the 1, 5 and 15 minute load averages)."""
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "loadavg": [round(value, 2) for value in os.getloadavg()],
    }


def versions() -> dict:
    found = {}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def write(name: str, rows: list[dict], *, configuration: dict) -> Path:
    """Write ``bench/results/<name>.json``: the rows, each with the machine and versions."""
    RESULTS.mkdir(exist_ok=True)
    common = {"versions": versions()}
    result = {
        "benchmark": name,
        "configuration": configuration,
        "rows": [
            {"machine": row.pop("machine", None) or machine(), **common, **row} for row in rows
        ],
    }
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(result, indent=2, default=str))
    return path


def ratio(value: float | None, baseline: float | None) -> float | None:
    if value is None or not baseline:
        return None
    return round(value / baseline, 2)


def table(title: str, headings: list[str], rows: list[list]) -> str:
    """A Markdown table, as docs/performance.md shows them."""
    lines = [f"\n{title}", "| " + " | ".join(headings) + " |"]
    rule = ["---", *["---:"] * (len(headings) - 1)]
    lines.append("| " + " | ".join(rule) + " |")
    for row in rows:
        lines.append("| " + " | ".join("–" if cell is None else str(cell) for cell in row) + " |")
    return "\n".join(lines)
