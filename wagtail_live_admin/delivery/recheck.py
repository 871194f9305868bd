"""Admit open readers again when a page stops being theirs to read.

A reader is admitted when the socket opens. When a page becomes private (a view
restriction on it or on an ancestor is added or narrowed), is unpublished, moved
or deleted, every consumer on the channels of the pages concerned gets a
``live.recheck`` event once the change commits; each runs admission again for its
own user and session, and closes with 4403 or 4404 if it no longer passes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.models import PageViewRestriction
from wagtail.signals import page_unpublished, post_page_move

from ..live.pages import live_page_models
from ..realtime.groups import live_group_name

logger = logging.getLogger(__name__)

# The event type the consumer handles (LiveConsumer.live_recheck).
RECHECK_EVENT = "live.recheck"


def channels_at_or_below(page) -> list[str]:
    """Return the channel ids of ``page`` and of every live page model below it."""
    return [
        channel_id
        for model in live_page_models()
        for channel_id in model._default_manager.descendant_of(page, inclusive=True)
        .exclude(channel_id=None)
        .values_list("channel_id", flat=True)
    ]


def send_recheck(channel_ids: Iterable[str]) -> None:
    """Ask every reader of these channels to be admitted again; log, never raise, on failure."""
    layer = get_channel_layer()
    channel_ids = sorted(set(channel_ids))
    if layer is None or not channel_ids:
        return

    async def send_all():
        for channel_id in channel_ids:
            await layer.group_send(live_group_name(channel_id), {"type": RECHECK_EVENT})

    try:
        async_to_sync(send_all)()
    except Exception as exc:
        # The updates travel the same layer: while it is down, nobody receives them either.
        logger.warning("Could not ask readers of %s to be admitted again: %r", channel_ids, exc)


def recheck_after_commit(channel_ids: Iterable[str]) -> None:
    """Send the recheck once the current transaction commits (at once outside one)."""
    channel_ids = list(channel_ids)
    if channel_ids:
        transaction.on_commit(partial(send_recheck, channel_ids), robust=True)


def recheck_on_restriction_saved(sender, instance, raw=False, **kwargs):
    # A new restriction, or a changed type or password, may turn readers away.
    if not raw:
        recheck_after_commit(channels_at_or_below(instance.page))


def recheck_on_restriction_groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    # Wagtail saves a group restriction first and its groups next: both steps recheck.
    if reverse and action == "pre_clear":
        # group.pageviewrestriction_set.clear(): which restrictions is known only before.
        instance._live_cleared_restrictions = list(instance.pageviewrestriction_set.all())
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        restrictions = [instance]
    elif action == "post_clear":
        restrictions = vars(instance).pop("_live_cleared_restrictions", [])
    else:  # group.pageviewrestriction_set changed: pk_set holds restrictions
        restrictions = PageViewRestriction.objects.filter(pk__in=pk_set).select_related("page")
    recheck_after_commit(
        channel_id
        for restriction in restrictions
        for channel_id in channels_at_or_below(restriction.page)
    )


def recheck_on_page_moved(sender, instance, parent_page_before, parent_page_after, **kwargs):
    # Under another parent, the page inherits other restrictions.
    if parent_page_before.pk != parent_page_after.pk:
        recheck_after_commit(channels_at_or_below(instance))


def recheck_on_live_page_gone(sender, instance, **kwargs):
    # Unpublished or deleted: its readers get 4404.
    if getattr(instance, "channel_id", None):
        recheck_after_commit([instance.channel_id])


def register_recheck_handlers() -> None:
    uid = "wagtail_live_admin.recheck"
    post_save.connect(
        recheck_on_restriction_saved, sender=PageViewRestriction, dispatch_uid=f"{uid}.saved"
    )
    m2m_changed.connect(
        recheck_on_restriction_groups_changed,
        sender=PageViewRestriction.groups.through,
        dispatch_uid=f"{uid}.groups",
    )
    post_page_move.connect(recheck_on_page_moved, dispatch_uid=f"{uid}.moved")
    page_unpublished.connect(recheck_on_live_page_gone, dispatch_uid=f"{uid}.unpublished")
    for model in live_page_models():
        post_delete.connect(
            recheck_on_live_page_gone,
            sender=model,
            dispatch_uid=f"{uid}.deleted.{model._meta.label}",
        )
