"""Admit open readers again when a page stops being theirs to read.

A reader is admitted when the socket opens, to the page that has the channel then.
When a page becomes private (a view restriction on it or on an ancestor is added or
narrowed), is unpublished, moved or deleted, or its channel id changes, the spine asks
the publisher, once the change commits, to recheck the readers of the channels
concerned: with Channels each consumer runs admission again for its own user and
session, and closes with 4403 or 4404 if it no longer passes.
"""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from wagtail.models import PageViewRestriction
from wagtail.signals import page_unpublished, post_page_move

from ..live.pages import live_page_models
from .spine import recheck


def channels_at_or_below(page) -> list[str]:
    """Return the channel ids of ``page`` and of every live page model below it."""
    return [
        channel_id
        for model in live_page_models()
        for channel_id in model._default_manager.descendant_of(page, inclusive=True)
        .exclude(channel_id=None)
        .values_list("channel_id", flat=True)
    ]


def recheck_on_restriction_saved(sender, instance, raw=False, **kwargs):
    # A new restriction, or a changed type or password, may turn readers away.
    if not raw:
        recheck(channels_at_or_below(instance.page))


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
    recheck(
        channel_id
        for restriction in restrictions
        for channel_id in channels_at_or_below(restriction.page)
    )


def recheck_on_page_moved(sender, instance, parent_page_before, parent_page_after, **kwargs):
    # Under another parent, the page inherits other restrictions.
    if parent_page_before.pk != parent_page_after.pk:
        recheck(channels_at_or_below(instance))


def note_channel_before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    # The channel id the row has before the save; saves that do not write it are skipped.
    if (
        raw
        or instance.pk is None
        or (update_fields is not None and "channel_id" not in update_fields)
    ):
        return
    saved = sender._default_manager.filter(pk=instance.pk).values_list("channel_id", flat=True)
    instance._live_channel_before_save = saved.first()


def recheck_on_channel_changed(sender, instance, created=False, raw=False, **kwargs):
    # Readers of the old id were admitted to this page, which no longer has it; readers of
    # the new id, to a page that had it before. Neither is theirs now: 4404.
    # A save that did not write the id noted nothing (pre_save skipped it): nothing changed.
    if "_live_channel_before_save" not in vars(instance):
        return
    before = vars(instance).pop("_live_channel_before_save")
    if not (raw or created) and before != instance.channel_id:
        recheck(channel_id for channel_id in (before, instance.channel_id) if channel_id)


def recheck_on_live_page_gone(sender, instance, **kwargs):
    # Unpublished or deleted: its readers get 4404.
    if getattr(instance, "channel_id", None):
        recheck([instance.channel_id])


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
        label = model._meta.label
        pre_save.connect(note_channel_before_save, sender=model, dispatch_uid=f"{uid}.id.{label}")
        post_save.connect(
            recheck_on_channel_changed, sender=model, dispatch_uid=f"{uid}.id_changed.{label}"
        )
        post_delete.connect(
            recheck_on_live_page_gone,
            sender=model,
            dispatch_uid=f"{uid}.deleted.{label}",
        )
