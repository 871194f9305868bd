"""Post operations: add, edit, hide, show, delete, pin and unpin one post of a live page.

The composer, the Python API (``add_live_post`` ...) and receivers all change posts
through these. Each one is atomic: it locks the page's row, reads the posts live now,
changes one post and saves, in one transaction, so concurrent operations never lose
one another's posts. The change reaches readers through ``live_page_update`` (the
delivery spine records it with ``trigger`` and ``user``), is written to the page's
audit log, and leaves a revision of the live page when ``revision`` is true.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail.blocks import StructValue

from ..signals import live_page_update
from . import history
from .blocks import LivePostBlock
from .diffing import POST_TYPE, bound_posts, created_at, insert_by_created, to_the_millisecond
from .locks import lock_page_row
from .pins import PinnedPost
from .versions import PostsBase, post_version

logger = logging.getLogger(__name__)

API = "api"
COMPOSER = "composer"


class PostNotFound(KeyError):
    """No post of the page has the id or message id asked for."""

    def __str__(self):
        return str(_("The page has no live post %(post)r.") % {"post": self.args[0]})


@dataclass
class Outcome:
    """What an operation did: the post as saved (None once deleted), and whether it
    replaced a version someone else had published since the caller's ``base_version``."""

    post: dict | None
    overridden: bool = False
    revision: object = None


def _raw_value(value) -> dict:
    if isinstance(value, StructValue):
        return LivePostBlock().get_prep_value(value)
    return dict(value)


def _find(posts: list[dict], post_id: str | None, message_id: str | None) -> int:
    for index, item in enumerate(posts):
        if item.get("type") != POST_TYPE:
            continue
        if post_id is not None and item["id"] == post_id:
            return index
        if message_id is not None and (item["value"].get("message_id") or item["id"]) == message_id:
            return index
    raise PostNotFound(post_id if post_id is not None else message_id)


def _operate(
    page, change, action, *, user=None, trigger=API, revision=False, updated_at=None, touch=False
):
    """Lock ``page``'s row, apply ``change(live, posts)`` and save, in one transaction.

    Every operation takes these keywords: ``user`` (who, for the logs), ``trigger``
    (``"api"``, ``"composer"`` ...: what the publish log records) and ``revision``
    (leave a revision of the live page). ``updated_at``: the page's new
    ``last_updated_at`` (default: now). ``touch``: stamp and send the changed post
    even when it is unchanged.
    """
    model = type(page)
    with transaction.atomic():
        lock_page_row(model, page.pk)
        live = model._default_manager.get(pk=page.pk)
        posts = live.live_posts.get_prep_value()
        previous = (live.live, list(posts))
        item, outcome = change(live, posts)
        live.live_posts = posts
        live.merge_base = None  # the change was made to the posts live now: nothing to merge
        live._save_live_page(
            (),
            {"update_fields": ["live_posts"]},
            announce=True,
            trigger=trigger,
            user=user,
            previous=previous,
            updated_at=updated_at,
            touched=frozenset([item["id"]] if touch else []),
        )
        saved = next((i for i in live.live_posts.raw_data if i["id"] == item["id"]), None)
        outcome.post = saved
        if revision:
            outcome.revision = history.record_live_revision(live, user)
        history.log_post_action(
            live, action, saved or item, user=user, trigger=trigger, revision=outcome.revision
        )
    # The caller's page now holds what is live (the posts ``live_page_update`` sent), and
    # later saves of it merge from there.
    page.live_posts = live.live_posts
    page.merge_base = PostsBase.of_posts(page.live_posts.raw_data)
    page.last_updated_at = live.last_updated_at
    page.channel_id = live.channel_id
    return outcome


def add_post(page, value, **how) -> Outcome:
    """Add a post (a ``LivePostBlock`` value or its raw dict), newest first by ``created``.

    The page's ``last_updated_at`` becomes the post's ``created`` (now when empty), as
    in wagtail-live.
    """
    item = {"type": POST_TYPE, "id": str(uuid.uuid4()), "value": _raw_value(value)}
    created = created_at(item)

    def change(live, posts):
        insert_by_created(posts, item)
        return item, Outcome(post=item)

    updated_at = created and to_the_millisecond(created)  # as the post's JSON keeps it
    return _operate(page, change, history.ADD, updated_at=updated_at, **how)


def edit_post(
    page,
    *,
    post_id=None,
    message_id=None,
    value=None,
    content=None,
    base_version=None,
    touch=False,
    **how,
) -> Outcome:
    """Replace a post's value (``value``), or only its content blocks (``content``, raw).

    ``touch``: stamp ``modified`` and send the post to readers even when what they see
    did not change (wagtail-live's ``update_live_post`` did).

    ``base_version`` is the version the caller started from: when someone else changed
    the post since, this edit still wins, the other version is saved as a revision
    first (so the page's history keeps it), and ``Outcome.overridden`` says so.
    """

    def change(live, posts):
        index = _find(posts, post_id, message_id)
        old = posts[index]
        new_value = {**old["value"], **(_raw_value(value) if value is not None else {})}
        if content is not None:
            new_value["content"] = content
        overridden = base_version is not None and post_version(old) != base_version
        if overridden:
            history.record_live_revision(live)
        posts[index] = {**old, "value": new_value}
        return posts[index], Outcome(post=posts[index], overridden=overridden)

    return _operate(page, change, history.EDIT, touch=touch, **how)


def set_shown(page, shown: bool, *, post_id=None, message_id=None, **how) -> Outcome:
    """Show a post to readers again, or hide it (readers' open pages drop it)."""

    def change(live, posts):
        index = _find(posts, post_id, message_id)
        posts[index] = {**posts[index], "value": {**posts[index]["value"], "show": shown}}
        return posts[index], Outcome(post=posts[index])

    return _operate(page, change, history.SHOW if shown else history.HIDE, **how)


def delete_post(page, *, post_id=None, message_id=None, **how) -> Outcome:
    """Delete a post; readers' open pages drop it. A post already gone: ``PostNotFound``."""

    def change(live, posts):
        item = posts.pop(_find(posts, post_id, message_id))
        PinnedPost.objects.filter(page_id=live.pk, post_id=item["id"]).delete()
        return item, Outcome(post=None)

    outcome = _operate(page, change, history.DELETE, **how)
    outcome.post = None
    return outcome


def set_pinned(page, pinned: bool, *, post_id=None, message_id=None, **how) -> Outcome:
    """Pin a post above the others on readers' pages, or unpin it.

    The post's content does not change; readers get it again, marked (or no longer
    marked) as pinned.
    """

    def change(live, posts):
        item = posts[_find(posts, post_id, message_id)]
        pins = PinnedPost.objects.filter(page_id=live.pk, post_id=item["id"])
        was_pinned = pins.exists()
        if pinned and not was_pinned:
            PinnedPost.objects.create(
                page_id=live.pk, post_id=item["id"], pinned_by=how.get("user")
            )
        elif not pinned:
            pins.delete()
        if was_pinned != pinned and live.live and item["value"].get("show", True):
            # The posts are the same: the diff sends nothing. Readers get the post again.
            live_page_update.send(
                sender=type(live),
                channel_id=live.channel_id,
                renders=bound_posts(live.live_posts, [item]),
                removals=[],
                page=live,
                trigger=how.get("trigger", API),
                user=how.get("user"),
            )
        return item, Outcome(post=item)

    return _operate(page, change, history.PIN if pinned else history.UNPIN, **how)
