"""Readers of a public page are admitted from memory, until the page's privacy changes."""

import json
from contextlib import ExitStack
from urllib.request import urlopen

import pytest
from django.conf import settings
from wagtail.models import PageViewRestriction
from websockets.sync.client import connect

from tests.realtime.test_presence_processes import open_reader
from tests.realtime.test_shutdown import close_code
from tests.staff import VIEWER, make_staff
from wagtail_live_admin.realtime.consumers import CLOSE_FORBIDDEN

pytestmark = [
    pytest.mark.server,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def server_counts(server) -> dict:
    """The server process's database queries and Django requests, this one included
    (tests/testapp/queries.py)."""
    with urlopen(f"{server.url}/__tests__/queries/", timeout=10) as response:
        return json.load(response)


def server_queries(server) -> int:
    return server_counts(server)["queries"]


def server_requests(server) -> int:
    return server_counts(server)["requests"]


def test_readers_of_a_public_page_are_admitted_without_a_query_until_it_turns_private(
    fresh_live_page, shared_redis, daphne, client
):
    channel_id = fresh_live_page.channel_id
    client.force_login(make_staff(VIEWER))
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    server = daphne(env=shared_redis)
    with ExitStack() as sockets:
        # Signed in, so still admitted once the page needs a login: the process goes on
        # following the channel.
        member = sockets.enter_context(connect_reader(server, channel_id, cookie=cookie))
        # The first readers are judged in the database; the process then knows the page
        # is public, for as long as it follows the channel.
        readers = [open_reader(sockets, server, channel_id) for _ in range(2)]
        before = server_queries(server)
        readers += [open_reader(sockets, server, channel_id) for _ in range(30)]
        assert server_queries(server) == before

        # Made private: the recheck turns every reader away, and the next one too.
        PageViewRestriction.objects.create(
            page=fresh_live_page, restriction_type=PageViewRestriction.LOGIN
        )
        assert {close_code(socket, timeout=10) for socket in readers} == {CLOSE_FORBIDDEN}
        with connect_reader(server, channel_id) as late:
            assert close_code(late, timeout=10) == CLOSE_FORBIDDEN
        member.send('{"type": "ping"}')
        assert member.recv(timeout=5) == '{"type":"pong"}'


def connect_reader(server, channel_id, *, cookie=None):
    headers = {"Cookie": cookie} if cookie else None
    return connect(
        f"{server.ws_url}/ws/channel/{channel_id}/",
        origin=server.url,
        open_timeout=10,
        additional_headers=headers,
    )
