"""A server told to stop (SIGTERM) closes its readers with 4001, uncounting each as it goes."""

import signal
import time
from contextlib import ExitStack

import pytest
from django.conf import settings
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from tests.realtime.test_presence_processes import dashboard_counts, open_reader, wait_for_count
from tests.staff import VIEWER, make_staff
from wagtail_live_admin.realtime.consumers import CLOSE_GOING_AWAY
from wagtail_live_admin.realtime.presence import get_presence

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


def stop(daphne, shared_redis, sockets, channel_id, *, readers: int, rate: int):
    """A server with ``readers`` of ``channel_id`` that lets them go ``rate`` a second,
    sent SIGTERM; its readers' sockets."""
    stopping = daphne(env={**shared_redis, "WAGTAIL_LIVE_TEST_SHUTDOWN_RATE": str(rate)})
    leaving = [open_reader(sockets, stopping, channel_id) for _ in range(readers)]
    wait_for_count(channel_id, readers, timeout=5)
    stopping.process.send_signal(signal.SIGTERM)
    return stopping, leaving


def test_a_stopping_server_lets_its_readers_go_at_its_rate(fresh_live_page, shared_redis, daphne):
    channel_id = fresh_live_page.channel_id
    with ExitStack() as sockets:
        # 5 a second: ten readers leave over about 2 s, as a crowd leaves at the default
        # 1,000 a second, so that the other processes admit them as they come.
        _, leaving = stop(daphne, shared_redis, sockets, channel_id, readers=10, rate=5)
        started = time.monotonic()
        counts = []
        while (count := get_presence().counts([channel_id])[channel_id]) > 0:
            counts.append(count)
            assert time.monotonic() - started < 5
            time.sleep(0.05)
        # Each one was uncounted as it went, not all of them at the first close.
        assert time.monotonic() - started > 1.2
        assert len(set(counts) - {10}) >= 5, counts
        assert [close_code(socket) for socket in leaving] == [CLOSE_GOING_AWAY] * 10


def test_a_stopping_server_refuses_a_new_reader_at_the_handshake(
    fresh_live_page, shared_redis, daphne
):
    channel_id = fresh_live_page.channel_id
    with ExitStack() as sockets:
        # Five readers at 1 a second: the process takes 4 s to let them go, time for the
        # newcomer's handshake on a busy machine (the process exits once they are gone).
        stopping, leaving = stop(daphne, shared_redis, sockets, channel_id, readers=5, rate=1)
        # Once the first is let go (in no set order: waiting for leaving[0] could mean
        # waiting for the last), the newcomer comes while the others are still there.
        started = time.monotonic()
        while get_presence().counts([channel_id])[channel_id] == 5:
            assert time.monotonic() - started < 5
            time.sleep(0.05)
        # Not admitted to be let go again: the handshake fails, which the page retries
        # after a backoff (to another process, behind a load balancer).
        with pytest.raises(InvalidStatus) as refused:
            connect(f"{stopping.ws_url}/ws/channel/{channel_id}/", origin=stopping.url)
        assert refused.value.response.status_code == 403
        assert [close_code(socket) for socket in leaving] == [CLOSE_GOING_AWAY] * 5
