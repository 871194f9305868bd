"""``websocket_urlpatterns``, to add to the site's own ASGI ``URLRouter``."""

from urllib.parse import quote

from django.urls import re_path

from ..conf import get_setting
from ..live.models import CHANNEL_ID_PATTERN
from .consumers import LiveConsumer

# wagtail-live's path, widened to ids with "-" and ".".
PATH_PREFIX = "ws/channel/"


def websocket_path(channel_id: str) -> str:
    """Return the path a reader's browser opens for ``channel_id``."""
    return f"/{PATH_PREFIX}{channel_id}/"


def websocket_url(channel_id: str) -> str:
    """Return what a reader's page opens: ``WAGTAIL_LIVE_WEBSOCKET_URL``, or the path."""
    template = get_setting("WEBSOCKET_URL")
    if template:
        return template.format(channel=quote(channel_id, safe=""))
    return websocket_path(channel_id)


websocket_urlpatterns = [
    re_path(
        rf"^{PATH_PREFIX}(?P<channel_id>{CHANNEL_ID_PATTERN})/$",
        LiveConsumer.as_asgi(),
        name="wagtail_live_admin_channel",
    ),
]
