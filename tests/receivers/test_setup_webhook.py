"""``live_setup_webhook``: Telegram's setWebhook (a stand-in Bot API), Slack's instructions,
and no network call when the receivers' URLconf is imported."""

import importlib
import json
import socket
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from wagtail_live_admin.receivers import urls as receiver_urls

BOT = "/bot123456:test-bot-token"
WEBHOOK = "https://live.example.com/live/telegram/events/"


def run(*args):
    out = StringIO()
    call_command("live_setup_webhook", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def bot_api(stand_in, settings):
    def start(routes):
        api = stand_in(routes)
        settings.WAGTAIL_LIVE_TELEGRAM_API_URL = api.url
        return api

    return start


def test_telegram_webhook_is_set_with_the_secret_and_the_updates_handled(bot_api):
    api = bot_api({f"{BOT}/setWebhook": {"ok": True, "result": True}})
    assert WEBHOOK in run("telegram")
    [(path, headers, body)] = api.requests
    assert json.loads(body) == {
        "url": WEBHOOK,
        "secret_token": "test-telegram-secret",
        "allowed_updates": ["message", "edited_message", "channel_post", "edited_channel_post"],
    }


def test_telegram_refusing_the_webhook_fails_the_command_with_its_reason(bot_api):
    refusal = {"ok": False, "error_code": 400, "description": "Bad Request: bad webhook"}
    bot_api({f"{BOT}/setWebhook": (400, refusal)})
    with pytest.raises(CommandError, match="bad webhook"):
        run("telegram")


def test_telegram_check_says_whether_the_webhook_points_here(bot_api):
    info = {"ok": True, "result": {"url": WEBHOOK, "pending_update_count": 0}}
    api = bot_api({f"{BOT}/getWebhookInfo": info})
    assert WEBHOOK in run("telegram", "--check")
    info["result"]["url"] = "https://elsewhere.example.com/"
    with pytest.raises(CommandError, match="does not send"):
        run("telegram", "--check")
    assert all("setWebhook" not in path for path, _headers, _body in api.requests)


def test_telegram_without_a_secret_token_is_refused(bot_api, settings):
    api = bot_api({})
    settings.WAGTAIL_LIVE_TELEGRAM_SECRET_TOKEN = None
    with pytest.raises(CommandError, match="WAGTAIL_LIVE_TELEGRAM_SECRET_TOKEN"):
        run("telegram")
    assert api.requests == []


def test_slack_gets_the_request_url_to_enter_in_its_ui():
    out = run("slack", "--base-url", "https://live.example.com/")
    assert "Request URL: https://live.example.com/live/slack/events/" in out


def test_importing_the_receivers_urlconf_calls_no_one(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("a network call while the URLconf was imported")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    importlib.reload(receiver_urls)
    assert {pattern.name for pattern in receiver_urls.urlpatterns} >= {
        "slack_events_handler",
        "telegram_events_handler",
        "api_posts",
    }
