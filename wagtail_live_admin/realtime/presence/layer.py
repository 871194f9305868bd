"""Where the channel layer keeps its Redis, so that presence uses the same hosts.

With several hosts, channels-redis keeps each group on one of them (a consistent hash of
the group's name); presence keeps a channel's counts on the host of the channel's group.
"""

from __future__ import annotations

from dataclasses import dataclass

import redis
import redis.asyncio
import redis.asyncio.sentinel
import redis.sentinel
from channels_redis.core import RedisChannelLayer
from channels_redis.pubsub import RedisPubSubChannelLayer
from channels_redis.utils import _consistent_hash, decode_hosts

# Seconds a presence command may wait for Redis. The layer's hosts often say
# socket_timeout=None, for channels-redis' blocking reads (docs/how-to/redis.md);
# presence never blocks on a read, and a bound keeps a Redis that hangs from holding
# up a reader's socket.
SOCKET_TIMEOUT = 5.0


@dataclass(frozen=True)
class LayerRedis:
    """A channels-redis layer's Redis hosts and key prefix, and how it spreads groups on them."""

    hosts: list[dict]
    prefix: str
    pubsub: bool = False

    def shard(self, group: str) -> int:
        """Return the index of the host that the layer keeps ``group`` on."""
        # Both layers pick a host with this hash; the pub/sub one hashes the name of the
        # Redis channel that carries the group.
        name = f"{self.prefix}__group__{group}" if self.pubsub else group
        return _consistent_hash(name, len(self.hosts))


def layer_redis(layer) -> LayerRedis | None:
    """Return the Redis hosts and the key prefix of a channels-redis layer.

    None for any other layer (the in-memory one, or none at all).
    """
    if isinstance(layer, RedisChannelLayer):
        return LayerRedis(list(layer.hosts), layer.prefix)
    if isinstance(layer, RedisPubSubChannelLayer):
        # This layer builds its real self per event loop; outside a loop, what it was
        # given is all there is to read.
        options = layer._kwargs
        return LayerRedis(
            decode_hosts(options.get("hosts")), options.get("prefix", "asgi"), pubsub=True
        )
    return None


def connection_pool(host: dict, *, asyncio: bool):
    """Make a redis-py connection pool from a channels-redis ``hosts`` entry."""
    module = redis.asyncio if asyncio else redis
    sentinel = redis.asyncio.sentinel if asyncio else redis.sentinel
    host = dict(host)
    for option in ("socket_timeout", "socket_connect_timeout"):
        if host.get(option) is None:
            host[option] = SOCKET_TIMEOUT
    if "address" in host:
        return module.ConnectionPool.from_url(host.pop("address"), **host)
    if "master_name" in host:
        master_name = host.pop("master_name")
        sentinels = sentinel.Sentinel(
            host.pop("sentinels"), sentinel_kwargs=host.pop("sentinel_kwargs", None)
        )
        return sentinel.SentinelConnectionPool(master_name, sentinels, **host)
    return module.ConnectionPool(**host)
