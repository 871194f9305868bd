"""Work out what readers must be sent when a live page's posts change.

Plain functions over the posts' raw (JSON) form, so that a page with a thousand
posts where one changed converts and renders one post, not a thousand.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from django.core.serializers.json import DjangoJSONEncoder
from wagtail.blocks import StreamValue

from .blocks import comparable_post_data

POST_TYPE = "live_post"


@dataclass
class LivePostsChange:
    """The posts readers must see anew (``renders``) and those they must lose (``removals``)."""

    renders: list[StreamValue.StreamChild] = field(default_factory=list)
    removals: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.renders or self.removals)


def _is_shown(value: dict) -> bool:
    return bool(value.get("show", True))


def _differs(before: dict, after: dict) -> bool:
    old, new = comparable_post_data(before), comparable_post_data(after)
    if old == new:
        return False
    # ``after`` may hold Python values (a form or code built it) where ``before``
    # holds their JSON form: compare like with like before calling it a change.
    return old != json.loads(json.dumps(new, cls=DjangoJSONEncoder))


def stamp_posts(previous: list[dict], current: list[dict], *, was_live: bool, now: datetime):
    """Fill in ``message_id``, ``created`` and ``modified``; return (posts, changed ids).

    ``previous`` is what the database holds, ``current`` what is about to be saved.
    A post keeps the ``created`` it had; a post edited on a live page gets
    ``modified = now`` unless the caller set a new ``modified`` itself.
    """
    before = {item["id"]: item["value"] for item in previous if item.get("type") == POST_TYPE}
    stamp = now.isoformat()
    posts, changed = [], set()
    for item in current:
        value = item["value"]
        if item.get("type") != POST_TYPE:
            posts.append(item)
            continue
        old = before.get(item["id"])
        updates = {}
        if not value.get("message_id"):
            updates["message_id"] = item["id"]
        if not value.get("created"):
            updates["created"] = (old or {}).get("created") or stamp
        if old is not None and _differs(old, {**value, **updates}):
            changed.add(item["id"])
            if was_live and value.get("modified") == old.get("modified"):
                updates["modified"] = stamp
        posts.append({**item, "value": {**value, **updates}} if updates else item)
    return posts, changed


def diff_posts(
    stream_value: StreamValue, previous: list[dict], changed: set[str], *, was_live: bool
) -> LivePostsChange:
    """Return what readers of a page that was (or was not) live must now be sent.

    Only shown posts reach readers: a post that is hidden becomes a removal, and
    a post shown again becomes a render.
    """
    visible_before = (
        [
            item["id"]
            for item in previous
            if item.get("type") == POST_TYPE and _is_shown(item["value"])
        ]
        if was_live
        else []
    )
    shown_before = set(visible_before)
    block = stream_value.stream_block.child_blocks[POST_TYPE]
    change = LivePostsChange()
    visible_now = set()
    for item in stream_value.raw_data:
        if item.get("type") != POST_TYPE or not _is_shown(item["value"]):
            continue
        post_id = item["id"]
        visible_now.add(post_id)
        if post_id in changed or post_id not in shown_before:
            value = block.to_python(item["value"])
            change.renders.append(StreamValue.StreamChild(block, value, id=post_id))
    change.removals = [post_id for post_id in visible_before if post_id not in visible_now]
    # Oldest first, so a client that prepends in arrival order ends newest on top.
    change.renders.sort(key=lambda post: post.value["created"].timestamp())
    return change
