"""System checks: misconfiguration gets a clear message at ``manage.py check``."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from .conf import PREFIX, get_publisher_class, get_setting
from .presence import PresenceBackend, get_presence_class
from .publishers.websocket import BaseWebsocketPublisher

IN_MEMORY_LAYER = "channels.layers.InMemoryChannelLayer"


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


@register(Tags.compatibility)
def check_publisher(app_configs, **kwargs):
    path = get_setting("PUBLISHER")
    if not path:
        return [
            Warning(
                f"{PREFIX}PUBLISHER is empty: live page updates are not sent to readers.",
                hint="Remove the setting to use the Django Channels publisher.",
                id="wagtail_live_admin.W001",
            )
        ]
    try:
        publisher_class = get_publisher_class()
    except ImportError as exc:
        return [
            Error(
                f"{PREFIX}PUBLISHER = {path!r} cannot be imported: {exc}",
                hint="Give the dotted path of a BaseWebsocketPublisher subclass.",
                id="wagtail_live_admin.E001",
            )
        ]
    if not (
        isinstance(publisher_class, type) and issubclass(publisher_class, BaseWebsocketPublisher)
    ):
        return [
            Error(
                f"{PREFIX}PUBLISHER = {path!r} is not a BaseWebsocketPublisher subclass.",
                hint="Subclass wagtail_live_admin.publishers.websocket.BaseWebsocketPublisher.",
                id="wagtail_live_admin.E002",
            )
        ]
    return []


@register(Tags.compatibility)
def check_channel_layer(app_configs, **kwargs):
    default = default_channel_layer()
    if default is None:
        return [
            Error(
                "CHANNEL_LAYERS has no 'default' layer: live updates cannot reach readers.",
                hint="Use channels_redis.core.RedisChannelLayer (or, for development only, "
                f"{IN_MEMORY_LAYER}).",
                id="wagtail_live_admin.E003",
            )
        ]
    if not is_shared_between_processes(default) and not settings.DEBUG:
        return [
            Warning(
                "The default channel layer is InMemoryChannelLayer, which works within one "
                "process only: readers served by another process miss every update.",
                hint="Use channels_redis.core.RedisChannelLayer in production.",
                id="wagtail_live_admin.W002",
            )
        ]
    return []


@register(Tags.compatibility)
def check_presence_backend(app_configs, **kwargs):
    path = get_setting("PRESENCE_BACKEND")
    if not path:
        return []
    try:
        backend_class = get_presence_class()
    except ImportError as exc:
        return [
            Error(
                f"{PREFIX}PRESENCE_BACKEND = {path!r} cannot be imported: {exc}",
                hint="Give the dotted path of a PresenceBackend subclass, or remove the "
                "setting to follow the channel layer.",
                id="wagtail_live_admin.E004",
            )
        ]
    if not (isinstance(backend_class, type) and issubclass(backend_class, PresenceBackend)):
        return [
            Error(
                f"{PREFIX}PRESENCE_BACKEND = {path!r} is not a PresenceBackend subclass.",
                hint="Subclass wagtail_live_admin.presence.PresenceBackend.",
                id="wagtail_live_admin.E005",
            )
        ]
    return []
