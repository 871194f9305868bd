"""Presence at scale: Redis round trips per reader's connect, refresh and disconnect, and
the time to count 1,000 channels in one call (beside counting one).

A round trip is one write of commands to Redis (one ``send_packed_command``: a command,
or a whole pipeline), counted on redis-py's connections, the channel layer's included.
Readers connect through the real ASGI application (admission, the group join of
``fanout``, the presence write) on channels-redis, in this process.
"""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from contextlib import contextmanager

ROUNDS = 20


class RoundTrips:
    """Counts writes to Redis on every redis-py connection, asyncio and sync."""

    def __init__(self):
        self.count = 0

    @contextmanager
    def counting(self):
        import redis.asyncio.connection
        import redis.connection

        counter = self
        async_original = redis.asyncio.connection.AbstractConnection.send_packed_command
        sync_original = redis.connection.AbstractConnection.send_packed_command

        async def async_send(self, *args, **kwargs):
            counter.count += 1
            return await async_original(self, *args, **kwargs)

        def sync_send(self, *args, **kwargs):
            counter.count += 1
            return sync_original(self, *args, **kwargs)

        redis.asyncio.connection.AbstractConnection.send_packed_command = async_send
        redis.connection.AbstractConnection.send_packed_command = sync_send
        try:
            yield self
        finally:
            redis.asyncio.connection.AbstractConnection.send_packed_command = async_original
            redis.connection.AbstractConnection.send_packed_command = sync_original

    def take(self) -> int:
        count, self.count = self.count, 0
        return count


async def _connect(channel_id: str):
    from channels.testing import WebsocketCommunicator

    from tests.asgi import application

    communicator = WebsocketCommunicator(
        application,
        f"/ws/channel/{channel_id}/",
        [(b"origin", b"http://testserver"), (b"host", b"testserver")],
    )
    connected, _ = await communicator.connect(timeout=10)
    assert connected
    return communicator


async def _round_trips(channel_id: str, trips: RoundTrips) -> dict:
    from wagtail_live_admin.realtime.presence import get_presence

    presence = get_presence()
    # Warm: pools open, the page is cached by nobody (admission asks the database).
    await (await _connect(channel_id)).disconnect()
    trips.take()
    first = await _connect(channel_id)
    first_connect = trips.take()
    others, next_connects = [], []
    for _ in range(ROUNDS):
        others.append(await _connect(channel_id))
        next_connects.append(trips.take())
    # The refresh of this process's readers (every third of a TTL), however many they are.
    await presence._refresh_once()
    refresh = trips.take()
    for _ in range(ROUNDS):
        await others.pop().disconnect()
    disconnects = trips.take() / ROUNDS
    await first.disconnect()
    last_disconnect = trips.take()
    await presence.aclose()
    return {
        "connect, first reader of the channel in the process": first_connect,
        "connect, another reader": statistics.median(next_connects),
        "refresh, all of a process's readers": refresh,
        "disconnect, not the last reader": disconnects,
        "disconnect, the last reader of the channel in the process": last_disconnect,
    }


def _count_time(presence, channel_ids: list[str], trips: RoundTrips) -> tuple[float, int]:
    presence.counts(channel_ids)  # warm
    trips.take()
    samples = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        presence.counts(channel_ids)
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), trips.take() // ROUNDS


def _fill(presence, channel_ids: list[str]) -> None:
    # Three members a channel, written to Redis as the readers' processes write them.
    members = {
        channel_id: {f"bench-{uuid.uuid4().hex}" for _ in range(3)} for channel_id in channel_ids
    }
    asyncio.run(presence._refresh(members))


def run(*, redis_url: str) -> list[dict]:
    from django.test import override_settings

    from bench.fanout import CHANNEL_ID, prepare_database
    from bench.machine import machine, ratio, table, write
    from tests.settings import redis_layer
    from wagtail_live_admin.realtime.presence import get_presence

    prepare_database()
    layer = redis_layer(redis_url, prefix=f"bench-presence-{uuid.uuid4().hex[:8]}")
    rows = []
    trips = RoundTrips()
    with override_settings(CHANNEL_LAYERS={"default": layer}), trips.counting():
        for action, count in asyncio.run(_round_trips(CHANNEL_ID, trips)).items():
            rows.append({"machine": machine(), "measure": action, "round_trips": count})
        presence = get_presence()
        channel_ids = [f"bench-count-{number}" for number in range(1000)]
        _fill(presence, channel_ids)
        one_ms, one_trips = _count_time(presence, channel_ids[:1], trips)
        many_ms, many_trips = _count_time(presence, channel_ids, trips)
        rows.append(
            {
                "machine": machine(),
                "measure": "count 1 channel",
                "ms": round(one_ms, 2),
                "round_trips": one_trips,
            }
        )
        rows.append(
            {
                "machine": machine(),
                "measure": "count 1,000 channels in one call",
                "ms": round(many_ms, 2),
                "round_trips": many_trips,
                "ratio_to_one": ratio(many_ms, one_ms),
            }
        )
        asyncio.run(presence.aclose())
    print(
        table(
            "Presence: Redis round trips, and counting channels (median ms)",
            ["measure", "Redis round trips", "ms", "ms / counting 1 channel"],
            [
                [row["measure"], row["round_trips"], row.get("ms"), row.get("ratio_to_one")]
                for row in rows
            ],
        )
    )
    write("presence", rows, configuration={"layer": "channels-redis (RedisChannelLayer)"})
    return rows
