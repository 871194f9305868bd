"""``SameOriginValidator``: live sockets only from the site's own pages.

The rule is Django's CSRF origin check: scheme, host and port must all match.
"""

from urllib.parse import urlsplit

from django.core.exceptions import DisallowedHost
from django.http import HttpRequest
from django.utils.http import is_same_domain

from ..conf import csrf_trusted_origins
from .sockets import LeanWebsocketConsumer


class Handshake(HttpRequest):
    """A websocket handshake seen as Django sees a request: its headers, host and scheme."""

    def __init__(self, scope):
        # Only META, as Django's WSGIRequest: the rest (query dicts and all) was a sixth
        # of the check's time, for each of a restart storm's thousands of readers.
        self.META = {}
        for name, value in scope.get("headers", []):
            key = "HTTP_" + name.decode("latin1").upper().replace("-", "_")
            self.META[key] = value.decode("latin1")
        host, port = scope.get("server") or ("", "")
        self.META.setdefault("SERVER_NAME", host)
        self.META.setdefault("SERVER_PORT", str(port))
        self._secure = scope.get("scheme") == "wss"

    def _get_scheme(self):
        # What the ASGI server saw; SECURE_PROXY_SSL_HEADER, when set, takes precedence
        # (HttpRequest.scheme), as it does for Django's own requests.
        return "https" if self._secure else "http"


def origin_allowed(scope) -> bool:
    """Return whether the handshake's ``Origin`` may open a socket (``request_origin_allowed``)."""
    return request_origin_allowed(Handshake(scope))


def request_origin_allowed(request: HttpRequest) -> bool:
    """Return whether the request's ``Origin`` may open a socket, by Django's CSRF rule.

    It may when it is the socket's own origin (``https://`` for ``wss:``, or as
    ``SECURE_PROXY_SSL_HEADER`` says, then the Host header, which ``ALLOWED_HOSTS`` must
    allow), or one of ``CSRF_TRUSTED_ORIGINS`` (where ``https://*.example.com`` allows the
    subdomains). A handshake without an ``Origin`` may not: browsers always send one.
    """
    origin = request.META.get("HTTP_ORIGIN")
    if not origin:
        return False
    try:
        if origin == f"{request.scheme}://{request.get_host()}":
            return True
    except DisallowedHost:
        pass
    trusted = csrf_trusted_origins()
    if origin in trusted:
        return True
    try:
        parsed = urlsplit(origin)
    except ValueError:
        return False
    return any(
        is_same_domain(parsed.netloc, pattern.netloc.lstrip("*"))
        for pattern in map(urlsplit, trusted)
        if "*" in pattern.netloc and pattern.scheme == parsed.scheme
    )


class Denier(LeanWebsocketConsumer):
    """Refuse the handshake (HTTP 403). Channels' ``WebsocketDenier`` first opens a layer
    channel and waits on it: a Redis connection per refusal, and a 500 while Redis is away."""

    async def connect(self):
        await self.close()


class SameOriginValidator:
    """Refuse a websocket handshake (HTTP 403) unless ``origin_allowed`` says it may open.

    Channels' ``AllowedHostsOriginValidator`` compares the host name alone, and lets every
    origin in when ``ALLOWED_HOSTS`` holds ``"*"``; this compares scheme, host and port,
    whatever ``ALLOWED_HOSTS`` holds.
    """

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            raise ValueError("SameOriginValidator guards websocket applications only.")
        if origin_allowed(scope):
            return await self.application(scope, receive, send)
        return await Denier()(scope, receive, send)
