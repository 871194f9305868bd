"""daphne servers forked from a process that has already set up the test project.

Starting ``python -m daphne tests.asgi:application`` costs 4-5 s of CPU (Django's set-up,
Twisted), and the suite starts about 70 servers on 2 cores. So each pytest worker keeps
one process that has imported ``tests.asgi`` and daphne's modules (not its reactor); a
server is a fork of it that takes the test's environment, applies the settings that
environment changes (as ``override_settings`` does), and runs daphne's own command line.
Each server is still a process of its own: its pid, sockets, event loop and database
connection, stopped and signalled like any other.

Run as ``python -m tests.forkserver``: one JSON request per line on stdin, one JSON
answer per line on stdout.
"""

from __future__ import annotations

import atexit
import importlib
import json
import os
import select
import signal
import subprocess
import sys
import time
import traceback
from pathlib import Path

# Set up once, in the fork server, and the same in every server: a difference is an error.
FIXED_SETTINGS = {"INSTALLED_APPS", "MIDDLEWARE", "DATABASES"}


class ForkedProcess:
    """A server forked by the fork server: the part of ``subprocess.Popen`` tests use."""

    def __init__(self, pid: int, status_file: Path):
        self.pid, self.status_file = pid, status_file
        self.returncode: int | None = None

    def poll(self) -> int | None:
        # The fork server reaps its children and writes each one's exit status.
        if self.returncode is None and self.status_file.exists():
            text = self.status_file.read_text()
            if text:
                self.returncode = int(text)
                self.status_file.unlink()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"daphne (pid {self.pid})", timeout)
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class ForkServer:
    """The fork server of this process for one environment (started on first use)."""

    def __init__(self, env: dict):
        self.env = env
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.forkserver"],
            env=env,
            cwd=Path(__file__).resolve().parent.parent,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        atexit.register(self.close)

    def start(self, argv: list[str], *, env: dict, log: str) -> ForkedProcess:
        """Fork a server running daphne's command line with ``argv`` (its arguments)."""
        status_file = Path(f"{log}.status")
        status_file.unlink(missing_ok=True)
        request = {"argv": argv, "env": env, "log": log, "status": str(status_file)}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        if not answer:
            raise RuntimeError("the daphne fork server exited (its errors are in pytest's output)")
        return ForkedProcess(json.loads(answer)["pid"], status_file)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()  # it stops its servers and exits
            self.process.wait(timeout=15)


_servers: dict[tuple, ForkServer] = {}


def fork_daphne(argv: list[str], *, env: dict, log: str) -> ForkedProcess:
    """A daphne server with ``argv`` and ``env``, forked from this process's fork server.

    One fork server per database (the setting it cannot change).
    """
    key = (env.get("DJANGO_SETTINGS_MODULE"), env.get("WAGTAIL_LIVE_TEST_DB_NAME"))
    server = _servers.get(key)
    if server is None or server.process.poll() is not None:
        server = _servers[key] = ForkServer(env)
    return server.start(argv, env=env, log=log)


# In the fork server.


def apply_environment(env: dict) -> None:
    """Make this process's settings the ones ``env`` gives (in a forked server)."""
    from django.conf import settings
    from django.core.signals import setting_changed
    from django.test.utils import override_settings

    os.environ.clear()
    os.environ.update(env)
    module = os.environ["DJANGO_SETTINGS_MODULE"]
    original = sys.modules.pop(module, None)
    fresh = importlib.import_module(module)
    # Set by the fork server's own environment only (tests/settings.py sets some from it):
    # this server's environment leaves them out, so must its settings.
    gone = {name for name in dir(original) if name.isupper() and not hasattr(fresh, name)}
    missing = object()
    changed = {
        name: getattr(fresh, name)
        for name in dir(fresh)
        if name.isupper() and getattr(settings, name, missing) != getattr(fresh, name)
    }
    if "DATABASES" in changed and databases(fresh.DATABASES) == databases(settings.DATABASES):
        del changed["DATABASES"]  # Django fills in its defaults once it has read them
    if fixed := FIXED_SETTINGS & (changed.keys() | gone):
        raise RuntimeError(f"a forked server cannot change {sorted(fixed)}")
    if changed or gone:
        override_settings(**changed).enable()  # sends setting_changed, as in a test
    for name in gone:
        delattr(settings, name)  # the override's holder then answers as if never set
        setting_changed.send(sender=type(settings), setting=name, value=None, enter=True)


def databases(setting: dict) -> dict:
    return {alias: (db["ENGINE"], db["NAME"]) for alias, db in setting.items()}


def run_server(request: dict) -> None:
    """In the forked child: the log as its output, the test's settings, then daphne."""
    code = 1
    try:
        log = os.open(request["log"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGPIPE):
            signal.signal(signum, signal.SIG_DFL)
        apply_environment(request["env"])
        sys.argv = ["daphne", *request["argv"]]
        from daphne.cli import CommandLineInterface

        CommandLineInterface.entrypoint()
        code = 0
    except SystemExit as exit:
        code = exit.code if isinstance(exit.code, int) else (0 if exit.code is None else 1)
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def serve() -> None:
    """Fork a server per request on stdin until it closes, reaping them as they exit."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    # Everything a server needs but its reactor (which makes an event loop: per process).
    import daphne.access
    import daphne.endpoints
    import daphne.http_protocol
    import daphne.ws_protocol  # noqa: F401
    import twisted.internet.asyncioreactor
    import twisted.internet.endpoints
    import twisted.logger  # noqa: F401

    import tests.asgi  # noqa: F401  (django.setup())

    assert "twisted.internet.reactor" not in sys.modules, "a reactor in the fork server"
    children: dict[int, str] = {}  # pid: its status file

    def reap() -> None:
        while children:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                return
            Path(children.pop(pid)).write_text(str(os.waitstatus_to_exitcode(status)))

    while True:
        readable, _, _ = select.select([sys.stdin], [], [], 0.02)
        reap()
        if not readable:
            continue
        line = sys.stdin.readline()
        if not line:
            break
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            run_server(request)
        children[pid] = request["status"]
        print(json.dumps({"pid": pid}), flush=True)
    # The worker has gone: its servers go too.
    for pid in list(children):
        os.kill(pid, signal.SIGKILL)
    while children:
        time.sleep(0.02)
        reap()


if __name__ == "__main__":
    serve()
