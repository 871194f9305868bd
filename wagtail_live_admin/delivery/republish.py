"""Re-push logged updates to readers: one entry, or every failed one, each with a new seq.

A re-push sends an entry's stored payload again as a new entry of its channel
(trigger "republish", the user, a link to the original), delivered after commit
like any publish. Only updates of the page that has the channel now are re-pushed.
It never sends what would contradict the page as it is now, so these parts are
left out: posts hidden or deleted since (their content must not reach readers
again), posts that a later update already gave readers in a newer version, and
removals of posts that are shown again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from itertools import groupby
from operator import attrgetter

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..live.pages import get_live_page
from .models import PublishLogEntry
from .refusals import (
    RepublishRefused,
    Throttled,
    not_live_message,
    nothing_left_message,
    other_page_message,
)
from .snapshot import shown_post_ids
from .spine import Update, publisher_or_refuse, record, send_on_commit
from .throttle import take_slot

Status = PublishLogEntry.Status
Trigger = PublishLogEntry.Trigger

# A second re-push of the same update this soon after the first is a double click
# (or a retried request), not a decision: it is refused.
DOUBLE_SUBMIT_SECONDS = 10


@dataclass
class RepublishPlan:
    """What re-publishing ``original`` sends now, and what it leaves out (post id: why)."""

    original: PublishLogEntry
    page: object
    renders: dict
    removals: list
    left_out: dict[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.renders and not self.removals


def original_of(entry: PublishLogEntry) -> PublishLogEntry:
    """The entry whose payload a re-push of ``entry`` sends: a re-publish re-pushes its original."""
    if entry.trigger == Trigger.REPUBLISH and entry.republish_of_id:
        return entry.republish_of
    return entry


def newest_sent_versions(channel_id: str, after_seq: int) -> dict[str, int]:
    """Map each post to its newest version sent after ``after_seq``, by the seq it was made at.

    A re-publish carries its original's content, so it counts at its original's seq.
    """
    newest: dict[str, int] = {}
    rows = PublishLogEntry.objects.filter(
        channel_id=channel_id, status=Status.SENT, seq__gt=after_seq
    ).values_list("seq", "republish_of__seq", "renders", "removals")
    for seq, original_seq, renders, removals in rows.iterator():
        made_at = original_seq or seq
        for post_id in [*renders, *map(str, removals)]:
            newest[post_id] = max(newest.get(post_id, 0), made_at)
    return newest


def plan_republish(entry: PublishLogEntry, *, page=None, newest=None) -> RepublishPlan:
    """Work out what re-publishing ``entry`` would send; raise when its channel is not live."""
    original = original_of(entry)
    page = page or get_live_page(original.channel_id)
    if page is None:
        raise RepublishRefused(not_live_message(original.channel_id))
    if original.page_id != page.pk:
        raise RepublishRefused(other_page_message(original))
    shown = shown_post_ids(page)
    if newest is None:
        newest = newest_sent_versions(original.channel_id, original.seq)
    plan = RepublishPlan(original, page, renders={}, removals=[])
    for post_id, render in original.renders.items():
        hides = render.get("show") is False  # wagtail-live's publishers sent hidden posts
        if hides and post_id in shown:
            plan.left_out[post_id] = _("shown on the page again since this update")
        elif not hides and post_id not in shown:
            plan.left_out[post_id] = _("hidden or deleted on the page since this update")
        elif newest.get(post_id, 0) > original.seq:
            plan.left_out[post_id] = _("readers have a newer version, from update #%(seq)s") % {
                "seq": newest[post_id]
            }
        else:
            plan.renders[post_id] = render
    for post_id in original.removals:
        if str(post_id) in shown:
            plan.left_out[str(post_id)] = _("shown on the page again since this update")
        else:
            plan.removals.append(post_id)
    return plan


def _refuse_double_submit(original: PublishLogEntry) -> None:
    recent = (
        original.republishes.filter(
            Q(status=Status.PENDING)
            | Q(created_at__gte=timezone.now() - timedelta(seconds=DOUBLE_SUBMIT_SECONDS))
        )
        .order_by("-seq")
        .first()
    )
    if recent is not None:
        raise RepublishRefused(
            _(
                "Update #%(seq)s of “%(channel_id)s” was re-published a moment ago, as "
                "#%(new_seq)s (%(status)s). It is not sent twice in a row; try again in a "
                "few seconds if you mean to."
            )
            % {
                "seq": original.seq,
                "channel_id": original.channel_id,
                "new_seq": recent.seq,
                "status": recent.get_status_display(),
            }
        )


def republish(entry: PublishLogEntry, user=None, *, throttle=True) -> PublishLogEntry:
    """Re-push ``entry`` as a new entry of its channel; return it, sent or failed.

    The original's row is locked while the new entry is written, so that two
    requests (a double click) cannot both re-push it. Inside an outer transaction
    the new entry goes out when that commits, and is returned pending.
    """
    publisher = publisher_or_refuse()
    with transaction.atomic():
        original = PublishLogEntry.objects.select_for_update().get(pk=original_of(entry).pk)
        _refuse_double_submit(original)
        plan = plan_republish(original)
        if plan.empty:
            raise RepublishRefused(nothing_left_message(original.seq))
        if throttle:
            take_slot(user, original.channel_id)
        new = record(
            Update(
                original.channel_id,
                plan.renders,
                plan.removals,
                page=plan.page,
                trigger=Trigger.REPUBLISH,
                user=user,
                republish_of=original,
            )
        )
        send_on_commit(new, publisher)
    return new


def outstanding_failures(channel_id: str | None = None, since=None):
    """Failed updates that no re-push has fixed yet (none sent, none on its way).

    A failed re-publish is an attempt at its original, which stays outstanding:
    it is not listed itself, so one update is never sent twice in one go.
    """
    entries = (
        PublishLogEntry.objects.filter(status=Status.FAILED)
        .exclude(trigger=Trigger.REPUBLISH, republish_of__isnull=False)
        .exclude(republishes__status__in=[Status.SENT, Status.PENDING])
    )
    if channel_id is not None:
        entries = entries.filter(channel_id=channel_id)
    if since is not None:
        entries = entries.filter(created_at__gte=since)
    return entries.order_by("channel_id", "seq")


@dataclass
class ChannelPlans:
    """The outstanding failures of one channel: what will be sent, and what is skipped, why."""

    channel_id: str
    page: object
    plans: list[RepublishPlan] = field(default_factory=list)
    skipped: list[tuple[PublishLogEntry, str]] = field(default_factory=list)


def plan_failed(channel_id=None, since=None, *, ids=None) -> list[ChannelPlans]:
    """Plan the re-push of every outstanding failure (of ``ids`` only, when given)."""
    entries = outstanding_failures(channel_id, since).select_related("page")
    if ids is not None:
        entries = entries.filter(pk__in=ids)
    channels = []
    for channel, group in groupby(entries, key=attrgetter("channel_id")):
        group = list(group)
        page = get_live_page(channel)
        plans = ChannelPlans(channel, page)
        channels.append(plans)
        if page is None:
            plans.skipped = [(entry, not_live_message(channel)) for entry in group]
            continue
        newest = newest_sent_versions(channel, group[0].seq)
        for entry in group:
            try:
                plan = plan_republish(entry, page=page, newest=newest)
            except RepublishRefused as exc:
                plans.skipped.append((entry, str(exc)))
                continue
            if plan.empty:
                left_out = "; ".join(f"{post}: {why}" for post, why in plan.left_out.items())
                reason = _("nothing is left to send (%(left_out)s)") % {"left_out": left_out}
                plans.skipped.append((entry, reason))
            else:
                plans.plans.append(plan)
    return channels


@dataclass
class Outcome:
    original: PublishLogEntry
    new: PublishLogEntry | None = None
    refused: str = ""


def republish_failed(
    channel_id=None, since=None, user=None, *, ids=None, throttle=True
) -> list[Outcome]:
    """Re-push every outstanding failure, oldest first in each channel; say what became of each.

    A channel counts once against the user's rate, however many updates it re-pushes.
    """
    publisher_or_refuse()
    outcomes = []
    for channel in plan_failed(channel_id, since, ids=ids):
        outcomes += [Outcome(entry, refused=reason) for entry, reason in channel.skipped]
        if not channel.plans:
            continue
        try:
            if throttle:
                take_slot(user, channel.channel_id)
        except Throttled as exc:
            outcomes += [Outcome(plan.original, refused=str(exc)) for plan in channel.plans]
            continue
        for plan in channel.plans:
            try:
                new = republish(plan.original, user, throttle=False)
            except RepublishRefused as exc:
                outcomes.append(Outcome(plan.original, refused=str(exc)))
            else:
                outcomes.append(Outcome(plan.original, new))
    return outcomes
