"""Build live posts the way editors, receivers and the StreamField make them."""

import functools
import json
import re
import uuid
from html import unescape

from wagtail.blocks import StreamValue
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from wagtail_live_admin.blocks import LivePostBlock

# Posts in their raw (stream JSON) form, as the StreamField stores them.

EARLIER = "2024-05-01T10:00:42.500+00:00"  # a saved timestamp, with seconds
EDITED_EARLIER = "2024-05-01T11:15:07.125+00:00"


def make_post(*, text="<p>Kick-off</p>", created=EARLIER, modified=None, show=True, **value):
    post_id = str(uuid.uuid4())
    return {
        "type": "live_post",
        "id": post_id,
        "value": {
            "message_id": post_id,
            "created": created,
            "modified": modified,
            "show": show,
            "content": [{"type": "text", "value": text, "id": str(uuid.uuid4())}],
            **value,
        },
    }


def changed(item, **value):
    """The same post (same id), as a form or code sends it back with ``value`` changed."""
    return {**item, "value": {**item["value"], **value}}


def with_text(item, text):
    content = [{**item["value"]["content"][0], "value": text}]
    return changed(item, content=content)


def post_value(text: str, *, message_id: str = "", show: bool = True, created=None):
    """Return a LivePostBlock value with one paragraph of text."""
    return LivePostBlock().to_python(
        {
            "message_id": message_id,
            "created": created,
            "show": show,
            "content": [{"type": "text", "value": f"<p>{text}</p>"}],
        }
    )


def draft_of(page):
    """Return the page as an editor opens it in the admin: its latest revision."""
    return type(page).objects.get(pk=page.pk).get_latest_revision_as_object()


def editor_adds(page, text: str, **kwargs) -> StreamValue.StreamChild:
    """Append a post to the page's draft, as the StreamField editor does; return it."""
    page.live_posts.append(("live_post", post_value(text, **kwargs)))
    return page.live_posts[len(page.live_posts) - 1]


def publish(page, user=None):
    """Save a revision and publish it, as the admin's Publish button does."""
    revision = page.save_revision(user=user)
    revision.publish(user=user)
    return type(page).objects.get(pk=page.pk)


def publish_new_post(page, text: str, **kwargs) -> StreamValue.StreamChild:
    """Open the page in the editor, add a post and publish, as an editor does; return the post."""
    draft = draft_of(page)
    post = editor_adds(draft, text, **kwargs)
    publish(draft)
    return post


def set_post_text(page, post_id: str, text: str) -> None:
    """Replace the text of one post of ``page`` (in memory)."""
    for post in page.live_posts:
        if post.id == post_id:
            post.value["content"] = post.block.child_blocks["content"].to_python(
                [{"type": "text", "value": f"<p>{text}</p>"}]
            )
            return
    raise KeyError(post_id)


def set_post_shown(page, post_id: str, show: bool) -> None:
    for post in page.live_posts:
        if post.id == post_id:
            post.value["show"] = show
            return
    raise KeyError(post_id)


def remove_post(page, post_id: str) -> None:
    for index, post in enumerate(page.live_posts):
        if post.id == post_id:
            del page.live_posts[index]
            return
    raise KeyError(post_id)


def composer_text(text: str) -> str:
    """The composer's "Text" field (Draftail) as the browser posts it: one paragraph."""
    block = {"key": "k1", "type": "unstyled", "depth": 0, "text": text}
    block.update(inlineStyleRanges=[], entityRanges=[])
    return json.dumps({"blocks": [block], "entityMap": {}})


@functools.cache
def editor_text(post_id: str, text: str) -> str:
    """The Draftail form value of a paragraph; cached, as an open editor keeps its block keys."""
    return rich_text(f"<p>{text}</p>")


def edit_form_data(page, posts, *, publish: bool, base: str | None = None) -> dict:
    """The Wagtail page editor's form data for ``posts`` (``(post id, text)`` pairs).

    ``base`` is the edit form's ``live_posts_base`` as the editor opened it
    (``opened_base``); without it, the form is posted as a client without it would.
    """
    stream = {"count": str(len(posts))}
    for index, (post_id, text) in enumerate(posts):
        stream[str(index)] = {
            "type": "live_post",
            "id": post_id,
            "deleted": "",
            "order": str(index),
            "value": {
                "message_id": "",
                "created": "",
                "modified": "",
                "show": "on",
                "content": {
                    "count": "1",
                    "0": {
                        "type": "text",
                        "value": editor_text(post_id, text),
                        "deleted": "",
                        "order": "0",
                    },
                },
            },
        }
    data = nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "channel_id": page.channel_id,
            "live_posts": stream,
            "comments": inline_formset([]),
        }
    )
    if publish:
        data["action-publish"] = "action-publish"
    if base is not None:
        data["live_posts_base"] = base
    return data


def opened_base(client, page) -> str:
    """Open the page in the Wagtail page editor; return its ``live_posts_base`` field."""
    html = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    match = re.search(r'<input type="hidden" name="live_posts_base" value="([^"]*)"', html)
    assert match, "the page editor has no live_posts_base field"
    return unescape(match.group(1))
