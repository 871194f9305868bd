"""``wagtail_live_tags``: wagtail-live's tags name the site's own websocket address."""

import json

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import RequestFactory
from websockets.sync.client import connect

from tests.posts import post_value

# The address wagtail-live's websocket.js opened, from these tags (starlette.html, websocket.html).
ADDRESS = Template(
    "{% load wagtail_live_tags %}{% use_secure_ws_connection as secure %}"
    "{% if secure %}wss{% else %}ws{% endif %}://{% get_server_host %}:{% get_server_port %}"
    "/ws/channel/{{ channel_id }}/"
)


def address(request, channel_id="match-day.1") -> str:
    return ADDRESS.render(Context({"request": request, "channel_id": channel_id}))


def test_the_tags_answer_from_the_request(settings):
    settings.ALLOWED_HOSTS = ["live.example.com"]
    factory = RequestFactory()
    https = factory.get("/", HTTP_HOST="Live.example.com", secure=True)
    assert address(https) == "wss://live.example.com:443/ws/channel/match-day.1/"
    http = factory.get("/", HTTP_HOST="live.example.com:8000")
    assert address(http) == "ws://live.example.com:8000/ws/channel/match-day.1/"


def test_the_tags_say_what_is_missing_without_a_request():
    with pytest.raises(TemplateSyntaxError, match="context_processors.request"):
        ADDRESS.render(Context({"channel_id": "match-day.1"}))


@pytest.mark.server
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_reader_at_the_address_a_wagtail_live_template_builds_gets_posts(
    make_live_page, shared_redis, daphne
):
    page = make_live_page()
    server = daphne(env=shared_redis)
    request = RequestFactory().get(page.url, HTTP_HOST=f"127.0.0.1:{server.port}")
    with connect(address(request), origin=server.url, open_timeout=10) as socket:
        page.add_live_post(post_value("From Slack", message_id="slack-1"))
        frame = json.loads(socket.recv(timeout=5))
    post = page.get_live_post_by_message_id("slack-1")
    assert list(frame["renders"]) == [post.id]
    assert "From Slack" in frame["renders"][post.id]["content"]
