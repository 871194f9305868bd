"""Receiver base classes, with wagtail-live's names and hooks: a site's own receiver ports by
renaming the import prefix. Messages become posts through the post operations (atomic,
merged, logged, delivered), once per ``message_id``: a source's retry changes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils.timezone import now
from wagtail.images import get_image_model

from ..delivery.models import PublishLogEntry
from ..live import operations
from ..live.blocks import (
    SUPPORTED_MIME_TYPES,
    LivePostBlock,
    add_block_to_live_post,
    construct_embed_block,
    construct_image_block,
    construct_live_post_block,
    construct_text_block,
    is_embed,
)
from ..live.locks import lock_page_row
from ..live.pages import live_page_models
from ..sources.models import ChannelSource
from .webhooks import WebhookReceiverMixin  # noqa: F401 (wagtail-live imports it from here)

logger = logging.getLogger(__name__)

TEXT = "text"
IMAGE = "image"
EMBED = "embed"
LivePost = "live_post"

ADDED, CHANGED, DELETED = "added", "changed", "deleted"
DUPLICATE, NO_PAGE, NO_POST = "duplicate", "no_page", "no_post"


class LivePageNotFound(ObjectDoesNotExist):
    """No live page has the channel a message was posted to."""


@dataclass
class Receipt:
    """What became of a message: ``status`` (added, duplicate, no_page ...) and the post."""

    status: str
    post: dict | None = None


class BaseMessageReceiver:
    """Turn a source app's messages into posts: subclasses say where each part of a message is."""

    # What the publish log and the Live admin's sources panel call this source.
    trigger = PublishLogEntry.Trigger.RECEIVER
    # The JSON API integration the messages come through, if any.
    integration = None

    def dispatch_event(self, event):
        """Find the handler of a new event from the source and call it."""
        raise NotImplementedError

    def get_channel_id_from_message(self, message):
        """Return the id of the channel ``message`` belongs to."""
        raise NotImplementedError

    def get_live_page_from_channel_id(self, channel_id):
        """Return the page with ``channel_id`` (``LivePageNotFound`` when there is none)."""
        for model in live_page_models():
            page = model._default_manager.filter(channel_id=channel_id).first()
            if page is not None:
                return page
        raise LivePageNotFound(channel_id)

    def get_message_id_from_message(self, message):
        """Return the id of ``message`` in the source app."""
        raise NotImplementedError

    def get_message_text(self, message):
        """Return the text of ``message``."""
        raise NotImplementedError

    def get_message_files(self, message):
        """Return the files of ``message`` (a list)."""
        raise NotImplementedError

    def get_image_title(self, image):
        raise NotImplementedError

    def get_image_name(self, image):
        raise NotImplementedError

    def get_image_mimetype(self, image):
        """Return the image's subtype: ``png``, ``jpeg``, ``gif`` ..."""
        raise NotImplementedError

    def get_image_content(self, image):
        """Return the image's content (a ``File``)."""
        raise NotImplementedError

    def get_image_dimensions(self, image):
        """Return ``(width, height)``; ``ValueError`` when they are not known."""
        raise NotImplementedError

    def get_message_id_from_edited_message(self, message):
        """Return the id of the original message that ``message`` edits or deletes."""
        raise NotImplementedError

    def get_message_text_from_edited_message(self, message):
        raise NotImplementedError

    def get_message_files_from_edited_message(self, message):
        raise NotImplementedError

    def get_embed(self, text):
        """Return the URL to embed if ``text`` is one, else ``""``."""
        return text if is_embed(text) else ""

    def parse_text(self, text):
        """Turn a line of the source's formatting into HTML (by default, as it is)."""
        return text

    def process_text(self, live_post, message_text):
        """Add a block per non-empty line of ``message_text``: an embed, or cleaned text."""
        for line in message_text.split("\n"):
            line = line.strip()
            if not line:
                continue
            url = self.get_embed(text=line)
            if url:
                add_block_to_live_post(EMBED, construct_embed_block(url), live_post)
            else:
                block = construct_text_block(self.parse_text(text=line))
                add_block_to_live_post(TEXT, block, live_post)

    def process_files(self, live_post, files):
        """Add an image block per supported image of ``files``; skip (and log) the others."""
        for item in files:
            title = self.get_image_title(image=item)
            try:
                width, height = self.get_image_dimensions(image=item)
            except ValueError:
                logger.error("Unable to retrieve the dimensions of %s", title)
                continue
            mime_type = self.get_image_mimetype(image=item)
            if mime_type not in SUPPORTED_MIME_TYPES:
                logger.error(
                    "Cannot add %s: images of type %s are not supported.", title, mime_type
                )
                continue
            content = ImageFile(
                self.get_image_content(image=item), name=self.get_image_name(image=item)
            )
            image = get_image_model()(title=title, width=width, height=height, file=content)
            image.save()
            add_block_to_live_post(IMAGE, construct_image_block(image), live_post)

    def _page(self, message):
        try:
            return self.get_live_page_from_channel_id(self.get_channel_id_from_message(message))
        except ObjectDoesNotExist:
            return None

    def _post_value(self, message_id, text, files, created=None):
        live_post = construct_live_post_block(message_id=message_id, created=created)
        self.process_text(live_post=live_post, message_text=text)
        self.process_files(live_post=live_post, files=files)
        return live_post

    def add_message(self, message) -> Receipt:
        """Add ``message`` to the page of its channel, unless a post has its id already."""
        page = self._page(message)
        if page is None:
            return Receipt(NO_PAGE)
        message_id = str(self.get_message_id_from_message(message=message))
        if page.get_live_post_index(message_id) is not None:
            return Receipt(DUPLICATE)
        # Built (and images fetched) before the page is locked: no network under the lock.
        live_post = self._post_value(
            message_id,
            self.get_message_text(message=message),
            self.get_message_files(message=message),
            now(),
        )
        self.prepare_post(live_post, message)
        with transaction.atomic():
            lock_page_row(type(page), page.pk)
            current = type(page)._default_manager.get(pk=page.pk)
            if current.get_live_post_index(message_id) is not None:
                return Receipt(DUPLICATE)  # a retry that crossed the first delivery
            outcome = operations.add_post(page, live_post, trigger=self.trigger)
            self.note_change(page)
        return Receipt(ADDED, outcome.post)

    def prepare_post(self, live_post, message) -> None:
        """Set what else a new post takes from ``message`` (nothing by default)."""

    def change_message(self, message) -> Receipt:
        """Replace the content of the post of the message that ``message`` edits."""
        page = self._page(message)
        if page is None:
            return Receipt(NO_PAGE)
        message_id = str(self.get_message_id_from_edited_message(message=message))
        if page.get_live_post_index(message_id) is None:
            logger.warning("No live post for edited message %r on %r.", message_id, page)
            return Receipt(NO_POST)
        live_post = self._post_value(
            message_id,
            self.get_message_text_from_edited_message(message=message),
            self.get_message_files_from_edited_message(message=message),
        )
        content = LivePostBlock().get_prep_value(live_post)["content"]
        value = self.edited_value(message)
        return self._change(
            page, operations.edit_post, message_id, CHANGED, content=content, value=value
        )

    def edited_value(self, message) -> dict | None:
        """Return what else an edit changes in the post's value (``{"show": ...}``), or None."""
        return None

    def delete_message(self, message) -> Receipt:
        """Delete the post of the message that ``message`` deletes (a missing one: no-op)."""
        page = self._page(message)
        if page is None:
            return Receipt(NO_PAGE)
        message_id = str(self.get_message_id_from_edited_message(message=message))
        return self._change(page, operations.delete_post, message_id, DELETED)

    def _change(self, page, operation, message_id, status, **arguments) -> Receipt:
        try:
            with transaction.atomic():
                outcome = operation(page, message_id=message_id, trigger=self.trigger, **arguments)
                self.note_change(page)
        except operations.PostNotFound:
            # Gone already (deleted in the admin, or a retry): source apps retry on errors.
            logger.warning("No live post for message %r on %r.", message_id, page)
            return Receipt(NO_POST)
        return Receipt(status, outcome.post)

    def note_change(self, page) -> None:
        """Record that this source changed a post of ``page``'s channel (the sources panel)."""
        ChannelSource.note(page.channel_id, str(self.trigger), self.integration)
