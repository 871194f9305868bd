"""The Slack Events receiver (wagtail-live's ``SlackEventsAPIReceiver``), ``live/slack/events/``.

Every request is verified with the app's signing secret (v0 signatures, refused when
its timestamp is more than five minutes off); messages, edits, deletions and images.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
import urllib.parse

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.http import HttpResponse
from django.utils.html import escape
from django.utils.translation import gettext as _

from ..conf import get_setting
from ..delivery.models import PublishLogEntry
from ..exceptions import RequestVerificationError
from . import http
from .base import BaseMessageReceiver, WebhookReceiverMixin, is_embed

# Slack refuses, and so do we, a request signed more than five minutes from now.
REPLAY_WINDOW = 5 * 60
LINK = re.compile(r"<(https?://[^|>]+)(?:\|([^>]+))?>")


class SlackWebhookMixin(WebhookReceiverMixin):
    """Verify Slack's signature; Slack's own UI sets the webhook (the Request URL)."""

    url_path = "live/slack/events/"
    url_name = "slack_events_handler"

    @staticmethod
    def sign_slack_request(content: str) -> str:
        """Sign ``content`` with the signing secret, as Slack does (hex HMAC-SHA256)."""
        secret = get_setting("SLACK_SIGNING_SECRET")
        if not secret:
            raise RequestVerificationError(
                _("WAGTAIL_LIVE_SLACK_SIGNING_SECRET is not set: no Slack request is accepted.")
            )
        return hmac.new(secret.encode(), content.encode(), hashlib.sha256).hexdigest()

    def verify_request(self, request, body, *args, **kwargs):
        """Check the v0 signature and that the request is no more than five minutes old."""
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        if not timestamp.isdigit():
            raise RequestVerificationError(
                _("X-Slack-Request-Timestamp is missing or not a number.")
            )
        if abs(time.time() - int(timestamp)) > REPLAY_WINDOW:
            # A replay of a request someone captured: Slack's own requests are fresh.
            raise RequestVerificationError(
                _("The request timestamp is more than five minutes from local time.")
            )
        expected = "v0=" + self.sign_slack_request(f"v0:{timestamp}:{body}")
        if not hmac.compare_digest(request.headers.get("X-Slack-Signature", ""), expected):
            raise RequestVerificationError(_("The Slack signature does not match."))

    @classmethod
    def webhook_connection_set(cls):
        """Slack's UI sets the Request URL: nothing to check from here."""
        return True

    @classmethod
    def set_webhook(cls):
        """Slack's UI sets the Request URL: nothing to do from here."""


class SlackEventsAPIReceiver(BaseMessageReceiver, SlackWebhookMixin):
    """Posts from the messages of Slack channels; a page's ``channel_id`` is the Slack channel's."""

    trigger = PublishLogEntry.Trigger.SLACK

    def dispatch_event(self, event):
        """Answer Slack's URL check; add, change or delete the post of a message event."""
        if event["type"] == "url_verification":
            return HttpResponse(event["challenge"], content_type="text/plain")
        message = event["event"]
        if message["type"] != "message":
            return None
        subtype = message.get("subtype")
        if subtype == "message_changed":
            self.change_message(message=message)
        elif subtype == "message_deleted":
            self.delete_message(message=message)
        elif subtype in (None, "file_share"):
            self.add_message(message=message)
        return None

    def get_channel_id_from_message(self, message):
        return message["channel"]

    def get_message_id_from_message(self, message):
        return message["ts"]

    def get_message_text(self, message):
        return message["text"]

    def get_message_files(self, message):
        return message.get("files", [])

    def get_image_title(self, image):
        return image["title"]

    def get_image_name(self, image):
        return image["name"]

    def get_image_mimetype(self, image):
        return image["mimetype"].split("/")[1]

    def get_image_dimensions(self, image):
        try:
            return image["original_w"], image["original_h"]
        except KeyError:
            raise ValueError(image.get("name")) from None

    def get_image_content(self, image):
        """Download the file with the bot token (sent to Slack's own hosts only)."""
        token = get_setting("SLACK_BOT_TOKEN")
        if not token:
            raise ImproperlyConfigured(
                "Set WAGTAIL_LIVE_SLACK_BOT_TOKEN to add the images of Slack messages."
            )
        url = image["url_private"]
        host = urllib.parse.urlsplit(url).hostname or ""
        slack = host == "slack.com" or host.endswith(".slack.com")
        headers = {"Authorization": f"Bearer {token}"} if slack else {}
        return ContentFile(http.fetch(url, headers=headers))

    def get_message_id_from_edited_message(self, message):
        if message.get("subtype") == "message_deleted" and "deleted_ts" in message:
            return message["deleted_ts"]
        return self.get_message_id_from_message(message=message["previous_message"])

    def get_message_text_from_edited_message(self, message):
        return self.get_message_text(message=message["message"])

    def get_message_files_from_edited_message(self, message):
        return self.get_message_files(message=message["message"])

    def get_embed(self, text):
        """Slack sends a link alone on its line as ``<url>`` or ``<url|text>``."""
        match = LINK.fullmatch(text)
        return match[1] if match and is_embed(match[1]) else ""

    def parse_text(self, text):
        """Turn Slack's ``<url|text>`` links into ``<a>`` elements."""

        def link(match):
            url, label = match[1], match[2] or match[1]
            try:
                URLValidator()(url)
            except ValidationError:
                return match[0]
            return f'<a href="{escape(url)}">{label}</a>'

        return LINK.sub(link, text)
