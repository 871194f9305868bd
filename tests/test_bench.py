"""``make bench`` still runs: its publish-path bench calls the package's internals.

No timing is asserted (timings belong in bench/); a bench that no longer runs is.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow  # a database of its own, migrated in a subprocess


def test_the_publish_path_bench_runs_and_prints_its_table(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bench.sqlite3'}",
        # The publish path needs no Redis: none of the bench's own is started for it.
        "BENCH_REDIS_URL": "redis://127.0.0.1:1/0",
    }
    result = subprocess.run(
        [sys.executable, "-m", "bench", "publish_path"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "| 1,000 |" in result.stdout  # the row of the 1,000-post page
