"""Count the database queries of a process, so that a test can see a server make none."""

from django.db.backends.signals import connection_created

_count = 0


def queries() -> int:
    """How many queries this process has run on any connection since it started."""
    return _count


def _counting(execute, sql, params, many, context):
    global _count
    _count += 1
    return execute(sql, params, many, context)


def _count_on(sender, connection, **kwargs):
    # A connection object lives as long as its thread, and reconnects: wrap it once.
    if _counting not in connection.execute_wrappers:
        connection.execute_wrappers.append(_counting)


def count_queries() -> None:
    connection_created.connect(_count_on, dispatch_uid="wagtail_live_admin_tests_count_queries")
