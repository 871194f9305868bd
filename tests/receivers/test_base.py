"""A site's own receiver, written for wagtail-live (its webapp receiver's shape), ports by
renaming the import prefix: its messages become posts through the post operations."""

import pytest
from django.test import RequestFactory

from tests.testapp.models import LiveBlogPage
from wagtail_live_admin.blocks import construct_live_post_block
from wagtail_live_admin.exceptions import RequestVerificationError
from wagtail_live_admin.models import ChannelSource, PublishLogEntry
from wagtail_live_admin.receivers.base import (
    EMBED,
    TEXT,
    BaseMessageReceiver,
    WebhookReceiverMixin,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

MESSAGE_CREATED, MESSAGE_EDITED, MESSAGE_DELETED = 1, 2, 3


class SiteReceiver(WebhookReceiverMixin, BaseMessageReceiver):
    """As a site wrote it for wagtail-live, with only the import prefix changed."""

    url_path = "newsroom/events/"
    url_name = "newsroom_events"

    def verify_request(self, request, body, *args, **kwargs):
        if request.headers.get("X-Newsroom-Key") != "let-me-in":
            raise RequestVerificationError("Wrong key.")

    def dispatch_event(self, event):
        if event["update_type"] == MESSAGE_EDITED:
            self.change_message(message=event)
        elif event["update_type"] == MESSAGE_DELETED:
            self.delete_message(message=event)
        else:
            self.add_message(message=event)

    def get_channel_id_from_message(self, message):
        return message["channel"]

    def get_message_id_from_message(self, message):
        return message["id"]

    def get_message_text(self, message):
        return message["content"]

    def get_message_files(self, message):
        return []

    get_message_id_from_edited_message = get_message_id_from_message
    get_message_text_from_edited_message = get_message_text
    get_message_files_from_edited_message = get_message_files


def event(update_type, content="", message_id=7):
    return {
        "update_type": update_type,
        "channel": "match-day.1",
        "id": message_id,
        "content": content,
    }


def posts(page):
    return list(LiveBlogPage.objects.get(pk=page.pk).live_posts.raw_data)


def test_a_sites_receiver_adds_edits_and_deletes_posts(live_page):
    receiver = SiteReceiver()
    receiver.dispatch_event(event(MESSAGE_CREATED, "Kick-off\n\n<script>alert(1)</script>Go"))
    receiver.dispatch_event(event(MESSAGE_CREATED, "Kick-off, again"))  # a retry
    [item] = posts(live_page)
    assert item["value"]["message_id"] == "7"
    blocks = [(block["type"], block["value"]) for block in item["value"]["content"]]
    # One block per non-empty line, cleaned as the rich text editor cleans: no script.
    assert blocks == [(TEXT, "Kick-off"), (TEXT, "alert(1)Go")]

    receiver.dispatch_event(event(MESSAGE_EDITED, "Kick-off at 3pm"))
    [item] = posts(live_page)
    assert [block["value"] for block in item["value"]["content"]] == ["Kick-off at 3pm"]

    receiver.dispatch_event(event(MESSAGE_DELETED))
    receiver.dispatch_event(event(MESSAGE_DELETED))  # gone already: ignored, as a retry
    receiver.dispatch_event(event(MESSAGE_EDITED, "Too late"))  # no post: ignored
    assert posts(live_page) == []
    triggers = set(PublishLogEntry.objects.values_list("trigger", flat=True))
    assert triggers == {"receiver"}
    assert ChannelSource.objects.get().changes == 3


def test_a_message_for_a_channel_without_a_page_changes_nothing(live_page):
    SiteReceiver().dispatch_event({**event(MESSAGE_CREATED, "Hi"), "channel": "nope"})
    assert posts(live_page) == []


def test_a_line_that_is_an_embeddable_url_becomes_an_embed(db):
    live_post = construct_live_post_block(message_id="1", created=None)
    SiteReceiver().process_text(
        live_post, "Watch:\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ\nhttps://example.com/x"
    )
    assert [block.block_type for block in live_post["content"]] == [TEXT, EMBED, TEXT]


def test_the_webhook_view_verifies_then_dispatches(live_page):
    view = SiteReceiver.as_view()
    factory = RequestFactory()
    body = '{"update_type": 1, "channel": "match-day.1", "id": 1, "content": "Hi"}'

    refused = view(factory.post("/", body, content_type="application/json"))
    assert (refused.status_code, refused.content) == (403, b"Wrong key.")
    assert posts(live_page) == []

    headers = {"X-Newsroom-Key": "let-me-in"}
    malformed = view(factory.post("/", '{"update_type": 1}', "application/json", headers=headers))
    assert malformed.status_code == 400
    assert b"channel" in malformed.content

    accepted = view(factory.post("/", body, content_type="application/json", headers=headers))
    assert (accepted.status_code, accepted.content) == (200, b"OK")
    assert len(posts(live_page)) == 1
    [pattern] = SiteReceiver.get_urls()
    assert (str(pattern.pattern), pattern.name) == ("newsroom/events/", "newsroom_events")
