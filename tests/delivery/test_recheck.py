"""A channel id that changes hands: the sockets on it belonged to the page that had it."""

import json
import uuid

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth import get_user_model
from django.test import Client
from wagtail.models import PageViewRestriction

from tests.asgi import application
from tests.posts import draft_of, publish, publish_new_post
from tests.testapp.models import LiveBlogPage

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


async def subscribe(channel_id, session=None) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    if session:
        headers.append((b"cookie", f"sessionid={session}".encode()))
    communicator = WebsocketCommunicator(application, f"/ws/channel/{channel_id}/", headers)
    assert (await communicator.connect(timeout=5))[0]
    await communicator.send_to(text_data='{"type": "ping"}')
    assert await communicator.receive_from(timeout=5) == '{"type":"pong"}'
    return communicator


def member_session() -> str:
    user = get_user_model().objects.create_user(f"member-{uuid.uuid4().hex[:8]}", password="pw")
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def move_channel(page, channel_id: str) -> None:
    """Give the page another channel id in the editor, and publish."""
    draft = draft_of(page)
    draft.channel_id = channel_id
    publish(draft)


@pytest.fixture
def pages(make_live_page):
    """A public page, and a members-only page; both on channels of their own."""
    suffix = uuid.uuid4().hex[:8]
    public = make_live_page(title=f"Public {suffix}", channel_id=f"public-{suffix}")
    private = make_live_page(title=f"Members {suffix}", channel_id=f"members-{suffix}")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    return public, private


async def test_readers_of_a_channel_id_given_to_another_page_are_closed_and_told_nothing(
    channel_layer_name, pages
):
    public, private = pages
    channel_id = public.channel_id
    session = await database_sync_to_async(member_session)()
    # Both read the public page; the member could read the members-only page too.
    anonymous = await subscribe(channel_id)
    member = await subscribe(channel_id, session)

    @database_sync_to_async
    def hand_over():
        move_channel(public, f"moved-{channel_id}")
        move_channel(private, channel_id)

    await hand_over()
    # Not the page they subscribed to any more: 4404, whoever may read the new one.
    for reader in (anonymous, member):
        assert await reader.receive_output(timeout=5) == {"type": "websocket.close", "code": 4404}

    # The members-only page posts on the channel they had; a member who subscribes to it
    # now gets the post, and the readers of the public page get nothing.
    newcomer = await subscribe(channel_id, session)
    private_page = await database_sync_to_async(LiveBlogPage.objects.get)(pk=private.pk)
    await database_sync_to_async(publish_new_post)(private_page, "Members only")
    assert "Members only" in json.dumps(json.loads(await newcomer.receive_from(timeout=5)))
    for reader in (anonymous, member):
        assert await reader.receive_nothing(timeout=0.3)
    for reader in (anonymous, member, newcomer):
        await reader.disconnect()


async def test_saving_a_page_with_its_channel_id_unchanged_closes_nobody(channel_layer_name, pages):
    public, _ = pages
    reader = await subscribe(public.channel_id)

    @database_sync_to_async
    def retitle():
        draft = draft_of(public)
        draft.title = "Public, retitled"
        publish(draft)
        publish_new_post(LiveBlogPage.objects.get(pk=public.pk), "Still here")

    await retitle()
    assert "Still here" in json.dumps(json.loads(await reader.receive_from(timeout=5)))
    await reader.disconnect()
