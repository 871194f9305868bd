"""Every Live admin URL: who may use it, CSRF on every POST, and no state change on GET.

``ADMIN_URLS`` lists each URL of ``wagtail_live_admin.admin.urls`` once (a test fails
when one is missing), with the permission it needs and, for actions, the status an
allowed POST answers. A new view adds one line here.
"""

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from channels.layers import get_channel_layer
from django.test import Client
from wagtail.models import ModelLogEntry, PageLogEntry, Revision

from tests.posts import post_value
from tests.staff import EDITOR, REPORTER, REPUBLISHER, SUPERUSER, VIEWER, make_staff
from tests.testapp.models import LiveBlogPage
from wagtail_live_admin.admin import urls as admin_urls
from wagtail_live_admin.admin.permissions import REPUBLISH, VIEW
from wagtail_live_admin.models import PublishLogEntry

ANONYMOUS = "anonymous"
LEVELS = [ANONYMOUS, EDITOR, VIEWER, REPUBLISHER, REPORTER, SUPERUSER]
PUBLISH = "publish"  # the composer: whoever may publish the channel's page (Wagtail's own)
VIEW_OR_PUBLISH = "view or publish"  # the channel's page: its stats, or its composer
GRANTED = {
    VIEW: {VIEWER, REPUBLISHER, SUPERUSER},
    REPUBLISH: {REPUBLISHER, SUPERUSER},
    PUBLISH: {REPORTER, SUPERUSER},
    VIEW_OR_PUBLISH: {VIEWER, REPUBLISHER, REPORTER, SUPERUSER},
}
APP = "wagtail_live_admin"
CSRF_SECRET = "s" * 32  # a CSRF secret of the right length, sent as cookie and token


@dataclass(frozen=True)
class AdminURL:
    """One URL of the Live admin and what it allows."""

    name: str  # its name in admin_urls (namespace live_admin)
    path: Callable[[SimpleNamespace], str]  # the URL to request, given the test's objects
    permission: str = VIEW  # what a user needs: a key of GRANTED
    post: int | None = None  # an action's status for an allowed POST; None: GET only (405)
    get: int = 200  # the status of an allowed GET; 405 for a POST-only action
    label: str = ""  # a test id, when one name has several rows

    def __str__(self):
        return self.label or self.name


ADMIN_URLS = [
    AdminURL("dashboard", lambda o: "/admin/live/"),
    AdminURL("dashboard_results", lambda o: "/admin/live/results/?q=match"),
    AdminURL("counts", lambda o: "/admin/live/counts/"),
    AdminURL("channel", lambda o: f"/admin/live/channels/{o.channel_id}/", VIEW_OR_PUBLISH),
    AdminURL("watching", lambda o: f"/admin/live/channels/{o.channel_id}/watching/"),
    AdminURL("log", lambda o: "/admin/live/log/?status=failed"),
    AdminURL("log", lambda o: "/admin/live/log/?export=csv", label="log_export"),
    AdminURL("log_results", lambda o: "/admin/live/log/results/"),
    AdminURL("entry", lambda o: f"/admin/live/log/{o.failed_entry.pk}/"),
    # An action says what an allowed POST answers, and a POST-only one what GET answers.
    AdminURL(
        "republish",
        lambda o: f"/admin/live/log/{o.failed_entry.pk}/republish/",
        REPUBLISH,
        post=302,
    ),
    AdminURL(
        "republish_row",
        lambda o: f"/admin/live/log/{o.failed_entry.pk}/republish/row/",
        REPUBLISH,
        get=405,
        post=200,
    ),
    AdminURL(
        "republish_failed", lambda o: "/admin/live/log/republish-failed/", REPUBLISH, post=302
    ),
    AdminURL(
        "resync", lambda o: f"/admin/live/channels/{o.channel_id}/resync/", REPUBLISH, post=302
    ),
    # The composer's partials.
    AdminURL("composer_posts", lambda o: f"{o.posts}?before_id={o.post_id}", PUBLISH),
    AdminURL("composer_changes", lambda o: f"{o.posts}changes/?since=0", PUBLISH),
    AdminURL("composer_post", lambda o: f"{o.posts}new/", PUBLISH, get=405, post=200),
    AdminURL("composer_row", lambda o: f"{o.posts}{o.post_id}/", PUBLISH),
    AdminURL("composer_edit", lambda o: f"{o.posts}{o.post_id}/edit/", PUBLISH, post=200),
    AdminURL("composer_delete", lambda o: f"{o.posts}{o.post_id}/delete/", PUBLISH, post=200),
    AdminURL("composer_action", lambda o: f"{o.posts}{o.post_id}/pin/", PUBLISH, get=405, post=200),
]


@pytest.fixture
def objects(live_page):
    """What the URLs point at: a live page, its channel, a sent and a failed update."""
    sent = PublishLogEntry.objects.record(
        live_page.channel_id, {"p1": {"show": True, "content": "<p>Goal</p>"}}, [], page=live_page
    )
    sent.mark(PublishLogEntry.Status.SENT)
    # A real update of the page (a re-push has its post to send), whose send failed.
    live_page.add_live_post(post_value("Miss", message_id="m2"))
    failed = PublishLogEntry.objects.filter(page=live_page).latest("seq")
    failed.mark(PublishLogEntry.Status.FAILED, error="ConnectionError: Redis is down")
    return SimpleNamespace(
        page=live_page,
        channel_id=live_page.channel_id,
        sent_entry=sent,
        failed_entry=failed,
        posts=f"/admin/live/channels/{live_page.channel_id}/posts/",
        post_id=live_page.live_posts[0].id,
    )


@pytest.fixture
def layer_sends(monkeypatch):
    """Every message sent through the default channel layer while the test runs."""
    layer = get_channel_layer()
    sent = []

    def recorder(name):
        original = getattr(layer, name)

        async def record(*args, **kwargs):
            sent.append((name, args))
            return await original(*args, **kwargs)

        return record

    for name in ("send", "group_send"):
        monkeypatch.setattr(layer, name, recorder(name))
    return sent


def state():
    """What an action could change: the log, the pages, their revisions and history."""
    return (
        list(PublishLogEntry.objects.order_by("pk").values()),
        list(LiveBlogPage.objects.order_by("pk").values("pk", "live", "latest_revision", "title")),
        list(Revision.objects.order_by("pk").values_list("pk", flat=True)),
        list(PageLogEntry.objects.order_by("pk").values_list("pk", "action")),
        list(ModelLogEntry.objects.order_by("pk").values_list("pk", "action")),
    )


def client_for(level: str, **kwargs) -> Client:
    client = Client(**kwargs)
    if level != ANONYMOUS:
        client.force_login(make_staff(level))
    return client


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and response.url.startswith("/admin/login/")


def test_every_admin_url_has_a_row():
    names = {pattern.name for pattern in admin_urls.urlpatterns}
    rows = {row.name for row in ADMIN_URLS}
    assert names - rows == set(), "add these URLs to ADMIN_URLS"
    assert rows - names == set(), "these rows name no URL of admin_urls"


def test_the_staff_levels_hold_the_permissions_they_say(live_page):
    # The table's expectations rest on these levels (tests/staff.py).
    held = {}
    for level in (EDITOR, VIEWER, REPUBLISHER, REPORTER, SUPERUSER):
        user = make_staff(level)
        held[level] = {p for p in (VIEW, REPUBLISH) if user.has_perm(f"{APP}.{p}_publishlogentry")}
        if live_page.permissions_for_user(user).can_publish():
            held[level].add(PUBLISH)
    assert held == {
        EDITOR: set(),
        VIEWER: {VIEW},
        REPUBLISHER: {VIEW, REPUBLISH},
        REPORTER: {PUBLISH},
        SUPERUSER: {VIEW, REPUBLISH, PUBLISH},
    }


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("row", ADMIN_URLS, ids=str)
def test_get_is_allowed_only_with_the_permission(objects, row, level):
    response = client_for(level).get(row.path(objects))
    if level == ANONYMOUS:
        assert is_login_redirect(response)
    elif level in GRANTED[row.permission]:
        assert response.status_code == row.get
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("row", ADMIN_URLS, ids=str)
def test_post_is_allowed_only_with_the_permission(objects, layer_sends, row, level):
    before = state()
    response = client_for(level).post(row.path(objects))
    if level == ANONYMOUS:
        assert is_login_redirect(response)
    elif level not in GRANTED[row.permission]:
        assert response.status_code == 403
    elif row.post is None:
        assert response.status_code == 405  # not an action
    else:
        assert response.status_code == row.post
        return  # an allowed action may change things
    assert state() == before and layer_sends == []


@pytest.mark.parametrize("row", ADMIN_URLS, ids=str)
def test_post_without_a_csrf_token_is_refused(objects, layer_sends, row):
    client = client_for(SUPERUSER, enforce_csrf_checks=True)
    before = state()
    response = client.post(row.path(objects))
    assert response.status_code == 403 and b"CSRF" in response.content
    client.cookies["csrftoken"] = CSRF_SECRET
    response = client.post(row.path(objects), {"csrfmiddlewaretoken": "t" * 32})  # wrong token
    assert response.status_code == 403 and b"CSRF" in response.content
    assert state() == before and layer_sends == []


@pytest.mark.parametrize("via", ["form", "header"])  # a form field, or htmx's X-CSRFToken
@pytest.mark.parametrize("row", ADMIN_URLS, ids=str)
def test_post_with_a_csrf_token_reaches_the_view(objects, row, via):
    # The other half of the test above: with the token, the answer is the view's own.
    client = client_for(SUPERUSER, enforce_csrf_checks=True)
    client.cookies["csrftoken"] = CSRF_SECRET
    if via == "form":
        response = client.post(row.path(objects), {"csrfmiddlewaretoken": CSRF_SECRET})
    else:
        response = client.post(row.path(objects), headers={"X-CSRFToken": CSRF_SECRET})
    assert response.status_code == (row.post or 405)


@pytest.mark.parametrize("row", ADMIN_URLS, ids=str)
def test_get_changes_nothing(objects, layer_sends, row):
    for level in sorted(GRANTED[row.permission]):  # everyone who may use the URL
        client = client_for(level)
        before = state()
        for _ in range(2):
            assert client.get(row.path(objects)).status_code == row.get
        assert state() == before and layer_sends == []
