"""The one function that turns a channel id into a channel layer group name.

Channels accepts group names of ``[A-Za-z0-9._-]`` shorter than 100 characters.
Ids that fit keep a readable name; any other id is hashed, under a different
prefix so that a hashed name can never equal a readable one.
"""

import hashlib
import re

_PLAIN = "wagtail_live_admin.c."
_HASHED = "wagtail_live_admin.h."
_SAFE = re.compile(r"[A-Za-z0-9._-]+")
_MAX_LENGTH = 99


def live_group_name(channel_id: str) -> str:
    """Return the channel layer group that carries updates of ``channel_id``."""
    name = _PLAIN + channel_id
    if _SAFE.fullmatch(channel_id) and len(name) <= _MAX_LENGTH:
        return name
    return _HASHED + hashlib.sha256(channel_id.encode()).hexdigest()
