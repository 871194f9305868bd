"""Every public name of wagtail-live 1.0 that its docs list imports under ``wagtail_live_admin.``,
or is in the migration guide's table of names not shipped, with the reason.

The names come from wagtail-live 1.0's docs (docs/reference: the mkdocstrings targets and
the members they render; docs/getting_started: the imports and settings paths it shows)
and from its ``utils``, ``apps``, ``__init__``, tag library, receivers and exceptions.
"""

import importlib
import re
from pathlib import Path

import pytest

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "how-to" / "migrate-from-wagtail-live.md"

# (module under the package, name in it); "" is the package itself, None the module alone.
WAGTAIL_LIVE_NAMES = [
    ("", "VERSION"),
    ("", "__version__"),
    ("apps", "WagtailLiveConfig"),
    ("models", "LivePageMixin"),
    *(
        ("models", f"LivePageMixin.{member}")
        for member in [
            "channel_id",
            "last_updated_at",
            "live_posts",
            "panels",
            "last_update_timestamp",
            "save",
            "get_live_post_index",
            "get_live_post_by_index",
            "get_live_post_by_message_id",
            "add_live_post",
            "update_live_post",
            "delete_live_post",
            "get_updates_since",
        ]
    ),
    *(
        ("blocks", name)
        for name in [
            "ContentBlock",
            "LivePostBlock",
            "construct_text_block",
            "construct_image_block",
            "construct_embed_block",
            "construct_live_post_block",
            "add_block_to_live_post",
            "clear_live_post_content",
            "compare_live_posts_values",
        ]
    ),
    ("signals", "live_page_update"),
    *(
        ("utils", name)
        for name in [
            "SUPPORTED_MIME_TYPES",
            "get_setting_or_raise",
            "get_live_page_model",
            "get_live_receiver",
            "get_live_publisher",
            "get_polling_timeout",
            "get_polling_interval",
            "is_embed",
        ]
    ),
    ("urls", None),
    ("publishers.websocket", "BaseWebsocketPublisher"),
    ("publishers.websocket", "BaseWebsocketPublisher.__call__"),
    ("publishers.websocket", "BaseWebsocketPublisher.publish"),
    ("publishers.django_channels", "DjangoChannelsPublisher"),
    ("publishers.django_channels", "DjangoChannelsApp"),
    ("publishers.django_channels", "live_websocket_route"),
    ("publishers.polling", "PollingPublisherMixin"),
    ("publishers.polling", "IntervalPollingPublisher"),
    ("publishers.polling", "LongPollingPublisher"),
    ("publishers.piesocket", "PieSocketPublisher"),
    ("publishers.starlette", "StarlettePublisher"),
    ("publishers.websockets", "WebsocketsPublisher"),
    ("webapp.receiver", "WebAppReceiver"),
    ("receivers.base", "BaseMessageReceiver"),
    ("receivers.base", "WebhookReceiverMixin"),
    ("receivers.base", "TEXT"),
    ("receivers.base", "IMAGE"),
    ("receivers.base", "EMBED"),
    ("receivers.slack", "SlackWebhookMixin"),
    ("receivers.slack", "SlackEventsAPIReceiver"),
    ("receivers.telegram", "TelegramWebhookMixin"),
    ("receivers.telegram", "TelegramWebhookReceiver"),
    ("exceptions", "RequestVerificationError"),
    ("exceptions", "WebhookSetupError"),
    ("templatetags.wagtail_live_tags", "get_server_host"),
    ("templatetags.wagtail_live_tags", "get_server_port"),
    ("templatetags.wagtail_live_tags", "use_secure_ws_connection"),
    ("templatetags.wagtail_live_tags", "piesocket_api_key"),
    ("templatetags.wagtail_live_tags", "piesocket_endpoint"),
]


def dotted(module: str, name: str | None) -> str:
    return ".".join(part for part in ["wagtail_live", module, name] if part)


def not_shipped() -> dict[str, str]:
    """The guide's table of names not shipped: ``wagtail_live.…`` name to the reason."""
    section = GUIDE.read_text().split("\n## Not shipped\n", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\|\s*`(wagtail_live\.[\w.]+)`\s*\|\s*(.*?)\s*\|\s*$", section, re.M)
    return dict(rows)


def resolve(module: str, name: str | None):
    target = importlib.import_module(".".join(p for p in ["wagtail_live_admin", module] if p))
    for part in name.split(".") if name else []:
        target = getattr(target, part)
    return target


@pytest.mark.parametrize(("module", "name"), WAGTAIL_LIVE_NAMES, ids=lambda value: value or "")
def test_wagtail_live_name_imports_or_is_listed_as_not_shipped(module, name):
    reasons = not_shipped()
    old_name = dotted(module, name)
    if old_name in reasons:
        assert len(reasons[old_name]) > 20, f"{old_name}: say why it is not shipped"
        with pytest.raises((ImportError, AttributeError)):
            resolve(module, name)  # listed as not shipped, yet it is there
    else:
        assert resolve(module, name) is not None


def test_the_guides_not_shipped_names_are_all_wagtail_lives():
    known = {dotted(module, name) for module, name in WAGTAIL_LIVE_NAMES}
    assert set(not_shipped()) - known == set()
