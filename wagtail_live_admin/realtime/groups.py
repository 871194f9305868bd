"""The one place that turns a channel id into a name safe for the channel layer and Redis.

Channels accepts group names of ``[A-Za-z0-9._-]`` shorter than 100 characters.
Ids that fit keep a readable name; any other id is hashed, under a different
prefix so that a hashed name can never equal a readable one.
"""

import hashlib
import re

_GROUP_PREFIX = "wagtail_live_admin."
_SAFE = re.compile(r"[A-Za-z0-9._-]+")
_MAX_LENGTH = 99


def channel_slug(channel_id: str) -> str:
    """Return ``c.<channel_id>`` when the id is short and plain, else ``h.<sha256 of it>``.

    Presence keys in Redis (``wagtail_live_admin.realtime.presence``) use the same slug as
    the group name, so one channel is spelled one way everywhere.
    """
    slug = "c." + channel_id
    if _SAFE.fullmatch(channel_id) and len(_GROUP_PREFIX + slug) <= _MAX_LENGTH:
        return slug
    return "h." + hashlib.sha256(channel_id.encode()).hexdigest()


def live_group_name(channel_id: str) -> str:
    """Return the channel layer group that carries updates of ``channel_id``."""
    return _GROUP_PREFIX + channel_slug(channel_id)
