"""Slack's Events API over HTTP to daphne: signed as Slack signs, shaped as Slack documents."""

import hashlib
import hmac
import json
import time

import pytest
from django.conf import settings

from tests.end_to_end.test_publish_to_reader import receive_frame, receives_nothing, subscribe
from tests.receivers.conftest import png, send
from tests.testapp.models import LiveBlogPage
from wagtail_live_admin.models import ChannelSource, PublishLogEntry

pytestmark = [
    pytest.mark.server,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

EVENTS = "/live/slack/events/"
CHANNEL = "C123ABC456"


def signed(server, body, *, timestamp=None, secret=None, headers=None):
    """POST ``body`` as Slack does: v0 signature of ``v0:<timestamp>:<body>``."""
    body = body if isinstance(body, str) else json.dumps(body)
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    secret = secret or settings.WAGTAIL_LIVE_SLACK_SIGNING_SECRET
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256)
    headers = {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": "v0=" + digest.hexdigest(),
        **(headers or {}),
    }
    return send(server, EVENTS, body=body, headers=headers)


def callback(event):
    """The Events API's wrapper around an event."""
    return {
        "token": "XXYYZZ",
        "team_id": "T123ABC456",
        "api_app_id": "A123ABC456",
        "event": {"channel": CHANNEL, "channel_type": "channel", **event},
        "type": "event_callback",
        "event_id": "Ev123ABC456",
        "event_time": 1355517523,
    }


def message(ts, text, **more):
    return {"type": "message", "user": "U123ABC456", "text": text, "ts": ts, **more}


def posts(page):
    return list(LiveBlogPage.objects.get(pk=page.pk).live_posts.raw_data)


@pytest.fixture
def page(make_live_page):
    return make_live_page(channel_id=CHANNEL)


def test_url_verification_gets_its_challenge_back(page, server):
    reply = signed(
        server, {"token": "t", "challenge": "3eZbrw1aBm2rZgRNFdxV2595", "type": "url_verification"}
    )
    assert (reply.status, reply.body) == (200, b"3eZbrw1aBm2rZgRNFdxV2595")


def test_messages_edits_and_deletions_reach_a_reader(page, server):
    with subscribe(server, CHANNEL) as socket:
        text = "Kick-off! <https://example.com/report|Match report>"
        assert signed(server, callback(message("1355517523.000005", text))).status == 200
        frame = receive_frame(socket)
        [(post_id, render)] = frame["renders"].items()
        assert '<a href="https://example.com/report">Match report</a>' in render["content"]

        # Slack retries an event it thinks failed: the post is not added twice.
        retry = signed(
            server, callback(message("1355517523.000005", text)), headers={"X-Slack-Retry-Num": "1"}
        )
        assert retry.status == 200
        assert receives_nothing(socket)

        changed = {
            "type": "message",
            "subtype": "message_changed",
            "hidden": True,
            "ts": "1358878755.000001",
            "message": message(
                "1355517523.000005",
                "Kick-off at 3pm",
                edited={"user": "U123ABC456", "ts": "1358878755.000001"},
            ),
            "previous_message": message("1355517523.000005", text),
        }
        assert signed(server, callback(changed)).status == 200
        assert "Kick-off at 3pm" in receive_frame(socket)["renders"][post_id]["content"]

        deleted = {
            "type": "message",
            "subtype": "message_deleted",
            "hidden": True,
            "ts": "1358878760.000001",
            "deleted_ts": "1355517523.000005",
        }
        assert signed(server, callback(deleted)).status == 200
        assert receive_frame(socket)["removals"] == [post_id]
    assert posts(page) == []
    assert set(PublishLogEntry.objects.values_list("trigger", flat=True)) == {"slack"}
    assert ChannelSource.objects.get(channel_id=CHANNEL).source == "slack"


def test_a_shared_image_becomes_an_image_block(page, server, stand_in):
    files = stand_in({"/files-pri/T1-F1/goal.png": png(4, 3)})
    shared = message(
        "1355517600.000001",
        "The goal",
        subtype="file_share",
        files=[
            {
                "id": "F1",
                "name": "goal.png",
                "title": "Goal",
                "mimetype": "image/png",
                "original_w": 4,
                "original_h": 3,
                "url_private": files.url + "/files-pri/T1-F1/goal.png",
            }
        ],
    )
    with subscribe(server, CHANNEL) as socket:
        assert signed(server, callback(shared)).status == 200
        [render] = receive_frame(socket)["renders"].values()
    assert "<img" in render["content"]
    [(_path, headers, _body)] = files.requests
    assert "Authorization" not in headers  # the bot token goes to Slack's hosts only
    [item] = posts(page)
    assert [block["type"] for block in item["value"]["content"]] == ["text", "image"]


def test_bad_signature_replay_and_malformed_bodies_get_a_4xx_and_change_nothing(page, server):
    event = callback(message("1355517523.000005", "Hello"))
    five_minutes_ago = int(time.time()) - 301
    cases = [
        ("bad signature", signed(server, event, secret="not-the-secret"), 403, b"signature"),
        ("replayed", signed(server, event, timestamp=five_minutes_ago), 403, b"five minutes"),
        (
            "no timestamp",
            send(server, EVENTS, body=event, headers={"X-Slack-Signature": "v0=00"}),
            403,
            b"X-Slack-Request-Timestamp",
        ),
        ("not JSON", signed(server, "{not json"), 400, b"not JSON"),
        ("no event", signed(server, {"type": "event_callback"}), 400, b"event"),
        ("no ts", signed(server, callback({"type": "message", "text": "Hi"})), 400, b"ts"),
    ]
    for name, reply, status, says in cases:
        assert reply.status == status, (name, reply.body)
        assert says in reply.body, (name, reply.body)
    assert posts(page) == []
    assert not PublishLogEntry.objects.exists()


def test_a_message_in_a_channel_without_a_page_is_acknowledged_and_ignored(page, server):
    other = callback(message("1355517523.000005", "Hello"))
    other["event"]["channel"] = "C999"
    assert signed(server, other).status == 200
    assert posts(page) == []
