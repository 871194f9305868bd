"""Two daphne processes share one Redis: counts add up, and a killed one drops out in a TTL."""

import json
import signal
import time
from contextlib import ExitStack
from urllib.request import Request, urlopen

import pytest
from django.conf import settings
from websockets.sync.client import connect

from tests.staff import VIEWER, make_staff
from wagtail_live_admin.realtime.presence import get_presence

pytestmark = [
    pytest.mark.server,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TTL = 3.0


def wait_for_count(channel_id, expected, timeout):
    """Poll the count until it is ``expected``; return how long that took."""
    started = time.monotonic()
    while (count := get_presence().counts([channel_id])[channel_id]) != expected:
        assert time.monotonic() - started < timeout, f"count {count}, expected {expected}"
        time.sleep(0.05)
    return time.monotonic() - started


def dashboard_counts(server, session_id) -> dict:
    """What the Live admin's counts endpoint of ``server`` answers a signed-in user."""
    request = Request(f"{server.url}/admin/live/counts/")
    request.add_header("Cookie", f"{settings.SESSION_COOKIE_NAME}={session_id}")
    with urlopen(request, timeout=10) as response:
        return json.load(response)


def open_reader(sockets, server, channel_id):
    socket = sockets.enter_context(
        connect(f"{server.ws_url}/ws/channel/{channel_id}/", origin=server.url, open_timeout=10)
    )
    socket.send('{"type": "ping"}')
    assert socket.recv(timeout=5) == '{"type":"pong"}'
    return socket


def test_counts_add_up_across_processes_and_a_killed_one_stops_counting(
    fresh_live_page, shared_redis, daphne, client
):
    channel_id = fresh_live_page.channel_id
    client.force_login(make_staff(VIEWER))  # a session both servers read from the database
    session_id = client.cookies[settings.SESSION_COOKIE_NAME].value
    env = {**shared_redis, "WAGTAIL_LIVE_TEST_PRESENCE_TTL": str(TTL)}
    survivor, victim = daphne(env=env), daphne(env=env)
    with ExitStack() as sockets:
        kept = [open_reader(sockets, survivor, channel_id) for _ in range(3)]
        for _ in range(2):
            open_reader(sockets, victim, channel_id)
        wait_for_count(channel_id, 5, timeout=2)
        # The dashboard tells the same, whichever process serves it.
        for server in (survivor, victim):
            counts = dashboard_counts(server, session_id)
            assert counts["total"] == 5
            assert [row["subscribers"] for row in counts["channels"]] == [5]

        # A reader who closes the page is uncounted at once, not after a TTL.
        kept.pop().close()
        assert wait_for_count(channel_id, 4, timeout=2) < 1

        victim.process.send_signal(signal.SIGKILL)
        victim.process.wait()
        # Its readers were refreshed a third of a TTL ago at most, and are not any more.
        took = wait_for_count(channel_id, 2, timeout=TTL + 2)
        assert TTL / 3 <= took <= TTL + 1, took
        assert dashboard_counts(survivor, session_id)["total"] == 2

        # The survivor's readers outlive many TTLs: its process refreshes them.
        time.sleep(TTL * 1.5)
        assert get_presence().counts([channel_id]) == {channel_id: 2}
        for socket in kept:
            socket.send('{"type": "ping"}')
            assert socket.recv(timeout=5) == '{"type":"pong"}'
