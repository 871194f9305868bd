"""Manual re-pushes in Wagtail's audit log: the page's history and the site history.

The publish log holds every frame and its outcome; the audit log says who re-pushed
what, where editors look for it.
"""

from __future__ import annotations

from itertools import groupby
from operator import attrgetter

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.log_actions import LogFormatter
from wagtail.log_actions import log as log_action

from ..live import history

REPUBLISH = "wagtail_live_admin.republish"
RESYNC = "wagtail_live_admin.resync"


class RepublishFormatter(LogFormatter):
    label = _("Re-publish live updates")

    def format_message(self, log_entry):
        data = log_entry.data or {}
        updates = data.get("updates") or []
        channel_id = data.get("channel_id", "")
        if len(updates) == 1:
            return _(
                "Re-published live update #%(seq)s of channel “%(channel_id)s” as #%(new_seq)s"
            ) % {
                **updates[0],
                "channel_id": channel_id,
            }
        pairs = ", ".join(_("#%(seq)s as #%(new_seq)s") % update for update in updates)
        return _("Re-published %(count)s live updates of channel “%(channel_id)s”: %(pairs)s") % {
            "count": len(updates),
            "channel_id": channel_id,
            "pairs": pairs,
        }


class ResyncFormatter(LogFormatter):
    label = _("Re-sync live channel")

    def format_message(self, log_entry):
        data = log_entry.data or {}
        return _(
            "Re-synced channel “%(channel_id)s” as update #%(seq)s: %(posts)s posts, "
            "%(removals)s removals"
        ) % {
            "channel_id": data.get("channel_id", ""),
            "seq": data.get("seq", "?"),
            "posts": data.get("posts", 0),
            "removals": data.get("removals", 0),
        }


class PostActionFormatter(LogFormatter):
    """One post operation (composer, Python API, receivers): which post, from where."""

    messages = {
        history.ADD: (_("Add live post"), _("Added live post “%(post)s” (%(trigger)s)")),
        history.EDIT: (_("Edit live post"), _("Edited live post “%(post)s” (%(trigger)s)")),
        history.HIDE: (_("Hide live post"), _("Hid live post “%(post)s” (%(trigger)s)")),
        history.SHOW: (_("Show live post"), _("Showed live post “%(post)s” again (%(trigger)s)")),
        history.DELETE: (_("Delete live post"), _("Deleted live post “%(post)s” (%(trigger)s)")),
        history.PIN: (_("Pin live post"), _("Pinned live post “%(post)s” (%(trigger)s)")),
        history.UNPIN: (_("Unpin live post"), _("Unpinned live post “%(post)s” (%(trigger)s)")),
    }

    def format_message(self, log_entry):
        data = log_entry.data or {}
        message = self.messages[log_entry.action][1]
        post = data.get("excerpt") or data.get("message_id") or data.get("post_id", "")
        return message % {"post": post, "trigger": data.get("trigger", "")}


def _post_labels(posts) -> str:
    return ", ".join(f"“{post.get('excerpt') or post.get('post_id')}”" for post in posts)


class MergeFormatter(LogFormatter):
    label = _("Merge live posts")

    def format_message(self, log_entry):
        data = log_entry.data or {}
        return merge_message(data.get("kept") or [], data.get("overridden") or [])


def merge_message(kept: list[dict], overridden: list[dict]) -> str:
    """What a publish merged, in words: the page's history and the editor's message say it."""
    parts = []
    if kept:
        parts.append(
            ngettext(
                "kept %(count)s post that others published while this page was open: %(posts)s",
                "kept %(count)s posts that others published while this page was open: %(posts)s",
                len(kept),
            )
            % {"count": len(kept), "posts": _post_labels(kept)}
        )
    if overridden:
        parts.append(
            ngettext(
                "%(count)s post was also changed by others: this version is live, the other "
                "one stays in the page's history: %(posts)s",
                "%(count)s posts were also changed by others: this version is live, the other "
                "ones stay in the page's history: %(posts)s",
                len(overridden),
            )
            % {"count": len(overridden), "posts": _post_labels(overridden)}
        )
    return _("Merged live posts: %(parts)s.") % {"parts": "; ".join(parts)}


def register_log_actions(actions) -> None:
    """Register the package's audit log actions (the ``register_log_actions`` hook)."""
    actions.register_action(REPUBLISH)(RepublishFormatter)
    actions.register_action(RESYNC)(ResyncFormatter)
    for action, (label, _message) in PostActionFormatter.messages.items():
        actions.register_action(action)(type("Formatter", (PostActionFormatter,), {"label": label}))
    actions.register_action(history.MERGE)(MergeFormatter)


def log_republished(user, entries) -> None:
    """Record re-published entries in their pages' history: one line per channel.

    Called by whoever asked for the re-push (the admin, ``live_republish``): delivery
    itself knows nothing of the audit log.
    """
    for channel_id, group in groupby(entries, key=attrgetter("channel_id")):
        group = list(group)
        updates = [
            {"seq": new.republish_of.seq, "new_seq": new.seq, "entry": new.pk} for new in group
        ]
        data = {"channel_id": channel_id, "updates": updates}
        log_action(group[0].page, REPUBLISH, user=user, data=data)


def log_resynced(user, entry) -> None:
    """Record a re-sync in its page's history."""
    data = {
        "channel_id": entry.channel_id,
        "seq": entry.seq,
        "entry": entry.pk,
        "posts": len(entry.renders),
        "removals": len(entry.removals),
    }
    log_action(entry.page, RESYNC, user=user, data=data)
