"""``BaseWebsocketPublisher``, exactly as wagtail-live documents it."""

from ..live.blocks import render_live_post


class BaseWebsocketPublisher:
    """Base class for publishers using the websocket technique."""

    def __call__(self, sender, channel_id, renders, removals, **kwargs):
        """Listen to the ``live_page_update`` signal: render the posts, then publish them.

        ``renders`` holds the new and edited posts of the updated page (bound
        blocks), ``removals`` the ids of the posts readers must lose. Extra keyword
        arguments (such as ``page``) are new in wagtail-live-admin.
        """
        renders = {
            post.id: {"show": post.value["show"], "content": render_live_post(post)}
            for post in renders
        }
        return self.publish(channel_id=channel_id, renders=renders, removals=removals)

    def publish(self, channel_id, renders, removals):
        """Send a new update.

        - to the ``channel_id`` "group" for django channels,
        - to an event bus for separate websocket servers,
        - to the service itself for hosted websocket services.
        """
        raise NotImplementedError
