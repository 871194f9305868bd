"""The websocket consumer, the Channels publisher and presence, on both channel layers."""

import json
import uuid

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction
from django.test import override_settings

from tests.asgi import application
from tests.posts import (
    draft_of,
    editor_adds,
    publish,
    publish_new_post,
    remove_post,
    set_post_shown,
    set_post_text,
)
from tests.services import free_port
from tests.testapp.models import LiveBlogPage
from wagtail_live_admin.blocks import render_live_post
from wagtail_live_admin.realtime.presence import get_presence
from wagtail_live_admin.realtime.presence.redis_backend import RedisPresence

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HEADERS = [(b"origin", b"http://testserver"), (b"host", b"testserver")]


async def subscribe(channel_id="match-day.1"):
    communicator = WebsocketCommunicator(application, f"/ws/channel/{channel_id}/", HEADERS)
    connected, code = await communicator.connect()
    return communicator, connected, code


def published_post(page_pk, post_id):
    page = LiveBlogPage.objects.get(pk=page_pk)
    return next(post for post in page.live_posts if post.id == post_id)


def expected_render(page_pk, post_id):
    return {"show": True, "content": render_live_post(published_post(page_pk, post_id))}


async def receive_frame(communicator):
    frame = json.loads(await communicator.receive_from(timeout=5))
    assert list(frame)[:2] == ["renders", "removals"]  # wagtail-live's keys first
    assert frame.pop("published_at")
    return frame


async def test_readers_get_the_exact_frame_for_add_edit_hide_and_delete(
    channel_layer_name, live_page
):
    communicator, connected, _ = await subscribe()
    assert connected

    @database_sync_to_async
    def add():
        page = draft_of(live_page)
        post = editor_adds(page, "Kick-off")
        publish(page)
        return post.id, expected_render(live_page.pk, post.id)

    post_id, render = await add()
    assert await receive_frame(communicator) == {
        "renders": {post_id: render},
        "removals": [],
        "seq": 1,
        "channel_id": "match-day.1",
    }

    @database_sync_to_async
    def edit():
        page = draft_of(live_page)
        set_post_text(page, post_id, "Kick-off delayed")
        publish(page)
        return expected_render(live_page.pk, post_id)

    render = await edit()
    assert "Kick-off delayed" in render["content"]
    assert await receive_frame(communicator) == {
        "renders": {post_id: render},
        "removals": [],
        "seq": 2,
        "channel_id": "match-day.1",
    }

    @database_sync_to_async
    def hide():
        page = draft_of(live_page)
        set_post_shown(page, post_id, False)
        publish(page)

    await hide()
    assert await receive_frame(communicator) == {
        "renders": {},
        "removals": [post_id],
        "seq": 3,
        "channel_id": "match-day.1",
    }

    @database_sync_to_async
    def show_then_delete():
        page = draft_of(live_page)
        set_post_shown(page, post_id, True)
        publish(page)
        page = draft_of(live_page)
        remove_post(page, post_id)
        publish(page)

    await show_then_delete()
    assert list((await receive_frame(communicator))["renders"]) == [post_id]
    assert await receive_frame(communicator) == {
        "renders": {},
        "removals": [post_id],
        "seq": 5,
        "channel_id": "match-day.1",
    }
    assert await communicator.receive_nothing(timeout=0.3)
    await communicator.disconnect()


async def test_save_draft_and_a_rolled_back_publish_send_nothing(channel_layer_name, live_page):
    communicator, connected, _ = await subscribe()
    assert connected

    @database_sync_to_async
    def draft_then_rollback_then_commit():
        page = draft_of(live_page)
        editor_adds(page, "Draft only")
        page.save_revision()
        try:
            with transaction.atomic():
                page = draft_of(live_page)
                editor_adds(page, "Rolled back")
                publish(page)
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
        with transaction.atomic():
            page = draft_of(live_page)
            post = editor_adds(page, "Committed")
            publish(page)
        return post.id

    committed_id = await draft_then_rollback_then_commit()
    frame = await receive_frame(communicator)
    # The first frame readers get is the committed publish, and it carries only
    # what was committed (the draft's posts went out with it, being published now).
    assert committed_id in frame["renders"]
    assert not any("Rolled back" in r["content"] for r in frame["renders"].values())
    assert await communicator.receive_nothing(timeout=0.3)
    await communicator.disconnect()


async def test_unknown_channel_is_closed_with_4404(live_page):
    communicator, connected, _ = await subscribe("no-such-channel")
    assert connected  # accepted, so that the close code reaches the browser
    assert (await communicator.receive_output(timeout=5))["code"] == 4404


async def test_page_that_is_not_live_is_closed_with_4404(make_live_page):
    await database_sync_to_async(make_live_page)(title="Later", channel_id="later", live=False)
    communicator, _, _ = await subscribe("later")
    assert (await communicator.receive_output(timeout=5))["code"] == 4404


async def test_login_restricted_page_refuses_anonymous_readers_with_4403(live_page):
    from wagtail.models import PageViewRestriction

    await database_sync_to_async(PageViewRestriction.objects.create)(
        page=live_page, restriction_type=PageViewRestriction.LOGIN
    )
    communicator, _, _ = await subscribe()
    assert (await communicator.receive_output(timeout=5))["code"] == 4403


async def test_ids_with_hyphens_and_dots_route(make_live_page):
    await database_sync_to_async(make_live_page)(title="Chat", channel_id="-100.chat_x")
    communicator, connected, _ = await subscribe("-100.chat_x")
    assert connected
    await communicator.send_to(text_data='{"type": "ping"}')
    assert json.loads(await communicator.receive_from()) == {"type": "pong"}
    await communicator.disconnect()


@pytest.mark.parametrize(
    "frame",
    [
        "not json",
        '{"type": "subscribe"}',
        "[]",
        "x" * 5000,
        '{"type": "ping", "p": "%s"}' % ("é" * 600),
        None,
    ],
    ids=["garbage", "unknown-type", "not-an-object", "oversized", "oversized-in-bytes", "binary"],
)
async def test_a_bad_client_frame_closes_only_that_socket(channel_layer_name, live_page, frame):
    bad, _, _ = await subscribe()
    good, _, _ = await subscribe()
    if frame is None:
        await bad.send_to(bytes_data=b"\x00\x01")
    else:
        await bad.send_to(text_data=frame)
    assert (await bad.receive_output(timeout=5)) == {"type": "websocket.close", "code": 4400}

    await database_sync_to_async(publish_new_post)(live_page, "Still live")
    assert "Still live" in json.dumps(await receive_frame(good))
    await good.disconnect()


# Presence: the reader's count follows the socket.


class UnreachableRedisPresence(RedisPresence):
    """The Redis backend, pointed at a port where no Redis listens."""

    def __init__(self):
        super().__init__(host={"address": f"redis://127.0.0.1:{free_port()}/0"}, prefix="gone")


async def counted_channel(make_live_page):
    channel_id = f"counted-{uuid.uuid4().hex[:8]}"  # no reader of another test in the count
    await database_sync_to_async(make_live_page)(title="Counted", channel_id=channel_id)
    return channel_id


def count(channel_id):
    return get_presence().counts([channel_id])[channel_id]


async def test_readers_are_counted_while_connected(channel_layer_name, make_live_page):
    channel_id = await counted_channel(make_live_page)
    first, connected, _ = await subscribe(channel_id)
    assert connected and count(channel_id) == 1
    second, connected, _ = await subscribe(channel_id)
    assert connected and count(channel_id) == 2
    await first.disconnect()
    assert count(channel_id) == 1
    await second.disconnect()
    assert count(channel_id) == 0
    await get_presence().aclose()


async def test_a_reader_closed_for_a_bad_frame_is_uncounted_on_disconnect(
    channel_layer_name, make_live_page
):
    channel_id = await counted_channel(make_live_page)
    reader, _, _ = await subscribe(channel_id)
    await reader.send_to(text_data="not json")
    assert (await reader.receive_output(timeout=5))["code"] == 4400
    await reader.disconnect()  # what the browser answers to the close
    assert count(channel_id) == 0
    await get_presence().aclose()


async def test_refused_readers_are_never_counted(channel_layer_name, make_live_page):
    from wagtail.models import PageViewRestriction

    channel_id = await counted_channel(make_live_page)
    await database_sync_to_async(PageViewRestriction.objects.create)(
        page=await database_sync_to_async(LiveBlogPage.objects.get)(channel_id=channel_id),
        restriction_type=PageViewRestriction.LOGIN,
    )
    forbidden, _, _ = await subscribe(channel_id)
    unknown, _, _ = await subscribe("no-such-channel")
    assert (await forbidden.receive_output(timeout=5))["code"] == 4403
    assert (await unknown.receive_output(timeout=5))["code"] == 4404
    # Still open on our side: had they been counted, they would count now.
    assert get_presence().counts([channel_id, "no-such-channel"]) == {
        channel_id: 0,
        "no-such-channel": 0,
    }


@override_settings(
    WAGTAIL_LIVE_PRESENCE_BACKEND="tests.realtime.test_consumers.UnreachableRedisPresence"
)
async def test_a_presence_outage_costs_the_reader_nothing(
    channel_layer_name, make_live_page, caplog
):
    channel_id = await counted_channel(make_live_page)
    readers = []
    for _ in range(3):
        reader, connected, _ = await subscribe(channel_id)
        assert connected
        await reader.send_to(text_data='{"type": "ping"}')
        assert json.loads(await reader.receive_from()) == {"type": "pong"}
        readers.append(reader)
    for reader in readers:
        await reader.disconnect()
    # The outage is logged once, not by each reader's join and leave.
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len([m for m in warnings if "Live subscriber counts are unavailable" in m]) == 1
    assert len(warnings) == 1, warnings
    await get_presence().aclose()
