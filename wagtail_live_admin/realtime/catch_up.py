"""A reader's catch-up on its socket: asked with ``SUBPROTOCOL`` and ``?since=<seq>``.

The answer is the catch-up endpoint's own, read by ``readers.socket``, which the app
registers here in ``ready()``: this layer knows no publish log.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import parse_qs

# Offered by live.js; a server that does not choose it sends no catch-up (an older one).
SUBPROTOCOL = "wagtail-live-admin.catch-up"

# (channel_id, the ``since`` asked, the socket's scope) -> the message to send.
Answer = Callable[[str, str | None, dict], Awaitable[str]]
_answer: Answer | None = None


def answer_with(answer: Answer | None) -> None:
    """Register what reads a socket's catch-up (``None``: sockets never catch up)."""
    global _answer
    _answer = answer


def asked(scope) -> bool:
    """Whether the reader asked to catch up on the socket, and this server can answer."""
    return _answer is not None and SUBPROTOCOL in scope.get("subprotocols", ())


async def accept(consumer) -> None:
    """Accept the reader's socket, and first send it its catch-up if it asked for one."""
    scope = consumer.scope
    if not asked(scope):
        await consumer.accept()
        return
    await consumer.accept(subprotocol=SUBPROTOCOL)
    since = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("since", [None])[-1]
    await consumer.send(text_data=await _answer(consumer.channel_id, since, scope))
