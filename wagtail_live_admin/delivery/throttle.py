"""How often one user may re-push one channel: ``WAGTAIL_LIVE_REPUBLISH_RATE`` times a minute.

Each re-push (a re-publish, a "re-push all failed" of the channel, a re-sync) takes
one of the rate's slots for a minute. A slot is a cache key added with ``add``,
which is atomic in Django's cache backends, and which expires on its own: so the
limit holds for any 60 seconds, not per clock minute, without a lock. The cache
must be shared between processes (Redis, Memcached, the database cache) for the
limit to hold across them; with a per-process cache it holds per process.
"""

from __future__ import annotations

import hashlib
import math
import time

from django.core.cache import cache

from ..conf import get_setting
from .refusals import Throttled

WINDOW_SECONDS = 60


def _slot_keys(user_pk, channel_id: str, rate: int) -> list[str]:
    # Hashed: channel ids may be longer or use characters some cache backends refuse.
    channel = hashlib.sha256(channel_id.encode()).hexdigest()[:32]
    return [f"wagtail_live_admin:republish:{user_pk}:{channel}:{slot}" for slot in range(rate)]


def take_republish_slot(user, channel_id: str) -> int:
    """Count one re-push of ``channel_id`` by ``user``; return 0, or the seconds to wait.

    No user (a management command) and a rate of None are never limited.
    """
    rate = get_setting("REPUBLISH_RATE")
    if rate is None or user is None or user.pk is None:
        return 0
    keys = _slot_keys(user.pk, channel_id, rate)
    now = time.time()
    for key in keys:
        if cache.add(key, now, timeout=WINDOW_SECONDS):
            return 0
    # All slots are taken: the oldest one frees first.
    taken = [value for value in cache.get_many(keys).values() if isinstance(value, float)]
    if not taken:
        return 1  # they expired meanwhile: a retry now would pass
    return max(1, math.ceil(min(taken) + WINDOW_SECONDS - now))


def take_slot(user, channel_id: str) -> None:
    """Count one re-push of the channel by ``user``; raise ``Throttled`` past the rate."""
    wait = take_republish_slot(user, channel_id)
    if wait:
        raise Throttled(channel_id, wait)
