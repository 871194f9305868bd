"""The Telegram receiver (wagtail-live's ``TelegramWebhookReceiver``), ``live/telegram/events/``.

Telegram sends each update with the secret given to ``setWebhook`` (``manage.py
live_setup_webhook telegram``); messages, channel posts, edits and photos become posts.
"""

from __future__ import annotations

import hmac

from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.html import escape
from django.utils.translation import gettext as _
from wagtail.images import get_image_model

from ..conf import get_setting
from ..delivery.models import PublishLogEntry
from ..exceptions import RequestVerificationError, WebhookSetupError
from ..live import operations
from ..live.blocks import LivePostBlock
from ..live.locks import lock_page_row
from . import http
from .base import (
    CHANGED,
    DUPLICATE,
    IMAGE,
    BaseMessageReceiver,
    Receipt,
    WebhookReceiverMixin,
    is_embed,
)

ALLOWED_UPDATES = ["message", "edited_message", "channel_post", "edited_channel_post"]
LINKS = ("url", "text_link")


def get_telegram_bot_token() -> str:
    token = get_setting("TELEGRAM_BOT_TOKEN")
    if not token:
        raise ImproperlyConfigured("Set WAGTAIL_LIVE_TELEGRAM_BOT_TOKEN to the bot's token.")
    return token


def get_base_telegram_url() -> str:
    """The Bot API's address for this bot, ending in ``/``."""
    return f"{get_setting('TELEGRAM_API_URL').rstrip('/')}/bot{get_telegram_bot_token()}/"


def get_telegram_webhook_url() -> str:
    """The address Telegram sends updates to: ``WAGTAIL_LIVE_TELEGRAM_WEBHOOK_URL`` + the path."""
    from django.urls import reverse

    base = get_setting("TELEGRAM_WEBHOOK_URL")
    if not base:
        raise ImproperlyConfigured(
            "Set WAGTAIL_LIVE_TELEGRAM_WEBHOOK_URL to the site's public https address."
        )
    return base.rstrip("/") + reverse("wagtail_live_admin_receivers:telegram_events_handler")


def format_url(url: str) -> str:
    """Make ``www.example.com`` (as Telegram finds links) absolute, not relative."""
    return url if url.startswith(("http:", "https:", "//", "mailto:", "tel:")) else f"//{url}"


class TelegramWebhookMixin(WebhookReceiverMixin):
    """Check the secret token Telegram sends; set the webhook through the Bot API."""

    url_path = "live/telegram/events/"
    url_name = "telegram_events_handler"

    def verify_request(self, request, body, *args, **kwargs):
        secret = get_setting("TELEGRAM_SECRET_TOKEN")
        if not secret:
            raise RequestVerificationError(
                _("WAGTAIL_LIVE_TELEGRAM_SECRET_TOKEN is not set: no Telegram update is accepted.")
            )
        sent = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not hmac.compare_digest(sent.encode(), secret.encode()):
            raise RequestVerificationError(_("The X-Telegram-Bot-Api-Secret-Token does not match."))

    @classmethod
    def webhook_connection_set(cls):
        """Return whether Telegram sends this bot's updates to this site already."""
        info = http.get_json(get_base_telegram_url() + "getWebhookInfo")
        return bool(info.get("ok")) and info["result"].get("url") == get_telegram_webhook_url()

    @classmethod
    def set_webhook(cls):
        """Have Telegram send the bot's updates here, with the secret token."""
        secret = get_setting("TELEGRAM_SECRET_TOKEN")
        if not secret:
            raise WebhookSetupError("Set WAGTAIL_LIVE_TELEGRAM_SECRET_TOKEN first.")
        try:
            answer = http.post_json(
                get_base_telegram_url() + "setWebhook",
                {
                    "url": get_telegram_webhook_url(),
                    "secret_token": secret,
                    "allowed_updates": ALLOWED_UPDATES,
                },
            )
        except (OSError, ValueError) as error:
            raise WebhookSetupError(f"Telegram's Bot API could not be reached: {error}") from error
        if not answer.get("ok"):
            raise WebhookSetupError(
                f"Telegram refused the webhook: {answer.get('description', answer)}"
            )


class TelegramWebhookReceiver(TelegramWebhookMixin, BaseMessageReceiver):
    """Posts from a bot's chats and channels; a page's ``channel_id`` is the chat's id."""

    trigger = PublishLogEntry.Trigger.TELEGRAM

    def dispatch_event(self, event):
        """Telegram sends no update when a message is deleted: delete the post in the admin."""
        for edit in ("edited_message", "edited_channel_post"):
            if edit in event:
                self.change_message(message=event[edit])
                return
        message = event.get("message") or event.get("channel_post")
        if message is None:
            return  # an update of a kind not asked for in allowed_updates
        if "media_group_id" in message:
            self.add_image_to_message(message=message)
            return
        entities = message.get("entities") or []
        if entities and entities[0]["type"] == "bot_command" and entities[0]["offset"] == 0:
            self.handle_bot_command(message=message)
            return
        self.add_message(message=message)

    def add_image_to_message(self, message):
        """Photos of one album arrive one update each: the first adds the post, the others
        add their photo to it."""
        page = self._page(message)
        message_id = self.get_message_id_from_message(message=message)
        if page is None or page.get_live_post_index(message_id) is None:
            return self.add_message(message=message)
        # Telegram sends an update again until it is answered: skip photos the post has.
        files = [
            item
            for item in self.get_message_files(message=message)
            if self.get_image_title(image=item) not in self._image_titles(page, message_id)
        ]
        if not files:
            return Receipt(DUPLICATE)
        post = self._post_value(message_id, {"text": "", "entities": []}, files)
        new_blocks = LivePostBlock().get_prep_value(post)["content"]
        with transaction.atomic():
            lock_page_row(type(page), page.pk)
            current = type(page)._default_manager.get(pk=page.pk)
            index = current.get_live_post_index(message_id)
            content = current.live_posts.raw_data[index]["value"]["content"]
            operations.edit_post(
                page, message_id=message_id, content=[*content, *new_blocks], trigger=self.trigger
            )
            self.note_change(page)
        return Receipt(CHANGED)

    def _image_titles(self, page, message_id) -> set[str]:
        item = page.live_posts.raw_data[page.get_live_post_index(message_id)]
        ids = [block["value"] for block in item["value"]["content"] if block["type"] == IMAGE]
        return set(get_image_model().objects.filter(pk__in=ids).values_list("title", flat=True))

    def handle_bot_command(self, message):
        """``/get_chat_id`` answers with the chat's id, the live page's channel ID."""
        command = message["text"][: message["entities"][0]["length"]].split("@")[0]
        if command == "/get_chat_id":
            chat_id = self.get_channel_id_from_message(message=message)
            http.get_json(get_base_telegram_url() + "sendMessage", chat_id=chat_id, text=chat_id)

    def get_channel_id_from_message(self, message):
        return str(message["chat"]["id"])

    def get_message_id_from_message(self, message):
        return str(message.get("media_group_id") or message["message_id"])

    def get_message_text(self, message):
        """Text (or a photo's caption) and Telegram's entities, which mark its links."""
        if "caption" in message:
            return {"text": message["caption"], "entities": message.get("caption_entities", [])}
        return {"text": message.get("text", ""), "entities": message.get("entities", [])}

    def process_text(self, live_post, message_text):
        """Escape the text (Telegram's is plain) and turn its link entities into links.

        A link alone on its line to an embeddable URL stays as it is: it becomes an embed.
        """
        text, entities = message_text["text"], message_text["entities"]
        units = text.encode("utf-16-le")  # entity offsets count UTF-16 code units

        def part(start, end=None):
            return units[2 * start : None if end is None else 2 * end].decode("utf-16-le")

        html, position = [], 0
        for entity in sorted(entities, key=lambda entity: entity["offset"]):
            start, end = entity["offset"], entity["offset"] + entity["length"]
            if entity["type"] not in LINKS or start < position:
                continue
            html.append(escape(part(position, start)))
            label = part(start, end)
            url = entity.get("url") or label
            alone = part(0, start)[-1:] in ("", "\n") and part(end)[:1] in ("", "\n")
            if entity["type"] == "url" and alone and is_embed(url):
                html.append(label)
            else:
                html.append(f'<a href="{escape(format_url(url))}">{escape(label)}</a>')
            position = end
        html.append(escape(part(position)))
        super().process_text(live_post=live_post, message_text="".join(html))

    def get_file_path(self, file_id):
        """Ask the Bot API where to download a file from (``getFile``)."""
        return http.get_json(get_base_telegram_url() + "getFile", file_id=file_id)["result"][
            "file_path"
        ]

    def get_message_files(self, message):
        """The largest size of the message's photo, the last of ``photo``."""
        if "photo" not in message:
            return []
        photo = dict(message["photo"][-1])
        photo["file_path"] = self.get_file_path(file_id=photo["file_id"])
        return [photo]

    def get_image_title(self, image):
        return image["file_path"].split("/")[-1].split(".")[0]

    def get_image_name(self, image):
        return image["file_path"].split("/")[-1]

    def get_image_mimetype(self, image):
        extension = image["file_path"].split(".")[-1].lower()
        return "jpeg" if extension == "jpg" else extension

    def get_image_content(self, image):
        base = get_setting("TELEGRAM_API_URL").rstrip("/")
        url = f"{base}/file/bot{get_telegram_bot_token()}/{image['file_path']}"
        return ContentFile(http.fetch(url))

    def get_image_dimensions(self, image):
        return image["width"], image["height"]

    def get_message_id_from_edited_message(self, message):
        return self.get_message_id_from_message(message=message)

    def get_message_text_from_edited_message(self, message):
        return self.get_message_text(message=message)

    def get_message_files_from_edited_message(self, message):
        return self.get_message_files(message=message)
