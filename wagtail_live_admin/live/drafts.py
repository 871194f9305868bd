"""Carry posts that code adds, edits or deletes into the page's pending draft.

The programmatic API writes the live page row. When an editor has a draft in
progress, that draft was made before the change: publishing it as it stands would
take the post away from readers again. So the same change is applied to the draft
(the latest revision), and nothing code published is lost on the next Publish.
"""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder

from .diffing import POST_TYPE, created_at


def _insert_newest_first(posts: list[dict], item: dict) -> None:
    created = created_at(item)
    for index, other in enumerate(posts):
        other_created = other.get("type") == POST_TYPE and created_at(other)
        if other_created and created and other_created < created:
            posts.insert(index, item)
            return
    posts.append(item)


def carry_into_draft(page, *, post_id: str, item: dict | None) -> None:
    """Put ``item`` (a saved post's raw form) into the page's draft, or remove ``post_id``."""
    if not page.has_unpublished_changes or not page.latest_revision_id:
        return
    revision = page.latest_revision
    if revision.pk == page.live_revision_id:
        return
    stored = revision.content.get("live_posts")
    posts = json.loads(stored) if isinstance(stored, str) else list(stored or [])
    index = next((i for i, post in enumerate(posts) if post.get("id") == post_id), None)
    if index is not None:
        del posts[index]
    if item is not None:
        item = json.loads(json.dumps(item, cls=DjangoJSONEncoder))  # as revisions store it
        if index is None:
            _insert_newest_first(posts, item)
        else:
            posts.insert(index, item)  # an edit keeps the place the editor gave it
    revision.content["live_posts"] = json.dumps(posts) if isinstance(stored, str) else posts
    revision.save(update_fields=["content"])
