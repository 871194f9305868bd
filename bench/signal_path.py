"""The fan-out bench from the ``live_page_update`` signal: the package's whole publish path.

Each publish sends the signal for one new ~2 KB post of the bench's live page, as a
page's save does: the handler renders the post, records it in the publish log (its
``seq``), and once that commits the configured publisher sends the frame (a group send
to the layer the servers use, or a POST to nginx's Nchan). It runs as an editor's publish
does under an ASGI server: in Django's thread for sync code (``sync_to_async``), its layer
sends on the event loop. The send time written into the post is taken just before the
signal, so "to last subscriber" covers all of it.
"""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.db import close_old_connections
from django.test import override_settings

from bench import layers

CHANNELS_PUBLISHER = "wagtail_live_admin.publishers.django_channels.DjangoChannelsPublisher"
NCHAN_PUBLISHER = "wagtail_live_admin.publishers.nchan.NchanPublisher"


def publisher_settings(server, servers) -> dict:
    """Settings that make this process publish to the servers under test."""
    if server.runner == "nchan":
        return {
            "WAGTAIL_LIVE_PUBLISHER": NCHAN_PUBLISHER,
            "WAGTAIL_LIVE_NCHAN": {"PUBLISH_URL": servers.nginx[0].publish_url()},
        }
    layer = layers.layer_config(server.layer, servers.redis_url, servers.prefix, server.capacity)
    return {"WAGTAIL_LIVE_PUBLISHER": CHANNELS_PUBLISHER, "CHANNEL_LAYERS": {"default": layer}}


class SignalPublisher:
    """Publishes frame ``seq`` by sending the signal; the channel's log restarts at seq 1."""

    def __init__(self, server, servers, *, channel_id: str, padding: str):
        self.channel_id, self.padding = channel_id, padding
        self.settings = override_settings(**publisher_settings(server, servers))
        self.settings.enable()
        self.page = None

    def _prepare(self) -> None:
        from tests.testapp.models import LiveBlogPage
        from wagtail_live_admin.delivery.models import ChannelSequence, PublishLogEntry

        # The bench numbers frames from 1: so must the publish log.
        PublishLogEntry.objects.filter(channel_id=self.channel_id).delete()
        ChannelSequence.objects.filter(channel_id=self.channel_id).delete()
        self.page = LiveBlogPage.objects.get(channel_id=self.channel_id)

    def _send(self, seq: int, sent: float) -> None:
        from tests.posts import post_value
        from wagtail_live_admin.signals import live_page_update

        close_old_connections()
        post = post_value(f'<span data-sent="{sent:.6f}">{seq}</span>{self.padding}')
        posts = self.page.live_posts.stream_block.to_python([])
        posts.append(("live_post", post))
        live_page_update.send(
            sender=type(self.page),
            channel_id=self.channel_id,
            renders=[posts[0]],
            removals=[],
            page=self.page,
        )

    async def publish(self, seq: int, sent: float) -> None:
        if self.page is None:
            await sync_to_async(self._prepare)()
        await sync_to_async(self._send)(seq, sent)

    async def close(self) -> None:
        self.settings.disable()
