"""``websocket_urlpatterns``, to add to the site's own ASGI ``URLRouter``."""

from django.urls import re_path

from ..live.models import CHANNEL_ID_PATTERN
from .consumers import LiveConsumer

# wagtail-live's path, widened to ids with "-" and ".".
PATH_PREFIX = "ws/channel/"


def websocket_path(channel_id: str) -> str:
    """Return the path a reader's browser opens for ``channel_id``."""
    return f"/{PATH_PREFIX}{channel_id}/"


websocket_urlpatterns = [
    re_path(
        rf"^{PATH_PREFIX}(?P<channel_id>{CHANNEL_ID_PATTERN})/$",
        LiveConsumer.as_asgi(),
        name="wagtail_live_admin_channel",
    ),
]
