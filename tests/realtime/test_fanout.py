"""One layer subscription per process and channel (``wagtail_live_admin.realtime.fanout``)."""

import asyncio
import json

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.db import connections
from django.test import override_settings

from tests.asgi import application
from tests.settings import IN_MEMORY_LAYER
from wagtail_live_admin.realtime import fanout
from wagtail_live_admin.realtime.groups import UPDATE_EVENT, agroup_send, live_group_name

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HEADERS = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
GROUP = live_group_name("match-day.1")


async def subscribe():
    communicator = WebsocketCommunicator(application, "/ws/channel/match-day.1/", HEADERS)
    connected, _ = await communicator.connect()
    assert connected
    return communicator


def layer_members(layer, group):
    """The group's members as the in-memory layer keeps them."""
    return set(layer.groups.get(group, {}))


@pytest.fixture
def memory_layer():
    """The in-memory layer, whose group members a test can read, whatever REDIS_URL says."""
    with override_settings(CHANNEL_LAYERS={"default": IN_MEMORY_LAYER}):
        yield


async def test_readers_of_a_channel_share_one_group_member(memory_layer, live_page):
    layer = get_channel_layer()
    readers = [await subscribe() for _ in range(3)]
    assert fanout.local_readers(layer, GROUP) == 3
    assert len(layer_members(layer, GROUP)) == 1
    for reader in readers:
        await reader.disconnect()


async def test_the_last_reader_to_leave_takes_the_process_out_of_the_group(memory_layer, live_page):
    layer = get_channel_layer()
    first, second = await subscribe(), await subscribe()
    await first.disconnect()
    assert len(layer_members(layer, GROUP)) == 1
    await second.disconnect()
    assert fanout.local_readers(layer, GROUP) == 0
    assert layer_members(layer, GROUP) == set()


async def test_every_reader_gets_every_frame_in_order(channel_layer_name, live_page):
    readers = [await subscribe() for _ in range(fanout.CHUNK + 5)]  # past one chunk
    frames = [json.dumps({"renders": {}, "removals": [], "seq": seq}) for seq in (1, 2, 3)]
    for frame in frames:
        await agroup_send(["match-day.1"], {"type": UPDATE_EVENT, "frame": frame})
    for reader in readers:
        assert [await reader.receive_from(timeout=5) for _ in frames] == frames
    for reader in readers:
        await reader.disconnect()


async def test_a_reader_who_left_gets_nothing_and_the_others_go_on(memory_layer, live_page):
    gone, staying = await subscribe(), await subscribe()
    await gone.disconnect()
    await agroup_send(["match-day.1"], {"type": UPDATE_EVENT, "frame": '{"seq": 1}'})
    assert await staying.receive_from(timeout=5) == '{"seq": 1}'
    assert await gone.receive_nothing(timeout=0.2)
    await staying.disconnect()


async def test_readers_joining_at_once_join_the_group_once(memory_layer, live_page):
    layer = get_channel_layer()
    readers = await asyncio.gather(*(subscribe() for _ in range(10)))
    assert len(layer_members(layer, GROUP)) == 1
    await agroup_send(["match-day.1"], {"type": UPDATE_EVENT, "frame": '{"seq": 1}'})
    for reader in readers:
        assert await reader.receive_from(timeout=5) == '{"seq": 1}'
        await reader.disconnect()
    # Ten admissions at once leave a connection open in the worker thread: close it, or
    # PostgreSQL refuses to drop the test database.
    await database_sync_to_async(connections.close_all)()
