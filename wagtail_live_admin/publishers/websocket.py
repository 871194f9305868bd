"""``BaseWebsocketPublisher``, exactly as wagtail-live documents it, and what the spine calls."""

from ..live.blocks import render_posts


class BaseWebsocketPublisher:
    """Base class for publishers using the websocket technique."""

    # New in wagtail-live-admin. Whether readers get updates through the channel layer
    # (LiveConsumer): the channel layer's system checks apply only then.
    uses_channel_layer = True
    # The dotted path of the presence backend that counts this publisher's readers when
    # WAGTAIL_LIVE_PRESENCE_BACKEND is not set (None: the one the channel layer suits).
    presence_backend = None
    # Whether readers' sockets are LiveConsumer's, which catches a socket up as it opens
    # (``realtime.catch_up``): live.js then asks it to. Other servers' are not (Nchan fails
    # a handshake that offers a subprotocol it does not know).
    catches_up_on_socket = False

    def __call__(self, sender, channel_id, renders, removals, **kwargs):
        """Listen to the ``live_page_update`` signal: render the posts, then publish them.

        ``renders`` holds the new and edited posts of the updated page (bound
        blocks), ``removals`` the ids of the posts readers must lose. Extra keyword
        arguments (such as ``page``) are new in wagtail-live-admin.
        """
        renders = render_posts(renders)
        return self.publish(channel_id=channel_id, renders=renders, removals=removals)

    def publish(self, channel_id, renders, removals):
        """Send a new update.

        - to the ``channel_id`` "group" for django channels,
        - to an event bus for separate websocket servers,
        - to the service itself for hosted websocket services.
        """
        raise NotImplementedError

    # New in wagtail-live-admin: the delivery spine (wagtail_live_admin.delivery.spine)
    # calls these once the update's transaction has committed.

    def publish_entry(self, entry):
        """Send one update of the publish log (a ``PublishLogEntry``); raise if it did not go.

        By default this calls ``publish(channel_id, renders, removals)``, so a subclass
        that only implements ``publish`` gets the log, re-publish and re-sync. Override
        it to send the whole frame, ``entry.frame()``, with its ``seq``: readers need
        the seq to notice a gap and catch up.
        """
        return self.publish(
            channel_id=entry.channel_id, renders=entry.renders, removals=entry.removals
        )

    def subscriber_count(self, channel_id) -> int | None:
        """How many readers the channel has now, recorded with each update sent.

        By default None: unknown. A publisher whose readers this site counts says how many.
        """
        return None

    def recheck(self, channel_ids):
        """Make the readers of these channels pass admission again (the page's privacy changed).

        By default nothing is done: a publisher whose readers connect elsewhere (a
        hosted service) decides there who may read.
        """
