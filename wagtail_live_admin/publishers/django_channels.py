"""The Django Channels publisher: each update is logged, then sent through the channel layer."""

import logging
import time
from contextvars import ContextVar
from functools import partial

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import get_active_log_context

from ..models import PublishLogEntry
from ..realtime.consumers import LiveConsumer
from ..realtime.groups import live_group_name
from ..realtime.presence import counts_or_none
from ..realtime.routing import websocket_urlpatterns
from .websocket import BaseWebsocketPublisher

logger = logging.getLogger(__name__)

# The event type the consumer handles (LiveConsumer.live_update).
UPDATE_EVENT = "live.update"

# The live_page_update arguments beyond wagtail-live's (page, trigger), for publish():
# its signature is wagtail-live's and stays so.
_update_context: ContextVar[dict | None] = ContextVar("wagtail_live_admin_update", default=None)


class ChannelLayerMissing(RuntimeError):
    pass


async def asend_frame(channel_id: str, frame: str, *, layer=None) -> None:
    """Push an encoded frame to the channel's group; raise when the layer does not take it."""
    layer = layer or get_channel_layer()
    if layer is None:
        raise ChannelLayerMissing("No channel layer is configured (CHANNEL_LAYERS).")
    await layer.group_send(live_group_name(channel_id), {"type": UPDATE_EVENT, "frame": frame})


def send_frame(channel_id: str, frame: str) -> None:
    """``asend_frame`` for synchronous code (the publisher runs after the commit)."""
    async_to_sync(asend_frame)(channel_id, frame)


def deliver(entry: PublishLogEntry) -> bool:
    """Send a logged entry and record how it went; return whether the layer took it.

    A failure is recorded and logged, never raised: the editor's publish has
    already succeeded, and the entry stays in the log to be sent again.
    """
    started = time.perf_counter()
    try:
        send_frame(entry.channel_id, entry.frame())
    except Exception as exc:
        logger.warning(
            "Could not send update #%s of channel %r: %r", entry.seq, entry.channel_id, exc
        )
        entry.mark(PublishLogEntry.Status.FAILED, error=f"{type(exc).__name__}: {exc}")
        return False
    duration_ms = (time.perf_counter() - started) * 1000
    entry.mark(
        PublishLogEntry.Status.SENT,
        error="",
        sent_at=timezone.now(),
        duration_ms=duration_ms,
        subscribers=readers_now(entry.channel_id),
    )
    return True


def readers_now(channel_id: str) -> int | None:
    """How many readers the update went to (None when presence cannot tell)."""
    counts = counts_or_none([channel_id])
    return None if counts is None else counts[channel_id]


class DjangoChannelsPublisher(BaseWebsocketPublisher):
    """Log each update with the channel's next ``seq``; send it once the transaction commits."""

    def __call__(self, sender, channel_id, renders, removals, **kwargs):
        token = _update_context.set(kwargs)
        try:
            return super().__call__(sender, channel_id, renders, removals, **kwargs)
        finally:
            _update_context.reset(token)

    def publish(self, channel_id, renders, removals):
        context = _update_context.get() or {}
        log_context = get_active_log_context()
        entry = PublishLogEntry.objects.record(
            channel_id,
            renders,
            removals,
            page=context.get("page"),
            trigger=context.get("trigger", PublishLogEntry.Trigger.PUBLISH),
            user=context.get("user") or (log_context.user if log_context else None),
        )
        # The entry is written with the page; a rollback takes both away and sends nothing.
        transaction.on_commit(partial(deliver, entry), robust=True)
        return entry


# wagtail-live's names, so a site moves over by renaming the import prefix.
DjangoChannelsApp = LiveConsumer
live_websocket_route = websocket_urlpatterns
