"""The built wheel, installed into a fresh virtualenv outside the repository, once per run.

The wheel test and the tutorial test share one build and one virtualenv: with pytest-xdist,
the first worker to need them makes them and the others wait for it (a file lock).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# A clean environment: nothing of the repository or of the dev venv leaks in.
CLEAN_ENV = {
    k: v
    for k, v in os.environ.items()
    if k not in {"PYTHONPATH", "VIRTUAL_ENV", "DJANGO_SETTINGS_MODULE", "PYTHONHOME"}
}
# What the tutorial installs: the package with both servers' extras, and WhiteNoise.
EXTRAS = "daphne,uvicorn"
ALSO = ["whitenoise"]


@dataclass(frozen=True)
class Installed:
    wheel: Path
    venv: Path

    def bin(self, name: str) -> Path:
        return self.venv / "bin" / name


def run(*args, cwd, env: dict | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run a command with ``CLEAN_ENV`` (and ``env``); fail with its output unless it succeeds."""
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, env={**CLEAN_ENV, **(env or {})},
        capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
    assert result.returncode == 0, (
        f"{args} failed ({result.returncode})\n"
        f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
    )
    return result


def outside_repo(path: Path) -> Path:
    assert not path.resolve().is_relative_to(REPO), f"{path} is inside the repository"
    return path


def install(directory: Path) -> Installed:
    """Build the wheel into ``directory`` and install it into a virtualenv there."""
    shutil.rmtree(outside_repo(directory), ignore_errors=True)  # a failed try's leftovers
    dist, venv = directory / "dist", directory / "venv"
    run(sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", dist, cwd=REPO)
    (wheel,) = dist.glob("wagtail_live_admin-*.whl")
    run(sys.executable, "-m", "venv", venv, cwd=directory)
    # uv where the dev virtualenv has it (make's): the same install, a minute sooner than pip.
    uv = Path(sys.prefix) / "bin" / "uv"
    if uv.exists():
        installer = [uv, "pip", "install", "--quiet", "--python", venv / "bin" / "python"]
    else:
        installer = [venv / "bin" / "pip", "install", "--disable-pip-version-check", "--quiet"]
    run(*installer, f"{wheel}[{EXTRAS}]", *ALSO, cwd=directory, timeout=1200)
    return Installed(wheel, venv)


def install_once(shared: Path) -> Installed:
    """``install`` into ``shared``, unless another process of this run did it already."""
    shared.mkdir(parents=True, exist_ok=True)
    directory, done = shared / "wheel-install", shared / "wheel-install.done"
    with open(shared / "wheel-install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            installed = install(directory)
            done.write_text(str(installed.wheel))
        return Installed(Path(done.read_text()), directory / "venv")
