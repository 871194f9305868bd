"""Nchan's publisher endpoint, over HTTP: publish to a channel, count its readers, close them.

Readers' websockets may be served by nginx with the Nchan module rather than by
``LiveConsumer`` (docs/how-to/nginx-nchan.md). Nchan's channel id is the page's
``channel_id`` itself: nginx takes it from the reader's path, ``/ws/channel/<channel_id>/``,
and this module puts it, percent-encoded, in ``WAGTAIL_LIVE_NCHAN["PUBLISH_URL"]``.
Nchan has no limit on its characters, so no channel needs hashing as a layer group does.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from urllib.parse import quote

from ..conf import PREFIX, nchan_setting


class NchanNotConfigured(RuntimeError):
    pass


def publish_url(channel_id: str) -> str:
    """Return the URL of ``channel_id``'s Nchan publisher endpoint."""
    template = nchan_setting("PUBLISH_URL")
    if not template:
        raise NchanNotConfigured(
            f'{PREFIX}NCHAN has no "PUBLISH_URL": the Nchan publisher cannot reach nginx.'
        )
    return template.format(channel=quote(channel_id, safe=""))


def _request(method: str, channel_id: str, body: bytes | None = None) -> dict:
    """Send ``method`` to the channel's publisher endpoint; return Nchan's channel info.

    Nchan answers 404 to GET and DELETE for a channel it does not have (no reader, no
    message): that is not an error. Any other failure raises.
    """
    headers = {"Accept": "application/json"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(
        publish_url(channel_id), data=body, headers=headers, method=method
    )
    try:
        with urllib.request.urlopen(request, timeout=nchan_setting("TIMEOUT")) as response:
            return json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        if error.code == 404 and method in {"GET", "DELETE"}:
            return {}
        raise


def publish(channel_id: str, frame: str) -> None:
    """Send ``frame`` (JSON text) to every reader of the channel, on every nginx.

    Nchan's answer counts the subscribers too, but a reader who has just subscribed
    through another nginx may not be in it yet: ``subscribers`` asks afterwards.
    """
    _request("POST", channel_id, frame.encode())


def subscribers(channel_id: str) -> int:
    """Return how many readers the channel has, on every nginx sharing its storage."""
    return int(_request("GET", channel_id).get("subscribers", 0))


def close_readers(channel_id: str) -> None:
    """Delete the channel in Nchan, which closes its readers' sockets (1001, "410 Gone")."""
    _request("DELETE", channel_id)
