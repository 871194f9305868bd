"""Channel layer configurations the benches compare, shared by servers and publishers.

A server process reads its configuration from the environment (``BENCH_LAYER``,
``BENCH_REDIS_URL``, ``BENCH_LAYER_PREFIX``, ``BENCH_LAYER_CAPACITY``), so that the
publisher in the bench process builds the same layer.
"""

from __future__ import annotations

import os

from django.utils.module_loading import import_string

BACKENDS = {
    "core": "channels_redis.core.RedisChannelLayer",
    "pubsub": "channels_redis.pubsub.RedisPubSubChannelLayer",
}


def layer_config(kind: str, url: str, prefix: str, capacity: int | None = None) -> dict:
    """One ``CHANNEL_LAYERS`` entry, with the host options that tests/settings.py recommends."""
    if kind == "core":
        config = {
            "hosts": [{"address": url, "socket_timeout": None, "max_connections": 1000}],
            "prefix": prefix,
        }
        if capacity:
            config["capacity"] = capacity
    elif kind == "pubsub":
        config = {"hosts": [{"address": url, "socket_timeout": None}], "prefix": prefix}
    else:
        raise ValueError(f"Unknown layer {kind!r}, must be one of: {', '.join(BACKENDS)}")
    return {"BACKEND": BACKENDS[kind], "CONFIG": config}


def layer_environment(kind: str, url: str, prefix: str, capacity: int | None = None) -> dict:
    return {
        "BENCH_LAYER": kind,
        "BENCH_REDIS_URL": url,
        "BENCH_LAYER_PREFIX": prefix,
        "BENCH_LAYER_CAPACITY": str(capacity or ""),
    }


def layer_from_environment() -> dict:
    capacity = os.environ.get("BENCH_LAYER_CAPACITY")
    return layer_config(
        os.environ["BENCH_LAYER"],
        os.environ["BENCH_REDIS_URL"],
        os.environ["BENCH_LAYER_PREFIX"],
        int(capacity) if capacity else None,
    )


def make_layer(config: dict):
    return import_string(config["BACKEND"])(**config["CONFIG"])
