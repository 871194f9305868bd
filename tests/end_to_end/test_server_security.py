"""Over the network, against daphne in a subprocess: the cap, hostile bytes, privacy changes."""

import json
import time

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from wagtail.models import PageViewRestriction
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.posts import publish_new_post

pytestmark = [
    pytest.mark.server,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def subscribe(server, channel_id, session=None):
    headers = {"Cookie": f"sessionid={session}"} if session else None
    return connect(
        f"{server.ws_url}/ws/channel/{channel_id}/",
        origin=server.url,
        additional_headers=headers,
        open_timeout=10,
    )


def close_code(socket) -> int:
    with pytest.raises(ConnectionClosed) as closed:
        socket.recv(timeout=5)
    return closed.value.rcvd.code


def assert_open(socket) -> None:
    socket.send('{"type": "ping"}')
    assert socket.recv(timeout=5) == '{"type":"pong"}'


def assert_receives_post(socket, text):
    assert text in json.dumps(json.loads(socket.recv(timeout=5))["renders"])


@pytest.fixture
def live_page(fresh_live_page):
    return fresh_live_page


@pytest.fixture
def redis_daphne(shared_redis, daphne):
    """daphne on channels-redis, and this process on the same layer: updates cross over."""
    return daphne(env=shared_redis)


def test_a_socket_over_the_cap_is_told_4429_and_a_closed_one_frees_its_place(live_page, daphne):
    server = daphne(env={"WAGTAIL_LIVE_TEST_MAX_CONNECTIONS_PER_CLIENT": "2"})
    with (
        subscribe(server, live_page.channel_id) as first,
        subscribe(server, live_page.channel_id) as second,
    ):
        with subscribe(server, live_page.channel_id) as third:
            # A close code, not a failed handshake: the socket was accepted, then closed.
            assert close_code(third) == 4429
        assert_open(first)
        assert_open(second)
        first.close()
        assert reopens(server, live_page.channel_id)
    assert "Refused a live socket from 127.0.0.1: it has 2 open" in server.output()


def reopens(server, channel_id, timeout=5.0) -> bool:
    """Whether a new socket is admitted within ``timeout`` (daphne uncounts a closed one soon)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with subscribe(server, channel_id) as socket:
            try:
                assert_open(socket)
                return True
            except ConnectionClosed:
                time.sleep(0.1)
    return False


def test_invalid_utf8_closes_only_that_socket(live_page, redis_daphne):
    with (
        subscribe(redis_daphne, live_page.channel_id) as reader,
        subscribe(redis_daphne, live_page.channel_id) as hostile,
    ):
        hostile.send(b'{"type": "ping", "x": "\xff\xfe"}', text=True)  # a text frame, not UTF-8
        # The server fails the connection (RFC 6455 8.1): it drops it, or closes with 1007.
        with pytest.raises(ConnectionClosed) as closed:
            hostile.recv(timeout=5)
        assert closed.value.rcvd is None or closed.value.rcvd.code == 1007
        with subscribe(redis_daphne, live_page.channel_id) as binary:
            binary.send(b"\x00\xff" * 10_000)
            assert close_code(binary) == 4400
        publish_new_post(live_page, "Still live")
        assert_receives_post(reader, "Still live")
    assert "Traceback" not in redis_daphne.output()


def test_a_page_made_private_closes_readers_in_another_process(live_page, redis_daphne):
    user = get_user_model().objects.create_user("reader", "reader@example.com", "pw")
    client = Client()
    client.force_login(user)
    with (
        subscribe(redis_daphne, live_page.channel_id) as anonymous,
        subscribe(redis_daphne, live_page.channel_id, client.cookies["sessionid"].value) as member,
    ):
        assert_open(anonymous)
        assert_open(member)
        PageViewRestriction.objects.create(page=live_page, restriction_type="login")
        assert close_code(anonymous) == 4403
        publish_new_post(live_page, "Logged-in readers only")
        assert_receives_post(member, "Logged-in readers only")
