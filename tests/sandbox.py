"""Running the sandbox's manage.py in a subprocess, on a database of the test's own."""

import json
import os
import subprocess
import sys

from tests.servers import ROOT

# Settings, database and layer of the sandbox's own, not the test run's.
FOREIGN_ENV = {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "VIRTUAL_ENV", "PYTHONPATH"}


def sandbox_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in FOREIGN_ENV}
    return {**env, **extra}


def manage(*args, env) -> str:
    result = subprocess.run(
        [sys.executable, "sandbox/manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"manage.py {args[0]} failed:\n{result.stdout}{result.stderr}"
    return result.stdout


def shell_json(code: str, *, env) -> dict:
    """Run ``code`` in the sandbox's shell; return the JSON it prints on its last line."""
    return json.loads(manage("shell", "-c", code, env=env).strip().splitlines()[-1])
