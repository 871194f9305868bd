"""``make bench`` still runs: its publish-path and presence benches call the package's internals.

No timing is asserted (timings belong in bench/); a bench that no longer runs is.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.services import require_redis

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow  # a database of its own, migrated in a subprocess


def run_bench(name: str, database: Path, redis_url: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "BENCH_REDIS_URL": redis_url,  # none of the bench's own is started
    }
    return subprocess.run(
        [sys.executable, "-m", "bench", name],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_publish_path_bench_runs_and_prints_its_table(tmp_path):
    # It needs no Redis: the address is never used.
    result = run_bench("publish_path", tmp_path / "bench.sqlite3", "redis://127.0.0.1:1/0")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "| 1,000 |" in result.stdout  # the row of the 1,000-post page


@pytest.mark.redis
def test_the_presence_bench_runs_and_prints_its_table(tmp_path):
    result = run_bench("presence", tmp_path / "bench.sqlite3", require_redis())
    assert result.returncode == 0, result.stderr[-3000:]
    assert "| count 1,000 channels in one call |" in result.stdout
