"""``PresenceBackend``: what every presence backend shares.

A member is one reader's socket (the consumer's channel name). Each member carries an
expiry, ``ttl`` seconds ahead; counting drops the expired ones first. One asyncio task
per process keeps this process's members alive and samples the counts for the trend,
so a process that dies stops being counted within one TTL, and no socket needs a timer
of its own. Readers who leave are taken out in batches, one write at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
import weakref
from collections.abc import Iterable
from datetime import UTC, datetime

from ...conf import get_setting

logger = logging.getLogger(__name__)


def timestamp_to_datetime(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, tz=UTC)


# Seconds between the starts of two writes of joiners: a lone reader's goes at once, a
# crowd's (a restart storm, a reader a millisecond) in a hundred writes a second at most,
# not a redis-py pipeline on the event loop for each reader.
JOIN_SPACING = 0.01


class _Batch:
    """Readers who joined (channel id: members) and the one write that adds them."""

    def __init__(self) -> None:
        self.members: dict[str, set[str]] = {}
        self.sent = False  # the write has taken its members: later ones go in the next
        self.task: asyncio.Task | None = None
        self.sent_at = 0.0  # the event loop's time when the write took its members


class PresenceBackend:
    """Count the readers of each channel and sample the counts; subclasses say where."""

    ttl: float
    sample_interval: float
    trend_window: float

    def __init__(
        self,
        *,
        ttl: float | None = None,
        sample_interval: float | None = None,
        trend_window: float | None = None,
    ) -> None:
        self.ttl = float(get_setting("PRESENCE_TTL") if ttl is None else ttl)
        self.sample_interval = float(
            get_setting("PRESENCE_SAMPLE_INTERVAL") if sample_interval is None else sample_interval
        )
        self.trend_window = float(
            get_setting("PRESENCE_TREND_WINDOW") if trend_window is None else trend_window
        )
        # This process's own members: the ones its refresh task keeps alive. The
        # consumer runs in the event loop and admin views in worker threads, hence the lock.
        self._local: dict[str, set[str]] = {}
        self._local_lock = threading.Lock()
        self._refresher: asyncio.Task | None = None
        # Whether the store is unreachable: an outage is logged once when it starts and
        # once when it ends, not by every reader, refresh and admin request meanwhile.
        self._failing = False
        # Per event loop: the readers who left and are still counted in the store, and
        # the task that takes them out.
        self._leaving: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        # ... and the next write of the readers who join (``_Batch``).
        self._joining: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    async def join(self, channel_id: str, member: str) -> None:
        """Count ``member`` (a consumer's channel name) as a reader of ``channel_id``."""
        with self._local_lock:
            self._local.setdefault(channel_id, set()).add(member)
        # Before the write: should it fail (Redis down), the next refresh adds the member.
        self._ensure_refresher()
        try:
            # Shielded: the write serves every reader who joined meanwhile.
            await asyncio.shield(self._join_batch(channel_id, member))
        except Exception as exc:
            self.unreachable(exc)
            raise
        self.reachable()

    def _join_batch(self, channel_id: str, member: str) -> asyncio.Task:
        """The write that will add ``member``: readers who join while one is on its way go
        in the next, one write for a crowd (a write each opened a Redis connection each)."""
        loop = asyncio.get_running_loop()
        batch = self._joining.get(loop)
        if batch is None or batch.sent:
            batch, previous = _Batch(), batch
            batch.task = loop.create_task(self._add_joiners(batch, previous))
            self._joining[loop] = batch
        batch.members.setdefault(channel_id, set()).add(member)
        return batch.task

    async def _add_joiners(self, batch: _Batch, previous: _Batch | None) -> None:
        loop = asyncio.get_running_loop()
        if previous is not None:
            with contextlib.suppress(Exception):  # its own joiners hear of its failure
                await previous.task
            if (wait := previous.sent_at + JOIN_SPACING - loop.time()) > 0:
                await asyncio.sleep(wait)  # the readers who join meanwhile come along
        batch.sent, batch.sent_at = True, loop.time()
        try:
            await self._refresh(batch.members)
        finally:
            # A reader let go while the write was on its way (its handshake timed out, the
            # process stops) was taken out before it landed: take it out again after.
            for channel_id, members in batch.members.items():
                for member in members:
                    self._gone_meanwhile(channel_id, member)

    def _gone_meanwhile(self, channel_id: str, member: str) -> None:
        with self._local_lock:
            counted = member in self._local.get(channel_id, ())
        if not counted:
            self.discard(channel_id, member)

    async def leave(self, channel_id: str, member: str) -> None:
        """Stop counting ``member`` as a reader of ``channel_id``; return once the store says so."""
        # Shielded: the write serves every reader who left meanwhile, not just this one.
        await asyncio.shield(self.discard(channel_id, member))

    def discard(self, channel_id: str, member: str) -> asyncio.Task:
        """Stop counting ``member`` at once; return the task that takes it out of the store.

        Synchronous, so that a reader whose task is cancelled mid-way is still let go:
        from here on this process no longer refreshes the member, so it expires within one
        TTL even if the write never happens. Readers who leave together (a crowd closing
        the page) are taken out in one write, not one connection each.
        """
        with self._local_lock:
            members = self._local.get(channel_id)
            if members is not None:
                members.discard(member)
                if not members:
                    del self._local[channel_id]
        loop = asyncio.get_running_loop()
        pending, task = self._leaving.get(loop, ({}, None))
        pending.setdefault(channel_id, set()).add(member)
        if task is None or task.done():
            task = loop.create_task(self._remove_leavers(pending))
        self._leaving[loop] = (pending, task)
        return task

    async def _remove_leavers(self, pending: dict[str, set[str]]) -> None:
        # Whoever leaves while a write is on its way goes in the next one.
        while pending:
            batch = {channel_id: pending.pop(channel_id) for channel_id in list(pending)}
            try:
                await self._remove(batch)
            except Exception as exc:
                # They drop out within the TTL anyway.
                self.unreachable(exc)

    def counts(self, channel_ids: Iterable[str]) -> dict[str, int]:
        """Return the number of live readers of each channel (0 for a channel with none)."""
        raise NotImplementedError

    def trend(
        self, channel_ids: Iterable[str], *, since: datetime
    ) -> dict[str, list[tuple[datetime, int]]]:
        """Return each channel's sampled counts since ``since``, oldest first.

        A slot without a sample had no readers.
        """
        raise NotImplementedError

    async def aclose(self) -> None:
        """Stop refreshing and sampling in this process, as a killed process would.

        Members are left in place: they expire within one TTL.
        """
        task, self._refresher = self._refresher, None
        if task is None or task.done() or task.get_loop().is_closed():
            return
        if task.get_loop() is not asyncio.get_running_loop():
            task.get_loop().call_soon_threadsafe(task.cancel)
            return
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    def unreachable(self, exc: Exception) -> None:
        """Note that the store failed to answer; log it if it answered until now."""
        if not self._failing:
            self._failing = True
            logger.warning(
                "Live subscriber counts are unavailable (%s: %s): readers are still served, "
                "and counted again once the store answers.",
                type(exc).__name__,
                exc,
            )

    def reachable(self) -> None:
        """Note that the store answered; log it if it had failed."""
        if self._failing:
            self._failing = False
            logger.warning("Live subscriber counts are available again.")

    # What each backend implements.

    async def _remove(self, members: dict[str, set[str]]) -> None:
        """Take these members (channel id: members) out of the counts."""
        raise NotImplementedError

    async def _refresh(self, members: dict[str, set[str]]) -> None:
        """Count these members (readers who joined, or all of this process's) one TTL ahead."""
        raise NotImplementedError

    async def _sample(self, now: float) -> None:
        """Record the counts of the slot ``now`` falls in, unless it has a sample already."""
        raise NotImplementedError

    # The refresh task.

    def slot(self, now: float) -> int:
        """Return the number of the sample slot that ``now`` (a Unix time) falls in."""
        return int(now // self.sample_interval)

    @property
    def tick(self) -> float:
        # Refresh well inside the TTL, and wake at least twice a slot so none is missed.
        return max(0.05, min(self.ttl / 3, self.sample_interval / 2))

    def _ensure_refresher(self) -> None:
        loop = asyncio.get_running_loop()
        task = self._refresher
        # One task per process, started by the first join; a new event loop (a
        # restarted server, each test) gets a new one.
        if task is None or task.done() or task.get_loop() is not loop:
            self._refresher = loop.create_task(
                self._refresh_forever(), name="wagtail_live_admin presence refresh"
            )

    def _snapshot(self) -> dict[str, set[str]]:
        with self._local_lock:
            return {channel_id: set(members) for channel_id, members in self._local.items()}

    async def _refresh_forever(self) -> None:
        try:
            while True:
                await asyncio.sleep(self.tick)
                try:
                    await self._refresh_once()
                except Exception as exc:
                    # An outage must not end the task: members come back once it is over.
                    self.unreachable(exc)
                else:
                    self.reachable()
        finally:
            # Cancelled by aclose(), or by the event loop shutting down.
            await self._release()

    async def _release(self) -> None:
        """Let go of what this event loop holds (its connections), as the loop's task ends."""

    async def _refresh_once(self) -> None:
        """Refresh this process's members and take the current slot's sample if it is due."""
        snapshot = self._snapshot()
        if snapshot:
            await self._refresh(snapshot)
            # A reader who left while the refresh was on its way may have been
            # written back: take them out again.
            current = self._snapshot()
            gone = {}
            for channel_id, members in snapshot.items():
                if left := members - current.get(channel_id, set()):
                    gone[channel_id] = left
            if gone:
                await self._remove(gone)
        await self._sample(time.time())
