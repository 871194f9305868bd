"""``LeanWebsocketConsumer``: Channels' websocket consumer with less kept per open socket.

No layer channel of its own (``fanout`` receives for a process's readers) and no task per
message: thousands of readers stay open on one process (``LiveConsumer``).
"""

from channels.consumer import get_handler_name
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer


class LeanWebsocketConsumer(AsyncWebsocketConsumer):
    groups = ()  # none of its own: AsyncWebsocketConsumer would give each socket a list

    async def __call__(self, scope, receive, send):
        # AsyncConsumer.__call__ without a layer channel and without await_many_dispatch,
        # whose task per receive and asyncio.wait cost some 2 KB a socket while it is
        # open: one source here.
        self.scope, self.base_send = scope, send
        try:
            while True:
                await self.dispatch(await receive())
        except StopConsumer:
            pass
        finally:
            self.closed()

    def closed(self) -> None:
        """Called once the socket is over, however it ended (synchronous: not cancellable)."""

    async def dispatch(self, message):
        # Channels closes stale database connections, in the database thread, before every
        # handler. Handlers that use the database close them themselves
        # (database_sync_to_async), and the others touch none: a client's leaving must not
        # queue behind a burst of other sockets' admissions.
        await getattr(self, get_handler_name(message))(message)

    async def websocket_disconnect(self, message):
        await self.disconnect(message["code"])
        raise StopConsumer()

    async def websocket_receive(self, message):
        # Channels' own reads message["bytes"] when "text" is None, a KeyError on a
        # message that carries neither: read both, as the ASGI spec allows either.
        await self.receive(text_data=message.get("text"), bytes_data=message.get("bytes"))
