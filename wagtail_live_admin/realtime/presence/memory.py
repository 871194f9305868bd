"""``MemoryPresence``: counts kept in this process, for the in-memory channel layer.

Exact within one process, and only there: with several server processes, each
counts its own readers. Use the Redis backend then.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Iterable
from datetime import datetime

from .base import PresenceBackend, timestamp_to_datetime


class MemoryPresence(PresenceBackend):
    """Members and samples in dicts, under a lock (admin views read them from threads)."""

    def __init__(self, **options) -> None:
        super().__init__(**options)
        self._lock = threading.Lock()
        self._members: dict[str, dict[str, float]] = {}  # channel id -> member -> expiry
        self._samples: dict[str, deque[tuple[float, int]]] = {}  # channel id -> (slot time, n)
        self._sampled_slot: int | None = None
        self._counted: set[str] = set()  # channels above 0 at the last sample

    async def _remove(self, members: dict[str, set[str]]) -> None:
        with self._lock:
            for channel_id, names in members.items():
                counted = self._members.get(channel_id, {})
                for name in names:
                    counted.pop(name, None)
                if not counted:
                    self._members.pop(channel_id, None)

    async def _refresh(self, members: dict[str, set[str]]) -> None:
        expiry = time.time() + self.ttl
        with self._lock:
            for channel_id, names in members.items():
                self._members.setdefault(channel_id, {}).update(dict.fromkeys(names, expiry))

    def _count(self, channel_id: str, now: float) -> int:
        # The caller holds the lock. Expired members are dropped, not just skipped.
        members = self._members.get(channel_id)
        if not members:
            return 0
        for member in [member for member, expiry in members.items() if expiry <= now]:
            del members[member]
        if not members:
            del self._members[channel_id]
        return len(members)

    def counts(self, channel_ids: Iterable[str]) -> dict[str, int]:
        now = time.time()
        with self._lock:
            return {channel_id: self._count(channel_id, now) for channel_id in channel_ids}

    async def _sample(self, now: float) -> None:
        slot = self.slot(now)
        with self._lock:
            if slot == self._sampled_slot:
                return
            self._sampled_slot = slot
            at = slot * self.sample_interval
            # The channels that were counted last time get a sample too, so that the
            # trend shows their fall to 0.
            for channel_id in set(self._members) | self._counted:
                count = self._count(channel_id, now)
                self._samples.setdefault(channel_id, deque()).append((at, count))
                if count:
                    self._counted.add(channel_id)
                else:
                    self._counted.discard(channel_id)
            for channel_id in list(self._samples):
                samples = self._samples[channel_id]
                while samples and samples[0][0] <= at - self.trend_window:
                    samples.popleft()
                if not samples:
                    del self._samples[channel_id]

    def trend(
        self, channel_ids: Iterable[str], *, since: datetime
    ) -> dict[str, list[tuple[datetime, int]]]:
        start = since.timestamp()
        with self._lock:
            return {
                channel_id: [
                    (timestamp_to_datetime(at), count)
                    for at, count in self._samples.get(channel_id, ())
                    if at >= start
                ]
                for channel_id in channel_ids
            }
