"""The only module that reads ``django.conf.settings`` for this package.

Every setting is named ``WAGTAIL_LIVE_<NAME>`` (the prefix wagtail-live used, so a
site that moves over keeps its settings). ``DEFAULTS`` lists them all; docs/reference
has one table per setting, and a test keeps the two in step.
"""

from functools import cache
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

PREFIX = "WAGTAIL_LIVE_"
APP_LABEL = "wagtail_live_admin"
IN_MEMORY_LAYER = "channels.layers.InMemoryChannelLayer"

DEFAULTS: dict[str, Any] = {
    # Dotted path to the publisher class; None switches publishing off.
    "PUBLISHER": "wagtail_live_admin.publishers.django_channels.DjangoChannelsPublisher",
    # Diff and broadcast when a live page is saved outside the programmatic API
    # (Publish in the admin, or code that calls page.save()).
    "SYNC_WITH_ADMIN": True,
    # Most re-pushes (re-publish, re-push all failed, re-sync) one user may make of one
    # channel in any minute, from the admin (None: no limit). Counted in the default cache.
    "REPUBLISH_RATE": 10,
    # Stylesheets (static paths) that the admin's sandboxed preview of a post loads.
    "PREVIEW_STYLESHEETS": ("wagtail_live_admin/css/live.css",),
    # Largest client frame (bytes) the consumer reads before closing with 4400.
    "MAX_CLIENT_FRAME_BYTES": 1024,
    # Most live sockets one client address may hold open in one server process; one more
    # is closed with 4429. None: no cap (behind a proxy every reader may share its address).
    "MAX_CONNECTIONS_PER_CLIENT": None,
    # Most bytes of updates a reader's socket may have waiting to be written to it; a
    # reader further behind is closed with 4408 and catches up when it reconnects.
    # None: no cap (a reader that never reads then holds every frame in memory).
    "MAX_UNSENT_BYTES": 1024 * 1024,
    # Most frames the catch-up endpoint returns; a longer gap gets a snapshot instead.
    "CATCH_UP_MAX_FRAMES": 100,
    # Seconds a shared cache (a CDN) or a browser may reuse a catch-up answer for a public
    # page; answers for pages with view restrictions are never cached.
    "CATCH_UP_MAX_AGE": 2,
    # live_prune_log deletes publish log entries older than this many days (None: no
    # age limit). Readers catch up from the log only as far back as it reaches.
    "LOG_RETENTION_DAYS": 30,
    # ... and sent entries beyond the newest this many of each channel (None: no cap).
    # Failed and pending entries stay until the age limit, for a re-push.
    "LOG_RETENTION_PER_CHANNEL": 1000,
    # Dotted path to the presence (subscriber count) backend class. None follows the
    # channel layer: Redis with channels-redis, this process's memory otherwise.
    "PRESENCE_BACKEND": None,
    # Seconds a reader stays counted without a refresh. Each server process refreshes
    # its readers every third of it, so a killed process stops counting within one TTL.
    "PRESENCE_TTL": 60,
    # Seconds between two samples of the subscriber counts (the dashboard's trend).
    "PRESENCE_SAMPLE_INTERVAL": 60,
    # Seconds of samples kept; older ones are dropped.
    "PRESENCE_TREND_WINDOW": 86400,
    # Readers a second that a server process told to stop (SIGTERM) closes with 4001, so
    # that the other processes admit them as they come (all within 5 s, whatever the
    # rate). None: all at once.
    "SHUTDOWN_RATE": 2500,
    # Seconds between refreshes of the Live dashboard's counts (and the editor's "watching").
    "DASHBOARD_POLL_INTERVAL": 5,
    # Where NchanPublisher reaches nginx's Nchan publisher endpoint: {"PUBLISH_URL":
    # "http://127.0.0.1:8080/live-publish/{channel}/", "TIMEOUT": seconds}. None: not used.
    "NCHAN": None,
    # Where readers' pages open their websocket: a URL with {channel} where the channel id
    # goes ("wss://live.example.com/ws/channel/{channel}/"), for sockets served on another
    # host. None: the route's path on the page's own host.
    "WEBSOCKET_URL": None,
    # wagtail-live's settings, read only by wagtail_live_admin.utils. The live page model
    # (dotted path; None: the one concrete model that mixes in LivePageMixin) ...
    "PAGE_MODEL": None,
    # ... the receiver class (dotted path, a BaseMessageReceiver subclass; None: none) ...
    "RECEIVER": None,
    # ... and the polling settings, for a site's own polling view: seconds a long poll
    # waits, milliseconds between two polls.
    "POLLING_TIMEOUT": 60,
    "POLLING_INTERVAL": 3000,
    # Receivers (wagtail_live_admin.receivers.urls). Slack: the app's signing secret, which
    # verifies its events, and its bot token, which downloads the files of messages.
    "SLACK_SIGNING_SECRET": None,
    "SLACK_BOT_TOKEN": None,
    # Telegram: the bot's token; the secret Telegram sends back with each update; the
    # site's public address, for setWebhook; the Bot API's address (a local Bot API server).
    "TELEGRAM_BOT_TOKEN": None,
    "TELEGRAM_SECRET_TOKEN": None,
    "TELEGRAM_WEBHOOK_URL": None,
    "TELEGRAM_API_URL": "https://api.telegram.org",
}

NCHAN_DEFAULTS: dict[str, Any] = {"PUBLISH_URL": None, "TIMEOUT": 5.0}


def get_setting(name: str) -> Any:
    """Return the setting ``WAGTAIL_LIVE_<name>``, or its default."""
    if name not in DEFAULTS:
        raise KeyError(f"Unknown wagtail-live-admin setting {name!r}; known: {sorted(DEFAULTS)}")
    return getattr(settings, PREFIX + name, DEFAULTS[name])


def nchan_setting(key: str) -> Any:
    """Return ``WAGTAIL_LIVE_NCHAN[key]``, or its default (``NCHAN_DEFAULTS``)."""
    if key not in NCHAN_DEFAULTS:
        raise KeyError(f"Unknown {PREFIX}NCHAN key {key!r}; known: {sorted(NCHAN_DEFAULTS)}")
    return (get_setting("NCHAN") or {}).get(key, NCHAN_DEFAULTS[key])


def get_setting_or_raise(setting: str, setting_str: str) -> Any:
    """Return the value of the setting named ``setting``; raise when it is empty (wagtail-live's).

    ``setting`` is the whole name. A ``WAGTAIL_LIVE_`` setting of this package has
    its default; ``setting_str`` names the setting in the error.
    """
    key = setting.removeprefix(PREFIX)
    if setting.startswith(PREFIX) and key in DEFAULTS:
        value = get_setting(key)
    else:
        value = getattr(settings, setting, "")
    if not value:
        raise ImproperlyConfigured(
            f"You haven't specified a {setting_str} in your settings: set {setting}."
        )
    return value


def page_model_label() -> str:
    """Wagtail 8 names its (swappable) page model in a setting; Wagtail 7 has none."""
    return getattr(settings, "WAGTAIL_PAGE_MODEL", "wagtailcore.Page")


def get_page_model():
    return apps.get_model(page_model_label())


def user_model_label() -> str:
    return settings.AUTH_USER_MODEL


def debug() -> bool:
    return settings.DEBUG


def asgi_application_path() -> str | None:
    return getattr(settings, "ASGI_APPLICATION", None)


def allowed_hosts() -> list[str]:
    return list(settings.ALLOWED_HOSTS)


def csrf_trusted_origins() -> list[str]:
    return list(settings.CSRF_TRUSTED_ORIGINS)


def default_channel_layer() -> dict | None:
    """Return the ``CHANNEL_LAYERS["default"]`` configuration, or None when there is none."""
    return (getattr(settings, "CHANNEL_LAYERS", None) or {}).get("default")


def is_shared_between_processes(layer: dict | None) -> bool:
    """Return whether a channel layer configuration carries messages between processes.

    The in-memory layer lives inside one process: what another process sends
    through it (a management command, a second server worker) never reaches the
    readers of this one.
    """
    return layer is not None and layer.get("BACKEND") != IN_MEMORY_LAYER


@cache
def get_publisher_class() -> type | None:
    """Import the class named by ``WAGTAIL_LIVE_PUBLISHER`` (None when switched off)."""
    path = get_setting("PUBLISHER")
    return import_string(path) if path else None


def publisher_class_or_none() -> type | None:
    """``get_publisher_class()``, or None when its path does not import (check E001 says so)."""
    try:
        return get_publisher_class()
    except ImportError:
        return None


@cache
def get_publisher():
    """Return the one publisher instance of this process (None when switched off)."""
    cls = get_publisher_class()
    return cls() if cls is not None else None


@receiver(setting_changed)
def _reset_caches(*, setting: str, **kwargs: Any) -> None:
    # override_settings in tests (and anything else that changes settings at run
    # time) must take effect: drop what was derived from the old value.
    if setting == PREFIX + "PUBLISHER":
        get_publisher_class.cache_clear()
        get_publisher.cache_clear()
