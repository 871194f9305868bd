"""Real services the tests use: skipped on a laptop that lacks one, a failure in CI."""

import os
import shutil
import socket

import pytest

CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
CHROMIUM = os.environ.get("WAGTAIL_LIVE_CHROMIUM", "/usr/bin/chromium")


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def require(available: bool, what: str) -> None:
    """Skip the test when ``what`` is missing, or fail it when running in CI."""
    if available:
        return
    if CI:
        pytest.fail(f"{what} is not available, and CI=true makes that a failure.")
    pytest.skip(f"{what} is not available")


def require_redis() -> str:
    require(port_open(REDIS_HOST, REDIS_PORT), f"Redis on {REDIS_HOST}:{REDIS_PORT}")
    return f"redis://{REDIS_HOST}:{REDIS_PORT}/0"


def require_chromium() -> str:
    require(bool(shutil.which(CHROMIUM)), f"Chromium at {CHROMIUM}")
    return CHROMIUM


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
