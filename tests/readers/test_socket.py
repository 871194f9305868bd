"""A socket that asks catches up as it opens: the catch-up endpoint's answer, first."""

import json
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import pytest
from django.conf import settings
from wagtail.models import PageViewRestriction
from websockets.sync.client import connect

from tests.posts import post_value, publish_new_post
from tests.readers.test_catch_up_caching import catch_up
from tests.readers.test_catch_up_crowd import followed
from tests.realtime.test_public_admission import server_queries
from tests.realtime.test_shutdown import close_code
from tests.staff import VIEWER, make_staff
from wagtail_live_admin.realtime.catch_up import SUBPROTOCOL
from wagtail_live_admin.realtime.consumers import CLOSE_FORBIDDEN

pytestmark = [
    pytest.mark.server,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def catching_up(server, channel_id, since="0", *, cookie=None):
    """A socket that asks to catch up after ``since``, as live.js opens it."""
    return connect(
        f"{server.ws_url}/ws/channel/{channel_id}/?since={since}",
        origin=server.url,
        subprotocols=[SUBPROTOCOL],
        open_timeout=10,
        additional_headers={"Cookie": cookie} if cookie else None,
    )


def first_message(socket) -> dict:
    message = json.loads(socket.recv(timeout=10))
    assert message["type"] == "catch_up"
    return message


def test_the_first_message_is_what_the_endpoint_answers_then_updates_follow(
    fresh_live_page, shared_redis, daphne
):
    for text in ("Kick-off", "Early chance", "Goal!"):
        fresh_live_page.add_live_post(post_value(text))
    channel_id = fresh_live_page.channel_id
    server = daphne(env=shared_redis)
    with catching_up(server, channel_id, since="1") as socket:
        assert socket.subprotocol == SUBPROTOCOL
        message = first_message(socket)
        assert message["status"] == 200
        assert [frame["seq"] for frame in message["answer"]["frames"]] == [2, 3]
        assert message["answer"] == catch_up(server, channel_id, since=1)[2]

        publish_new_post(fresh_live_page, "Second half")
        update = json.loads(socket.recv(timeout=10))
        assert update["seq"] == 4 and "Second half" in json.dumps(update["renders"])


def test_a_client_that_does_not_ask_gets_updates_only(fresh_live_page, shared_redis, daphne):
    # wagtail-live's clients offer no subprotocol: their first message is an update.
    fresh_live_page.add_live_post(post_value("Kick-off"))
    server = daphne(env=shared_redis)
    with followed(fresh_live_page, server) as socket:
        assert socket.subprotocol is None
        publish_new_post(fresh_live_page, "Goal!")
        assert json.loads(socket.recv(timeout=10))["seq"] == 2


def test_a_taken_down_post_is_not_in_the_catch_up(fresh_live_page, shared_redis, daphne):
    fresh_live_page.add_live_post(post_value("Kick-off"))
    fresh_live_page.add_live_post(post_value("Libel, taken down", message_id="libel"))
    fresh_live_page.refresh_from_db()
    fresh_live_page.delete_live_post("libel")
    server = daphne(env=shared_redis)
    answers = {}
    for since in ("0", "1", "2"):  # from the log: the post's frame, then its removal
        with catching_up(server, fresh_live_page.channel_id, since=since) as socket:
            answers[since] = json.dumps(first_message(socket)["answer"])
    assert "Kick-off" in answers["0"]
    assert not any("Libel" in answer for answer in answers.values())


def test_a_bad_since_gets_the_endpoints_error_and_the_socket_stays(
    fresh_live_page, shared_redis, daphne
):
    fresh_live_page.add_live_post(post_value("Kick-off"))
    server = daphne(env=shared_redis)
    for since in ("-1", "one", ""):
        with catching_up(server, fresh_live_page.channel_id, since=since) as socket:
            message = first_message(socket)
            assert message["status"] == 400
            assert "whole number" in message["answer"]["error"]
            socket.send('{"type": "ping"}')
            assert socket.recv(timeout=5) == '{"type":"pong"}'


def test_a_private_page_catches_up_only_its_own_readers(
    fresh_live_page, shared_redis, daphne, client
):
    fresh_live_page.add_live_post(post_value("Team news"))
    PageViewRestriction.objects.create(
        page=fresh_live_page, restriction_type=PageViewRestriction.LOGIN
    )
    client.force_login(make_staff(VIEWER))
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    channel_id = fresh_live_page.channel_id
    server = daphne(env=shared_redis)
    with catching_up(server, channel_id) as stranger:
        assert close_code(stranger) == CLOSE_FORBIDDEN  # closed before any message
    with catching_up(server, channel_id, cookie=cookie) as member:
        message = first_message(member)
        assert message["status"] == 200 and "Team news" in json.dumps(message["answer"])


def test_a_crowd_catching_up_at_once_reads_the_answer_once(fresh_live_page, shared_redis, daphne):
    # A restart storm on the socket: thousands of readers of one page, the same ?since=.
    fresh_live_page.add_live_post(post_value("Kick-off"))
    channel_id = fresh_live_page.channel_id
    server = daphne(env=shared_redis)
    with followed(fresh_live_page, server), ExitStack() as sockets:
        with catching_up(server, channel_id) as first:
            expected = first_message(first)
        before = server_queries(server)

        def reader(_):
            socket = sockets.enter_context(catching_up(server, channel_id))
            return first_message(socket)

        with ThreadPoolExecutor(30) as pool:
            messages = list(pool.map(reader, range(30)))
        assert all(message == expected for message in messages)
        # The count's own query only: no reader's catch-up was read again.
        assert server_queries(server) - before <= 1
