"""Who a reader is: the user and session in the socket's scope, or read from its cookie.

Without ``AuthMiddlewareStack`` around the live route, they are read here, lazily, in
admission's database call and only for a page with view restrictions: a public page's
reader costs no session or user lookup, and no middleware kept for the socket's life.
"""

from importlib import import_module
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth import get_user
from django.http.cookie import parse_cookie
from django.utils.functional import SimpleLazyObject


def reader_identity(scope) -> tuple:
    """Return ``(user, session)`` for the reader of ``scope``; lazy when the scope has none."""
    if "session" in scope:  # Channels' SessionMiddleware (AuthMiddlewareStack) ran
        return scope.get("user"), scope["session"]
    session = SimpleLazyObject(lambda: _session(scope))
    return SimpleLazyObject(lambda: _user(session)), session


def _session(scope):
    # As Channels' CookieMiddleware and SessionMiddleware read it.
    cookies = {}
    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            cookies = parse_cookie(value.decode("latin1"))
            break
    store = import_module(settings.SESSION_ENGINE).SessionStore
    session = store(cookies.get(settings.SESSION_COOKIE_NAME))
    # get_user() renews the key of a session signed with a fallback secret: the browser
    # of a socket would never learn the new key, and its old one would be gone.
    session.cycle_key = lambda: None
    return session


def _user(session):
    # Django's own: the session's hash is checked (a changed password logs it out).
    return get_user(SimpleNamespace(session=session))
