"""The sandbox: ``make demo`` serves a fresh clone (``load_demo``: tests/management)."""

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.sandbox import sandbox_env, shell_json
from tests.servers import ROOT
from tests.services import free_port, port_open

DEMO_TEXTS = [
    "Good morning from Riverside Avenue, where 18,000 runners are warming up.",
    "The lead group reaches the bridge at halfway in 1:03:12.",
    "Kimani wins in 2:07:48, a new course record!",
]

FAVICON = """
import json
from django.test import Client
response = Client(HTTP_HOST="localhost").get("/favicon.ico", follow=True)
print(json.dumps([response.status_code, response.redirect_chain[-1][0], response["Content-Type"]]))
"""


def test_the_sandbox_serves_a_favicon(tmp_path):
    # No database needed: nothing on the way to it reads one.
    env = sandbox_env(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    status, url, content_type = shell_json(FAVICON, env=env)
    assert (status, url) == (200, "/static/wagtailadmin/images/favicon.ico")
    assert content_type.startswith("image/")


def stop_process_group(process: subprocess.Popen) -> None:
    """Stop the process and everything it started; a group already gone is fine."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
    process.wait()


@pytest.mark.slow
def test_make_demo_on_a_fresh_clone_serves_the_live_blog(tmp_path):
    # A clone holds what is committed: the demo must not rely on anything untracked.
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    port = free_port()
    log_path = tmp_path / "make-demo.log"
    with log_path.open("w") as log:
        # Its own process group, so that make, daphne and anything else go together.
        # With this run's virtualenv: `make test` on a fresh clone (.ci/run) has just made
        # one by the same rule; `-o` keeps make from installing the clone into it.
        venv = Path(sys.prefix)
        make = subprocess.Popen(
            ["make", "demo", f"PORT={port}", f"VENV={venv}", "-o", f"{venv}/.installed"],
            cwd=clone,
            env=sandbox_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 4 * 60
        while not port_open("127.0.0.1", port) and time.monotonic() < deadline:
            assert make.poll() is None, f"make demo exited:\n{log_path.read_text()}"
            time.sleep(1)
        assert port_open("127.0.0.1", port), f"nothing on port {port}:\n{log_path.read_text()}"
        base = f"http://127.0.0.1:{port}"
        assert f"Live blog: {base}/live-blog/" in log_path.read_text()
        with urllib.request.urlopen(f"{base}/live-blog/", timeout=30) as response:
            assert response.status == 200
            html = response.read().decode()
        assert 'id="live-posts"' in html
        for text in DEMO_TEXTS:
            assert text in html
        [script] = re.findall(r'<script src="([^"]*/live\.js)"', html)
        with urllib.request.urlopen(base + script, timeout=30) as response:
            assert response.status == 200
    finally:
        stop_process_group(make)
        shutil.rmtree(clone, ignore_errors=True)
