"""The lock that makes post operations take turns: the live page's row, until commit.

Every change of a page's posts (a publish, the composer, the Python API) reads the
posts live now under this lock, inside the transaction that saves them, so no change
is made from posts another one is replacing at that moment.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import F


def lock_page_row(model, pk):
    """Lock the row of page ``pk`` of ``model`` until the transaction ends.

    Call it inside ``transaction.atomic()``. PostgreSQL (and others with row locks)
    take ``SELECT ... FOR UPDATE`` on the model's own table. SQLite has no row
    locks: a write takes its database lock at once, so the lock is a write that
    changes nothing (a read first would let two transactions both read, and fail
    the second when it writes).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_page_row() needs a transaction: call it in transaction.atomic().")
    manager = model._default_manager
    if connection.features.has_select_for_update:
        of = ("self",) if connection.features.has_select_for_update_of else ()
        list(manager.select_for_update(of=of).filter(pk=pk).values_list("pk"))
    else:
        manager.filter(pk=pk).update(last_updated_at=F("last_updated_at"))
