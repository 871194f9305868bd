"""What travels in the channel layer: a channel's group name, and the events sent to it.

Channels accepts group names of ``[A-Za-z0-9._-]`` shorter than 100 characters.
Ids that fit keep a readable name; any other id is hashed, under a different
prefix so that a hashed name can never equal a readable one.
"""

from __future__ import annotations

import hashlib
import re

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

_GROUP_PREFIX = "wagtail_live_admin."
_SAFE = re.compile(r"[A-Za-z0-9._-]+")
_MAX_LENGTH = 99

# The events a channel's readers handle (LiveConsumer.live_update and .live_recheck).
UPDATE_EVENT = "live.update"  # {"frame": the JSON text each reader is sent}
RECHECK_EVENT = "live.recheck"  # run admission again: the page's privacy or publication changed


class ChannelLayerMissing(RuntimeError):
    pass


def channel_slug(channel_id: str) -> str:
    """Return ``c.<channel_id>`` when the id is short and plain, else ``h.<sha256 of it>``.

    Presence keys in Redis use the same slug as the group name, so one channel is
    spelled one way everywhere.
    """
    slug = "c." + channel_id
    if _SAFE.fullmatch(channel_id) and len(_GROUP_PREFIX + slug) <= _MAX_LENGTH:
        return slug
    return "h." + hashlib.sha256(channel_id.encode()).hexdigest()


def live_group_name(channel_id: str) -> str:
    """Return the channel layer group that carries updates of ``channel_id``."""
    return _GROUP_PREFIX + channel_slug(channel_id)


async def agroup_send(channel_ids, event: dict, *, layer=None) -> None:
    """Send ``event`` to the readers of each channel; raise when the layer does not take it."""
    layer = layer or get_channel_layer()
    if layer is None:
        raise ChannelLayerMissing("No channel layer is configured (CHANNEL_LAYERS).")
    for channel_id in channel_ids:
        await layer.group_send(live_group_name(channel_id), event)


def group_send(channel_ids, event: dict) -> None:
    """``agroup_send`` for synchronous code."""
    async_to_sync(agroup_send)(channel_ids, event)
