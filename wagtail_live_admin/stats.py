"""What the Live dashboard shows per channel, fetched for a whole page of rows at once.

A fixed number of queries and Redis round trips whatever the number of channels:
the dashboard's cost must not grow with the site.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from datetime import timedelta
from functools import reduce

from django.db.models import Count, Q
from django.utils import timezone

from .conf import get_setting
from .models import ChannelSequence, PublishLogEntry
from .presence import get_presence
from .trend import bucket_samples

DAY = timedelta(hours=24)
SPARKLINE_BUCKETS = 48


@dataclass
class ChannelStats:
    subscribers: int = 0
    peak: int = 0  # the most subscribers in the last 24 h (or the trend window if shorter)
    trend: list[int] = field(default_factory=list)  # SPARKLINE_BUCKETS values, oldest first
    last_entry: PublishLogEntry | None = None
    failures: int = 0  # failed publishes in the last 24 h


def trend_window() -> timedelta:
    return timedelta(seconds=get_setting("PRESENCE_TREND_WINDOW"))


def latest_entries(channel_ids: list[str]) -> dict[str, PublishLogEntry]:
    """Each channel's latest entry, in two queries whatever the size of the log.

    The pairs (channel, last seq) are looked up in the (channel_id, -seq) index; a
    subquery per row instead reads every entry of the channels (50 ms at 1,000,000).
    """
    last = ChannelSequence.objects.filter(channel_id__in=channel_ids).values_list(
        "channel_id", "last_seq"
    )
    pairs = [Q(channel_id=channel_id, seq=seq) for channel_id, seq in last]
    if not pairs:
        return {}
    entries = PublishLogEntry.objects.filter(reduce(operator.or_, pairs)).only(
        "channel_id", "seq", "status", "error", "created_at"
    )
    return {entry.channel_id: entry for entry in entries}


def channel_stats(channel_ids, *, buckets: int = SPARKLINE_BUCKETS) -> dict[str, ChannelStats]:
    ids = list(dict.fromkeys(channel_ids))
    if not ids:
        return {}
    now = timezone.now()
    presence = get_presence()
    since = now - trend_window()
    counts = presence.counts(ids)
    trends = presence.trend(ids, since=since)
    last_entries = latest_entries(ids)
    failures = dict(
        PublishLogEntry.objects.filter(
            channel_id__in=ids, status=PublishLogEntry.Status.FAILED, created_at__gte=now - DAY
        )
        .order_by()
        .values_list("channel_id")
        .annotate(count=Count("pk"))
    )
    stats = {}
    for channel_id in ids:
        # The count now is the trend's latest point (samples are taken once a minute).
        samples = [*trends.get(channel_id, []), (now, counts.get(channel_id, 0))]
        stats[channel_id] = ChannelStats(
            subscribers=counts.get(channel_id, 0),
            peak=max(count for at, count in samples if at >= now - DAY),
            trend=bucket_samples(samples, since=since, until=now, buckets=buckets),
            last_entry=last_entries.get(channel_id),
            failures=failures.get(channel_id, 0),
        )
    return stats
