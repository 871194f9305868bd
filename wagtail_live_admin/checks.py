"""System checks: misconfiguration gets a clear message at ``manage.py check``."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError, connections, router
from django.db.migrations.executor import MigrationExecutor
from django.utils.module_loading import import_string

from .apps import WagtailLiveAdminAppConfig
from .conf import PREFIX, get_publisher_class, get_setting
from .publishers.websocket import BaseWebsocketPublisher
from .realtime.presence import PresenceBackend, get_presence_class

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
                hint="Subclass wagtail_live_admin.realtime.presence.PresenceBackend.",
                id="wagtail_live_admin.E005",
            )
        ]
    return []


def live_routes_validated(application, *, validated: bool = False, depth: int = 0):
    """Yield, for each way ``application`` reaches ``LiveConsumer``, whether it checks Origin.

    It follows what Channels composes: ``ProtocolTypeRouter`` (its ``websocket`` entry),
    ``URLRouter`` routes, middleware (``inner``) and ``OriginValidator`` (``application``).
    An origin validator that allows ``"*"`` checks nothing. Yields nothing when the
    consumer cannot be found, for example behind an application of another kind.
    """
    from channels.routing import ProtocolTypeRouter, URLRouter
    from channels.security.websocket import OriginValidator

    from .realtime.consumers import LiveConsumer

    if depth > 50:
        return
    consumer = getattr(application, "consumer_class", None)
    if isinstance(consumer, type) and issubclass(consumer, LiveConsumer):
        yield validated
        return
    if isinstance(application, ProtocolTypeRouter):
        inner = [application.application_mapping.get("websocket")]
    elif isinstance(application, URLRouter):
        inner = [route.callback for route in application.routes]
    elif isinstance(application, OriginValidator):
        validated = validated or "*" not in application.allowed_origins
        inner = [application.application]
    else:
        inner = [getattr(application, "inner", None)]
    for app in inner:
        if app is not None:
            yield from live_routes_validated(app, validated=validated, depth=depth + 1)


@register(Tags.security)
def check_websocket_origin(app_configs, **kwargs):
    path = getattr(settings, "ASGI_APPLICATION", None)
    if not path:
        return []
    try:
        application = import_string(path)
    except Exception:
        # The ASGI server reports an application that does not import; nothing to inspect.
        return []
    if all(live_routes_validated(application)):
        return []
    return [
        Warning(
            f"ASGI_APPLICATION = {path!r} serves the live websocket route without checking "
            "the Origin header: any web site can open live sockets with its visitors' "
            "cookies, and receive the updates of pages restricted to them.",
            hint="Wrap the websocket application in channels.security.websocket."
            "AllowedHostsOriginValidator, as the README shows, and keep '*' out of "
            "ALLOWED_HOSTS.",
            id="wagtail_live_admin.W003",
        )
    ]


@register(Tags.database)
def check_migrations_applied(app_configs, databases=None, **kwargs):
    # A database check: it runs with `manage.py check --database <alias>` and before
    # `migrate`, and reads the django_migrations table (it writes nothing).
    label = WagtailLiveAdminAppConfig.label
    messages = []
    for alias in databases or []:
        if not router.allow_migrate(alias, label):
            continue
        try:
            executor = MigrationExecutor(connections[alias])
            plan = executor.migration_plan(executor.loader.graph.leaf_nodes(label))
        except DatabaseError:
            continue  # Django reports a database it cannot reach
        missing = [migration.name for migration, _ in plan if migration.app_label == label]
        if missing:
            messages.append(
                Warning(
                    f"{len(missing)} migration(s) of {label} are not applied to database "
                    f"{alias!r}: {', '.join(missing)}. Publishing a live page fails until "
                    "they are.",
                    hint="Run manage.py migrate.",
                    id="wagtail_live_admin.W004",
                )
            )
    return messages
