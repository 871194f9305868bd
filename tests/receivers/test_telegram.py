"""Telegram's webhook over HTTP to daphne: updates shaped as the Bot API documents them."""

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

EVENTS = "/live/telegram/events/"
CHAT = -1001234567890
BOT = f"/bot{settings.WAGTAIL_LIVE_TELEGRAM_BOT_TOKEN}"


def update(body, *, secret=None):
    headers = {
        "Content-Type": "application/json",
        "X-Telegram-Bot-Api-Secret-Token": secret or settings.WAGTAIL_LIVE_TELEGRAM_SECRET_TOKEN,
    }
    return lambda server: send(server, EVENTS, body=body, headers=headers)


def message(message_id, text=None, *, kind="supergroup", **more):
    sent = {
        "message_id": message_id,
        "from": {"id": 1111111, "is_bot": False, "first_name": "Anna"},
        "chat": {"id": CHAT, "type": kind, "title": "Match day"},
        "date": 1764590000,
        **more,
    }
    if text is not None:
        sent["text"] = text
    return sent


def posts(page):
    return list(LiveBlogPage.objects.get(pk=page.pk).live_posts.raw_data)


@pytest.fixture
def page(make_live_page):
    return make_live_page(channel_id=str(CHAT))


def test_messages_channel_posts_and_edits_reach_a_reader(page, server):
    text = "Kick-off! See example.com/live & more"
    entities = [{"type": "url", "offset": 14, "length": 16}]
    with subscribe(server, str(CHAT)) as socket:
        sent = update({"update_id": 1, "message": message(1365, text, entities=entities)})
        assert sent(server).status == 200
        [(post_id, render)] = receive_frame(socket)["renders"].items()
        assert '<a href="//example.com/live">example.com/live</a> &amp; more' in render["content"]

        # Telegram sends an update again until it is answered: no second post.
        assert sent(server).status == 200
        assert receives_nothing(socket)

        edited = message(1365, "Kick-off at 3pm", edit_date=1764590100)
        assert update({"update_id": 2, "edited_message": edited})(server).status == 200
        assert "Kick-off at 3pm" in receive_frame(socket)["renders"][post_id]["content"]

        channel_post = message(7, "From the channel", kind="channel")
        del channel_post["from"]
        assert update({"update_id": 3, "channel_post": channel_post})(server).status == 200
        [render] = receive_frame(socket)["renders"].values()
        assert "From the channel" in render["content"]
    assert [item["value"]["message_id"] for item in posts(page)] == ["7", "1365"]
    assert set(PublishLogEntry.objects.values_list("trigger", flat=True)) == {"telegram"}
    assert ChannelSource.objects.get(channel_id=str(CHAT)).changes == 3


def test_an_album_of_photos_becomes_one_post_with_its_images(page, daphne, stand_in):
    api = stand_in(
        {
            f"{BOT}/getFile": lambda path: (
                b'{"ok": true, "result": {"file_id": "x", "file_path": "photos/%s.png"}}'
                % path.rsplit("=", 1)[1].encode()
            ),
            f"/file{BOT}/photos/p1.png": png(4, 3),
            f"/file{BOT}/photos/p2.png": png(4, 3),
        }
    )
    server = daphne(env={"WAGTAIL_LIVE_TEST_TELEGRAM_API_URL": api.url})

    def photo(file_id):
        return [
            {"file_id": f"{file_id}-small", "file_unique_id": "s", "width": 2, "height": 1},
            {"file_id": file_id, "file_unique_id": "u", "width": 4, "height": 3},
        ]

    first = message(20, media_group_id="album-1", photo=photo("p1"), caption="The goal")
    second = message(21, media_group_id="album-1", photo=photo("p2"))
    with subscribe(server, str(CHAT)) as socket:
        assert update({"update_id": 5, "message": first})(server).status == 200
        [render] = receive_frame(socket)["renders"].values()
        assert "The goal" in render["content"] and "<img" in render["content"]
        assert update({"update_id": 6, "message": second})(server).status == 200
        [render] = receive_frame(socket)["renders"].values()
        assert render["content"].count("<img") == 2
        # Telegram sends the first photo's update again: the album keeps two photos.
        assert update({"update_id": 5, "message": first})(server).status == 200
        assert receives_nothing(socket)
    [item] = posts(page)
    assert [block["type"] for block in item["value"]["content"]] == ["text", "image", "image"]
    # The largest size of each photo was asked for, and downloaded once.
    asked = [path for path, _headers, _body in api.requests if "getFile" in path]
    assert [path.rsplit("=", 1)[1] for path in asked] == ["p1", "p2", "p1"]
    downloads = [path for path, _headers, _body in api.requests if path.startswith("/file/")]
    assert downloads == [f"/file{BOT}/photos/p1.png", f"/file{BOT}/photos/p2.png"]


def test_a_wrong_secret_and_malformed_bodies_get_a_4xx_and_change_nothing(page, server):
    good = {"update_id": 1, "message": message(1365, "Hello")}
    cases = [
        ("wrong secret", update(good, secret="guess")(server), 403, b"Secret-Token"),
        ("no secret", send(server, EVENTS, body=good), 403, b"Secret-Token"),
        ("not JSON", update("{not json")(server), 400, b"not JSON"),
        (
            "no chat",
            update({"update_id": 1, "message": {"message_id": 1, "text": "x"}})(server),
            400,
            b"chat",
        ),
        ("a list", update([good])(server), 400, b"shaped"),
    ]
    for name, reply, status, says in cases:
        assert reply.status == status, (name, reply.body)
        assert says in reply.body, (name, reply.body)
    assert posts(page) == []
    assert not PublishLogEntry.objects.exists()
