"""``LiveConsumer``: one reader's websocket on a live page's channel.

Thin: it admits the reader (``admission``, or ``public_pages`` from memory), joins the
channel through this process's one group membership (``fanout``), counts the reader
(``presence``), sends its catch-up if it asks (``catch_up``) and forwards frames the
publisher encoded once. ``recheck`` runs admission again; on SIGTERM, ``shutdown`` lets
its readers go. It writes and renders nothing.
"""

import asyncio
import contextlib
import logging
import uuid

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from ..conf import get_setting
from . import catch_up, fanout, public_pages, shutdown
from .admission import FORBIDDEN, NOT_LIVE, admit, judge
from .backlog import Backlog
from .client_frames import parse_client_frame
from .connection_limit import client_address, open_sockets
from .groups import live_group_name
from .identity import reader_identity
from .presence import get_presence
from .sockets import LeanWebsocketConsumer

logger = logging.getLogger(__name__)

# Close codes (documented in docs/reference/websocket.md).
CLOSE_NOT_FOUND = 4404  # unknown channel, or its page is not live
CLOSE_FORBIDDEN = 4403  # the reader may not view the page
CLOSE_BAD_FRAME = 4400  # a malformed, unknown or oversized client frame
CLOSE_TOO_MANY = 4429  # the client's address holds MAX_CONNECTIONS_PER_CLIENT sockets already
CLOSE_LAYER_LOST = fanout.CLOSE_LAYER_LOST  # 4503: the process lost the layer; reconnect
CLOSE_TOO_SLOW = 4408  # more than MAX_UNSENT_BYTES of updates wait for the reader; reconnect
CLOSE_GOING_AWAY = shutdown.CLOSE_GOING_AWAY  # 4001: the server process stops; reconnect

_REFUSAL_CODES = {NOT_LIVE: CLOSE_NOT_FOUND, FORBIDDEN: CLOSE_FORBIDDEN}


def _admission(channel_id: str, scope, page_id=None) -> tuple[int | None, int | None]:
    """Return the close code that refuses this reader (None to admit them) and their page's id."""
    reason, page_id = admit(channel_id, *reader_identity(scope), page_id=page_id)
    return _REFUSAL_CODES.get(reason), page_id


class LiveConsumer(LeanWebsocketConsumer):
    channel_id = None
    group_name = None
    # The page the reader was admitted to: the channel is theirs only while it has it.
    page_id = None
    # The address counted against WAGTAIL_LIVE_MAX_CONNECTIONS_PER_CLIENT, while counted.
    counted_address = None
    channel_layer = None  # the layer the fan-out joined for the reader, once admitted
    # The bytes of updates the server holds for this reader's socket (``backlog``).
    _backlog: Backlog | None = None
    _admitting: asyncio.Task | None = None
    _released = False
    # The verdict of the latest admission again (or the first, ``_admit``): updates that
    # arrive meanwhile wait for it.
    _verdict: asyncio.Future | None = None

    def closed(self) -> None:
        # However the reader went: closed, or this instance cancelled or killed by the
        # server (daphne does so to an instance that outlives its client by 10 seconds).
        self._release()
        self._uncount()
        shutdown.forget(self)

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
        # Admission waits for the database thread, behind other sockets' admissions: it
        # runs beside this consumer's messages, so that a client who leaves meanwhile
        # (websocket.disconnect) cancels it rather than waits for it.
        self._admitting = asyncio.create_task(self._admit())

    async def _admit(self) -> None:
        # Updates that come once the reader joined wait until its socket is open and its
        # catch-up sent (``catch_up``): then the frames it gets follow on from the catch-up.
        self._verdict = opened = asyncio.get_running_loop().create_future()
        try:
            await self._admit_or_refuse()
        finally:
            # Not kept for the socket's life once done: the task, its coroutine and context.
            self._admitting = None
            opened.set_result(None)  # the updates held go: to the socket, or nowhere
            if self._verdict is opened:
                del self._verdict  # the class's None: nothing kept per reader

    async def _admit_or_refuse(self) -> None:
        if shutdown.stopping():  # before any admission work (database, Redis)
            await self._fail_handshake()
            return
        try:
            code = await self._judge()
            # asgiref finishes a database call that had started when it was cancelled.
            if self._released:
                return
            if code is None:
                await self._join()
                if not shutdown.watch(self):
                    # Told to stop meanwhile: a failure the page retries after a backoff.
                    await self._fail_handshake()
                    return
        except fanout.LayerUnavailable:
            # Logged once per outage by fanout, not once per reader. The page shows
            # "reconnecting" and backs off until the layer answers, then catches up
            # (accepted, it would pass for live and poll the catch-up endpoint).
            await self._fail_handshake()
            return
        except Exception:
            logger.exception("Could not admit a live socket on channel %r.", self.channel_id)
            await self._fail_handshake()  # live.js tries again
            return
        if code is not None:
            await self._refuse(code)
        else:
            await catch_up.accept(self)  # its catch-up first, if it asked for one

    async def _fail_handshake(self) -> None:
        # Closed before accept: the handshake fails (HTTP 403), and nothing stays counted.
        self._release()
        self._uncount()
        await self.close()

    async def _judge(self) -> int | None:
        """Return the close code that refuses this reader (None: admitted); note their page."""
        layer, group = get_channel_layer(), live_group_name(self.channel_id)
        # A public page this process follows, or is judging a reader of: anyone may read it.
        self.page_id = public_pages.admitted_page(layer, group) or (
            await public_pages.being_read(group)
        )
        if self.page_id is not None:
            return None
        mark = public_pages.mark(layer, group)
        with public_pages.reading(group) as found:
            verdict = await database_sync_to_async(judge)(
                self.channel_id, *reader_identity(self.scope)
            )
            found(verdict.page_id if verdict.public else None)
        if verdict.public:
            public_pages.remember(mark, verdict.page_id)
        self.page_id = verdict.page_id
        return _REFUSAL_CODES.get(verdict.reason)

    async def _join(self) -> None:
        # Join before accepting: no update falls between the two; an open socket counts.
        group_name = live_group_name(self.channel_id)
        self.channel_layer = get_channel_layer()
        # The reader's name in presence counts, unique across processes.
        self.channel_name = f"live-reader.{uuid.uuid4().hex}"
        self._backlog = Backlog(self.base_send)
        self._unsent_limit = get_setting("MAX_UNSENT_BYTES")
        await fanout.join(self.channel_layer, group_name, self)
        # Only once joined: a reader the layer turned away has nothing to leave.
        self.group_name = group_name
        # Counting readers is a convenience: its failure (Redis down) costs the reader
        # nothing, and presence logs it once per outage.
        with contextlib.suppress(Exception):
            await get_presence().join(self.channel_id, self.channel_name)

    async def _refuse(self, code: int) -> None:
        # A close before accept reaches the browser as HTTP 403: accept, so it learns why.
        await self.accept()
        await self.close(code=code)

    async def disconnect(self, code):
        await self._leave()
        self._uncount()

    def _release(self) -> list[asyncio.Task]:
        """Take the reader out of its group and presence, at once; stop its admission.

        Synchronous, so that no cancellation stops it half-way. Returns the writes still
        on their way (Redis, the process leaving the group), for a caller that may wait.
        """
        self._released = True
        pending = []
        admitting = self._admitting
        if admitting is not None and admitting is not asyncio.current_task():
            admitting.cancel()
        if self.group_name is not None:
            group_name, self.group_name = self.group_name, None
            pending.append(fanout.discard(self.channel_layer, group_name, self))
            try:
                pending.append(get_presence().discard(self.channel_id, self.channel_name))
            except Exception as exc:
                # Not counted any longer by this process, the member expires within one TTL.
                logger.warning("Presence leave failed on channel %r: %r", self.channel_id, exc)
        return [task for task in pending if task is not None]

    # The process stops: stop delivering to and counting this reader now (``shutdown``).
    let_go = _release

    def _uncount(self) -> None:
        # The socket counts against its address until it is closed, whatever closed it.
        if self.counted_address is not None:
            open_sockets.remove(self.counted_address)
            self.counted_address = None

    async def _leave(self) -> None:
        """Stop receiving the channel's updates and stop counting as its reader."""
        for task in self._release():
            # Shielded: these writes serve other readers too, and need no waiting reader.
            await asyncio.shield(task)

    async def receive(self, text_data=None, bytes_data=None):
        """Answer the one message readers may send, ``{"type": "ping"}``; close on anything else."""
        message = parse_client_frame(text_data, get_setting("MAX_CLIENT_FRAME_BYTES"))
        if isinstance(message, dict) and message.get("type") == "ping":
            await self.send(text_data='{"type":"pong"}')
            return
        logger.info("Closing a live socket after an unexpected client frame.")
        await self.close(code=CLOSE_BAD_FRAME)

    async def live_update(self, event):
        """Forward an update frame, encoded once by the publisher, to this reader."""
        if self._verdict is not None and not self._verdict.done():
            # Admission runs again, asked before this update: the update waits for it.
            await asyncio.shield(self._verdict)
        if self.group_name is None:  # not after a recheck turned the reader away
            return
        frame = event["frame"]
        size = len(frame)  # JSON with ASCII only: its length is its size in bytes
        if self._backlog.over(size, self._unsent_limit):
            await self._fell_behind()
            return
        self._backlog.sending(size)
        try:
            await self.send(text_data=frame)
        finally:
            self._backlog.sent(size)

    async def _fell_behind(self) -> None:
        # Out of the group first: the updates on their way stop here. Its page reconnects
        # and catches up over HTTP; until then nothing more piles up for it.
        self._release()
        logger.info(
            "Closing a live socket on channel %r: %s bytes of updates wait for it "
            "(WAGTAIL_LIVE_MAX_UNSENT_BYTES).",
            self.channel_id,
            self._backlog.unsent,
        )
        await self.close(code=CLOSE_TOO_SLOW)

    async def live_recheck(self, event):
        """Run admission again (the page changed privacy, state or channel); close if refused."""
        # The fan-out runs each event's handler as a task of its own: rechecks take turns,
        # in the order they came, and the updates behind them wait for the last verdict.
        previous, verdict = self._verdict, asyncio.get_running_loop().create_future()
        self._verdict = verdict
        try:
            if previous is not None:
                await asyncio.shield(previous)
            if self.group_name is None:
                return
            code, _ = await database_sync_to_async(_admission)(
                self.channel_id, self.scope, self.page_id
            )
            if code is not None:
                # Leave first: no update queued behind this event reaches the reader.
                self._release()
                logger.info("Closing a live socket on channel %r with %s.", self.channel_id, code)
                await self.close(code=code)
        finally:
            verdict.set_result(None)
