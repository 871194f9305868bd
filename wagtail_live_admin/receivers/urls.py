"""The receivers' public URLs, for a site to include beside ``wagtail_live_admin.urls``.

``path("", include("wagtail_live_admin.receivers.urls"))``. Importing it calls no
source app: ``manage.py live_setup_webhook`` sets webhooks up.
"""

from django.urls import re_path

from ..live.models import CHANNEL_ID_PATTERN
from .api import PostsView, PostView
from .slack import SlackEventsAPIReceiver
from .telegram import TelegramWebhookReceiver

app_name = "wagtail_live_admin_receivers"

CHANNEL = rf"live/api/channels/(?P<channel_id>{CHANNEL_ID_PATTERN})/posts/"

urlpatterns = [
    re_path(rf"^{CHANNEL}$", PostsView.as_view(), name="api_posts"),
    re_path(rf"^{CHANNEL}(?P<message_id>[^/]+)/$", PostView.as_view(), name="api_post"),
    *SlackEventsAPIReceiver.get_urls(),
    *TelegramWebhookReceiver.get_urls(),
]
