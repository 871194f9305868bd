"""The live post block (wagtail-live's ``LivePostBlock``) and its helpers."""

from __future__ import annotations

import functools
import re

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.embeds.oembed_providers import all_providers
from wagtail.images.blocks import ImageChooserBlock
from wagtail.rich_text import RichText

# Keys of a live post that say when it changed, not what it says: a diff ignores them.
TIMESTAMP_KEYS = ("created", "modified")

# Image types a post takes from a source app's files (wagtail-live's list).
SUPPORTED_MIME_TYPES = ["png", "jpeg", "gif"]


class ContentBlock(blocks.StreamBlock):
    """What a live post says: text, images and embeds."""

    text = blocks.RichTextBlock(label=_("Text"))
    image = ImageChooserBlock(label=_("Image"))
    embed = EmbedBlock(label=_("Embed"), help_text=_("URL of a video, post or other embed"))


class LivePostBlock(blocks.StructBlock):
    """One post of a live page; ``message_id`` maps it to a message of a source app."""

    message_id = blocks.CharBlock(
        required=False,
        label=_("Message ID"),
        help_text=_("Id of the message in the source app; left empty, the post's own id is used."),
    )
    created = blocks.DateTimeBlock(
        required=False,
        label=_("Created"),
        help_text=_("Set when the post is first published."),
    )
    modified = blocks.DateTimeBlock(
        required=False,
        label=_("Modified"),
        help_text=_("Set when a published post is edited."),
    )
    show = blocks.BooleanBlock(
        required=False,
        default=True,
        label=_("Show"),
        help_text=_("Untick to hide the post from readers; it is removed from open pages."),
    )
    content = ContentBlock(label=_("Content"))

    class Meta:
        template = "wagtail_live_admin/blocks/live_post.html"
        icon = "comment"
        label = _("Live post")


def render_live_post(post: blocks.BoundBlock, *, pinned: bool = False) -> str:
    """Render a bound live post as readers see it: the one place a post becomes HTML."""
    return post.render(context={"block_id": post.id, "pinned": pinned})


def render_posts(posts, *, pinned=frozenset()) -> dict[str, dict]:
    """Return a frame's ``renders`` for bound posts: ``{post.id: {"show", "content"}}``, in order.

    ``pinned`` holds the ids of the page's pinned posts. The one place this dict is
    built (``BaseWebsocketPublisher.__call__``, the spine, snapshots and
    ``get_updates_since`` all call it).
    """
    return {
        post.id: {
            "show": post.value["show"],
            "content": render_live_post(post, pinned=post.id in pinned),
        }
        for post in posts
    }


def construct_text_block(text: str) -> RichText:
    """Return rich text for a post's content, cleaned to what the rich text editor allows.

    Text from a source app (a chat message, a webhook) is untrusted: scripts,
    event handler attributes and unknown elements are dropped, as the editor would.
    """
    # Imported here: the converter loads the page model, which is not ready at import time.
    from wagtail.admin.rich_text.converters.editor_html import EditorHTMLConverter

    return RichText(EditorHTMLConverter().to_database_format(text))


@functools.lru_cache(maxsize=1024)
def is_embed(text: str) -> bool:
    """Return whether ``text`` is a URL that one of Wagtail's oEmbed providers embeds."""
    return any(
        re.match(pattern, text)
        for provider in all_providers
        for pattern in provider.get("urls", [])
    )


def construct_image_block(image):
    """Return an image value for a post's content."""
    return ImageChooserBlock().to_python(image.pk)


def construct_embed_block(url: str):
    """Return an embed value for a post's content."""
    return EmbedBlock().to_python(url)


def construct_live_post_block(message_id: str, created) -> blocks.StructValue:
    """Return an empty live post for ``message_id`` created at ``created``."""
    return LivePostBlock().to_python({"message_id": message_id, "created": created})


def _post_value(live_post) -> blocks.StructValue:
    return live_post if isinstance(live_post, blocks.StructValue) else live_post.value


def add_block_to_live_post(block_type: str, block, live_block) -> None:
    """Append a content block (``text``, ``image`` or ``embed``) to a live post."""
    _post_value(live_block)["content"].append((block_type, block))


def clear_live_post_content(live_post) -> None:
    """Remove all content blocks of a live post."""
    _post_value(live_post)["content"].clear()


def comparable_post_data(raw_value: dict) -> dict:
    """Return what readers see of a post's raw (JSON) value, for diffing.

    Timestamps and the ids of content blocks do not show: a form that gives a
    content block a new id has not changed the post.
    """
    data = {key: value for key, value in raw_value.items() if key not in TIMESTAMP_KEYS}
    content = data.get("content")
    if isinstance(content, list):
        data["content"] = [
            (block.get("type"), block.get("value")) if isinstance(block, dict) else block
            for block in content
        ]
    return data
