"""WAGTAIL_LIVE_MAX_CONNECTIONS_PER_CLIENT: sockets per client address, in this process."""

import uuid

import pytest
from channels.testing import WebsocketCommunicator
from django.test import override_settings

from tests.asgi import application
from wagtail_live_admin.realtime.connection_limit import open_sockets

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HEADERS = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
TOO_MANY = {"type": "websocket.close", "code": 4429}


@pytest.fixture
def address():
    # An address of this test's own: the count is the process's, shared by every test.
    return f"client-{uuid.uuid4().hex[:8]}"


async def open_socket(address, channel_id="match-day.1"):
    communicator = WebsocketCommunicator(application, f"/ws/channel/{channel_id}/", HEADERS)
    communicator.scope["client"] = [address, 50000]
    connected, _ = await communicator.connect(timeout=5)
    assert connected  # refused sockets are accepted too, so that the code reaches the client
    return communicator


async def assert_open(communicator):
    await communicator.send_to(text_data='{"type": "ping"}')
    assert await communicator.receive_from(timeout=5) == '{"type":"pong"}'


@override_settings(WAGTAIL_LIVE_MAX_CONNECTIONS_PER_CLIENT=3)
async def test_one_socket_over_the_cap_is_closed_with_4429(live_page, address, caplog):
    sockets = [await open_socket(address) for _ in range(3)]
    extra = await open_socket(address)
    assert await extra.receive_output(timeout=5) == TOO_MANY
    for socket in sockets:
        await assert_open(socket)
    assert f"Refused a live socket from {address}: it has 3 open" in caplog.text
    await extra.disconnect()
    assert open_sockets.count(address) == 3  # the refused one was never counted
    for socket in sockets:
        await socket.disconnect()
    assert open_sockets.count(address) == 0


@override_settings(WAGTAIL_LIVE_MAX_CONNECTIONS_PER_CLIENT=2)
async def test_the_cap_is_per_address_and_a_closed_socket_frees_its_place(live_page, address):
    first, second = await open_socket(address), await open_socket(address)
    neighbour = await open_socket(f"{address}-neighbour")
    await assert_open(neighbour)
    await first.disconnect()
    third = await open_socket(address)
    await assert_open(third)
    for socket in (second, third, neighbour):
        await socket.disconnect()


@override_settings(WAGTAIL_LIVE_MAX_CONNECTIONS_PER_CLIENT=2)
async def test_refused_sockets_count_until_they_disconnect(live_page, address):
    unknown = await open_socket(address, "no-such-channel")
    assert (await unknown.receive_output(timeout=5))["code"] == 4404
    assert open_sockets.count(address) == 1  # still open until the client answers the close
    await unknown.disconnect()
    assert open_sockets.count(address) == 0


@override_settings(WAGTAIL_LIVE_MAX_CONNECTIONS_PER_CLIENT=2)
async def test_a_connect_that_fails_frees_its_place(live_page, address, monkeypatch, caplog):
    def broken(channel_id, user, session):
        raise RuntimeError("the database is down")

    # A channel no process follows yet, so admission asks the database.
    monkeypatch.setattr("wagtail_live_admin.realtime.consumers.judge", broken)
    communicator = WebsocketCommunicator(application, "/ws/channel/match-day.1/", HEADERS)
    communicator.scope["client"] = [address, 50000]
    connected, _ = await communicator.connect(timeout=5)
    assert not connected  # the handshake fails; live.js tries again
    assert open_sockets.count(address) == 0
    assert "Could not admit a live socket on channel 'match-day.1'" in caplog.text
    assert "the database is down" in caplog.text
    await communicator.disconnect()


async def test_no_cap_by_default(live_page, address):
    sockets = [await open_socket(address) for _ in range(25)]
    await assert_open(sockets[-1])
    assert open_sockets.count(address) == 25
    for socket in sockets:
        await socket.disconnect()
    assert open_sockets.count(address) == 0


@override_settings(WAGTAIL_LIVE_MAX_CONNECTIONS_PER_CLIENT=1)
async def test_sockets_without_a_client_address_are_not_capped(live_page):
    sockets = []
    for _ in range(3):
        communicator = WebsocketCommunicator(application, "/ws/channel/match-day.1/", HEADERS)
        assert (await communicator.connect(timeout=5))[0]
        await assert_open(communicator)
        sockets.append(communicator)
    for socket in sockets:
        await socket.disconnect()
