"""Answer a crowd's repeated catch-up from memory, in front of Django.

``crowd`` reads a public page's answer once for everyone asking the same ``?since=``, but
each request still took Django's whole request path: a thread and the middleware, 5 to
15 ms of a core, where a restart storm brings thousands at once. Wrapped around the
site's Django ASGI application, ``CatchUpFromMemory`` keeps Django's final response
(middleware headers and all) while ``crowd`` keeps its answer, and sends it again itself;
a crowd asking at once sends one request to Django, the rest wait for its answer. A
browser revalidating its copy (live.js asks again once max-age has passed) gets its 304
here too.
"""

from __future__ import annotations

import asyncio
import functools
import weakref
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import Resolver404, resolve
from django.utils.http import parse_etags

from . import crowd

# Set in the ASGI scope by the catch-up view when its answer is a crowd's: (channel, since).
CATCH_UP = "wagtail_live_admin.catch_up"
# Request headers under which an answer is each client's own: these go to Django.
# A catch-up's If-None-Match is answered here (the view sets no Last-Modified).
CONDITIONAL = {b"if-none-match", b"if-modified-since", b"range"}
# What a 304 leaves out of the 200's headers (as Django's HttpResponseNotModified).
NOT_MODIFIED_DROPS = {b"content-type", b"content-length"}


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
        if _catches_up(scope["path"]):
            scope, send = _revalidated(scope, send)
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


def _revalidated(scope, send):
    """Take a catch-up's ``If-None-Match`` out of ``scope``, and have ``send`` answer it.

    Returns the scope, and a ``send`` that turns a 200 whose ETag the client has into a
    304 without a body, as Django's ``get_conditional_response`` would.
    """
    values = [value for name, value in scope["headers"] if name == b"if-none-match"]
    if not values:
        return scope, send
    headers = [(name, value) for name, value in scope["headers"] if name != b"if-none-match"]
    held = {etag.removeprefix("W/") for etag in parse_etags(b",".join(values).decode("latin-1"))}
    not_modified = False

    async def answer(message):
        nonlocal not_modified
        if message["type"] == "http.response.start" and message["status"] == 200:
            etag = next((v for n, v in message.get("headers", ()) if n.lower() == b"etag"), None)
            if etag is not None and (
                "*" in held or etag.decode("latin-1").removeprefix("W/") in held
            ):
                not_modified = True
                message = {
                    **message,
                    "status": 304,
                    "headers": [
                        *(
                            (n, v)
                            for n, v in message["headers"]
                            if n.lower() not in NOT_MODIFIED_DROPS
                        ),
                        (b"content-length", b"0"),
                    ],
                }
        elif message["type"] == "http.response.body" and not_modified:
            if message.get("more_body"):
                return
            message = {"type": "http.response.body", "body": b""}
        await send(message)

    return {**scope, "headers": headers}, answer


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
