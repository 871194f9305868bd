"""System checks of the realtime part: the presence backend, and the websocket's origin check."""

from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import OriginValidator
from django.core.checks import Error, Tags, Warning, register
from django.utils.module_loading import import_string

from ..conf import PREFIX, allowed_hosts, asgi_application_path, get_setting, nchan_setting
from .consumers import LiveConsumer
from .origins import SameOriginValidator
from .presence import PresenceBackend, get_presence_class
from .presence.nchan import NchanPresence


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


@register(Tags.compatibility)
def check_nchan_publish_url(app_configs, **kwargs):
    # NchanPublisher names NchanPresence: both reach nginx through PUBLISH_URL.
    try:
        uses_nchan = issubclass(get_presence_class(), NchanPresence)
    except (ImportError, TypeError):
        return []  # E004 and E005 say what is wrong
    if not uses_nchan or nchan_setting("PUBLISH_URL"):
        return []
    return [
        Error(
            f'Readers are served by nginx with Nchan, but {PREFIX}NCHAN has no "PUBLISH_URL": '
            "updates cannot reach them (each is logged as failed) and they cannot be counted.",
            hint=f'Set {PREFIX}NCHAN = {{"PUBLISH_URL": '
            '"http://127.0.0.1:8080/live-publish/{channel}/"}, as docs/how-to/nginx-nchan.md '
            "shows.",
            id="wagtail_live_admin.E007",
        )
    ]


def live_route_guards(application, *, guards: tuple = (), depth: int = 0):
    """Yield, for each way ``application`` reaches ``LiveConsumer``, the origin checks on it.

    It follows what Channels composes: ``ProtocolTypeRouter`` (its ``websocket`` entry),
    ``URLRouter`` routes, middleware (``inner``), and the origin checks
    (``SameOriginValidator``, ``OriginValidator``, which is what
    ``AllowedHostsOriginValidator`` returns) through their ``application``. Yields nothing
    when the consumer cannot be found, for example behind an application of another kind.
    """
    if depth > 50:
        return
    consumer = getattr(application, "consumer_class", None)
    if isinstance(consumer, type) and issubclass(consumer, LiveConsumer):
        yield guards
        return
    if isinstance(application, ProtocolTypeRouter):
        inner = [application.application_mapping.get("websocket")]
    elif isinstance(application, URLRouter):
        inner = [route.callback for route in application.routes]
    elif isinstance(application, SameOriginValidator | OriginValidator):
        guards = (*guards, application)
        inner = [application.application]
    else:
        inner = [getattr(application, "inner", None)]
    for app in inner:
        if app is not None:
            yield from live_route_guards(app, guards=guards, depth=depth + 1)


def allows_any_origin(guard) -> bool:
    return isinstance(guard, OriginValidator) and "*" in guard.allowed_origins


SAME_ORIGIN = "wagtail_live_admin.realtime.origins.SameOriginValidator"
HARM = (
    "any web site can open live sockets with its visitors' cookies, and receive the updates "
    "of pages restricted to them."
)


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
    ways = list(live_route_guards(application))
    if any(not guards for guards in ways):
        return [
            Warning(
                f"ASGI_APPLICATION = {path!r} serves the live websocket route without an "
                f"origin check: {HARM}",
                hint=f"Wrap the websocket application in {SAME_ORIGIN}, as "
                "docs/how-to/install.md shows.",
                id="wagtail_live_admin.W003",
            )
        ]
    for guards in ways:
        if all(allows_any_origin(guard) for guard in guards):
            allowed = list(guards[-1].allowed_origins)
            against = (
                f"ALLOWED_HOSTS = {allowed!r}"
                if allowed == allowed_hosts()
                else f"the allowed origins {allowed!r}"
            )
            return [
                Warning(
                    f"ASGI_APPLICATION = {path!r} checks the Origin of live sockets against "
                    f"{against}, and '*' lets every origin in: {HARM}",
                    hint=f"Use {SAME_ORIGIN} in place of AllowedHostsOriginValidator or "
                    "OriginValidator: it compares the Origin with the site's own scheme, "
                    "host and port, whatever ALLOWED_HOSTS holds. Or list the site's host "
                    "names in ALLOWED_HOSTS (wagtail start's dev.py sets ['*']).",
                    id="wagtail_live_admin.W003",
                )
            ]
    return []
