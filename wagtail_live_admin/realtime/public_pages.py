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
"""

from __future__ import annotations

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
