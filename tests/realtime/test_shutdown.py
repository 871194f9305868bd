"""A server told to stop (SIGTERM) closes its readers with 4001 and uncounts them at once."""

import signal
import time
from contextlib import ExitStack

import pytest
from django.conf import settings
from websockets.exceptions import ConnectionClosed

from tests.realtime.test_presence_processes import dashboard_counts, open_reader, wait_for_count
from tests.staff import VIEWER, make_staff
from wagtail_live_admin.realtime.consumers import CLOSE_GOING_AWAY

pytestmark = [
    pytest.mark.server,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def close_code(socket, timeout=5) -> int:
    with pytest.raises(ConnectionClosed) as closed:
        socket.recv(timeout=timeout)
    return closed.value.rcvd.code if closed.value.rcvd else None


def test_sigterm_closes_readers_with_going_away_and_uncounts_them_at_once(
    fresh_live_page, shared_redis, daphne, client
):
    channel_id = fresh_live_page.channel_id
    client.force_login(make_staff(VIEWER))
    session_id = client.cookies[settings.SESSION_COOKIE_NAME].value
    # The default TTL (60 s): without the handler the stopped server's readers stay
    # counted for up to a minute.
    survivor, stopping = daphne(env=shared_redis), daphne(env=shared_redis)
    with ExitStack() as sockets:
        kept = open_reader(sockets, survivor, channel_id)
        leaving = [open_reader(sockets, stopping, channel_id) for _ in range(3)]
        wait_for_count(channel_id, 4, timeout=2)

        stopping.process.send_signal(signal.SIGTERM)
        started = time.monotonic()
        assert [close_code(socket) for socket in leaving] == [CLOSE_GOING_AWAY] * 3
        wait_for_count(channel_id, 1, timeout=2)
        assert time.monotonic() - started < 3
        assert dashboard_counts(survivor, session_id)["total"] == 1

        # The server then stops as it would have, and the other one serves on.
        assert stopping.process.wait(timeout=10) is not None
        kept.send('{"type": "ping"}')
        assert kept.recv(timeout=5) == '{"type":"pong"}'
