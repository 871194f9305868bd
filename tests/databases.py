"""This run's PostgreSQL test databases: dropped at its end, and a check that none is left.

pytest-django drops each test database when its session ends, but a worker that dies, or
a run stopped half-way, leaves its database behind, and with it every later run's list
grows. So the session's end (tests/conftest.py) drops whatever of this run's is left,
and ``make test-postgres`` runs ``python -m tests.databases`` to check that none is:
it lists this run's databases that remain and exits 1 if there are any.

A run's databases are ``test_wagtail_live_admin_<suffix>`` and, with pytest-xdist,
``..._<suffix>_gw0``... (``WAGTAIL_LIVE_TEST_DB_SUFFIX``, see tests/settings.py).
"""

from __future__ import annotations

import sys

PREFIX = "test_wagtail_live_admin_"


def _postgres(settings_dict: dict):
    import psycopg

    return psycopg.connect(
        dbname="postgres",  # never the test database, which may be the one to drop
        host=settings_dict.get("HOST") or None,
        port=settings_dict.get("PORT") or None,
        user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
        autocommit=True,
    )


def run_databases(settings_dict: dict) -> list[str]:
    """This run's test databases that exist now (none unless on PostgreSQL)."""
    if not settings_dict["ENGINE"].endswith("postgresql"):
        return []
    base = settings_dict["TEST"]["NAME"]
    with _postgres(settings_dict) as connection:
        names = connection.execute(
            "SELECT datname FROM pg_database WHERE starts_with(datname, %s)", [base]
        )
        return sorted(name for (name,) in names if name == base or name.startswith(f"{base}_gw"))


def drop_run_databases(settings_dict: dict) -> list[str]:
    """Drop this run's test databases that are left; return their names."""
    names = run_databases(settings_dict)
    if not names:
        return []
    with _postgres(settings_dict) as connection:
        for name in names:
            # A server a test started and never stopped would keep it from being dropped.
            connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            )
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
    return names


def main() -> int:
    from tests import settings

    left = run_databases(settings.DATABASES["default"])
    for name in left:
        print(f"error: the test run left the database {name} behind", file=sys.stderr)
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main())
