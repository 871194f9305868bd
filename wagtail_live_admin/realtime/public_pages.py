"""Admit readers of a public page without the database, while this process follows its channel.

Admission asks the database for the channel's live page and its view restrictions, in
the one database thread, one reader after another: a few hundred readers a second. A
server that restarts under 5,000 readers of one live blog would make them wait.

Once a reader of a public page (no view restriction on it or above it) is admitted, the
process keeps the page's id beside its subscription to the channel's group (``fanout``),
and admits later readers of the channel from memory. Anything that may turn readers away
(a view restriction, unpublishing, a move, a deletion, another channel id) sends
``live.recheck`` to the group once it commits; the subscription counts the rechecks it
receives, and one received after the admission read the database makes that knowledge
void. Leaving the group (its last local reader left, or the layer was lost) drops it
too: a process outside the group would not hear the next recheck.

Until then (a process that has no reader of the channel yet, as a restart sends it a
crowd), the readers who arrive while one of them is being judged wait for that one
reading rather than each read the database in turn: a public page is public for all of
them (``being_read``, ``reading``). Each joins the group after that reading, as its
first reader does.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from dataclasses import dataclass

from . import fanout


@dataclass(frozen=True)
class Mark:
    """Where an admission started: the subscription, and its rechecks so far."""

    subscription: fanout.LocalGroup
    rechecks: int


# Subscription -> (the public page's id, the subscription's rechecks when it was read).
_known: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def admitted_page(layer, group: str) -> int | None:
    """Return the id of the public page of ``group``'s channel, if this process knows it."""
    local = fanout.subscription(layer, group)
    known = _known.get(local) if local is not None else None
    if known is None or known[1] != local.rechecks:
        return None
    return known[0]


def mark(layer, group: str) -> Mark | None:
    """Take note, before an admission reads the database, of what may void its answer.

    None when the process does not follow the group yet: a recheck could then be
    missed, so the answer is not kept.
    """
    local = fanout.subscription(layer, group)
    return Mark(local, local.rechecks) if local is not None else None


def remember(mark: Mark | None, page_id: int) -> None:
    """Keep ``page_id`` as the channel's public page, unless a recheck came since ``mark``."""
    if mark is None:
        return
    local = mark.subscription
    if local.following and local.rechecks == mark.rechecks:
        _known[local] = (page_id, mark.rechecks)


# Admissions under way in this process: loop -> {group: future of the public page's id}.
_readings: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


async def being_read(group: str) -> int | None:
    """Wait for an admission of ``group``'s channel under way; the page's id if it is public."""
    under_way = _readings.get(asyncio.get_running_loop(), {}).get(group)
    if under_way is None:
        return None
    # Shielded: a reader who leaves must not cancel the reading others wait for.
    return await asyncio.shield(under_way)


@contextlib.contextmanager
def reading(group: str):
    """Let the readers who arrive meanwhile wait for this admission; yields ``found(page_id)``.

    Call ``found`` with the page's id if the reading finds it public, else None; then, or
    on an error or the reader gone, the readers waiting read for themselves.
    """
    readings = _readings.setdefault(asyncio.get_running_loop(), {})
    future = asyncio.get_running_loop().create_future()
    readings.setdefault(group, future)
    try:
        yield future.set_result
    finally:
        if not future.done():
            future.set_result(None)
        if readings.get(group) is future:
            del readings[group]
