"""uvicorn's websocket protocol, holding less per open socket: for crowds of readers.

``uvicorn mysite.asgi:application --ws wagtail_live_admin.realtime.uvicorn_protocol:\
WebSocketProtocol`` (one argument; docs/how-to/several-processes.md).
"""

from __future__ import annotations

import asyncio
import contextlib

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol


class Inbox:
    """What uvicorn uses of ``asyncio.Queue`` for a socket's incoming messages.

    A queue allocates three deques and an Event up front (about 3 KB); a reader's socket
    mostly waits with nothing in it. Lists are made only while messages or receives wait.
    """

    __slots__ = ("_items", "_getters")

    def __init__(self):
        self._items: list | None = None
        self._getters: list[asyncio.Future] | None = None

    def qsize(self) -> int:
        return len(self._items) if self._items else 0

    def empty(self) -> bool:
        return not self._items

    def put_nowait(self, item) -> None:
        if self._items is None:
            self._items = []
        self._items.append(item)
        self._wake_next()

    def get_nowait(self):
        if not self._items:
            raise asyncio.QueueEmpty
        item = self._items.pop(0)
        if not self._items:
            self._items = None
        return item

    async def get(self):
        while not self._items:
            getter = asyncio.get_running_loop().create_future()
            if self._getters is None:
                self._getters = []
            self._getters.append(getter)
            try:
                await getter
            except BaseException:
                # As asyncio.Queue does: a receive cancelled after it was woken hands
                # the wake-up to the next one, so no message is left unread.
                getter.cancel()
                with contextlib.suppress(ValueError):
                    self._getters.remove(getter)
                if self._items and not getter.cancelled():
                    self._wake_next()
                raise
            finally:
                if not self._getters:
                    self._getters = None
        return self.get_nowait()

    def _wake_next(self) -> None:
        while self._getters:
            getter = self._getters.pop(0)
            if not getter.done():
                getter.set_result(None)
                return


class Writable:
    """What uvicorn uses of ``asyncio.Event`` to hold sends while the socket's buffer is
    full: an Event exists only then."""

    __slots__ = ("_paused",)

    def __init__(self):
        self._paused: asyncio.Event | None = None

    def is_set(self) -> bool:
        return self._paused is None

    def set(self) -> None:
        if self._paused is not None:
            self._paused.set()  # wakes the sends waiting on it
            self._paused = None

    def clear(self) -> None:
        if self._paused is None:
            self._paused = asyncio.Event()

    async def wait(self) -> bool:
        if self._paused is not None:
            await self._paused.wait()
        return True


class WebSocketProtocol(WebSocketsSansIOProtocol):
    """uvicorn's ``websockets-sansio`` protocol, unchanged on the wire.

    Per socket it keeps neither the handshake's request and response once answered (the
    scope has the headers) nor a queue and an Event that wait empty: about 5 KB a reader,
    a third of what uvicorn holds (docs/performance.md).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.queue = Inbox()
        self.writable = Writable()

    def handle_connect(self, event) -> None:
        super().handle_connect(event)
        self.request = None
        # websockets' parser keeps the request as long as the socket is open: its headers
        # (a list each) were a fifth of the objects the garbage collector walked per reader.
        event.headers.clear()

    def start_keepalive(self) -> None:
        # Called once the handshake's answer is sent (not on each send: no cost per update).
        self.response = None
        super().start_keepalive()
