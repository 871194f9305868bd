"""The Django Channels publisher: updates go through the channel layer to ``LiveConsumer``."""

from ..realtime.consumers import LiveConsumer
from ..realtime.groups import RECHECK_EVENT, UPDATE_EVENT, group_send
from ..realtime.presence import counts_or_none
from ..realtime.routing import websocket_urlpatterns
from .logged import LoggedPublisher


class DjangoChannelsPublisher(LoggedPublisher):
    """Send each update's frame, with its ``seq``, to the readers of its channel."""

    catches_up_on_socket = True

    def publish_entry(self, entry):
        # The frame is encoded once; every reader is sent these same bytes.
        group_send([entry.channel_id], {"type": UPDATE_EVENT, "frame": entry.frame()})

    def subscriber_count(self, channel_id):
        # Presence counts the readers of LiveConsumer; None when it cannot answer.
        counts = counts_or_none([channel_id])
        return None if counts is None else counts[channel_id]

    def recheck(self, channel_ids):
        group_send(channel_ids, {"type": RECHECK_EVENT})


# wagtail-live's names, so a site moves over by renaming the import prefix.
DjangoChannelsApp = LiveConsumer
live_websocket_route = websocket_urlpatterns
