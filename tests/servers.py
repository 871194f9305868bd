"""Real servers in subprocesses: daphne serving the test project, a site's own command, Redis."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.forkserver import ForkedProcess, fork_daphne
from tests.services import free_port, port_open, require

ROOT = Path(__file__).resolve().parent.parent


def stop_group(process: subprocess.Popen, *, timeout: float = 10) -> None:
    """Stop the process group that ``process`` leads (started with ``start_new_session``)."""
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def daphne_arguments(port: int) -> list[str]:
    """daphne's arguments to serve the test project's ASGI application on 127.0.0.1:``port``."""
    return ["-b", "127.0.0.1", "-p", str(port), "tests.asgi:application"]


def daphne_command(port: int) -> list[str]:
    return [sys.executable, "-m", "daphne", *daphne_arguments(port)]


def project_environment(env: dict) -> dict:
    """The environment of a server of the test project on the test's database, and ``env``."""
    from django.db import connection

    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        # The database this test uses (pytest-xdist names one per worker).
        "WAGTAIL_LIVE_TEST_DB_NAME": str(connection.settings_dict["NAME"]),
        "PYTHONPATH": str(ROOT),
        **env,
    }


class Local:
    """A server of the test's own on 127.0.0.1:``port``."""

    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"


class DaphneServer(Local):
    """daphne serving ``tests.asgi`` on the test database; start() and stop() at will.

    The test that uses it needs committed data (``transactional_db``): the server is
    another process with its own database connection.
    """

    def __init__(self, *, port: int | None = None, env: dict | None = None):
        self.port = port or free_port()
        self.env = env or {}
        self.process: ForkedProcess | None = None
        self.started = False  # once it has served, it keeps its port across restarts
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 (kept open across restarts)
            prefix="daphne-", suffix=".log", delete=False
        )

    def start(self, timeout: float = 30, *, tries: int = 3) -> DaphneServer:
        env = project_environment(self.env)
        # Forked from a process that has set Django up once (tests/forkserver.py).
        self.process = fork_daphne(daphne_arguments(self.port), env=env, log=self.log.name)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                in_use = f"Couldn't listen on 127.0.0.1:{self.port}: [Errno 98]"
                if not self.started and tries > 1 and in_use in self.output():
                    # Another process took the spare port first (tests run side by side).
                    self.port = free_port()
                    return self.start(timeout, tries=tries - 1)
                raise RuntimeError(f"daphne exited early:\n{self.output()}")
            # Our daphne says so: a port that answers may belong to another run's server.
            listening = f"Listening on TCP address 127.0.0.1:{self.port}" in self.output()
            if listening and port_open("127.0.0.1", self.port, timeout=0.2):
                self.started = True
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


class RedisServer:
    """A throwaway redis-server on a spare port, to stop and start mid-test."""

    def __init__(self):
        require(bool(shutil.which("redis-server")), "redis-server")
        self.port = free_port()
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            if port_open("127.0.0.1", self.port):
                return self
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


class CommandServer(Local):
    """A command that serves a site on ``port`` (runserver, uvicorn), in a process group.

    ``with CommandServer(...) as server:`` starts it and waits until it has said ``ready``
    and the port answers; leaving the block stops the group (uvicorn's workers too).
    """

    def __init__(self, argv, *, port: int, cwd, env: dict, ready: str, timeout: float = 60):
        self.argv, self.port, self.cwd, self.env = [str(a) for a in argv], port, cwd, env
        self.ready, self.timeout = ready, timeout
        self.process: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 (read after the server stops)
            prefix="server-", suffix=".log", delete=False
        )

    def __enter__(self) -> CommandServer:
        self.process = subprocess.Popen(
            self.argv, cwd=self.cwd, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.argv} exited early:\n{self.output()}")
            if self.ready in self.output() and port_open("127.0.0.1", self.port, timeout=0.2):
                return self
            time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"{self.argv} did not answer on port {self.port}:\n{self.output()}")

    def __exit__(self, *exc_info) -> None:
        if self.process is not None:
            stop_group(self.process, timeout=15)
            self.process = None

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")


NGINX_DOC = ROOT / "docs" / "how-to" / "nginx-nchan.md"
NCHAN_MODULE = Path("/usr/lib/nginx/modules/ngx_nchan_module.so")


def nginx_binary() -> str | None:
    return shutil.which("nginx", path=f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin")


def nchan_config(*, port: int, django_port: int, redis_url: str) -> str:
    """The docs' nginx configuration (docs/how-to/nginx-nchan.md), on these ports."""
    from tests.doc_blocks import block_with

    config = block_with(NGINX_DOC, "nginx", "nchan_publisher")
    for old, new in [
        ("listen 8080;", f"listen 127.0.0.1:{port};"),
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{django_port};"),
        ("redis://127.0.0.1:6379", redis_url.removesuffix("/0")),
        # One worker each: the machine has two cores for every test process.
        ("worker_processes auto;", "worker_processes 1;"),
    ]:
        assert config.count(old) == 1, f"{NGINX_DOC.name}'s nginx block has no one {old!r}"
        config = config.replace(old, new)
    return config


class NginxServer(Local):
    """nginx with the Nchan module, from the docs' configuration, in the foreground."""

    def __init__(self, *, redis_url: str):
        binary = nginx_binary()
        require(bool(binary) and NCHAN_MODULE.exists(), "nginx with the Nchan module")
        self.binary, self.redis_url = binary, redis_url
        # Chosen now: Django's settings name it before nginx starts.
        self.port = free_port()
        self.prefix = Path(tempfile.mkdtemp(prefix="nginx-"))
        (self.prefix / "logs").mkdir()
        self.config = self.prefix / "nginx.conf"
        self.log = self.prefix / "output.log"
        self.process: subprocess.Popen | None = None

    def publish_url(self) -> str:
        return f"{self.url}/live-publish/{{channel}}/"

    def start(self, *, django_port: int, timeout: float = 15) -> NginxServer:
        self.config.write_text(
            nchan_config(port=self.port, django_port=django_port, redis_url=self.redis_url)
        )
        argv = [self.binary, "-p", str(self.prefix), "-c", str(self.config), "-e", "stderr"]
        argv += ["-g", f"daemon off; pid {self.prefix / 'nginx.pid'};"]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited early:\n{self.output()}")
            if self.nchan_ready():
                return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"nginx did not answer on port {self.port}:\n{self.output()}")

    def remove_files(self) -> None:
        """Remove the configuration, logs and pid file (once stopped)."""
        shutil.rmtree(self.prefix, ignore_errors=True)

    def nchan_ready(self) -> bool:
        """Whether Nchan answers for channels: 503 until it has connected to Redis."""
        if not port_open("127.0.0.1", self.port, timeout=0.2):
            return False
        probe = self.publish_url().format(channel="readiness-probe")
        try:
            with urllib.request.urlopen(probe, timeout=2) as response:
                return response.status == 200
        except urllib.error.HTTPError as error:
            return error.code == 404  # no such channel: Nchan answered
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            stop_group(self.process)  # SIGTERM: nginx's fast shutdown, workers too
            self.process = None

    def output(self) -> str:
        return self.log.read_text(errors="replace")
