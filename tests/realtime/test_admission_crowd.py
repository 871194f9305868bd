"""A crowd of readers arriving together at a process new to their channel is judged once."""

import asyncio

import pytest
from websockets.asyncio.client import connect

from tests.realtime.test_public_admission import server_queries

pytestmark = [
    pytest.mark.server,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CROWD = 40


async def open_crowd(server, channel_id: str, count: int) -> None:
    """Open ``count`` readers at once; once each has answered a ping, close them all."""
    admitted, everyone_in = 0, asyncio.Event()

    async def reader():
        nonlocal admitted
        url = f"{server.ws_url}/ws/channel/{channel_id}/"
        async with connect(url, origin=server.url, open_timeout=30) as socket:
            await socket.send('{"type": "ping"}')
            assert await asyncio.wait_for(socket.recv(), 10) == '{"type":"pong"}'
            admitted += 1
            if admitted == count:
                everyone_in.set()
            await everyone_in.wait()

    await asyncio.gather(*(reader() for _ in range(count)))


def test_a_crowd_arriving_together_shares_one_reading_of_a_public_page(
    fresh_live_page, shared_redis, daphne
):
    channel_id = fresh_live_page.channel_id
    server = daphne(env=shared_redis)
    before = server_queries(server)
    asyncio.run(open_crowd(server, channel_id, 1))
    one = server_queries(server) - before
    assert one > 0  # a process with no reader of the channel reads the database

    # Every reader gone, the process no longer follows the channel: a crowd arrives.
    before = server_queries(server)
    asyncio.run(open_crowd(server, channel_id, CROWD))
    # Judged one by one, the crowd would cost CROWD readings; most share one.
    crowd = server_queries(server) - before
    assert crowd < one * CROWD / 4, (one, crowd)
