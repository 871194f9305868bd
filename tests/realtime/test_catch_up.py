"""Updates that come while a socket's catch-up is read wait for it: they follow it, in order."""

import asyncio
import json

import pytest
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator

from tests.asgi import application
from wagtail_live_admin.readers.socket import catch_up as read_catch_up
from wagtail_live_admin.realtime import catch_up
from wagtail_live_admin.realtime.groups import UPDATE_EVENT, live_group_name

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HEADERS = [(b"origin", b"http://testserver"), (b"host", b"testserver")]


@pytest.fixture
def slow_catch_up():
    """The package's catch-up, held until the test lets it go."""
    release = asyncio.Event()

    async def held(channel_id, since, scope):
        await release.wait()
        return await read_catch_up(channel_id, since, scope)

    catch_up.answer_with(held)
    yield release
    catch_up.answer_with(read_catch_up)


async def test_an_update_sent_while_the_catch_up_is_read_comes_after_it(live_page, slow_catch_up):
    path = f"/ws/channel/{live_page.channel_id}/?since=0"
    reader = WebsocketCommunicator(application, path, HEADERS, [catch_up.SUBPROTOCOL])
    connected, subprotocol = await reader.connect()
    assert connected and subprotocol == catch_up.SUBPROTOCOL

    update = json.dumps({"renders": {}, "removals": ["gone"], "seq": 1})
    group = live_group_name(live_page.channel_id)
    await get_channel_layer().group_send(group, {"type": UPDATE_EVENT, "frame": update})
    assert await reader.receive_nothing(timeout=0.3)  # held: the catch-up comes first
    slow_catch_up.set()

    assert json.loads(await reader.receive_from(timeout=5))["type"] == "catch_up"
    assert await reader.receive_from(timeout=5) == update
    await reader.disconnect()
