"""A crowd asking the same catch-up is answered from memory, until anything changes the answer."""

import json
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager

import pytest
from django.conf import settings
from wagtail.models import PageViewRestriction

from tests.posts import post_value
from tests.readers.test_catch_up_caching import cache_control, catch_up
from tests.realtime.test_public_admission import connect_reader, server_queries, server_requests
from tests.realtime.test_shutdown import close_code
from tests.staff import VIEWER, make_staff
from wagtail_live_admin.realtime.consumers import CLOSE_FORBIDDEN

pytestmark = [
    pytest.mark.server,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def undated(headers) -> dict:
    return {name: value for name, value in headers.items() if name != "Date"}


def frame_seq(socket) -> int:
    """Wait for the next update frame on ``socket``: the server process has it too."""
    return json.loads(socket.recv(timeout=10))["seq"]


@contextmanager
def followed(page, server):
    """A reader on ``page``'s channel: the process keeps answers of the channels its
    readers follow (updates renew them)."""
    with connect_reader(server, page.channel_id) as reader:
        reader.send('{"type": "ping"}')
        assert reader.recv(timeout=5) == '{"type":"pong"}'
        yield reader


def crowd(server, channel_id, **headers) -> list:
    """30 readers asking the same catch-up at once: their answers."""
    with ThreadPoolExecutor(30) as pool:
        return list(pool.map(lambda _: catch_up(server, channel_id, **headers), range(30)))


def test_a_crowd_asking_at_once_sends_one_request_to_django(fresh_live_page, shared_redis, daphne):
    # A restart storm: readers back on another process all catch up within milliseconds.
    fresh_live_page.add_live_post(post_value("Kick-off"))
    channel_id = fresh_live_page.channel_id
    server = daphne(env=shared_redis)
    with followed(fresh_live_page, server):
        before = server_requests(server)
        answers = crowd(server, channel_id)
        assert all(status == 200 and "Kick-off" in json.dumps(body) for status, _, body in answers)
        # One catch-up, then the count itself.
        assert server_requests(server) == before + 2


def test_a_crowd_revalidating_its_copies_is_answered_from_memory(
    fresh_live_page, shared_redis, daphne
):
    # live.js asks again once max-age has passed: each browser sends its copy's ETag.
    fresh_live_page.add_live_post(post_value("Kick-off"))
    channel_id = fresh_live_page.channel_id
    server = daphne(env=shared_redis)
    with followed(fresh_live_page, server):
        etag = catch_up(server, channel_id)[1]["ETag"]
        before = server_requests(server)
        answers = crowd(server, channel_id, **{"If-None-Match": etag})
        assert {(status, body, headers["ETag"]) for status, headers, body in answers} == {
            (304, None, etag)
        }
        assert cache_control(answers[0][1]) == {"public", "max-age=2"}
        # A copy of an older answer gets the current one.
        status, _, body = catch_up(server, channel_id, **{"If-None-Match": '"older"'})
        assert status == 200 and "Kick-off" in json.dumps(body)
        assert server_requests(server) == before + 1  # the count itself


def test_a_crowd_is_answered_without_queries_until_an_update_or_a_recheck(
    fresh_live_page, shared_redis, daphne, client
):
    page, channel_id = fresh_live_page, fresh_live_page.channel_id
    page.add_live_post(post_value("Kick-off", message_id="kick-off"))
    page.add_live_post(post_value("Secret plan", message_id="secret"))
    client.force_login(make_staff(VIEWER))
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    server = daphne(env=shared_redis)
    with ExitStack() as sockets:
        # A signed-in reader: the process follows the channel, private or not.
        member = sockets.enter_context(connect_reader(server, channel_id, cookie=cookie))
        anonymous = sockets.enter_context(connect_reader(server, channel_id))
        for reader in (member, anonymous):
            reader.send('{"type": "ping"}')
            assert reader.recv(timeout=5) == '{"type":"pong"}'

        status, headers, first = catch_up(server, channel_id)
        assert status == 200 and "Secret plan" in json.dumps(first)
        before, django_before = server_queries(server), server_requests(server)
        for _ in range(20):
            status, again, body = catch_up(server, channel_id)
            assert (status, body, again["ETag"]) == (200, first, headers["ETag"])
            assert undated(again) == undated(headers)  # every header, the middleware's too
        # Sent from memory in front of Django (readers/asgi.py): Django saw only the count.
        assert server_requests(server) == django_before + 1
        status, _, _ = catch_up(server, channel_id, **{"If-None-Match": headers["ETag"]})
        assert status == 304
        assert server_queries(server) == before

        # Taken down: the answer kept before is never served again.
        page.refresh_from_db()
        page.delete_live_post("secret")
        assert frame_seq(member) == frame_seq(anonymous) == 3
        status, _, body = catch_up(server, channel_id)
        assert status == 200 and body["seq"] == 3 and "Secret plan" not in json.dumps(body)
        assert "Kick-off" in json.dumps(body)

        # Made private: anonymous readers are refused, members answered and never cached.
        PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
        # Once the anonymous reader is turned away, the recheck has reached the process.
        assert close_code(anonymous, timeout=10) == CLOSE_FORBIDDEN
        status, headers, _ = catch_up(server, channel_id)
        assert status == 403 and "no-store" in headers["Cache-Control"]
        status, headers, body = catch_up(server, channel_id, Cookie=cookie)
        assert status == 200 and body["seq"] == 3 and "ETag" not in headers
        assert "private" in headers["Cache-Control"]


def test_each_reader_who_catches_up_on_a_failed_update_is_counted(
    fresh_live_page, shared_redis, daphne
):
    from wagtail_live_admin.delivery.models import PublishLogEntry

    page, channel_id = fresh_live_page, fresh_live_page.channel_id
    page.add_live_post(post_value("Kick-off", message_id="kick-off"))
    entries = PublishLogEntry.objects.filter(channel_id=channel_id)
    entries.update(status=PublishLogEntry.Status.FAILED)
    server = daphne(env=shared_redis)
    with followed(page, server):
        for _ in range(3):
            status, _, body = catch_up(server, channel_id)
            assert status == 200 and "Kick-off" in json.dumps(body)
    # The admin's "recovered" compares this with the readers then: not one for the crowd.
    assert [entry.caught_up for entry in entries] == [3]
