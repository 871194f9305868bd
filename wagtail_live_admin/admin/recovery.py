"""Failed updates that readers got anyway, through the catch-up endpoint.

A push that fails does not reach the readers' sockets, but each reader asks the
catch-up endpoint for what it missed when its socket comes back or it sees a gap,
and the endpoint counts each catch-up that serves a failed update (``caught_up``).
Readers who open the page later get the page as it is, update included. So once as
many catch-ups served the update as readers watched when it was published (the
presence trend's last sample before it), they all have it: the failure is recovered.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils.translation import gettext as _

from ..realtime.presence import trend_or_none

# How far before a failure to look for the readers then (presence samples once a minute).
LOOK_BACK = timedelta(hours=1)


def readers_at(samples: list[tuple[datetime, int]], at: datetime) -> int | None:
    """The readers counted last at or before ``at``; None where no sample is that old."""
    before = [count for sampled_at, count in samples if sampled_at <= at]
    return before[-1] if before else None


def is_recovered(caught_up: int, readers_then: int | None) -> bool:
    """Whether the catch-ups that served a failed update reached every reader it had."""
    return caught_up >= max(1, readers_then or 0)


def mark_recovered(entries) -> None:
    """Set ``recovered`` on each entry: failed, and every reader it had caught up on it.

    Asks presence for its trend only when a failed entry has been caught up on at all.
    """
    candidates = [entry for entry in entries if entry.status == "failed" and entry.caught_up]
    for entry in entries:
        entry.recovered = False
    if not candidates:
        return
    since = min(entry.created_at for entry in candidates) - LOOK_BACK
    trends = trend_or_none({entry.channel_id for entry in candidates}, since=since) or {}
    for entry in candidates:
        samples = trends.get(entry.channel_id, [])
        entry.recovered = is_recovered(entry.caught_up, readers_at(samples, entry.created_at))


def leave_out_recovered(channels) -> None:
    """Move the recovered failures of re-push plans (``plan_failed``) to the skipped ones:
    their readers have them, and the dashboard no longer counts them as not delivered."""
    mark_recovered([plan.original for channel in channels for plan in channel.plans])
    for channel in channels:
        recovered = [plan for plan in channel.plans if plan.original.recovered]
        if recovered:
            channel.plans = [plan for plan in channel.plans if not plan.original.recovered]
            reason = _("every reader got it from the catch-up endpoint (recovered)")
            channel.skipped += [(plan.original, reason) for plan in recovered]
