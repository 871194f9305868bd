"""The package's models: the live page mixin (abstract) and the publish log."""

from .live_page import CHANNEL_ID_PATTERN, LivePageMixin, generate_channel_id
from .publish_log import ChannelSequence, PublishLogEntry

__all__ = [
    "CHANNEL_ID_PATTERN",
    "ChannelSequence",
    "LivePageMixin",
    "PublishLogEntry",
    "generate_channel_id",
]
