"""A Redis outage is said once per process, not with a traceback for every reader."""

import re

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

pytestmark = [
    pytest.mark.server,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

READERS = 20
# daphne's access log: one line per request whatever happens, not what this test is about.
ACCESS_LOG = re.compile(r'^\S+ - - \[[^]]+\] "(WS|GET|POST)')


def answer(server, channel_id, timeout=10):
    """Open a reader's socket: the HTTP status of a refused handshake, its close code, or
    None for a socket that stays open."""
    try:
        socket = connect(f"{server.ws_url}/ws/channel/{channel_id}/", origin=server.url)
    except InvalidStatus as refused:
        return refused.response.status_code
    with socket:
        try:
            socket.recv(timeout=timeout)
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None
        except TimeoutError:
            return None
    return None


def log_lines(server, after):
    """The server's log lines after its line ``after`` (its access log left out)."""
    lines = server.output().splitlines()
    start = max(i for i, line in enumerate(lines) if after in line) + 1
    return [line for line in lines[start:] if not ACCESS_LOG.match(line)]


def test_a_redis_outage_logs_a_line_when_it_starts_and_one_when_it_ends(
    make_live_page, redis_server, daphne
):
    page = make_live_page()
    server = daphne(env={"REDIS_URL": redis_server.url, "WAGTAIL_LIVE_TEST_LAYER_PREFIX": "noise"})
    redis_server.stop()

    answers = [answer(server, page.channel_id) for _ in range(READERS)]

    # Each reader's handshake fails, and its page backs off and tries again (live.js), ...
    assert answers == [403] * READERS
    # ... and the server's log says it once, with no traceback.
    during = log_lines(server, after="Listening on TCP address")
    assert len(during) <= 3, "\n".join(during)
    assert sum("The channel layer is unreachable" in line for line in during) == 1, during
    assert "Traceback" not in server.output()

    redis_server.start()
    assert answer(server, page.channel_id, timeout=1) is None  # served again
    after = log_lines(server, after="The channel layer is unreachable")
    assert sum("The channel layer answers again" in line for line in after) == 1, after
    assert len(after) <= 3, "\n".join(after)
