"""The Django Channels publisher: renders reach readers through the channel layer."""

import logging
from functools import partial

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from ..consumers import LiveConsumer
from ..frames import encode_frame
from ..groups import live_group_name
from ..routing import websocket_urlpatterns
from .websocket import BaseWebsocketPublisher

logger = logging.getLogger(__name__)

# The event type the consumer handles (LiveConsumer.live_update).
UPDATE_EVENT = "live.update"


class DjangoChannelsPublisher(BaseWebsocketPublisher):
    """Send each update to the channel's group once the transaction commits."""

    def publish(self, channel_id, renders, removals):
        frame = encode_frame(channel_id=channel_id, renders=renders, removals=removals)
        # A rolled-back save must send nothing; a save outside a transaction sends now.
        transaction.on_commit(partial(self.send_frame, channel_id, frame), robust=True)

    def send_frame(self, channel_id: str, frame: str) -> bool:
        """Push an encoded frame to the channel's group; return whether the layer took it.

        A failure is logged and swallowed: the editor's publish has already
        succeeded and must not fail because the channel layer is away.
        """
        layer = get_channel_layer()
        if layer is None:
            logger.error("No channel layer is configured; update for %r not sent.", channel_id)
            return False
        try:
            async_to_sync(layer.group_send)(
                live_group_name(channel_id), {"type": UPDATE_EVENT, "frame": frame}
            )
        except Exception:
            logger.exception("Could not send the update for channel %r.", channel_id)
            return False
        return True


# wagtail-live's names, so a site moves over by renaming the import prefix.
DjangoChannelsApp = LiveConsumer
live_websocket_route = websocket_urlpatterns
