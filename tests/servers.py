"""A real ASGI server (daphne) serving the test project in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.services import free_port, port_open

ROOT = Path(__file__).resolve().parent.parent


class DaphneServer:
    """daphne serving ``tests.asgi`` on the test database; start() and stop() at will.

    The test that uses it needs committed data (``transactional_db``): the server is
    another process with its own database connection.
    """

    def __init__(self, *, port: int | None = None, env: dict | None = None):
        self.port = port or free_port()
        self.env = env or {}
        self.process: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 (kept open across restarts)
            prefix="daphne-", suffix=".log", delete=False
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30) -> DaphneServer:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "WAGTAIL_LIVE_SERVE_TEST_DB": "1",
            "PYTHONPATH": str(ROOT),
            **self.env,
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "daphne",
                "-b",
                "127.0.0.1",
                "-p",
                str(self.port),
                "tests.asgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"daphne exited early:\n{self.output()}")
            # Our daphne says so: a port that answers may belong to another run's server.
            listening = f"Listening on TCP address 127.0.0.1:{self.port}" in self.output()
            if listening and port_open("127.0.0.1", self.port, timeout=0.2):
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"daphne did not answer on port {self.port}:\n{self.output()}")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")
