"""However a reader leaves, it stops being counted, capped and sent to, on both layers."""

import asyncio
import threading
import uuid

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.test import override_settings

from tests.asgi import application
from wagtail_live_admin.realtime import fanout
from wagtail_live_admin.realtime.connection_limit import open_sockets
from wagtail_live_admin.realtime.consumers import LiveConsumer
from wagtail_live_admin.realtime.groups import live_group_name
from wagtail_live_admin.realtime.presence import get_presence

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HEADERS = [(b"origin", b"http://testserver"), (b"host", b"testserver")]


@pytest.fixture
async def channel_id(make_live_page):
    channel_id = f"leaving-{uuid.uuid4().hex[:8]}"  # no reader of another test in the count
    await database_sync_to_async(make_live_page)(title="Leaving", channel_id=channel_id)
    return channel_id


@pytest.fixture
def address():
    return f"client-{uuid.uuid4().hex[:8]}"


def reader(channel_id, address) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(application, f"/ws/channel/{channel_id}/", HEADERS)
    communicator.scope["client"] = [address, 50000]
    return communicator


def held(channel_id, address) -> tuple[int, int, int]:
    """(counted readers, readers in the group here, sockets charged to the address)."""
    return (
        get_presence().counts([channel_id])[channel_id],
        fanout.local_readers(get_channel_layer(), live_group_name(channel_id)),
        open_sockets.count(address),
    )


async def eventually_nothing_held(channel_id, address, timeout=5.0) -> None:
    # Redis counts follow once the removal's write is done: a moment, not a TTL.
    deadline = asyncio.get_running_loop().time() + timeout
    while held(channel_id, address) != (0, 0, 0):
        assert asyncio.get_running_loop().time() < deadline, held(channel_id, address)
        await asyncio.sleep(0.05)


@override_settings(WAGTAIL_LIVE_MAX_CONNECTIONS_PER_CLIENT=5)
async def test_a_reader_killed_by_the_server_is_let_go(channel_layer_name, channel_id, address):
    communicator = reader(channel_id, address)
    assert (await communicator.connect(timeout=5))[0]
    assert held(channel_id, address) == (1, 1, 1)
    # What daphne does to an instance that outlives its client by 10 seconds.
    communicator.future.cancel()
    with pytest.raises(asyncio.CancelledError):
        await communicator.future
    await eventually_nothing_held(channel_id, address)
    await get_presence().aclose()


@override_settings(WAGTAIL_LIVE_MAX_CONNECTIONS_PER_CLIENT=5)
async def test_a_client_who_leaves_while_admission_waits_is_let_go_at_once(
    channel_layer_name, channel_id, address
):
    # The consumer alone: the stack's AuthMiddleware waits for the database thread too.
    communicator = WebsocketCommunicator(LiveConsumer.as_asgi(), f"/ws/channel/{channel_id}/")
    communicator.scope.update(
        client=[address, 50000],
        url_route={"args": (), "kwargs": {"channel_id": channel_id}},
        user=AnonymousUser(),
        session={},
    )
    # The database thread is busy (a burst of other sockets' admissions): admission waits.
    busy = threading.Event()
    database = asyncio.ensure_future(database_sync_to_async(busy.wait)())
    try:
        await communicator.send_input({"type": "websocket.connect"})
        assert await communicator.receive_nothing(timeout=0.2)  # not admitted yet
        assert open_sockets.count(address) == 1
        # The client goes; its consumer ends without waiting for the database.
        await communicator.send_input({"type": "websocket.disconnect", "code": 1006})
        await asyncio.wait_for(communicator.future, timeout=5)
        assert held(channel_id, address) == (0, 0, 0)
    finally:
        busy.set()
        await database
    # Its admission never ran: once the database is free, it admits nobody.
    await asyncio.sleep(0.2)
    assert held(channel_id, address) == (0, 0, 0)
    await get_presence().aclose()


async def test_a_reader_who_closes_is_let_go(channel_layer_name, channel_id, address):
    communicator = reader(channel_id, address)
    assert (await communicator.connect(timeout=5))[0]
    assert held(channel_id, address) == (1, 1, 1)
    await communicator.disconnect()
    assert held(channel_id, address) == (0, 0, 0)
    await get_presence().aclose()
