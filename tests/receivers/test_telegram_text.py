"""How the Telegram receiver reads a message: links from entities (offsets in UTF-16, as
the Bot API counts them), plain text escaped, and the ``/get_chat_id`` command."""

import json
import urllib.parse

import pytest

from wagtail_live_admin.blocks import construct_live_post_block
from wagtail_live_admin.receivers.telegram import TelegramWebhookReceiver


def blocks(text, entities):
    live_post = construct_live_post_block(message_id="1", created=None)
    TelegramWebhookReceiver().process_text(live_post, {"text": text, "entities": entities})
    return [
        (block.block_type, getattr(block.value, "source", "")) for block in live_post["content"]
    ]


@pytest.mark.django_db
def test_entity_offsets_count_utf16_code_units():
    # The goal net is outside the BMP: two UTF-16 code units, one Python character.
    text = "🥅 Goal at example.com tonight"
    entities = [{"type": "url", "offset": 11, "length": 11}]
    [(kind, html)] = blocks(text, entities)
    assert html == '🥅 Goal at <a href="//example.com">example.com</a> tonight'


@pytest.mark.django_db
def test_text_links_become_links_and_plain_text_is_shown_as_written():
    text = "Read <b>this</b> & more"
    entities = [{"type": "text_link", "offset": 0, "length": 4, "url": "https://example.com/r"}]
    [(kind, html)] = blocks(text, entities)
    assert html == '<a href="https://example.com/r">Read</a> &lt;b&gt;this&lt;/b&gt; &amp; more'


@pytest.mark.django_db
def test_a_link_alone_on_its_line_to_an_embeddable_url_becomes_an_embed():
    url = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    text = f"Highlights:\n{url}"
    entities = [{"type": "url", "offset": 12, "length": len(url)}]
    assert [kind for kind, _html in blocks(text, entities)] == ["text", "embed"]


def test_get_chat_id_answers_with_the_chat_id(stand_in, settings):
    api = stand_in({"/bot123456:test-bot-token/sendMessage": {"ok": True, "result": {}}})
    settings.WAGTAIL_LIVE_TELEGRAM_API_URL = api.url
    command = {
        "update_id": 9,
        "message": {
            "message_id": 3,
            "chat": {"id": -1001234567890, "type": "supergroup"},
            "date": 1764590000,
            "text": "/get_chat_id@live_bot",
            "entities": [{"type": "bot_command", "offset": 0, "length": 21}],
        },
    }
    TelegramWebhookReceiver().dispatch_event(json.loads(json.dumps(command)))
    [(path, _headers, _body)] = api.requests
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
    assert query == {"chat_id": ["-1001234567890"], "text": ["-1001234567890"]}
