"""Retention of the publish log: which entries ``live_prune_log`` deletes, and how.

The rule: an entry is pruned when it is older than the age limit, or when it was sent
and is beyond the newest ``per_channel`` entries of its channel. The cap counts every
entry, but a ``failed`` or ``pending`` entry was never delivered: it is kept (until the
age limit) so that someone can look at it and push it again.

Pruning never touches ``ChannelSequence``: a channel's numbering goes on from its last
``seq``, and a reader whose gap the log no longer holds gets a snapshot instead.
"""

from __future__ import annotations

import enum
from collections import Counter
from datetime import datetime, timedelta

from django.db.models import Count, QuerySet
from django.utils import timezone

from ..conf import get_setting
from .models import ChannelSequence, PublishLogEntry

# Rows deleted per statement: each batch is its own short transaction, so a prune of
# a large log never holds locks for long nor loads more than this many ids at once.
BATCH_SIZE = 1000


class _Default(enum.Enum):
    FROM_SETTINGS = enum.auto()


# The default of prune_publish_log's limits: None is a value of its own (no limit).
FROM_SETTINGS = _Default.FROM_SETTINGS


def check_limit(value, name: str) -> int | None:
    """Return ``value`` if it is None or a whole number from 0, else raise ValueError."""
    if value is None or (isinstance(value, int) and not isinstance(value, bool) and value >= 0):
        return value
    raise ValueError(f"{name} must be a whole number from 0, or None for no limit; not {value!r}.")


def prune_publish_log(
    *,
    days: int | None | _Default = FROM_SETTINGS,
    per_channel: int | None | _Default = FROM_SETTINGS,
    channel_id: str | None = None,
    dry_run: bool = False,
    batch_size: int = BATCH_SIZE,
) -> dict[str, int]:
    """Delete the entries the retention rule lets go; return how many, by channel.

    ``days`` and ``per_channel`` default to ``WAGTAIL_LIVE_LOG_RETENTION_DAYS`` and
    ``WAGTAIL_LIVE_LOG_RETENTION_PER_CHANNEL``. ``channel_id`` limits the prune to one
    channel. With ``dry_run`` nothing is deleted and the counts say what would be.
    """
    if days is FROM_SETTINGS:
        days = get_setting("LOG_RETENTION_DAYS")
    if per_channel is FROM_SETTINGS:
        per_channel = get_setting("LOG_RETENTION_PER_CHANNEL")
    days = check_limit(days, "days")
    per_channel = check_limit(per_channel, "per_channel")
    cutoff = None if days is None else timezone.now() - timedelta(days=days)
    # Thresholds first, from the whole log: the two passes then delete disjoint sets
    # (old entries; young sent entries beyond the cap), and a dry run counts the same.
    thresholds = {} if per_channel is None else cap_thresholds(per_channel, channel_id)
    counts: Counter[str] = Counter()
    if cutoff is not None:
        counts.update(prune_by_age(cutoff, channel_id, dry_run=dry_run, batch_size=batch_size))
    for channel, threshold in thresholds.items():
        beyond = beyond_cap(channel, threshold, cutoff)
        counts[channel] += beyond.count() if dry_run else delete_by_seq(beyond, batch_size)
    return {channel: count for channel, count in sorted(counts.items()) if count}


def cap_thresholds(keep: int, channel_id: str | None = None) -> dict[str, int]:
    """Map each channel with more than ``keep`` entries to the lowest ``seq`` it keeps."""
    # ChannelSequence has one small row per channel that ever published (record() writes
    # it with each entry); a DISTINCT over the log would read the log's whole index.
    channels = ChannelSequence.objects.order_by("channel_id").values_list("channel_id", flat=True)
    if channel_id is not None:
        channels = channels.filter(channel_id=channel_id)
    thresholds = {}
    for channel in channels:
        # Newest first along the (channel_id, -seq) index: the keep-th entry, or the
        # newest one plus one when nothing is to be kept.
        seqs = PublishLogEntry.objects.filter(channel_id=channel).order_by("-seq")
        seqs = seqs.values_list("seq", flat=True)
        if keep == 0:
            newest = seqs.first()
            threshold = None if newest is None else newest + 1
        else:
            threshold = next(iter(seqs[keep - 1 : keep]), None)
        if threshold is not None:
            thresholds[channel] = threshold
    return thresholds


def beyond_cap(channel_id: str, threshold: int, cutoff: datetime | None) -> QuerySet:
    """The sent entries of a channel below its threshold (the old ones go by age)."""
    entries = PublishLogEntry.objects.filter(
        channel_id=channel_id, seq__lt=threshold, status=PublishLogEntry.Status.SENT
    )
    return entries if cutoff is None else entries.filter(created_at__gte=cutoff)


def prune_by_age(
    cutoff: datetime, channel_id: str | None, *, dry_run: bool, batch_size: int
) -> Counter[str]:
    """Delete (or count) the entries published before ``cutoff``, by channel."""
    old = PublishLogEntry.objects.filter(created_at__lt=cutoff)
    if channel_id is not None:
        old = old.filter(channel_id=channel_id)
    if dry_run:
        rows = old.order_by().values("channel_id").annotate(count=Count("pk"))
        return Counter({row["channel_id"]: row["count"] for row in rows})
    counts: Counter[str] = Counter()
    # Every row found is deleted, so each batch simply takes the next ones the
    # created_at index yields, until none is left.
    while batch := list(old.order_by().values_list("pk", "channel_id")[:batch_size]):
        delete_pks([pk for pk, _ in batch])
        counts.update(channel for _, channel in batch)
    return counts


def delete_by_seq(entries: QuerySet, batch_size: int) -> int:
    """Delete the entries of one channel in batches along its seq; return how many."""
    deleted = 0
    after = 0
    # Keyset by seq: each batch starts where the last one ended, rather than walking
    # again over the failed and pending entries that stay.
    while batch := list(
        entries.filter(seq__gt=after).order_by("seq").values_list("pk", "seq")[:batch_size]
    ):
        deleted += delete_pks([pk for pk, _ in batch])
        after = batch[-1][1]
    return deleted


def delete_pks(pks: list[int]) -> int:
    """Delete these entries in one short transaction; return how many went."""
    # Re-pushes of a deleted entry keep their own row: republish_of is SET_NULL,
    # which is why Django deletes via its collector; only() keeps the rows it loads
    # down to their ids.
    _, by_model = PublishLogEntry.objects.filter(pk__in=pks).only("pk").delete()
    return by_model.get(PublishLogEntry._meta.label, 0)
