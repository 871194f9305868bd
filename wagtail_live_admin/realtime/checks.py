"""System checks of the realtime part: the presence backend, and the websocket's origin check."""

from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import OriginValidator
from django.core.checks import Error, Tags, Warning, register
from django.utils.module_loading import import_string

from ..conf import PREFIX, asgi_application_path, get_setting
from .consumers import LiveConsumer
from .presence import PresenceBackend, get_presence_class


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
    path = asgi_application_path()
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
