"""Signal handlers of delivery, connected once from ``AppConfig.ready()``."""

from wagtail.log_actions import get_active_log_context

from ..live.blocks import render_posts
from ..live.pins import pinned_post_ids
from ..signals import live_page_update
from .models import PublishLogEntry
from .recheck import register_recheck_handlers
from .spine import Update, submit

# wagtail-live connected its publisher under this uid; code that disconnects it still works.
PUBLISHER_DISPATCH_UID = "live_publisher"


def publish_live_page_update(
    sender, channel_id, renders, removals, *, page=None, trigger=None, user=None, **kwargs
):
    """Render the changed posts, as ``BaseWebsocketPublisher.__call__`` does, and submit them.

    The publisher's ``publish`` runs after the commit, through the spine: a rollback
    sends nothing, and every update is in the publish log.
    """
    if user is None:
        # An admin request (the page editor's Publish) names its user to the audit log.
        log_context = get_active_log_context()
        user = log_context.user if log_context else None
    update = Update(
        channel_id,
        render_posts(renders, pinned=pinned_post_ids(page) if renders else frozenset()),
        list(removals),
        page=page,
        trigger=trigger or PublishLogEntry.Trigger.PUBLISH,
        user=user,
    )
    return submit(update)


def register_signal_handlers() -> None:
    live_page_update.connect(
        publish_live_page_update, weak=False, dispatch_uid=PUBLISHER_DISPATCH_UID
    )
    register_recheck_handlers()
