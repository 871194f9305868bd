"""Hostile data for the admin: a page title, post content, errors and a channel id that try
to run script. Each payload calls ``window.__xss(where)``, or has htmx fetch a URL
with ``pwned`` in it, if it ever runs."""

import uuid
from types import SimpleNamespace

from tests.testapp.models import LiveBlogPage
from wagtail_live_admin.blocks import LivePostBlock
from wagtail_live_admin.models import PublishLogEntry


def script(where: str) -> str:
    return (
        f'"><script>window.__xss("{where}")</script>'
        f"<img src=x onerror=\"window.__xss('{where}-img')\">"
        f"<svg onload=\"window.__xss('{where}-svg')\"></svg>"
        f'<div hx-get="/admin/live/counts/?pwned={where}" hx-trigger="load"></div>'
    )


TITLE = "Final " + script("title") + " {{ 7|add:7 }} & '"
POST = "<p>Goal</p>" + script("post")  # rich text, as a receiver might store it
ERROR = "ConnectionError: " + script("error")
REMOVAL = script("removal")
# Channel ids of pages are validated; a log entry written from code takes any string.
CHANNEL = "chan" + script("channel")

# What must never reach the page unescaped.
RAW_MARKERS = [
    "<script>window.__xss",
    'onerror="window.__xss',
    'onload="window.__xss',
    'hx-get="/admin/live/counts/?pwned',
]


def make_hostile_site(home) -> SimpleNamespace:
    """A live page with a hostile title and post, and failed updates with hostile errors."""
    page = LiveBlogPage(
        title=TITLE, slug=f"hostile-{uuid.uuid4().hex[:6]}", channel_id="hostile", live=True
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    page = LiveBlogPage.objects.get(pk=page.pk)
    page.add_live_post(
        LivePostBlock().to_python(
            {"message_id": "m1", "show": True, "content": [{"type": "text", "value": POST}]}
        )
    )
    published = PublishLogEntry.objects.get(page=page)  # what readers were sent: the post's HTML
    [render] = published.renders.values()
    assert '<script>window.__xss("post")</script>' in render["content"]  # rendered as stored
    failed = PublishLogEntry.objects.record(
        page.channel_id, published.renders, [REMOVAL], page=page
    )
    failed.mark(PublishLogEntry.Status.FAILED, error=ERROR)
    stray = PublishLogEntry.objects.record(CHANNEL, published.renders, [REMOVAL])
    stray.mark(PublishLogEntry.Status.FAILED, error=ERROR)
    return SimpleNamespace(page=page, failed=failed, stray=stray)


# Every admin page that shows the hostile data: its URL, and whose payloads it shows.
ADMIN_PAGES = {
    "home panel": (lambda site: "/admin/", ["title"]),
    "dashboard": (lambda site: "/admin/live/", ["title"]),
    "channel page": (
        lambda site: f"/admin/live/channels/{site.page.channel_id}/",
        ["title", "post"],  # the post: its composer row (its excerpt, its sandboxed preview)
    ),
    "composer rows": (
        lambda site: f"/admin/live/channels/{site.page.channel_id}/posts/",
        ["post"],
    ),
    "log": (lambda site: "/admin/live/log/", ["title", "channel", "error"]),
    "entry": (lambda site: f"/admin/live/log/{site.failed.pk}/", ["title", "error", "post"]),
    "entry of a stray channel": (
        lambda site: f"/admin/live/log/{site.stray.pk}/",
        ["channel", "error", "post", "removal"],
    ),
    "page editor": (lambda site: f"/admin/pages/{site.page.pk}/edit/", ["title"]),
}


def admin_url(site, name: str) -> str:
    return ADMIN_PAGES[name][0](site)
