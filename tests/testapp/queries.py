"""Count the database queries and Django requests of a process, so that a test can see a
server make none."""

from django.core.signals import request_started
from django.db.backends.signals import connection_created

_count = 0
_requests = 0


def queries() -> int:
    """How many queries this process has run on any connection since it started."""
    return _count


def requests() -> int:
    """How many requests Django's handler has started in this process."""
    return _requests


def _count_request(sender, **kwargs):
    global _requests
    _requests += 1


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
    request_started.connect(_count_request, dispatch_uid="wagtail_live_admin_tests_requests")
