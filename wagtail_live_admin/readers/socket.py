"""A socket's catch-up: the catch-up endpoint's answer, sent as the socket's first message.

Read once the reader has joined its channel, so every later update reaches it on the
socket: unlike an answer over HTTP, it needs no asking again. A crowd shares one reading.
"""

import functools
import logging

from django.db import close_old_connections
from django.utils.translation import gettext as _

from ..realtime.identity import reader_identity
from . import answers, crowd

logger = logging.getLogger(__name__)


async def catch_up(channel_id: str, since: str | None, scope) -> str:
    """Return ``{"type":"catch_up","status":…,"answer":…}``: the endpoint's status and body."""
    try:
        seq = answers.parse_since(since)
    except ValueError:
        return _message(answers.since_error())
    try:
        read = functools.partial(_read, scope, channel_id, seq)
        response, _public = await crowd.answer(channel_id, seq, read)
    except Exception:
        logger.exception("Could not read a socket's catch-up on channel %r.", channel_id)
        # As the endpoint's server error: the page asks the endpoint instead.
        return _message(answers.error(_("The catch-up could not be read. Try again."), 503))
    return _message(response)


def _read(scope, channel_id: str, since: int):
    # Outside a request, as Channels' database_sync_to_async: no stale connection used
    # (the sync thread serves every socket's admission), none left past its lifetime.
    close_old_connections()
    try:
        return answers.read(*reader_identity(scope), channel_id, since)
    finally:
        close_old_connections()


def _message(response) -> str:
    # The body is the endpoint's JSON: embedded as it is, not decoded and encoded again.
    body = response.content.decode()
    return f'{{"type":"catch_up","status":{response.status_code},"answer":{body}}}'
