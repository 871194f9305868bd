"""Presence backends, on their real stores: this process's memory, and a real Redis.

Two RedisPresence instances on one prefix stand for two server processes; ``aclose()``
stops one refreshing, as a killed process stops.
"""

import asyncio
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import redis
import redis.asyncio
from django.test import override_settings

from tests.services import require_redis
from tests.settings import IN_MEMORY_LAYER, redis_layer
from wagtail_live_admin.realtime.presence import PresenceBackend, get_presence
from wagtail_live_admin.realtime.presence.memory import MemoryPresence
from wagtail_live_admin.realtime.presence.redis_backend import RedisPresence

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@pytest.fixture
def redis_url():
    return require_redis()


@pytest.fixture
def redis_prefix(redis_url):
    """A key prefix of this test's own; its keys are deleted afterwards."""
    prefix = f"wla-presence-test-{uuid.uuid4().hex[:12]}"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture(params=["memory", "redis"])
def make_backend(request):
    """Make backends of one kind; every Redis one shares the test's prefix (one "site")."""

    def make(**options) -> PresenceBackend:
        options = {"ttl": 60, "sample_interval": 60, "trend_window": 3600, **options}
        if request.param == "memory":
            return MemoryPresence(**options)
        url = request.getfixturevalue("redis_url")
        prefix = request.getfixturevalue("redis_prefix")
        return RedisPresence(host={"address": url}, prefix=prefix, **options)

    make.kind = request.param
    return make


async def wait_for(condition, timeout=5.0, every=0.05):
    """Poll ``condition()`` until it is truthy; return how long that took."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"still false after {timeout} s")
        await asyncio.sleep(every)
    return time.monotonic() - started


async def test_join_and_leave_change_the_counts(make_backend):
    presence = make_backend()
    await presence.join("a", "reader-1")
    await presence.join("a", "reader-2")
    await presence.join("b", "reader-3")
    await presence.join("a", "reader-1")  # joining twice counts once
    assert presence.counts(["a", "b", "c"]) == {"a": 2, "b": 1, "c": 0}
    await presence.leave("a", "reader-1")
    await presence.leave("a", "nobody")  # leaving without joining is harmless
    assert presence.counts(["a", "b"]) == {"a": 1, "b": 1}
    await presence.leave("a", "reader-2")
    await presence.leave("b", "reader-3")
    assert presence.counts(["a", "b"]) == {"a": 0, "b": 0}
    await presence.aclose()


async def test_a_crowd_leaving_at_once_does_not_exhaust_the_redis_pool(
    redis_url, redis_prefix, caplog
):
    # A pool of 10 connections, and 300 readers who close the page in the same moment.
    host = {"address": redis_url, "max_connections": 10}
    presence = RedisPresence(host=host, prefix=redis_prefix, ttl=60)
    members = [f"reader-{n}" for n in range(300)]
    for member in members:
        await presence.join("a", member)
    assert presence.counts(["a"]) == {"a": 300}
    await asyncio.gather(*(presence.leave("a", member) for member in members))
    assert presence.counts(["a"]) == {"a": 0}
    assert "Could not take readers" not in caplog.text
    await presence.aclose()


async def test_a_reader_let_go_without_waiting_is_uncounted_at_once_here(make_backend):
    # discard() is what a cancelled reader gets: no await, so nothing can stop it half-way.
    presence = make_backend(ttl=0.5)
    await presence.join("a", "reader-1")
    removal = presence.discard("a", "reader-1")
    await asyncio.sleep(1)  # two TTLs: a member still refreshed by this process would stay
    assert presence.counts(["a"]) == {"a": 0}
    assert removal.done()
    await presence.aclose()


async def test_counts_cover_many_channels_and_odd_ids_in_one_call(make_backend):
    presence = make_backend()
    ids = [f"channel-{n}" for n in range(40)] + ["café au lait", "x" * 300, "-100.chat_x"]
    for n, channel_id in enumerate(ids):
        for reader in range(n % 4):
            await presence.join(channel_id, f"{channel_id}/{reader}")
    expected = {channel_id: n % 4 for n, channel_id in enumerate(ids)} | {"none": 0}
    assert presence.counts(iter([*ids, "none"])) == expected
    assert presence.counts([]) == {}
    await presence.aclose()


async def test_redis_counts_of_two_processes_add_up(redis_url, redis_prefix):
    first = RedisPresence(host={"address": redis_url}, prefix=redis_prefix)
    second = RedisPresence(host={"address": redis_url}, prefix=redis_prefix)
    await first.join("a", "first-1")
    await first.join("a", "first-2")
    await second.join("a", "second-1")
    assert first.counts(["a"]) == second.counts(["a"]) == {"a": 3}
    await first.aclose()
    await second.aclose()


async def test_a_member_that_is_not_refreshed_expires_after_the_ttl(make_backend):
    survivor = make_backend(ttl=0.6)
    await survivor.join("a", "alive")
    dead = make_backend(ttl=0.6) if make_backend.kind == "redis" else survivor
    await dead.join("a", "dead")
    # The memory backend has one process: stopping its refresh stops both members'.
    await dead.aclose()
    started = time.monotonic()
    expected_after = {"a": 1} if dead is not survivor else {"a": 0}
    assert dead.counts(["a"]) == {"a": 2}
    await wait_for(lambda: dead.counts(["a"]) == expected_after, timeout=2)
    assert 0.3 <= time.monotonic() - started <= 0.6 + 0.5
    await survivor.aclose()


async def test_the_refresh_keeps_members_alive_past_the_ttl(make_backend):
    presence = make_backend(ttl=0.6)
    await presence.join("a", "reader")
    await asyncio.sleep(0.6 * 3)
    assert presence.counts(["a"]) == {"a": 1}
    await presence.aclose()


async def test_a_member_who_leaves_during_a_refresh_stays_gone(make_backend):
    presence = make_backend(ttl=0.3)
    for n in range(20):
        await presence.join("a", f"reader-{n}")
    # Leave while the refresh task writes every 0.1 s: none may be written back.
    for n in range(20):
        await presence.leave("a", f"reader-{n}")
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.25)
    assert presence.counts(["a"]) == {"a": 0}
    await presence.aclose()


async def test_a_reader_let_go_while_its_join_is_on_its_way_stays_gone(make_backend):
    presence = make_backend()
    write, landed = presence._refresh, asyncio.Event()

    async def sent_then_lands(members):
        await asyncio.sleep(0.2)
        await write(members)
        landed.set()

    # A write already sent lands even if the reader is cancelled meanwhile.
    presence._refresh = lambda members: asyncio.shield(
        asyncio.ensure_future(sent_then_lands(members))
    )
    joining = asyncio.create_task(presence.join("a", "reader-1"))
    await asyncio.sleep(0.05)
    # Its handshake timed out (or the process stops): admission cancelled, reader let go.
    joining.cancel()
    await presence.discard("a", "reader-1")
    await landed.wait()
    await wait_for(lambda: presence.counts(["a"]) == {"a": 0})
    await presence.aclose()


async def test_a_crowd_joining_at_once_is_counted_over_one_connection(redis_url, redis_prefix):
    name = f"{redis_prefix}-joins"  # each of the backend's connections says it is ours
    presence = RedisPresence(host={"address": redis_url, "client_name": name}, prefix=redis_prefix)
    await asyncio.gather(*(presence.join("a", f"reader-{n}") for n in range(300)))
    assert presence.counts(["a"]) == {"a": 300}
    # A write per reader took a connection per reader in flight: 300 for this crowd.
    with redis.Redis.from_url(redis_url) as raw:
        assert len([c for c in raw.client_list() if c["name"] == name]) <= 2
    await presence.aclose()


class CountingAsyncConnection(redis.asyncio.Connection):
    """A real asyncio connection that counts its writes to the socket."""

    writes = 0

    async def send_packed_command(self, command, check_health=True):
        type(self).writes += 1
        return await super().send_packed_command(command, check_health)


async def test_a_storm_of_readers_a_millisecond_apart_is_counted_in_few_writes(
    redis_url, redis_prefix
):
    host = {"address": redis_url, "connection_class": CountingAsyncConnection}
    writer = RedisPresence(host=host, prefix=redis_prefix)
    reader = RedisPresence(host={"address": redis_url}, prefix=redis_prefix)
    await writer.join("a", "first")
    assert reader.counts(["a"]) == {"a": 1}  # a lone reader is counted once joined
    CountingAsyncConnection.writes = 0
    joins = []
    for n in range(100):  # as B takes a stopped process's readers
        joins.append(asyncio.create_task(writer.join("a", f"reader-{n}")))
        await asyncio.sleep(0.001)
    await asyncio.gather(*joins)
    assert reader.counts(["a"]) == {"a": 101}
    # A write each was 100 writes, 150 µs of the event loop each in a restart storm.
    assert CountingAsyncConnection.writes <= 30
    await writer.aclose()


async def test_expired_members_are_pruned_from_redis_before_counting(redis_url, redis_prefix):
    dead = RedisPresence(host={"address": redis_url}, prefix=redis_prefix, ttl=0.3)
    await dead.join("a", "dead")
    await dead.aclose()
    await asyncio.sleep(0.4)
    raw = redis.Redis.from_url(redis_url)
    assert raw.zcard(dead.members_key("a")) == 1  # still stored...
    assert dead.counts(["a"]) == {"a": 0}
    assert raw.zcard(dead.members_key("a")) == 0  # ...and gone once counted
    raw.close()


def test_expired_members_are_pruned_from_memory_before_counting():
    presence = MemoryPresence(ttl=0.1)
    asyncio.run(presence._refresh({"a": {"dead"}}))  # written once, never refreshed
    time.sleep(0.15)
    assert presence.counts(["a"]) == {"a": 0}
    assert presence._members == {}


class CountingConnection(redis.Connection):
    """A real connection that counts its writes to the socket: one per round trip."""

    writes = 0

    def send_packed_command(self, command, check_health=True):
        type(self).writes += 1
        return super().send_packed_command(command, check_health)


async def test_redis_counts_and_trend_take_one_round_trip_for_any_number_of_channels(
    redis_url, redis_prefix
):
    writer = RedisPresence(host={"address": redis_url}, prefix=redis_prefix)
    ids = [f"channel-{n}" for n in range(50)]
    for channel_id in ids[:10]:
        await writer.join(channel_id, "reader")
    reader = RedisPresence(
        host={"address": redis_url, "connection_class": CountingConnection}, prefix=redis_prefix
    )
    reader.counts(["warm-up"])  # the connection's handshake is not the call's
    CountingConnection.writes = 0
    counts = reader.counts(ids)
    assert CountingConnection.writes == 1
    assert sum(counts.values()) == 10 and len(counts) == 50
    CountingConnection.writes = 0
    reader.trend(ids, since=EPOCH)
    assert CountingConnection.writes == 1
    await writer.aclose()


async def test_trend_samples_each_slot_shows_the_fall_and_is_trimmed(make_backend):
    interval, window = 0.3, 1.2
    presence = make_backend(ttl=0.9, sample_interval=interval, trend_window=window)
    await presence.join("a", "reader-1")
    await presence.join("a", "reader-2")
    await presence.join("b", "reader-3")

    def last(channel_id):
        samples = presence.trend([channel_id], since=EPOCH)[channel_id]
        return samples[-1][1] if samples else None

    await wait_for(lambda: last("a") == 2 and last("b") == 1)
    await presence.leave("b", "reader-3")
    await wait_for(lambda: last("b") == 0)  # the fall to 0 is sampled
    await asyncio.sleep(window + 2 * interval)

    now = datetime.now(UTC)
    trend = presence.trend(["a", "b", "never"], since=EPOCH)
    times = [at for at, _ in trend["a"]]
    assert times == sorted(times) and len(times) >= 3
    assert all(at > now - timedelta(seconds=window + 2 * interval) for at in times), times
    slots = [at.timestamp() / interval for at in times]
    assert slots == pytest.approx([round(slot) for slot in slots])  # each at its slot's start
    assert {count for _, count in trend["a"]} == {2}
    # Its samples of 1 aged out of the window; zeros may follow the fall for a while.
    assert {count for _, count in trend["b"]} <= {0}
    assert trend["never"] == []
    recent = presence.trend(["a"], since=now - timedelta(seconds=interval * 1.5))["a"]
    assert 1 <= len(recent) <= 2
    await presence.aclose()


async def test_two_redis_processes_write_one_sample_per_slot(redis_url, redis_prefix):
    options = {"ttl": 0.9, "sample_interval": 0.2, "host": {"address": redis_url}}
    first = RedisPresence(prefix=redis_prefix, **options)
    second = RedisPresence(prefix=redis_prefix, **options)
    await first.join("a", "first")
    await second.join("a", "second")
    await asyncio.sleep(1.5)
    times = [at for at, _ in first.trend(["a"], since=EPOCH)["a"]]
    assert len(times) == len(set(times)) >= 4
    assert {count for _, count in first.trend(["a"], since=EPOCH)["a"]} == {2}
    await first.aclose()
    await second.aclose()


def test_get_presence_is_memory_with_the_in_memory_layer_and_follows_settings():
    with override_settings(CHANNEL_LAYERS={"default": IN_MEMORY_LAYER}):
        memory = get_presence()
        assert isinstance(memory, MemoryPresence) and get_presence() is memory
        assert memory.ttl == 60
        with override_settings(WAGTAIL_LIVE_PRESENCE_TTL=5):
            assert get_presence() is not memory and get_presence().ttl == 5


def test_get_presence_is_redis_with_a_channels_redis_layer_and_follows_settings(redis_url):
    with override_settings(CHANNEL_LAYERS={"default": redis_layer(redis_url, "wla-layer")}):
        shared = get_presence()
        assert isinstance(shared, RedisPresence)
        assert shared.prefix == "wla-layer" and shared.host["address"] == redis_url
        pubsub = redis_layer(redis_url, "wla-pubsub")
        pubsub["BACKEND"] = "channels_redis.pubsub.RedisPubSubChannelLayer"
        with override_settings(CHANNEL_LAYERS={"default": pubsub}):
            assert get_presence().prefix == "wla-pubsub"
        with override_settings(
            WAGTAIL_LIVE_PRESENCE_BACKEND="wagtail_live_admin.realtime.presence.memory.MemoryPresence"
        ):
            assert isinstance(get_presence(), MemoryPresence)
