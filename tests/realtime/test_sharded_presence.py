"""A layer sharded over two Redis hosts: counts and fan-out stay exact, each channel on its host."""

import asyncio
import itertools
import json
import uuid
from contextlib import ExitStack
from datetime import UTC, datetime

import pytest
import redis
from channels.layers import get_channel_layer
from django.conf import settings
from django.test import override_settings

from tests.posts import post_value
from tests.realtime.test_presence_processes import dashboard_counts, open_reader, wait_for_count
from tests.services import require_redis
from tests.settings import redis_layer
from tests.staff import VIEWER, make_staff
from tests.testapp.models import LiveBlogPage
from wagtail_live_admin.realtime.groups import live_group_name
from wagtail_live_admin.realtime.presence import get_presence
from wagtail_live_admin.realtime.presence.redis_backend import RedisPresence

pytestmark = pytest.mark.redis


@pytest.fixture
def sharded_redis(redis_server):
    """A channels-redis layer over the shared Redis and one of the test's own.

    Yields the environment that points a ``DaphneServer`` at the same two hosts.
    """
    url = require_redis()
    prefix = f"wla-test-{uuid.uuid4().hex[:8]}"
    layer = redis_layer(url, prefix, shards=[redis_server.url])
    with override_settings(CHANNEL_LAYERS={"default": layer}):
        yield {
            "REDIS_URL": url,
            "WAGTAIL_LIVE_TEST_REDIS_SHARDS": redis_server.url,
            "WAGTAIL_LIVE_TEST_LAYER_PREFIX": prefix,
        }


def channels_on_each_host(per_host: int) -> list[str]:
    """Fresh channel ids, ``per_host`` of them whose groups the layer keeps on each host."""
    layer, found = get_channel_layer(), {0: [], 1: []}
    for n in itertools.count():
        channel_id = f"sharded-{uuid.uuid4().hex[:6]}-{n}"
        host = layer.consistent_hash(live_group_name(channel_id))
        if len(found[host]) < per_host:
            found[host].append(channel_id)
        if all(len(ids) == per_host for ids in found.values()):
            return found[0] + found[1]


def raw_clients() -> list[redis.Redis]:
    return [redis.Redis.from_url(host["address"]) for host in get_presence().hosts]


@pytest.mark.server
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_hosts_count_every_reader_and_fan_out_to_all(
    sharded_redis, make_live_page, daphne, client
):
    channel_ids = channels_on_each_host(2)
    pages = [
        make_live_page(title=f"Match {n}", channel_id=channel_id)
        for n, channel_id in enumerate(channel_ids)
    ]
    client.force_login(make_staff(VIEWER))
    session_id = client.cookies[settings.SESSION_COOKIE_NAME].value
    servers = [daphne(env=sharded_redis), daphne(env=sharded_redis)]
    with ExitStack() as sockets:
        # 1, 2, 3 and 4 readers on the four channels, spread over both servers.
        readers = {
            channel_id: [open_reader(sockets, servers[n % 2], channel_id) for n in range(index + 1)]
            for index, channel_id in enumerate(channel_ids)
        }
        for index, channel_id in enumerate(channel_ids):
            wait_for_count(channel_id, index + 1, timeout=3)
        counts = dashboard_counts(servers[0], session_id)
        assert counts["total"] == 10
        assert {row["channel_id"]: row["subscribers"] for row in counts["channels"]} == {
            channel_id: index + 1 for index, channel_id in enumerate(channel_ids)
        }

        # Each channel's counts are kept on the host of its group, and only there.
        prefix, presence = sharded_redis["WAGTAIL_LIVE_TEST_LAYER_PREFIX"], get_presence()
        hosts = raw_clients()
        for channel_id in channel_ids:
            group_key = f"{prefix}:group:{live_group_name(channel_id)}"
            holders = [n for n, host in enumerate(hosts) if host.exists(group_key)]
            counted = [
                n for n, host in enumerate(hosts) if host.exists(presence.members_key(channel_id))
            ]
            assert holders == counted, channel_id
        # ... so each host counts the readers of half the channels.
        assert sorted(len(host.keys(f"{prefix}:live:presence:*")) for host in hosts) == [2, 2]

        for page in pages:
            page.add_live_post(post_value(f"Goal on {page.channel_id}"))
        for channel_id, sockets_of_channel in readers.items():
            for socket in sockets_of_channel:
                frame = json.loads(socket.recv(timeout=10))
                assert f"Goal on {channel_id}" in json.dumps(frame["renders"])

    for channel_id in channel_ids:
        wait_for_count(channel_id, 0, timeout=3)
    LiveBlogPage.objects.all().delete()


@pytest.mark.django_db
def test_two_hosts_sample_the_trend_of_their_own_channels(sharded_redis):
    channel_ids = channels_on_each_host(1)
    options = {"ttl": 5, "sample_interval": 0.2, "trend_window": 60}
    presence = RedisPresence(**options)

    async def watch_for_a_while():
        for n, channel_id in enumerate(channel_ids):
            for reader in range(n + 1):
                await presence.join(channel_id, f"reader-{reader}")
        await asyncio.sleep(1)
        await presence.aclose()

    asyncio.run(watch_for_a_while())
    trend = presence.trend(channel_ids, since=datetime(2000, 1, 1, tzinfo=UTC))
    assert {count for _, count in trend[channel_ids[0]]} == {1}
    assert {count for _, count in trend[channel_ids[1]]} == {2}
    assert len(trend[channel_ids[0]]) >= 3 and len(trend[channel_ids[1]]) >= 3
    assert presence.counts(channel_ids) == {channel_ids[0]: 1, channel_ids[1]: 2}
