"""Hostile client frames: the consumer answers pings, closes with 4400 otherwise, never raises.

Hypothesis throws text and bytes at the consumer: any text, lone surrogates (text
that has no UTF-8 form), invalid UTF-8 bytes, JSON of every type, ``type`` of the
wrong type, deeply nested JSON, huge frames and a receive event with no data. A
reader on the same channel keeps receiving throughout.
"""

import asyncio
import json
import uuid

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.asgi import application
from tests.posts import publish_new_post
from wagtail_live_admin.conf import DEFAULTS
from wagtail_live_admin.realtime.presence import get_presence

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HEADERS = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
PING = '{"type": "ping"}'
PONG = {"type": "websocket.send", "text": '{"type":"pong"}'}
BAD_FRAME = {"type": "websocket.close", "code": 4400}


def text(data):
    return {"type": "websocket.receive", "text": data}


def binary(data):
    return {"type": "websocket.receive", "bytes": data}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children),
    max_leaves=12,
)


# Hypothesis favours small sizes: name the huge ones outright too.
depths = st.integers(1, 2000) | st.sampled_from([10_000, 100_000, 300_000])
sizes = st.integers(0, 3 * 1024) | st.sampled_from([100_000, 5_000_000])


def nested(depth: int, *, as_object: bool) -> str:
    if as_object:
        return '{"type":' * depth + '"ping"' + "}" * depth
    return "[" * depth + "]" * depth


frames = st.one_of(
    st.text().map(text),
    # Lone surrogates: a str no real client can send, but an ASGI server might pass on.
    st.text(st.characters(categories=["Cs"]), min_size=1).map(text),
    st.lists(st.sampled_from(['{"type": "ping", "x": "', "\ud800", '"}']), min_size=1).map(
        lambda parts: text("".join(parts))
    ),
    json_values.map(lambda value: text(json.dumps(value))),
    json_values.map(lambda value: text(json.dumps({"type": value}))),
    st.fixed_dictionaries({"type": st.just("ping")}, optional={"extra": json_values}).map(
        lambda value: text(json.dumps(value))
    ),
    st.just(text(PING)),
    depths.map(lambda depth: text(nested(depth, as_object=False))),
    depths.map(lambda depth: text(nested(depth, as_object=True))),
    # Around the limit, and far beyond it, in characters and in UTF-8 bytes.
    sizes.map(lambda n: text('{"type": "ping", "p": "' + "é" * n + '"}')),
    sizes.map(lambda n: text('{"type": "ping", "p": "' + "x" * n + '"}')),
    st.binary().map(binary),  # mostly invalid UTF-8
    st.just(binary(PING.encode())),  # a ping, but binary
    sizes.map(lambda n: binary(b"\xff" * n)),
    st.just({"type": "websocket.receive"}),  # neither text nor bytes
)


def is_ping(message: dict, limit: int) -> bool:
    """The documented rule: text of at most ``limit`` UTF-8 bytes, a JSON object of type ping."""
    data = message.get("text")
    if data is None or len(data.encode(errors="surrogatepass")) > limit:
        return False
    try:
        value = json.loads(data)
    except (ValueError, RecursionError):
        return False
    return isinstance(value, dict) and value.get("type") == "ping"


async def subscribe(channel_id):
    communicator = WebsocketCommunicator(application, f"/ws/channel/{channel_id}/", HEADERS)
    connected, _ = await communicator.connect(timeout=5)
    assert connected
    return communicator


async def throw(channel_id, messages, limit):
    """Send ``messages`` on one socket until one is not a ping; check every answer."""
    socket = await subscribe(channel_id)
    for message in messages:
        await socket.send_input(message)
        # receive_output re-raises what the consumer raised, if it did.
        answer = await socket.receive_output(timeout=5)
        if is_ping(message, limit):
            assert answer == PONG
        else:
            assert answer == BAD_FRAME
            break
    await socket.disconnect(timeout=5)  # re-raises, too


# A default limit, and a large one under which deep nesting reaches the JSON parser.
@pytest.mark.parametrize("limit", [DEFAULTS["MAX_CLIENT_FRAME_BYTES"], 4 * 1024 * 1024])
def test_hostile_frames_close_only_their_socket(channel_layer_name, make_live_page, limit):
    channel_id = f"fuzz-{uuid.uuid4().hex[:8]}"
    page = make_live_page(title="Fuzz", channel_id=channel_id)
    loop = asyncio.new_event_loop()
    with override_settings(WAGTAIL_LIVE_MAX_CLIENT_FRAME_BYTES=limit):
        try:
            reader = loop.run_until_complete(subscribe(channel_id))

            @settings(
                max_examples=60,
                deadline=None,
                database=None,  # nothing written to the checkout
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
            )
            @given(messages=st.lists(frames, min_size=1, max_size=4))
            def hostile_client(messages):
                loop.run_until_complete(throw(channel_id, messages, limit))

            hostile_client()
            loop.run_until_complete(still_live(reader, page))
        finally:
            loop.run_until_complete(close_layer())
            loop.close()


async def still_live(reader, page):
    """The reader saw none of it, still receives updates, and is the channel's only one."""
    assert await reader.receive_nothing(timeout=0.2)

    await database_sync_to_async(publish_new_post)(page, "Still live after the fuzzing")
    frame = json.loads(await reader.receive_from(timeout=5))
    assert "Still live after the fuzzing" in json.dumps(frame["renders"])
    assert get_presence().counts([page.channel_id]) == {page.channel_id: 1}
    await reader.disconnect()


async def close_layer():
    await get_presence().aclose()
    layer = get_channel_layer()
    if hasattr(layer, "close_pools"):
        await layer.close_pools()
