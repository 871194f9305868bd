"""Presence: how many readers each live channel has now, and had lately.

``get_presence()`` returns this process's backend. The consumer calls ``join`` and
``leave``; the admin reads ``counts`` and ``trend``. See docs/how-to/several-processes.md.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import datetime
from functools import cache
from typing import Any

from channels.layers import get_channel_layer
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from ...conf import PREFIX, get_setting, publisher_class_or_none
from .base import PresenceBackend
from .layer import layer_redis

__all__ = [
    "PresenceBackend",
    "counts_or_none",
    "get_presence",
    "get_presence_class",
    "trend_or_none",
]

_lock = threading.Lock()


def get_presence_class() -> type:
    """Return the class named by ``WAGTAIL_LIVE_PRESENCE_BACKEND``, or the one that suits.

    With no setting: the one the publisher names (``presence_backend``: its readers are
    counted elsewhere, as Nchan's are), else the Redis backend when the default channel
    layer is channels-redis, this process's memory otherwise.
    """
    path = get_setting("PRESENCE_BACKEND") or getattr(
        publisher_class_or_none(), "presence_backend", None
    )
    if path:
        return import_string(path)
    if layer_redis(get_channel_layer()) is not None:
        from .redis_backend import RedisPresence

        return RedisPresence
    from .memory import MemoryPresence

    return MemoryPresence


@cache
def _presence() -> PresenceBackend:
    return get_presence_class()()


def get_presence() -> PresenceBackend:
    """Return the one presence backend of this process."""
    # Under a lock: two instances would split the in-memory backend's counts.
    with _lock:
        return _presence()


@receiver(setting_changed)
def _reset_presence(*, setting: str, **kwargs: Any) -> None:
    # As conf._reset_caches: override_settings must take effect.
    if setting in {"CHANNEL_LAYERS", PREFIX + "PUBLISHER"} or setting.startswith(
        PREFIX + "PRESENCE_"
    ):
        with _lock:
            _presence.cache_clear()


# The admin and the publisher read counts through these two: when presence cannot
# answer (its Redis is down), a page still renders and a publish still succeeds,
# and they say the number is unknown rather than show a 0 that is not true.


def counts_or_none(channel_ids: Iterable[str]) -> dict[str, int] | None:
    """``get_presence().counts(channel_ids)``, or None (logged) when presence cannot answer."""
    presence = get_presence()
    try:
        counts = presence.counts(channel_ids)
    except Exception as exc:
        presence.unreachable(exc)
        return None
    presence.reachable()
    return counts


def trend_or_none(
    channel_ids: Iterable[str], *, since: datetime
) -> dict[str, list[tuple[datetime, int]]] | None:
    """``get_presence().trend(...)``, or None (logged) when presence cannot answer."""
    presence = get_presence()
    try:
        trend = presence.trend(channel_ids, since=since)
    except Exception as exc:
        presence.unreachable(exc)
        return None
    presence.reachable()
    return trend
