"""A reader whose server holds its updates unsent is closed with 4408 past the cap.

daphne's case, a server that buffers without waiting, is tests/end_to_end/test_slow_readers.py.
Here the server is one that waits for the socket before ``send`` returns, as uvicorn
does; it is not one we run in the tests, so the test stands in for it.
"""

import asyncio

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth.models import AnonymousUser
from django.test import override_settings

from tests.posts import publish_new_post
from wagtail_live_admin.realtime.consumers import LiveConsumer

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


class StalledServer:
    """An ASGI server whose reader's socket takes nothing: each ``websocket.send`` waits."""

    def __init__(self):
        self.messages: list[dict] = []
        self.received: asyncio.Queue = asyncio.Queue()
        self.drained = asyncio.Event()

    async def send(self, message):
        self.messages.append(message)
        if message["type"] == "websocket.send":
            await self.drained.wait()

    def types(self) -> list:
        return [(m["type"], m.get("code")) for m in self.messages]

    async def wait_for(self, message_type, code=None, timeout=5.0):
        async with asyncio.timeout(timeout):
            while (message_type, code) not in self.types():
                await asyncio.sleep(0.01)


@override_settings(WAGTAIL_LIVE_MAX_UNSENT_BYTES=3000)
async def test_a_reader_too_far_behind_is_closed_with_4408_and_let_go(live_page):
    server = StalledServer()
    scope = {
        "type": "websocket",
        "path": f"/ws/channel/{live_page.channel_id}/",
        "url_route": {"args": (), "kwargs": {"channel_id": live_page.channel_id}},
        "user": AnonymousUser(),
        "session": {},
    }
    consumer = asyncio.ensure_future(
        LiveConsumer.as_asgi()(scope, server.received.get, server.send)
    )
    await server.received.put({"type": "websocket.connect"})
    await server.wait_for("websocket.accept")

    # Each update is about 1 KB: the first ones wait in the server, then one goes past 3000.
    for number in range(5):
        await database_sync_to_async(publish_new_post)(live_page, f"Update {number} " + "x" * 600)
    await server.wait_for("websocket.close", 4408)
    frames = [m for m in server.messages if m["type"] == "websocket.send"]
    assert 2 <= len(frames) < 5
    assert sum(len(m["text"]) for m in frames) <= 3000

    server.drained.set()
    await server.received.put({"type": "websocket.disconnect", "code": 1006})
    await asyncio.wait_for(consumer, 5)
    # Nothing more was sent after the close.
    assert server.types()[-1] == ("websocket.close", 4408)
