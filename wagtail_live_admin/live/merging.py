"""Three-way merge of live posts: apply what one change did to the posts live now.

``base`` is what the change was made from (what its author opened), ``theirs`` what
is live now, ``mine`` the change. Post by post (the post id is the key):

- a post only ``mine`` changed (added, edited, hidden or shown) takes ``mine``;
- a post only others changed since ``base`` keeps ``theirs``: added, edited or deleted;
- a post ``mine`` deleted goes, a post both changed takes ``mine`` (the later change
  wins) and is reported, so that its author can be told.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .diffing import POST_TYPE, insert_by_created
from .versions import PostsBase, post_version


@dataclass
class Merge:
    """The merged posts, and what was merged: post ids for the author's message."""

    posts: list[dict]
    kept: list[str] = field(default_factory=list)  # others added or changed since: kept
    overridden: list[str] = field(default_factory=list)  # both changed: this change won

    def __bool__(self) -> bool:
        return bool(self.kept or self.overridden)


def _is_post(item: dict) -> bool:
    return item.get("type") == POST_TYPE


def merge_posts(base: PostsBase, theirs: list[dict], mine: list[dict]) -> Merge:
    """Return ``mine`` applied to ``theirs``, with ``base`` as their common ancestor."""
    live = {item["id"]: item for item in theirs if _is_post(item)}
    versions = {}

    def version(item: dict) -> str:
        if id(item) not in versions:
            versions[id(item)] = post_version(item)
        return versions[id(item)]

    def same(one: dict, other: dict) -> bool:
        return one is other or one == other or version(one) == version(other)

    merge = Merge(posts=[])
    mine_ids = set()
    for item in mine:
        if not _is_post(item):
            merge.posts.append(item)
            continue
        post_id = item["id"]
        mine_ids.add(post_id)
        opened, now = post_id in base, live.get(post_id)
        changed_here = not base.holds(item, version)
        if now is None:
            if opened and not changed_here:
                continue  # deleted by others since, untouched here: it stays deleted
            if opened:
                merge.overridden.append(post_id)  # edited here, deleted elsewhere
            merge.posts.append(item)
        elif not changed_here or same(item, now):
            if opened and not base.holds(now, version):
                merge.kept.append(post_id)
            merge.posts.append(now)
        else:
            if opened and not base.holds(now, version):
                merge.overridden.append(post_id)
            merge.posts.append(item)
    for post_id, now in live.items():
        if post_id in mine_ids:
            continue
        if post_id in base:  # it was there when the change began: the change deleted it
            if not base.holds(now, version):
                merge.overridden.append(post_id)
            continue
        merge.kept.append(post_id)  # added by others since
        insert_by_created(merge.posts, now)
    return merge
