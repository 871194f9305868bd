"""``LiveConsumer``: one reader's websocket on a live page's channel.

It is thin: it admits the reader, joins the channel's group, counts the reader
(``presence``) and forwards frames that the publisher encoded once. It writes nothing
to the database and renders nothing.

The channel's group is joined once per process (``fanout``), which hands each message
sent to the group to every local reader's handler for its type (``live.update`` ->
``live_update``). A reader has no layer channel of its own: send to the group.
"""

import json
import logging
import uuid

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer

from . import fanout
from .access import can_view, get_live_page
from .conf import get_setting
from .groups import live_group_name
from .presence import get_presence

logger = logging.getLogger(__name__)

# Close codes (documented in docs/reference/websocket.md).
CLOSE_NOT_FOUND = 4404  # unknown channel, or its page is not live
CLOSE_FORBIDDEN = 4403  # the reader may not view the page
CLOSE_BAD_FRAME = 4400  # a malformed, unknown or oversized client frame


def _admission(channel_id: str, scope) -> int | None:
    """Return the close code that refuses this reader, or None to admit them."""
    page = get_live_page(channel_id)
    if page is None:
        return CLOSE_NOT_FOUND
    if not can_view(page, scope.get("user"), scope.get("session")):
        return CLOSE_FORBIDDEN
    return None


class LiveConsumer(AsyncWebsocketConsumer):
    channel_id = None
    group_name = None
    # Channels gives a consumer a layer channel, and a receive waiting on it, only when
    # this alias names a configured layer: a reader needs neither (see ``fanout``).
    channel_layer_alias = None

    async def connect(self):
        channel_id = self.scope["url_route"]["kwargs"]["channel_id"]
        refusal = await database_sync_to_async(_admission)(channel_id, self.scope)
        if refusal is not None:
            # A close before accept reaches the browser as HTTP 403 without a
            # code: accept first so the reader's script learns why.
            await self.accept()
            await self.close(code=refusal)
            return
        # Join before accepting, so no update falls between the two, and so that an
        # open socket is a counted one.
        self.channel_id = channel_id
        self.group_name = live_group_name(channel_id)
        self.channel_layer = get_channel_layer()
        # The reader's name in presence counts, unique across processes.
        self.channel_name = f"live-reader.{uuid.uuid4().hex}"
        await fanout.join(self.channel_layer, self.group_name, self)
        await self._presence("join")
        await self.accept()

    async def disconnect(self, code):
        if self.group_name is not None:
            await self._presence("leave")
            await fanout.leave(self.channel_layer, self.group_name, self)

    async def _presence(self, action: str) -> None:
        # Counting readers is a convenience: its failure (Redis down) costs the reader nothing.
        try:
            await getattr(get_presence(), action)(self.channel_id, self.channel_name)
        except Exception as exc:
            logger.warning("Presence %s failed on channel %r: %r", action, self.channel_id, exc)

    async def receive(self, text_data=None, bytes_data=None):
        """Answer the one message readers may send, ``{"type": "ping"}``; close on anything else."""
        limit = get_setting("MAX_CLIENT_FRAME_BYTES")
        # Characters first (cheap, and never fewer than bytes), then the UTF-8 bytes.
        if text_data is not None and len(text_data) <= limit and len(text_data.encode()) <= limit:
            try:
                message = json.loads(text_data)
            except ValueError:
                message = None
            if isinstance(message, dict) and message.get("type") == "ping":
                await self.send(text_data='{"type":"pong"}')
                return
        logger.info("Closing a live socket after an unexpected client frame.")
        await self.close(code=CLOSE_BAD_FRAME)

    async def live_update(self, event):
        """Forward an update frame, encoded once by the publisher, to this reader."""
        await self.send(text_data=event["frame"])
