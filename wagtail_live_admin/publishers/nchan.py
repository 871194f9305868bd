"""The Nchan publisher: readers' websockets are served by nginx with the Nchan module.

Each update's frame is POSTed to Nchan's publisher endpoint for its channel, and every
nginx that shares Nchan's Redis sends it to its readers. nginx asks Django whether a
reader may subscribe (``readers.nchan``, through ``nchan_authorize_request``); the
catch-up endpoint stays Django's. See docs/how-to/nginx-nchan.md.
"""

import logging

from ..realtime import nchan
from .logged import LoggedPublisher

logger = logging.getLogger(__name__)


class NchanPublisher(LoggedPublisher):
    """Send each update's frame to Nchan; count and recheck readers through Nchan too."""

    # The channel layer carries nothing for this publisher: its checks do not apply.
    uses_channel_layer = False
    # Nchan counts the readers: the dashboard's counts come from its channel info.
    presence_backend = "wagtail_live_admin.realtime.presence.nchan.NchanPresence"

    def publish_entry(self, entry):
        # Raises when nginx cannot be reached or refuses: the spine marks the entry failed.
        nchan.publish(entry.channel_id, entry.frame())

    def subscriber_count(self, channel_id):
        try:
            return nchan.subscribers(channel_id)
        except Exception as exc:
            logger.warning("Could not count the readers of channel %r: %r", channel_id, exc)
            return None

    def recheck(self, channel_ids):
        """Close every reader of these channels: their pages reconnect and pass admission again.

        Nchan cannot ask one socket to re-run admission, so all of them go, admitted or
        not. nginx asks Django again on each reconnect (``nchan_authorize_request``), and
        the readers who still may read catch up over HTTP on what they missed meanwhile.
        """
        for channel_id in channel_ids:
            nchan.close_readers(channel_id)
