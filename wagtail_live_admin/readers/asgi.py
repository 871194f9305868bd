"""Answer a crowd's repeated catch-up from memory, in front of Django.

``crowd`` reads a public page's answer once for everyone asking the same ``?since=``, but
each request still took Django's whole request path: a thread and the middleware, 5 to
15 ms of a core, where a restart storm brings thousands at once. Wrapped around the
site's Django ASGI application, ``CatchUpFromMemory`` keeps Django's final response
(middleware headers and all) while ``crowd`` keeps its answer, and sends it again itself;
a crowd asking at once sends one request to Django, the rest wait for its answer.
"""

from __future__ import annotations

import asyncio
import functools
import weakref
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import Resolver404, resolve

from . import crowd

# Set in the ASGI scope by the catch-up view when its answer is a crowd's: (channel, since).
CATCH_UP = "wagtail_live_admin.catch_up"
# Request headers under which an answer is each client's own: these go to Django.
CONDITIONAL = {b"if-none-match", b"if-modified-since", b"range"}


@dataclass(frozen=True)
class _Response:
    start: dict  # the "http.response.start" message
    body: bytes
    current: Callable[[], bool]  # crowd's: whether the answer is still the one to give


_responses: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict] = weakref.WeakKeyDictionary()
# The requests on their way to Django, by key: others asking the same wait for them.
_asked: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict] = weakref.WeakKeyDictionary()


class CatchUpFromMemory:
    """ASGI middleware for the ``http`` entry of the site's ``ProtocolTypeRouter``."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "GET":
            return await self.app(scope, receive, send)
        loop = asyncio.get_running_loop()
        responses = _responses.setdefault(loop, {})
        key = (scope["path"], scope.get("query_string", b""))
        conditional = _conditional(scope)  # a conditional one is Django's to answer (304)
        asked = _asked.setdefault(loop, {})
        waiting = asked.get(key)
        # A crowd asks at once: one goes to Django, the rest wait for its answer.
        crowd_waits = waiting is not None and not conditional and key not in responses
        if crowd_waits and _catches_up(scope["path"]):
            await asyncio.shield(waiting)
        kept = responses.get(key)
        if kept is not None and kept.current():
            if not conditional:
                await send(kept.start)
                await send({"type": "http.response.body", "body": kept.body})
                return None
        elif kept is not None:
            del responses[key]
        if conditional or key in asked:
            # Not one that others wait for: a conditional answer (304) is its own.
            return await self._answer(scope, receive, send, responses, key)
        asked[key] = loop.create_future()
        try:
            await self._answer(scope, receive, send, responses, key)
        finally:
            asked.pop(key).set_result(None)

    async def _answer(self, scope, receive, send, responses, key):
        started, body = {}, []

        async def watch(message):
            # The view marks its answer before it returns it: only then is the body kept
            # (never a download's or a page's).
            if message["type"] == "http.response.start" and CATCH_UP in scope:
                started.update(message)
            elif message["type"] == "http.response.body" and started:
                body.append(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, watch)
        if (answer := scope.get(CATCH_UP)) and _shareable(started):
            current = crowd.kept_answer(*answer)
            if current is not None:
                responses[key] = _Response(dict(started), b"".join(body), current)
                _prune(responses)


@functools.lru_cache(maxsize=1024)
def _catches_up(path: str) -> bool:
    """Whether ``path`` is the catch-up endpoint's (other pages' requests never wait)."""
    try:
        return resolve(path).view_name == "wagtail_live_admin:updates"
    except Resolver404:
        return False


def _conditional(scope) -> bool:
    return any(name in CONDITIONAL for name, _ in scope["headers"])


def _shareable(start: dict) -> bool:
    """A 200 that sets no cookie, is not encoded for this client, and varies on cookies at most."""
    if start.get("status") != 200:
        return False
    for name, value in start.get("headers", ()):
        name = name.lower()
        if name in (b"set-cookie", b"content-encoding"):
            return False
        if name == b"vary" and {v.strip().lower() for v in value.split(b",")} - {b"cookie"}:
            return False
    return True


def _prune(responses: dict) -> None:
    if len(responses) > crowd.PRUNE_ABOVE:
        for key in [key for key, kept in responses.items() if not kept.current()]:
            del responses[key]
