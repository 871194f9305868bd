"""The app's models (wagtail-live's ``models`` module): the live page mixin and the publish log."""

from .delivery.models import ChannelSequence, PublishLogEntry
from .live.models import CHANNEL_ID_PATTERN, LivePageMixin, generate_channel_id
from .live.pins import PinnedPost
from .sources.models import ChannelSource, Integration

__all__ = [
    "CHANNEL_ID_PATTERN",
    "ChannelSequence",
    "ChannelSource",
    "Integration",
    "LivePageMixin",
    "PinnedPost",
    "PublishLogEntry",
    "generate_channel_id",
]
