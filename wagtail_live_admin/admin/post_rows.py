"""The composer's list: a live page's posts, newest first, as rows with a sandboxed preview.

A page may hold a thousand posts: the list shows them in slices (``SLICE`` at a time,
older ones on request), and each row renders one post, never the whole page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..delivery.models import PublishLogEntry
from ..live.blocks import render_posts
from ..live.diffing import POST_TYPE, as_datetime, bound_posts
from ..live.history import post_excerpt
from ..live.pins import pinned_post_ids
from .composer import editable
from .preview import PostPreview, post_previews

SLICE = 20
# Most log entries a refresh reads; a reader of the list that fell further behind gets
# the newest slice again.
MAX_CHANGES = 200


@dataclass
class PostRow:
    post_id: str
    created: datetime | None
    modified: datetime | None
    shown: bool
    pinned: bool
    excerpt: str
    editable: bool
    preview: PostPreview
    item: dict  # the raw post


@dataclass
class Removed:
    """A row to take out of the list: the post is gone."""

    post_id: str
    removed: bool = True


def _key(item: dict):
    created = as_datetime(item["value"].get("created"))
    return (created.timestamp() if created else 0.0, item["id"])


def newest_first(page) -> list[dict]:
    """The page's raw posts, newest first by ``created``."""
    posts = [item for item in page.live_posts.raw_data if item.get("type") == POST_TYPE]
    return sorted(posts, key=_key, reverse=True)


def older_slice(page, before_id: str | None = None, before: str | None = None):
    """The ``SLICE`` posts after the one with ``before_id`` (created at ``before``).

    Return them, and whether older ones follow.
    """
    posts = newest_first(page)
    if before_id is not None:
        created = as_datetime(before)
        cursor = (created.timestamp() if created else 0.0, before_id)
        posts = [item for item in posts if _key(item) < cursor]
    return posts[:SLICE], len(posts) > SLICE


def changed_since(page, since: int) -> tuple[int, list[str] | None]:
    """The channel's last seq, and the ids of the posts its updates after ``since`` touched.

    None for the ids when more than ``MAX_CHANGES`` updates came since.
    """
    entries = PublishLogEntry.objects.filter(channel_id=page.channel_id, seq__gt=since)
    entries = entries.order_by("seq").values_list("seq", "renders", "removals")
    entries = list(entries[: MAX_CHANGES + 1])
    if not entries:
        return since, []
    if len(entries) > MAX_CHANGES:
        return entries[-1][0], None
    post_ids = dict.fromkeys(i for _, renders, removals in entries for i in [*renders, *removals])
    return entries[-1][0], list(post_ids)


def rows_for(request, page, items: list[dict]) -> list[PostRow]:
    """Rows for raw posts of ``page``, in the order given."""
    if not items:
        return []
    pinned = pinned_post_ids(page)
    bound = bound_posts(page.live_posts, items)
    previews = {p.post_id: p for p in post_previews(render_posts(bound, pinned=pinned), request)}
    return [
        PostRow(
            post_id=item["id"],
            created=as_datetime(item["value"].get("created")),
            modified=as_datetime(item["value"].get("modified")),
            shown=bool(item["value"].get("show", True)),
            pinned=item["id"] in pinned,
            excerpt=post_excerpt(item),
            editable=editable(item),
            preview=previews[item["id"]],
            item=item,
        )
        for item in items
    ]


def rows_by_id(request, page, post_ids) -> list[PostRow | Removed]:
    """A row for each post id: the post as it is now, or ``Removed`` when it is gone."""
    posts = {item["id"]: item for item in newest_first(page)}
    found = rows_for(request, page, [posts[i] for i in post_ids if i in posts])
    rows = {row.post_id: row for row in found}
    return [rows.get(post_id) or Removed(post_id) for post_id in post_ids]
