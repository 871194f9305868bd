"""Work out what readers must be sent when a live page's posts change.

Plain functions over the posts' raw (JSON) form, in one pass, so that a page with
a thousand posts where one changed converts and renders one post, not a thousand.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.dateparse import parse_datetime
from wagtail.blocks import StreamValue

from .blocks import TIMESTAMP_KEYS
from .versions import post_version

POST_TYPE = "live_post"


@dataclass
class PostsDiff:
    """The outcome of comparing the saved posts with those about to be saved.

    ``posts`` is what to save (with ``message_id``, ``created`` and ``modified``
    filled in); ``changed`` says whether it differs from what was saved;
    ``renders`` (raw items) and ``removals`` (ids) are what readers must be sent.
    """

    posts: list[dict] = field(default_factory=list)
    changed: bool = False
    renders: list[dict] = field(default_factory=list)
    removals: list[str] = field(default_factory=list)


def _is_shown(value: dict) -> bool:
    return bool(value.get("show", True))


def _differs(post_id: str, before: dict, after: dict) -> bool:
    # Versions, not raw JSON: the page editor sends rich text back in a form of its own.
    return post_version({"id": post_id, "value": before}) != post_version(
        {"id": post_id, "value": after}
    )


def _as_saved(value: dict) -> dict:
    # A post is rendered for readers before it is saved. In its JSON form (the saved
    # one: DjangoJSONEncoder keeps milliseconds of a datetime) it renders as the
    # saved page does, so a snapshot or a re-sync later sends readers the same bytes.
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def as_datetime(value) -> datetime | None:
    """A raw post timestamp (an ISO string, a datetime or empty) as a datetime."""
    return parse_datetime(value) if isinstance(value, str) else value or None


def to_the_millisecond(value: datetime) -> datetime:
    """``value`` as a post's JSON keeps it (``DjangoJSONEncoder`` drops microseconds)."""
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def created_at(item: dict) -> datetime | None:
    """When a raw stream item (a post) was created."""
    return as_datetime(item["value"].get("created"))


def insert_by_created(posts: list[dict], item: dict) -> int:
    """Insert ``item`` among raw ``posts`` (newest first) by when it was created; return where."""
    created = created_at(item)
    for index, other in enumerate(posts):
        other_created = other.get("type") == POST_TYPE and created_at(other)
        if not other_created or not created or other_created < created:
            posts.insert(index, item)
            return index
    posts.append(item)
    return len(posts) - 1


def _to_the_minute(value) -> datetime | None:
    value = as_datetime(value)
    return value.replace(second=0, microsecond=0) if isinstance(value, datetime) else None


def _kept_timestamps(old: dict, value: dict) -> dict:
    """Return the saved ``created`` / ``modified`` that ``value`` holds again, to the minute.

    The admin's date-time widget shows no seconds: without this, each save of the
    edit form would move a post's timestamps to the start of their minute (and
    readers' pages would misorder the posts of that minute), and a ``modified``
    sent back as it was would look like one the caller set.
    """
    kept = {}
    for key in TIMESTAMP_KEYS:
        saved = _to_the_minute(old.get(key))
        if saved is not None and saved == _to_the_minute(value.get(key)):
            kept[key] = old[key]
    return kept


def _stamped(value: dict, old: dict | None, item_id: str, stamp: str) -> dict:
    updates = _kept_timestamps(old, value) if old is not None else {}
    if not value.get("message_id"):
        updates["message_id"] = item_id
    if not value.get("created"):
        updates["created"] = (old or {}).get("created") or stamp
    return {**value, **updates} if updates else value


def diff_posts(
    previous: list[dict],
    current: list[dict],
    *,
    was_live: bool,
    now: datetime,
    touched: frozenset[str] = frozenset(),
):
    """Compare the saved posts (``previous``) with those about to be saved (``current``).

    A post keeps the ``created`` it had; a post edited on a live page gets
    ``modified = now`` unless the caller set a new ``modified`` itself. Only shown
    posts reach readers: a post that is hidden becomes a removal, one shown again
    a render. When the page was not live, readers had nothing: every shown post
    is a render. The ids in ``touched`` count as edited even when unchanged
    (wagtail-live's ``update_live_post`` always stamped and sent its post).
    """
    before, shown_before = {}, []
    for item in previous:
        if item.get("type") == POST_TYPE:
            before[item["id"]] = item["value"]
            if was_live and _is_shown(item["value"]):
                shown_before.append(item["id"])
    was_shown = set(shown_before)
    stamp = now.isoformat()
    diff = PostsDiff()
    shown_now = set()
    for item in current:
        post_id, value = item.get("id"), item["value"]
        if item.get("type") != POST_TYPE:
            diff.posts.append(item)
            continue
        old = before.get(post_id)
        edited = False
        # The common case, an untouched post, skips all this.
        if old is None or old != value or post_id in touched:
            value = _stamped(value, old, post_id, stamp)
            edited = old is not None and (post_id in touched or _differs(post_id, old, value))
            # Stamped unless the caller set a new ``modified`` (clearing it sets none).
            if edited and was_live and value.get("modified") in (old.get("modified"), None, ""):
                value = {**value, "modified": stamp}
            if value is not item["value"]:
                item = {**item, "value": value}
        diff.changed = diff.changed or edited
        if _is_shown(value):
            shown_now.add(post_id)
            if edited or post_id not in was_shown:
                # Saved as rendered: readers and the page then hold the same post.
                item = {**item, "value": _as_saved(value)}
                diff.renders.append(item)
        diff.posts.append(item)
    diff.removals = [post_id for post_id in shown_before if post_id not in shown_now]
    # A touched post that stays hidden goes out again as what readers have of it: a removal.
    hidden = was_shown | shown_now
    diff.removals += [i for i in touched if was_live and i in before and i not in hidden]
    diff.changed = diff.changed or [i.get("id") for i in previous] != [i.get("id") for i in current]
    return diff


def bound_posts(stream_value: StreamValue, items: list[dict]) -> list[StreamValue.StreamChild]:
    """Return ``items`` as bound posts of ``stream_value``'s block, oldest first.

    Oldest first, so a client that prepends in arrival order ends newest on top.
    """
    block = stream_value.stream_block.child_blocks[POST_TYPE]
    posts = [
        StreamValue.StreamChild(block, block.to_python(item["value"]), id=item["id"])
        for item in items
    ]
    return _oldest_first(posts)


def own_posts(stream_value: StreamValue, post_ids: list[str]) -> list[StreamValue.StreamChild]:
    """Return the posts of ``stream_value`` with these ids: its own bound posts, oldest first.

    ``live_page_update`` sends these, as wagtail-live did: a receiver finds each of its
    ``renders`` among the page's ``live_posts``.
    """
    wanted = set(post_ids)
    block = stream_value.stream_block.child_blocks[POST_TYPE]
    posts = []
    for i, item in enumerate(stream_value.raw_data):
        if item.get("id") in wanted:
            # Bound one by one: indexing the value would convert every post of the page
            # (Wagtail's prefetch), 15 ms at 1,000 posts for the one that changed.
            stream_value[i] = StreamValue.StreamChild(
                block, block.to_python(item["value"]), id=item["id"]
            )
            posts.append(stream_value[i])
    return _oldest_first(posts)


def _oldest_first(posts: list[StreamValue.StreamChild]) -> list[StreamValue.StreamChild]:
    posts.sort(key=lambda post: post.value["created"].timestamp())
    return posts
