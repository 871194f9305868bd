"""Answer a crowd that asks for the same catch-up once per process, from memory.

After a server restart, thousands of readers of one live page reconnect within seconds
and each asks the catch-up endpoint for the same ``?since=``. Read from the database,
an answer costs 4 to 8 queries, and Django runs each request's sync code in a thread of
its own, with a database connection of its own: the crowd queues for the cores and the
database, and PostgreSQL runs out of connections.

So a public page's answer is kept in memory, by channel and ``since``:

- only while this process follows the channel's group (it has readers of it), and only
  until a message comes on the group: an update (the seq moved, a post may be taken
  down) or a recheck (the page's privacy, publication or channel changed);
- for at most ``TTL`` seconds: an update whose send failed changes the answer too;
- readers who ask while it is being read wait for that one reading (and should it
  fail, for the next one: never the whole crowd at once).

A public answer may be up to max-age old from any cache anyway (``Cache-Control:
public``), and live.js asks once more after that. A private page's answers, and
refusals, are never kept: each is read for its own reader; so is an answer that counts
its reader's catch-up of a failed update (the admin's "recovered").
"""

from __future__ import annotations

import asyncio
import time
import weakref
from dataclasses import dataclass

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.http import HttpResponse

from ..realtime import fanout
from ..realtime.groups import live_group_name

# Seconds an answer is kept at most. Short: a crowd's requests come within a few seconds.
TTL = 1.0
# Kept answers per process before the expired ones are dropped.
PRUNE_ABOVE = 64
# What the readers waiting on a reading learn when it is not to be shared (see above).
PRIVATE = object()


@dataclass(frozen=True)
class Kept:
    """A public answer as read: enough to make each reader a response of their own."""

    content: bytes
    headers: tuple

    @classmethod
    def of(cls, response: HttpResponse) -> Kept:
        return cls(response.content, tuple(response.headers.items()))

    def response(self) -> HttpResponse:
        response = HttpResponse(self.content)
        for name, value in self.headers:
            response.headers[name] = value
        return response


@dataclass
class _Entry:
    subscription: fanout.LocalGroup
    received: int  # the subscription's messages when the reading began
    expires: float
    kept: asyncio.Future  # -> Kept; PRIVATE (read your own); None (read again)

    def current(self) -> bool:
        subscription = self.subscription
        return (
            subscription.following
            and subscription.received == self.received
            and time.monotonic() < self.expires
        )


_entries: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict] = weakref.WeakKeyDictionary()


async def answer(channel_id: str, since: int, read) -> tuple[HttpResponse, bool]:
    """Return ``read()``'s answer ``(response, public)``, or the same answer kept in memory.

    ``read`` is the sync reading from the database (run in a thread): it returns the
    response, whether anyone may have it (a public page's 200), and whether readers
    asking the same may share it.
    """
    loop = asyncio.get_running_loop()
    entries = _entries.setdefault(loop, {})
    key = (channel_id, since)
    while (entry := entries.get(key)) is not None and entry.current():
        # Shielded: a reader who leaves must not cancel the reading others wait for.
        kept = await asyncio.shield(entry.kept)
        if kept is PRIVATE:
            return await _read_own(read)
        if kept is not None:
            return kept.response(), True
        # The reading failed, or an update came meanwhile: one of the waiters reads again
        # (the first to wake up), the others wait for it. Never the whole crowd at once.
    subscription = fanout.subscription(get_channel_layer(), live_group_name(channel_id))
    if subscription is None:
        # No reader of the channel here: this process would not hear what voids an answer.
        return await _read_own(read)
    entry = _Entry(
        subscription, subscription.received, time.monotonic() + TTL, loop.create_future()
    )
    _store(entries, key, entry)
    try:
        response, public, shared = await sync_to_async(read)()
    except BaseException:  # cancelled too: one of the readers who wait reads again
        _drop(entries, key, entry)
        raise
    if shared and response.status_code == 200 and entry.current():
        entry.kept.set_result(Kept.of(response))
    else:
        _drop(entries, key, entry, None if shared else PRIVATE)
    return response, public


def kept_answer(channel_id: str, since: int):
    """The answer kept for ``(channel_id, since)`` on this loop, if it is still current.

    Returns a callable that says whether it still is (``readers/asgi.py`` keeps Django's
    whole response beside it, for as long), or None.
    """
    entries = _entries.get(asyncio.get_running_loop(), {})
    entry = entries.get((channel_id, since))
    if entry is None or not entry.current() or not entry.kept.done():
        return None
    return entry.current if isinstance(entry.kept.result(), Kept) else None


async def _read_own(read) -> tuple[HttpResponse, bool]:
    response, public, _shared = await sync_to_async(read)()
    return response, public


def _drop(entries: dict, key, entry: _Entry, result=None) -> None:
    if not entry.kept.done():
        entry.kept.set_result(result)
    if entries.get(key) is entry:
        del entries[key]


def _store(entries: dict, key, entry: _Entry) -> None:
    if len(entries) >= PRUNE_ABOVE:
        for stale in [key for key, kept in entries.items() if not kept.current()]:
            del entries[stale]
    entries[key] = entry
