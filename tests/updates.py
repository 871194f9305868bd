"""Updates that went out or failed, and a listener on a channel's group, for re-push tests."""

import asyncio
import contextlib
import json

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.test import override_settings

from tests.posts import post_value
from tests.services import free_port
from tests.settings import redis_layer
from wagtail_live_admin.models import PublishLogEntry
from wagtail_live_admin.realtime.groups import live_group_name


@contextlib.contextmanager
def layer_down():
    """A channel layer that cannot be reached: every send fails, as when Redis is down."""
    with override_settings(
        CHANNEL_LAYERS={"default": redis_layer(f"redis://127.0.0.1:{free_port()}/0")}
    ):
        yield


def add_post(page, capture, text, message_id, *, fail=False) -> PublishLogEntry:
    """Add a post through the programmatic API and deliver its update; return its entry."""
    page.refresh_from_db()
    with contextlib.ExitStack() as stack:
        if fail:
            stack.enter_context(layer_down())
        stack.enter_context(capture(execute=True))
        page.add_live_post(post_value(text, message_id=message_id))
    return PublishLogEntry.objects.filter(channel_id=page.channel_id).latest("seq")


def hide_post(page, capture, message_id) -> PublishLogEntry:
    page.refresh_from_db()
    post = page.get_live_post_by_message_id(message_id)
    post.value["show"] = False
    with capture(execute=True):
        page.update_live_post(post)
    return PublishLogEntry.objects.filter(channel_id=page.channel_id).latest("seq")


def edit_post(page, capture, message_id, text, *, fail=False) -> PublishLogEntry:
    page.refresh_from_db()
    post = page.get_live_post_by_message_id(message_id)
    post.value["content"] = post.block.child_blocks["content"].to_python(
        [{"type": "text", "value": f"<p>{text}</p>"}]
    )
    with contextlib.ExitStack() as stack:
        if fail:
            stack.enter_context(layer_down())
        stack.enter_context(capture(execute=True))
        page.update_live_post(post)
    return PublishLogEntry.objects.filter(channel_id=page.channel_id).latest("seq")


def post_id_of(page, message_id) -> str:
    page.refresh_from_db()
    return page.get_live_post_by_message_id(message_id).id


class Listener:
    """A member of a channel's group on the configured layer: what readers would receive."""

    def __init__(self, channel_id: str):
        self.layer = get_channel_layer()
        self.name = async_to_sync(self.layer.new_channel)()
        async_to_sync(self.layer.group_add)(live_group_name(channel_id), self.name)

    def frames(self, timeout: float = 0.5) -> list[dict]:
        async def take():
            frames = []
            while True:
                try:
                    message = await asyncio.wait_for(self.layer.receive(self.name), timeout)
                except TimeoutError:
                    return frames
                frames.append(json.loads(message["frame"]))

        return async_to_sync(take)()
