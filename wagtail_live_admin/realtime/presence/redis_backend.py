"""``RedisPresence``: counts shared by every server process, in the channel layer's Redis.

With several Redis hosts (a sharded layer), each channel's keys live on the host that
holds its group, and each host has an index and samples of its own channels.

Keys, under the channel layer's prefix (``<slug>`` as in ``groups.channel_slug``):

- ``<prefix>:live:presence:<slug>``: a sorted set of the channel's members, each scored
  by its expiry (Unix time);
- ``<prefix>:live:channels``: a sorted set of the slugs with members lately, scored by
  their latest expiry, so the sampler knows which channels to sample;
- ``<prefix>:live:trend:<slug>``: the channel's samples, ``"<slot>:<count>"`` scored
  by the slot's start time;
- ``<prefix>:live:slot:<slot>``: taken by the process that samples that slot (of that host).

channels-redis' own group keys are never read: they outlive a crashed process by a day.
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
import weakref
from collections.abc import Iterable
from datetime import datetime

import redis
import redis.asyncio
from channels.layers import get_channel_layer
from django.core.exceptions import ImproperlyConfigured

from ..groups import channel_slug, live_group_name
from .base import PresenceBackend, timestamp_to_datetime
from .layer import LayerRedis, connection_pool, layer_redis

# Takes one slot's sample of every channel in the index, in one round trip; returns
# -1 when another process took the slot first. Keys are built in the script, which
# Redis Cluster would refuse; channels-redis does not support Cluster either.
SAMPLE_SCRIPT = """
if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[3]) then return -1 end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[4])
local slugs = redis.call('ZRANGE', KEYS[2], 0, -1)
for _, slug in ipairs(slugs) do
  local members = ARGV[7] .. slug
  redis.call('ZREMRANGEBYSCORE', members, '-inf', ARGV[1])
  local trend = ARGV[8] .. slug
  redis.call('ZADD', trend, ARGV[2], ARGV[9] .. ':' .. redis.call('ZCARD', members))
  redis.call('ZREMRANGEBYSCORE', trend, '-inf', ARGV[5])
  redis.call('EXPIRE', trend, ARGV[6])
end
return #slugs
"""

# The reads, a script each for all of a host's channels: one command, where a pipeline
# packed and parsed three per channel (the dashboard asks for 50 channels at a time).
COUNTS_SCRIPT = """
local counts = {}
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', ARGV[1])
  counts[i] = redis.call('ZCARD', key)
end
return counts
"""
TREND_SCRIPT = """
local trends = {}
for i, key in ipairs(KEYS) do
  trends[i] = redis.call('ZRANGEBYSCORE', key, ARGV[1], '+inf', 'WITHSCORES')
end
return trends
"""


class RedisPresence(PresenceBackend):
    """Members in one sorted set per channel; the asyncio client writes, the sync one reads.

    ``hosts`` (or one ``host``) and ``prefix`` default to the default channels-redis layer's.
    """

    def __init__(
        self,
        *,
        host: dict | None = None,
        hosts: list[dict] | None = None,
        prefix: str | None = None,
        **options,
    ) -> None:
        super().__init__(**options)
        if host is not None:
            hosts = [host]
        found = None
        if hosts is None or prefix is None:
            found = layer_redis(get_channel_layer())
            if found is None:
                raise ImproperlyConfigured(
                    "The Redis presence backend needs a channels-redis default channel layer "
                    "(or hosts and a prefix of its own): the default layer is "
                    f"{type(get_channel_layer()).__name__}."
                )
            prefix = found.prefix if prefix is None else prefix
        # The layer's own hosts are spread as the layer spreads its groups.
        self.layer = (
            LayerRedis([dict(h) for h in hosts], prefix)
            if hosts is not None
            else LayerRedis([dict(h) for h in found.hosts], found.prefix, found.pubsub)
        )
        self.hosts, self.prefix = self.layer.hosts, prefix
        self._sync_clients: list[redis.Redis] | None = None
        self._sync_lock = threading.Lock()
        # redis-py's asyncio connections belong to the loop that opened them.
        self._async_clients: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._sampled_slot: int | None = None

    @property
    def host(self) -> dict:
        """The first host (the only one of an unsharded layer)."""
        return self.hosts[0]

    # Keys and clients.

    def shard(self, channel_id: str) -> int:
        """Return the index of the host that keeps ``channel_id``'s keys: its group's host."""
        return self.layer.shard(live_group_name(channel_id))

    def by_shard(self, channel_ids: Iterable[str]) -> dict[int, list[str]]:
        """Group channel ids by the host that keeps them."""
        shards: dict[int, list[str]] = {}
        for channel_id in channel_ids:
            shards.setdefault(self.shard(channel_id), []).append(channel_id)
        return shards

    def members_key(self, channel_id: str) -> str:
        return f"{self.prefix}:live:presence:{channel_slug(channel_id)}"

    def trend_key(self, channel_id: str) -> str:
        return f"{self.prefix}:live:trend:{channel_slug(channel_id)}"

    @property
    def index_key(self) -> str:
        return f"{self.prefix}:live:channels"

    def _seconds(self, seconds: float) -> int:
        return math.ceil(seconds) + 1

    def _client(self, shard: int = 0) -> redis.asyncio.Redis:
        loop = asyncio.get_running_loop()
        clients = self._async_clients.get(loop)
        if clients is None:
            clients = self._async_clients[loop] = [
                redis.asyncio.Redis(connection_pool=connection_pool(host, asyncio=True))
                for host in self.hosts
            ]
        return clients[shard]

    def sync_client(self, shard: int = 0) -> redis.Redis:
        with self._sync_lock:
            if self._sync_clients is None:
                self._sync_clients = [
                    redis.Redis(connection_pool=connection_pool(host, asyncio=False))
                    for host in self.hosts
                ]
            return self._sync_clients[shard]

    async def _release(self) -> None:
        for client in self._async_clients.pop(asyncio.get_running_loop(), ()):
            await client.aclose(close_connection_pool=True)

    async def aclose(self) -> None:
        """Stop refreshing and sampling, and close this backend's connections."""
        await super().aclose()
        await self._release()
        with self._sync_lock:
            clients, self._sync_clients = self._sync_clients or [], None
        for client in clients:
            client.connection_pool.disconnect()

    # Writes, from the event loop: one round trip per host, the hosts side by side.

    def _write(self, pipe, members: dict[str, set[str]]) -> None:
        expiry = time.time() + self.ttl
        for channel_id, names in members.items():
            key = self.members_key(channel_id)
            pipe.zadd(key, dict.fromkeys(names, expiry))
            pipe.expire(key, self._seconds(self.ttl))
        # The index keeps a channel for two slots after its last member, for the fall to 0.
        pipe.zadd(self.index_key, {channel_slug(channel_id): expiry for channel_id in members})
        pipe.expire(self.index_key, self._seconds(self.ttl + 2 * self.sample_interval))

    async def _on_each_host(self, members: dict[str, set[str]], write) -> None:
        async def send(shard: int, channel_ids: list[str]) -> None:
            async with self._client(shard).pipeline(transaction=False) as pipe:
                write(pipe, {channel_id: members[channel_id] for channel_id in channel_ids})
                await pipe.execute()

        sends = [send(*item) for item in self.by_shard(members).items()]
        if len(sends) == 1:
            # One host, the usual case: no task in between, so a reader's leaving is on
            # its way to Redis before the consumer's next step.
            await sends[0]
        else:
            await asyncio.gather(*sends)

    async def _remove(self, members: dict[str, set[str]]) -> None:
        def remove(pipe, members):
            for channel_id, names in members.items():
                pipe.zrem(self.members_key(channel_id), *names)

        await self._on_each_host(members, remove)

    async def _refresh(self, members: dict[str, set[str]]) -> None:
        await self._on_each_host(members, self._write)

    async def _sample(self, now: float) -> None:
        slot = self.slot(now)
        if slot == self._sampled_slot:
            return
        at = slot * self.sample_interval
        # Each host samples the channels it keeps; a host another process sampled says so.
        await asyncio.gather(
            *(
                self._client(shard).eval(
                    SAMPLE_SCRIPT,
                    2,
                    f"{self.prefix}:live:slot:{slot}",
                    self.index_key,
                    now,
                    at,
                    max(1, int(self.sample_interval * 2000)),
                    now - 2 * self.sample_interval,
                    at - self.trend_window,
                    self._seconds(self.trend_window + self.sample_interval),
                    f"{self.prefix}:live:presence:",
                    f"{self.prefix}:live:trend:",
                    slot,
                )
                for shard in range(len(self.hosts))
            )
        )
        # Only once it is done: after a failure, the next tick tries the slot again.
        self._sampled_slot = slot

    # Reads, from anywhere (admin views run them in threads): one round trip per host.

    def counts(self, channel_ids: Iterable[str]) -> dict[str, int]:
        channel_ids = list(dict.fromkeys(channel_ids))
        found = self._read(COUNTS_SCRIPT, self.members_key, channel_ids, time.time())
        return {channel_id: found[channel_id] for channel_id in channel_ids}

    def trend(
        self, channel_ids: Iterable[str], *, since: datetime
    ) -> dict[str, list[tuple[datetime, int]]]:
        channel_ids = list(dict.fromkeys(channel_ids))
        # A channel no longer sampled keeps its last samples until its key expires: they
        # are not shown once older than the window.
        start = max(since.timestamp(), time.time() - self.trend_window)
        found = self._read(TREND_SCRIPT, self.trend_key, channel_ids, start)
        return {
            channel_id: [
                (timestamp_to_datetime(float(at)), int(sample.rsplit(b":", 1)[1]))
                for sample, at in zip(found[channel_id][::2], found[channel_id][1::2], strict=True)
            ]
            for channel_id in channel_ids
        }

    def _read(self, script: str, key, channel_ids: list[str], argument) -> dict:
        """``script``'s answer for each channel, ``key(channel_id)`` its key; a call per host."""
        found = {}
        for shard, ids in self.by_shard(channel_ids).items():
            client = self.sync_client(shard)
            answers = client.eval(script, len(ids), *map(key, ids), argument)
            found.update(zip(ids, answers, strict=True))
        return found
