"""A live page's current state for readers: its shown posts and the seq they stand at."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..live.blocks import render_posts
from ..live.pins import pinned_post_ids
from .models import ChannelSequence


def last_seq(channel_id: str | None) -> int:
    """Return the seq of the channel's latest update (0 before the first)."""
    if not channel_id:
        return 0
    seq = ChannelSequence.objects.filter(channel_id=channel_id).values_list("last_seq")
    return (seq.first() or (0,))[0]


@dataclass
class LiveState:
    seq: int = 0
    posts: list = field(default_factory=list)  # shown posts, pinned first, newest first
    pinned: frozenset = frozenset()  # ids of the pinned posts


def current_state(page) -> LiveState:
    """Read the seq first, then the posts, from the database.

    In that order a reader's posts may be newer than their seq (the frames after
    it then apply again, harmlessly), but never older: no update falls between.
    """
    seq = last_seq(page.channel_id)
    fresh = type(page)._default_manager.only("live_posts").get(pk=page.pk)
    pinned = pinned_post_ids(page)
    return LiveState(seq=seq, posts=fresh.get_shown_live_posts(pinned), pinned=pinned)


def shown_post_ids(page) -> set[str]:
    """The ids of the posts ``page`` shows readers now, from its stored posts (none rendered).

    Taken down means gone: what readers are served again (catch-up, re-publish) is
    limited to these, so a post hidden or deleted since is in none of it.
    """
    return {item["id"] for item in page.live_posts.raw_data if item["value"].get("show", True)}


def render_shown_posts(state: LiveState) -> dict:
    """Render every shown post as a frame's ``renders``, oldest first, as frames go."""
    return render_posts(reversed(state.posts), pinned=state.pinned)
