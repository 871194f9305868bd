"""Where the channel layer keeps its Redis, so that presence uses the same one."""

from __future__ import annotations

import redis
import redis.asyncio
import redis.asyncio.sentinel
import redis.sentinel
from channels_redis.core import RedisChannelLayer
from channels_redis.pubsub import RedisPubSubChannelLayer
from channels_redis.utils import decode_hosts

# Seconds a presence command may wait for Redis. The layer's hosts often say
# socket_timeout=None, for channels-redis' blocking reads (docs/how-to/redis.md);
# presence never blocks on a read, and a bound keeps a Redis that hangs from holding
# up a reader's socket.
SOCKET_TIMEOUT = 5.0


def layer_redis(layer) -> tuple[dict, str] | None:
    """Return the first Redis host and the key prefix of a channels-redis layer.

    None for any other layer (the in-memory one, or none at all).
    """
    if isinstance(layer, RedisChannelLayer):
        return layer.hosts[0], layer.prefix
    if isinstance(layer, RedisPubSubChannelLayer):
        # This layer builds its real self per event loop; outside a loop, what it was
        # given is all there is to read.
        options = layer._kwargs
        return decode_hosts(options.get("hosts"))[0], options.get("prefix", "asgi")
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
