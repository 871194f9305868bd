"""Re-sync a channel: one update that gives every reader the page's current live state.

It renders every shown post, as a snapshot does, and removes every other post a
reader may still have: any post the channel's log ever mentioned, and the page's
hidden posts. It is logged and delivered like any publish, with the next seq.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from ..live.pages import get_live_page
from .models import PublishLogEntry
from .refusals import RepublishRefused, not_live_message
from .snapshot import current_state, render_shown_posts
from .spine import Update, publisher_or_refuse, record, send_on_commit
from .throttle import take_slot

Status = PublishLogEntry.Status
Trigger = PublishLogEntry.Trigger


@dataclass
class ReadersView:
    """The posts readers hold after the channel's sent updates, replayed in seq order."""

    posts: dict[str, dict] = field(default_factory=dict)  # post id: {"show", "content"}
    mentioned: set[str] = field(default_factory=set)  # every post id in any entry
    sent_count: int = 0
    since: object = None  # when the first sent update the log still holds was made


def readers_view(channel_id: str) -> ReadersView:
    """Replay the channel's publish log as readers received it (sent updates only).

    The log reaches back only as far as retention keeps it: posts that readers got
    before that, with the page itself, are not known here.
    """
    view = ReadersView()
    rows = (
        PublishLogEntry.objects.filter(channel_id=channel_id)
        .order_by("seq")
        .values_list("status", "created_at", "renders", "removals")
    )
    for status, created_at, renders, removals in rows.iterator():
        removed = [str(post_id) for post_id in removals]
        view.mentioned.update(renders, removed)
        if status != Status.SENT:
            continue
        view.sent_count += 1
        view.since = view.since or created_at
        for post_id, render in renders.items():
            if render.get("show") is False:
                view.posts.pop(post_id, None)
            else:
                view.posts[post_id] = {"show": True, "content": render.get("content", "")}
        for post_id in removed:
            view.posts.pop(post_id, None)
    return view


@dataclass
class ResyncPlan:
    """What a re-sync sends now, and how it differs from what readers last received."""

    page: object
    renders: dict
    removals: list
    readers: ReadersView

    @property
    def added(self) -> list[str]:
        return [post_id for post_id in self.renders if post_id not in self.readers.posts]

    @property
    def changed(self) -> list[str]:
        return [
            post_id
            for post_id, render in self.renders.items()
            if post_id in self.readers.posts
            and self.readers.posts[post_id]["content"] != render["content"]
        ]

    @property
    def unchanged(self) -> list[str]:
        return [
            post_id
            for post_id, render in self.renders.items()
            if post_id in self.readers.posts
            and self.readers.posts[post_id]["content"] == render["content"]
        ]

    @property
    def removed(self) -> list[str]:
        """Posts readers hold that the re-sync takes away."""
        return [post_id for post_id in self.readers.posts if post_id not in self.renders]


def plan_resync(channel_id: str, *, page=None) -> ResyncPlan:
    """Work out the re-sync of ``channel_id``; raise when no live page has the channel."""
    page = page or get_live_page(channel_id)
    if page is None:
        raise RepublishRefused(not_live_message(channel_id))
    state = current_state(page)
    renders = render_shown_posts(state)
    readers = readers_view(channel_id)
    fresh = type(page)._default_manager.only("live_posts").get(pk=page.pk)
    on_page = {item["id"] for item in fresh.live_posts.raw_data}
    removals = sorted((readers.mentioned | on_page) - set(renders))
    return ResyncPlan(page, renders, removals, readers)


def resync(channel_id: str, user=None, *, throttle=True) -> PublishLogEntry:
    """Send the page's current live state to every reader of ``channel_id``; return the entry."""
    publisher = publisher_or_refuse()
    page = get_live_page(channel_id)
    if page is None:
        raise RepublishRefused(not_live_message(channel_id))
    if throttle:
        take_slot(user, channel_id)
    with transaction.atomic():
        # The entry takes the channel's next seq first: that locks the channel's
        # sequence row until commit, so a publish made meanwhile waits and goes out
        # after this state, never before it with older content.
        entry = record(Update(channel_id, {}, [], page=page, trigger=Trigger.RESYNC, user=user))
        plan = plan_resync(channel_id, page=page)
        entry.renders, entry.removals = plan.renders, plan.removals
        entry.save(update_fields=["renders", "removals"])
        send_on_commit(entry, publisher)
    return entry
