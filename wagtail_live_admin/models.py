"""The app's models (wagtail-live's ``models`` module): the live page mixin and the publish log."""

from .delivery.models import ChannelSequence, PublishLogEntry
from .live.models import CHANNEL_ID_PATTERN, LivePageMixin, generate_channel_id

__all__ = [
    "CHANNEL_ID_PATTERN",
    "ChannelSequence",
    "LivePageMixin",
    "PublishLogEntry",
    "generate_channel_id",
]
