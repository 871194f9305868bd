"""``LivePageMixin``: the fields and API that make a Wagtail page a live page."""

from __future__ import annotations

import logging
import secrets
from datetime import datetime
from typing import NamedTuple

from django.core.validators import RegexValidator
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField

from ..conf import get_setting
from ..signals import live_page_update
from . import operations
from .bases import MergeBaseMixin
from .blocks import LivePostBlock, render_posts
from .diffing import POST_TYPE, as_datetime, diff_posts, own_posts, to_the_millisecond
from .forms import LivePageForm
from .history import log_merge, record_live_revision
from .locks import lock_page_row
from .merging import merge_posts
from .pins import pinned_post_ids
from .versions import PostsBase

logger = logging.getLogger(__name__)

# Letters, digits, "_", "-" and ".": what the websocket route accepts.
CHANNEL_ID_PATTERN = r"[\w.-]+"


class LivePostsChange(NamedTuple):
    """What ``live_page_update`` carries: bound posts to render, ids to remove."""

    renders: list
    removals: list[str]


def generate_channel_id(page) -> str:
    """Return a new, readable channel id for a page that has none."""
    return f"{slugify(page.slug)[:40] or 'live'}-{secrets.token_hex(4)}"


class LivePageMixin(MergeBaseMixin, models.Model):
    """Mix into a Wagtail ``Page`` to give it a stream of live posts pushed to readers."""

    channel_id = models.CharField(
        _("channel ID"),
        max_length=255,
        # NULL, not "", for "no channel": many pages may have none under the unique constraint.
        null=True,
        blank=True,
        unique=True,
        validators=[
            RegexValidator(
                rf"\A{CHANNEL_ID_PATTERN}\Z",
                _("Use only letters, digits, underscores, hyphens and dots."),
            )
        ],
        help_text=_("Id of the channel readers subscribe to; left empty, one is made on publish."),
    )
    last_updated_at = models.DateTimeField(
        _("last updated at"), blank=True, default=timezone.now, editable=False
    )
    live_posts = StreamField(
        [(POST_TYPE, LivePostBlock())], blank=True, verbose_name=_("live posts")
    )

    # wagtail-live's two panels; sites concatenate and index this list. The editor's
    # "N watching now" is wagtail_live_admin.admin.panels.LiveWatchersPanel, added by sites.
    panels = [FieldPanel("channel_id"), FieldPanel("live_posts")]

    # Its edit form posts back the versions of the posts the editor opened (the merge
    # base). A site's own base form class for a live page subclasses it.
    base_form_class = LivePageForm

    # A copy is a new page with a channel of its own (channel ids are unique).
    exclude_fields_in_copy = ["channel_id"]

    class Meta:
        abstract = True

    def save(self, sync: bool = True, *args, **kwargs):
        """Save, and when live posts that readers see changed, send ``live_page_update``.

        ``sync`` comes first, as in wagtail-live: ``save(False)`` saves without
        sending. Further arguments are ``Page.save``'s (``clean``, ``user`` ...).

        A save that writes ``live_posts`` locks the page's row, and applies what this
        page changed since the posts it was made from (see ``merge_base``) to the posts
        live now: posts others published meanwhile are kept (``live.merging``). Only a
        live page sends anything: ``save_revision()`` (Save draft, workflow steps)
        writes other fields only, and a scheduled publish saves the page with
        ``live=False``. Publishers deliver after the transaction commits.
        """
        announce = sync and get_setting("SYNC_WITH_ADMIN")
        return self._save_live_page(args, kwargs, announce=announce)

    @property
    def last_update_timestamp(self) -> float:
        """``last_updated_at`` as seconds since the epoch, to the millisecond (as posts keep it)."""
        return to_the_millisecond(self.last_updated_at).timestamp()

    def _save_live_page(
        self,
        args,
        kwargs,
        *,
        announce: bool,
        trigger: str = "publish",
        user=None,
        previous=None,
        updated_at=None,
        touched=frozenset(),
    ):
        update_fields = kwargs.get("update_fields")
        writes_posts = update_fields is None or "live_posts" in update_fields
        with transaction.atomic():
            if writes_posts and previous is None and self.pk is not None:
                lock_page_row(type(self), self.pk)
                row = type(self)._default_manager.filter(pk=self.pk)
                row = row.values_list("live", "live_posts").first()
                previous = row and (row[0], row[1].get_prep_value())
            extra_fields = self._assign_channel_id()
            change = merge = None
            if writes_posts:
                # One instant for the page and its posts; to the millisecond, as the
                # posts' JSON keeps it, so a post's ``modified`` equals ``last_updated_at``.
                now = to_the_millisecond(timezone.now())
                posts_changed, change, merge = self._stamp_live_posts(
                    previous, announce=announce, now=now, touched=touched
                )
                if posts_changed or change:
                    self.last_updated_at = updated_at or now
                    extra_fields.append("last_updated_at")
            if self.live_revision_id and self.live_revision_id == self.latest_revision_id:
                # Wagtail tells "newer revisions" by time; revisions of live posts
                # (live.history) are newer but never the latest one.
                self.has_unpublished_changes = False
            if update_fields is not None and extra_fields:
                kwargs["update_fields"] = {*update_fields, *extra_fields}
            result = super().save(*args, **kwargs)
            if change:  # an empty change sends nothing
                live_page_update.send(
                    sender=type(self),
                    channel_id=self.channel_id,
                    renders=change.renders,
                    removals=change.removals,
                    page=self,
                    trigger=trigger,  # "publish", "api" or "composer": what the log records
                    user=user,
                )
            if merge:
                log_merge(self, merge, self.live_posts.raw_data, user=user)
        return result

    def _assign_channel_id(self) -> list[str]:
        self.channel_id = self.channel_id or None
        if not (self.live and self.channel_id is None):
            return []
        # A revision made before the first publish has no id: keep the one readers
        # are subscribed to rather than move them to a new channel.
        saved = type(self)._default_manager.filter(pk=self.pk).values_list("channel_id")
        self.channel_id = (self.pk and saved.first() or [None])[0] or generate_channel_id(self)
        return ["channel_id"]

    def _stamp_live_posts(self, previous, *, announce: bool, now: datetime, touched=frozenset()):
        """Merge and stamp the posts about to be saved; ``previous``: (was live, posts) or None.

        Return whether they differ from the saved ones, what readers must be sent
        (None when nothing is to be sent) and what was merged (None: nothing).
        """
        was_live = bool(previous and previous[0])
        saved = previous[1] if previous else []
        posts = self.live_posts.get_prep_value()
        merge = None
        if previous and self.merge_base is not None:
            merge = merge_posts(self.merge_base, saved, posts)
            posts = merge.posts
            if merge.overridden:
                # The versions this change replaces stay in the page's history.
                record_live_revision(type(self)._default_manager.get(pk=self.pk))
        diff = diff_posts(saved, posts, was_live=was_live, now=now, touched=touched)
        # Raw data keeps the stream lazy: only posts that are sent get converted.
        self.live_posts = diff.posts
        self.merge_base = PostsBase.of_posts(diff.posts)  # it holds what is live now
        merge = merge or None
        if not (announce and self.live and previous) or not (diff.renders or diff.removals):
            return diff.changed, None, merge
        return (
            diff.changed,
            LivePostsChange(
                own_posts(self.live_posts, [i["id"] for i in diff.renders]), diff.removals
            ),
            merge,
        )

    # The programmatic API, kept from wagtail-live for receivers and scripts. Each call
    # is one atomic post operation (live.operations).

    def get_live_post_index(self, message_id: str) -> int | None:
        """Return the index of the post with ``message_id``, or None."""
        for index, item in enumerate(self.live_posts.raw_data):
            if item["type"] == POST_TYPE and item["value"].get("message_id") == message_id:
                return index
        return None

    def get_live_post_by_index(self, live_post_index: int):
        """Return the bound post at ``live_post_index`` (IndexError when there is none)."""
        return self.live_posts[live_post_index]

    def get_live_post_by_message_id(self, message_id: str):
        """Return the bound post with ``message_id`` (KeyError when there is none)."""
        index = self.get_live_post_index(message_id)
        if index is None:
            raise KeyError(message_id)
        return self.get_live_post_by_index(index)

    def add_live_post(self, live_post) -> None:
        """Add a post (a ``LivePostBlock`` value), keeping posts newest first, and publish it."""
        operations.add_post(self, live_post, trigger=operations.API)

    def update_live_post(self, live_post) -> None:
        """Save an edited post (a bound post of this page) and publish it.

        As in wagtail-live, the post is stamped ``modified`` (and the page
        ``last_updated_at``) and sent to readers even when it did not change.
        """
        outcome = operations.edit_post(
            self, post_id=live_post.id, value=live_post.value, touch=True
        )
        live_post.value["modified"] = as_datetime(outcome.post["value"]["modified"])

    def delete_live_post(self, message_id: str) -> None:
        """Delete the post with ``message_id`` and publish its removal (a missing one: no-op)."""
        try:
            operations.delete_post(self, message_id=message_id)
        except operations.PostNotFound:
            # Source apps retry on errors (wagtail-live#141): a repeat delete must not fail.
            logger.info("No live post %r on %r to delete.", message_id, self)

    def get_shown_live_posts(self, pinned=None) -> list:
        """Return the posts readers see: pinned posts first, each part newest first.

        ``pinned``: the ids of the pinned posts, when the caller has them already.
        """
        pinned = pinned_post_ids(self) if pinned is None else pinned
        posts = [post for post in self.live_posts if post.value["show"]]
        return sorted(
            posts,
            key=lambda post: (post.id in pinned, _timestamp(post.value["created"])),
            reverse=True,
        )

    def get_updates_since(self, last_update_ts: datetime):
        """Return ``(updated_posts, current_posts)`` since ``last_update_ts``, as wagtail-live did.

        ``updated_posts`` maps the id of each post created or modified at or after
        ``last_update_ts`` to ``{"show", "content"}``; ``current_posts`` lists the post
        ids, oldest first. Hidden posts are in neither: a client drops them.
        """
        posts = [post for post in reversed(self.live_posts) if post.value["show"]]
        updated = [post for post in posts if _changed_since(post, last_update_ts)]
        return render_posts(updated, pinned=pinned_post_ids(self)), [post.id for post in posts]


def _changed_since(post, moment: datetime) -> bool:
    # ">=": a client asks from ``last_update_timestamp``, the instant of the last change.
    # A post keeps its times to the millisecond: one made in the same millisecond as a
    # finer ``moment`` counts as changed since (sent once more rather than missed).
    moment = to_the_millisecond(moment)
    created, modified = post.value["created"], post.value["modified"]
    return bool(created and created >= moment or modified and modified >= moment)


def _timestamp(value: datetime | None) -> float:
    return value.timestamp() if value else 0.0
