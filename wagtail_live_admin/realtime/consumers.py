"""``LiveConsumer``: one reader's websocket on a live page's channel.

It is thin: it admits the reader (``access.refusal``, the rule the catch-up endpoint
follows too), joins the channel's group, counts the reader (``presence``) and forwards
frames that the publisher encoded once. It writes nothing to the database and renders
nothing. When a page's privacy or publication changes, ``recheck`` asks its readers'
consumers to run admission again.

The channel's group is joined once per process (``fanout``), which hands each message
sent to the group to every local reader's handler for its type (``live.update`` ->
``live_update``, ``live.recheck`` -> ``live_recheck``). A reader has no layer channel of
its own: send to the group.
"""

import asyncio
import json
import logging
import uuid

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer

from ..conf import get_setting
from . import fanout
from .admission import FORBIDDEN, NOT_LIVE, refusal
from .connection_limit import client_address, open_sockets
from .groups import live_group_name
from .presence import get_presence

logger = logging.getLogger(__name__)

# Close codes (documented in docs/reference/websocket.md).
CLOSE_NOT_FOUND = 4404  # unknown channel, or its page is not live
CLOSE_FORBIDDEN = 4403  # the reader may not view the page
CLOSE_BAD_FRAME = 4400  # a malformed, unknown or oversized client frame
CLOSE_TOO_MANY = 4429  # the client's address holds MAX_CONNECTIONS_PER_CLIENT sockets already
CLOSE_LAYER_LOST = fanout.CLOSE_LAYER_LOST  # 4503: the process lost the layer; reconnect

_REFUSAL_CODES = {NOT_LIVE: CLOSE_NOT_FOUND, FORBIDDEN: CLOSE_FORBIDDEN}


def _admission(channel_id: str, scope) -> int | None:
    """Return the close code that refuses this reader, or None to admit them."""
    return _REFUSAL_CODES.get(refusal(channel_id, scope.get("user"), scope.get("session")))


def _parse_client_frame(text_data: str | None, limit: int):
    """Return the client's message as Python data, or None for anything not worth reading."""
    # Characters first (cheap, and never fewer than bytes), then the UTF-8 bytes; a lone
    # surrogate (no UTF-8 at all) counts as bytes too rather than failing to encode.
    if text_data is None or len(text_data) > limit:
        return None
    if len(text_data.encode(errors="surrogatepass")) > limit:
        return None
    try:
        return json.loads(text_data)
    except (ValueError, RecursionError):  # RecursionError: very deeply nested JSON
        return None


class LiveConsumer(AsyncWebsocketConsumer):
    channel_id = None
    group_name = None
    # The address counted against WAGTAIL_LIVE_MAX_CONNECTIONS_PER_CLIENT, while counted.
    counted_address = None
    # Channels gives a consumer a layer channel, and a receive waiting on it, only when
    # this alias names a configured layer: a reader needs neither (see ``fanout``).
    channel_layer_alias = None
    _recheck_lock = None

    async def connect(self):
        self.channel_id = self.scope["url_route"]["kwargs"]["channel_id"]
        address = client_address(self.scope)
        if not open_sockets.add(address, limit=get_setting("MAX_CONNECTIONS_PER_CLIENT")):
            logger.warning(
                "Refused a live socket from %s: it has %s open in this process already "
                "(WAGTAIL_LIVE_MAX_CONNECTIONS_PER_CLIENT).",
                address,
                open_sockets.count(address),
            )
            await self._refuse(CLOSE_TOO_MANY)
            return
        self.counted_address = address
        try:
            await self._admit()
        except BaseException:
            # No disconnect() follows a connect() that raised: uncount the socket here.
            self._uncount()
            raise

    async def _admit(self) -> None:
        code = await database_sync_to_async(_admission)(self.channel_id, self.scope)
        if code is not None:
            await self._refuse(code)
            return
        # Join before accepting, so no update falls between the two, and so that an
        # open socket is a counted one.
        self.group_name = live_group_name(self.channel_id)
        self.channel_layer = get_channel_layer()
        # The reader's name in presence counts, unique across processes.
        self.channel_name = f"live-reader.{uuid.uuid4().hex}"
        await fanout.join(self.channel_layer, self.group_name, self)
        await self._presence("join")
        await self.accept()

    async def _refuse(self, code: int) -> None:
        # A close before accept reaches the browser as HTTP 403 without a code:
        # accept first so the reader's script learns why.
        await self.accept()
        await self.close(code=code)

    async def disconnect(self, code):
        await self._leave()
        self._uncount()

    async def _leave(self) -> None:
        """Stop receiving the channel's updates and stop counting as its reader."""
        if self.group_name is not None:
            group_name, self.group_name = self.group_name, None
            await self._presence("leave")
            await fanout.leave(self.channel_layer, group_name, self)

    def _uncount(self) -> None:
        if self.counted_address is not None:
            open_sockets.remove(self.counted_address)
            self.counted_address = None

    async def _presence(self, action: str) -> None:
        # Counting readers is a convenience: its failure (Redis down) costs the reader nothing.
        try:
            await getattr(get_presence(), action)(self.channel_id, self.channel_name)
        except Exception as exc:
            logger.warning("Presence %s failed on channel %r: %r", action, self.channel_id, exc)

    async def websocket_receive(self, message):
        # Channels' own reads message["bytes"] when "text" is None, a KeyError on a
        # message that carries neither: read both, as the ASGI spec allows either.
        await self.receive(text_data=message.get("text"), bytes_data=message.get("bytes"))

    async def receive(self, text_data=None, bytes_data=None):
        """Answer the one message readers may send, ``{"type": "ping"}``; close on anything else."""
        message = _parse_client_frame(text_data, get_setting("MAX_CLIENT_FRAME_BYTES"))
        if isinstance(message, dict) and message.get("type") == "ping":
            await self.send(text_data='{"type":"pong"}')
            return
        logger.info("Closing a live socket after an unexpected client frame.")
        await self.close(code=CLOSE_BAD_FRAME)

    async def live_update(self, event):
        """Forward an update frame, encoded once by the publisher, to this reader."""
        if self.group_name is not None:  # not after a recheck turned the reader away
            await self.send(text_data=event["frame"])

    async def live_recheck(self, event):
        """Run admission again (the page's privacy or publication changed); close if refused."""
        # The fan-out runs each event's handler as a task of its own, so two rechecks of
        # one change may overlap: one at a time, and the second finds the reader gone.
        if self._recheck_lock is None:
            self._recheck_lock = asyncio.Lock()
        async with self._recheck_lock:
            if self.group_name is None:
                return
            code = await database_sync_to_async(_admission)(self.channel_id, self.scope)
            if code is not None:
                # Leave first: no update queued behind this event reaches the reader.
                await self._leave()
                logger.info("Closing a live socket on channel %r with %s.", self.channel_id, code)
                await self.close(code=code)
