"""The Channels baseline: a bare consumer that joins a group and forwards ``group_send`` frames.

Served by daphne or uvicorn as ``bench.servers.bare_channels:application``; the channel
layer comes from ``BENCH_LAYER`` (see bench/layers.py), as for our own server.
"""

import django
from django.conf import settings

from bench.layers import layer_from_environment

settings.configure(
    CHANNEL_LAYERS={"default": layer_from_environment()},
    INSTALLED_APPS=["channels"],
)
django.setup()

from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402

GROUP = "bench"


class BareConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        await self.channel_layer.group_add(GROUP, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(GROUP, self.channel_name)

    async def bench_frame(self, event):
        await self.send(text_data=event["frame"])


application = BareConsumer.as_asgi()
