"""A post's version: a short string that changes when, and only when, what readers see changes.

Merges compare versions, never raw JSON: the page editor sends rich text back in its own
form (block keys, ``<b>`` for ``<strong>``) and timestamps to the minute.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re

from django.core.serializers.json import DjangoJSONEncoder
from wagtail.blocks import BoundBlock, StreamValue

from .blocks import ContentBlock, comparable_post_data

_BLOCK_KEY = re.compile(r'\sdata-block-key="[^"]*"')

# Where a revision keeps the versions of the live posts it was made from (its merge base).
REVISION_BASE_KEY = "live_posts_base"


@functools.cache
def _text_converter():
    # The converter of the editor that the post's "Text" block uses (Draftail's).
    widget = ContentBlock().child_blocks["text"].field.widget
    return getattr(widget, "converter", None)


@functools.lru_cache(maxsize=8192)
def canonical_rich_text(html: str) -> str:
    """Return rich text as the page editor would send it back, without its block keys.

    Text that code or a source app stored (``<strong>``, no block keys) and the same
    text after a trip through the editor then compare equal.
    """
    converter = _text_converter()
    if converter is not None:
        html = converter.to_database_format(converter.from_database_format(html))
    return _BLOCK_KEY.sub("", html)


def _readers_data(value: dict) -> dict:
    data = comparable_post_data(value)
    data["show"] = bool(value.get("show", True))
    data["content"] = [
        (block[0], canonical_rich_text(block[1]))
        if isinstance(block, tuple) and block[0] == "text" and isinstance(block[1], str)
        else block
        for block in data.get("content") or []
    ]
    return data


def post_version(item: dict) -> str:
    """Return the version of a post in its raw (stream item) form."""
    value = item["value"]
    data = _readers_data(value)
    # An empty message id stands for the post's own id (as the diff fills it in).
    data["message_id"] = value.get("message_id") or item.get("id")
    blob = json.dumps(data, sort_keys=True, cls=DjangoJSONEncoder, separators=(",", ":"))
    return hashlib.blake2b(blob.encode(), digest_size=8).hexdigest()


def compare_live_posts_values(first_post_value, second_post_value) -> bool:
    """Return True when two live posts are identical for readers (wagtail-live's helper).

    Each is a post's value (a ``StructValue``) or a bound post. Compared, as in
    wagtail-live: ``show`` and the content blocks. Unlike wagtail-live, formatting
    counts (bold text is an edit readers see) and content block ids do not.
    """
    return _readers_view(first_post_value) == _readers_view(second_post_value)


def _readers_view(post) -> dict:
    value = post.value if isinstance(post, BoundBlock) else post
    content = value["content"]
    if isinstance(content, StreamValue):
        content = content.get_prep_value()
    return _readers_data({"show": value["show"], "content": content})


class PostsBase:
    """The posts a change was made from (what its author opened), by id and version.

    Built from versions (an edit form, a revision) or from raw posts (a page loaded
    from the database). Raw posts are compared as they are first, and hashed only
    when they differ: a page of 1,000 posts where one changed hashes a few.
    """

    def __init__(self, versions: dict[str, str] | None = None, *, items: list | None = None):
        self._versions = versions
        self._items = None if items is None else {item["id"]: item for item in items}

    @classmethod
    def of_posts(cls, items) -> PostsBase:
        return cls(items=[item for item in items if item.get("type") == "live_post"])

    @property
    def versions(self) -> dict[str, str]:
        if self._versions is None:
            self._versions = {post_id: post_version(i) for post_id, i in self._items.items()}
        return self._versions

    def __contains__(self, post_id: str) -> bool:
        return post_id in (self._items if self._items is not None else self.versions)

    def holds(self, item: dict, version=post_version) -> bool:
        """Whether ``item`` (a raw post) is the post as it was here, for readers."""
        if self._items is not None:
            mine = self._items.get(item["id"])
            if mine is None:
                return False
            if mine is item or mine == item:
                return True
            return version(mine) == version(item)
        return self.versions.get(item["id"]) == version(item)

    def encode(self) -> str:
        return json.dumps(self.versions, separators=(",", ":"))

    @classmethod
    def decode(cls, text: str) -> PostsBase | None:
        """Read ``encode()``'s output; None when ``text`` is not a map of ids to versions."""
        try:
            return cls.decode_versions(json.loads(text))
        except (TypeError, ValueError, RecursionError):
            return None

    @classmethod
    def decode_versions(cls, versions) -> PostsBase | None:
        """Return a base for ``versions`` (ids to versions); None for anything else."""
        if not isinstance(versions, dict) or not all(
            isinstance(key, str) and isinstance(version, str) for key, version in versions.items()
        ):
            return None
        return cls(dict(versions))
