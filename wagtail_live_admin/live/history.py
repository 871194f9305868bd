"""What a page's history keeps of a post operation: a revision of the live page, an audit line.

The audit log actions are named here; the admin registers how they read
(``admin.log_actions``).
"""

from __future__ import annotations

from django.utils.html import strip_tags
from django.utils.text import Truncator
from wagtail.log_actions import log
from wagtail.models import Revision

ADD = "wagtail_live_admin.add_post"
EDIT = "wagtail_live_admin.edit_post"
HIDE = "wagtail_live_admin.hide_post"
SHOW = "wagtail_live_admin.show_post"
DELETE = "wagtail_live_admin.delete_post"
PIN = "wagtail_live_admin.pin_post"
UNPIN = "wagtail_live_admin.unpin_post"
MERGE = "wagtail_live_admin.merge_posts"
POST_ACTIONS = (ADD, EDIT, HIDE, SHOW, DELETE, PIN, UNPIN)


def post_excerpt(item: dict | None, length: int = 80) -> str:
    """The start of a raw post's first text, as plain text (``""`` for a post without text)."""
    for block in (item or {}).get("value", {}).get("content") or []:
        if isinstance(block, dict) and block.get("type") == "text":
            return Truncator(strip_tags(str(block.get("value") or "")).strip()).chars(length)
    return ""


def record_live_revision(page, user=None) -> Revision:
    """Save ``page`` as it is live now as a revision, and make it the live revision.

    It does not become the latest revision: a pending draft stays the draft that
    editors open, and the autosave of an editor who has the page open goes on
    (Wagtail pauses it when the latest revision moves). The revision carries no
    merge base: published again later, it restores this state as it stands.
    """
    # A live state, not a change of one: no merge base (it is not even worked out).
    base, page.merge_base = page.merge_base, None
    try:
        content = page.serializable_data()
    finally:
        page.merge_base = base
    revision = Revision.objects.create(
        content_object=page,
        base_content_type=page.get_base_content_type(),
        user=user,
        content=content,
        object_str=str(page),
    )
    page.live_revision = revision
    type(page)._default_manager.filter(pk=page.pk).update(live_revision=revision)
    return revision


def log_post_action(page, action: str, item: dict, *, user, trigger: str, revision=None):
    """Write one post operation to the page's history (Wagtail's audit log)."""
    value = item.get("value", {})
    data = {
        "post_id": item["id"],
        "message_id": value.get("message_id") or item["id"],
        "excerpt": post_excerpt(item),
        "trigger": trigger,
    }
    return log(page, action, user=user, revision=revision, data=data, content_changed=True)


def log_merge(page, merge, posts: list[dict], *, user=None):
    """Write what a publish merged (posts others changed, kept or overridden) to the history."""
    by_id = {item["id"]: item for item in posts if item.get("id")}

    def described(post_ids):
        return [{"post_id": i, "excerpt": post_excerpt(by_id.get(i))} for i in post_ids]

    data = {"kept": described(merge.kept), "overridden": described(merge.overridden)}
    return log(page, MERGE, user=user, revision=page.live_revision, data=data)
