"""Re-push in the admin: who may, what GET shows (and never changes), what POST sends."""

from html.parser import HTMLParser

import pytest
from django.test import Client, override_settings
from wagtail.models import PageLogEntry

from tests.staff import EDITOR, LEVELS, REPUBLISHER, SUPERUSER, VIEWER, make_staff
from tests.updates import Listener, add_post, hide_post, post_id_of
from wagtail_live_admin.models import PublishLogEntry

Status = PublishLogEntry.Status
HTMX = {"HTTP_HX_REQUEST": "true"}
ANONYMOUS = "anonymous"
# The admin's requests commit as they go, and deliver on commit: a test that looks
# at what a request says about the delivery needs commits too.
COMMITS = pytest.mark.django_db(transaction=True, serialized_rollback=True)


# The re-push rate limit counts in the cache: each test starts from none.
pytestmark = pytest.mark.usefixtures("fresh_cache")


@pytest.fixture
def failed(live_page, capture):
    return add_post(live_page, capture, "Goal!", "m1", fail=True)


def republish_url(entry):
    return f"/admin/live/log/{entry.pk}/republish/"


def row_url(entry):
    return f"/admin/live/log/{entry.pk}/republish/row/"


FAILED_URL = "/admin/live/log/republish-failed/"


def resync_url(channel_id):
    return f"/admin/live/channels/{channel_id}/resync/"


def actions(entry):
    """Each action: its URL, the POST data that performs it, and what GET answers with."""
    return [
        (republish_url(entry), {}, 200),
        (row_url(entry), {}, 405),
        (FAILED_URL, {"entry": [entry.pk]}, 200),
        (resync_url(entry.channel_id), {}, 200),
    ]


def state():
    """Everything an action may change: the publish log and the page history."""
    entries = list(PublishLogEntry.objects.order_by("pk").values_list("pk", "status", "attempts"))
    history = PageLogEntry.objects.filter(action__startswith="wagtail_live_admin.").count()
    return entries, history


def client_for(level, client):
    if level != ANONYMOUS:
        client.force_login(make_staff(level))
    return client


@pytest.mark.parametrize("level", [ANONYMOUS, *LEVELS])
def test_get_never_changes_anything(level, client, failed, live_page):
    client = client_for(level, client)
    listener = Listener(live_page.channel_id)
    before = state()
    for url, _data, allowed_status in actions(failed):
        response = client.get(url)
        if level == ANONYMOUS:
            assert response.status_code == 302 and "/admin/login/" in response.url, url
        elif level in (EDITOR, VIEWER):
            assert response.status_code == 403, url
        else:
            assert response.status_code == allowed_status, url
    assert state() == before
    assert listener.frames() == []


@pytest.mark.parametrize("level", [ANONYMOUS, EDITOR, VIEWER])
def test_post_without_the_republish_permission_changes_nothing(level, client, failed, capture):
    client = client_for(level, client)
    before = state()
    for url, data, _status in actions(failed):
        with capture(execute=True):
            response = client.post(url, data, **HTMX)
        expected = 302 if level == ANONYMOUS else 403
        assert response.status_code == expected, url
    assert state() == before


@pytest.mark.parametrize("level", [REPUBLISHER, SUPERUSER])
@pytest.mark.parametrize("action", range(4))
def test_post_with_the_republish_permission_sends(level, action, client, failed, capture):
    client = client_for(level, client)
    url, data, _status = actions(failed)[action]
    listener = Listener(failed.channel_id)
    with capture(execute=True):
        response = client.post(url, data, **(HTMX if "/row/" in url else {}))
    assert response.status_code in (200, 302)
    new = PublishLogEntry.objects.latest("seq")
    assert new.seq == failed.seq + 1 and new.status == Status.SENT
    assert new.user.username == level
    assert [frame["seq"] for frame in listener.frames()] == [new.seq]


@pytest.fixture
def csrf_client(db):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_staff(REPUBLISHER))
    return client


def test_every_post_needs_the_csrf_token(csrf_client, failed, capture):
    before = state()
    for url, data, _status in actions(failed):
        with capture(execute=True):
            assert csrf_client.post(url, data, **HTMX).status_code == 403, url
    assert state() == before


def test_the_row_form_carries_the_csrf_token(csrf_client, failed, capture):
    html = csrf_client.get("/admin/live/log/").content.decode()
    token = html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    with capture(execute=True):
        response = csrf_client.post(row_url(failed), {"csrfmiddlewaretoken": token}, **HTMX)
    assert response.status_code == 200
    assert failed.republishes.get().status == Status.SENT


@pytest.fixture
def republisher_client(client, db):
    client.force_login(make_staff(REPUBLISHER))
    return client


@COMMITS
def test_the_row_answers_with_itself_now_green(republisher_client, failed, capture):
    html = republisher_client.get("/admin/live/log/").content.decode()
    assert f'id="live-log-entry-{failed.pk}"' in html
    assert 'data-live-delivery="failed"' in html and f'hx-post="{row_url(failed)}"' in html
    with capture(execute=True):
        response = republisher_client.post(row_url(failed), **HTMX)
    row = response.content.decode().strip()
    new = failed.republishes.get()
    assert row.startswith("<tr") and row.endswith("</tr>") and row.count("<tr") == 1
    assert f'id="live-log-entry-{failed.pk}"' in row and 'data-live-delivery="sent"' in row
    assert 'data-live-status="failed"' in row  # the entry's own attempt stays failed
    assert 'data-live-republish-status="sent"' in row and f"#{new.seq}: Sent" in row
    assert '"live:republished"' in response["HX-Trigger"]


def test_a_double_click_sends_once_and_the_row_says_why(republisher_client, failed, capture):
    listener = Listener(failed.channel_id)
    with capture(execute=True):
        first = republisher_client.post(row_url(failed), **HTMX)
        second = republisher_client.post(row_url(failed), **HTMX)
    assert (first.status_code, second.status_code) == (200, 409)
    assert "a moment ago" in second.content.decode()
    assert 'role="alert"' in second.content.decode()
    assert failed.republishes.count() == 1 and len(listener.frames()) == 1


@override_settings(WAGTAIL_LIVE_REPUBLISH_RATE=1)
def test_the_rate_is_said_plainly(republisher_client, live_page, capture):
    first = add_post(live_page, capture, "One", "m1", fail=True)
    second = add_post(live_page, capture, "Two", "m2", fail=True)
    with capture(execute=True):
        republisher_client.post(row_url(first), **HTMX)
        response = republisher_client.post(row_url(second), **HTMX)
    assert response.status_code == 429
    text = response.content.decode()
    assert "1 time a minute, and you have. Try again in" in text
    assert not second.republishes.exists()
    # Without htmx: Wagtail's messages say it.
    response = republisher_client.post(republish_url(second), follow=True)
    assert "Try again in" in response.content.decode()


def test_the_entry_page_offers_republish_with_what_it_leaves_out(
    republisher_client, live_page, capture
):
    entry = add_post(live_page, capture, "Secret", "m1", fail=True)
    add_post(live_page, capture, "Public", "m2")
    hide_post(live_page, capture, "m1")
    html = republisher_client.get(f"/admin/live/log/{entry.pk}/").content.decode()
    assert "hidden or deleted on the page since" in html
    assert "Nothing of update" in html and f'action="{republish_url(entry)}"' not in html
    other = PublishLogEntry.objects.get(seq=2)
    html = republisher_client.get(f"/admin/live/log/{other.pk}/").content.decode()
    assert f'action="{republish_url(other)}"' in html


def test_viewers_see_the_preview_but_no_republish(client, failed):
    client.force_login(make_staff(VIEWER))
    html = client.get(f"/admin/live/log/{failed.pk}/").content.decode()
    assert "<iframe" in html and "Re-publish this update" not in html
    assert "data-live-republish-button" not in client.get("/admin/live/log/").content.decode()


def test_the_entry_page_republishes_and_says_so(republisher_client, failed, capture):
    with capture(execute=True):
        response = republisher_client.post(republish_url(failed), follow=True)
    new = failed.republishes.get()
    assert response.redirect_chain[-1][0] == f"/admin/live/log/{failed.pk}/"
    html = response.content.decode()
    assert f"was re-published as #{new.seq}" in html
    assert f'Re-published as <a href="/admin/live/log/{new.pk}/">#{new.seq}</a>' in html


@COMMITS
def test_a_republish_that_fails_again_says_so(republisher_client, failed, capture):
    from tests.updates import layer_down

    with layer_down(), capture(execute=True):
        response = republisher_client.post(republish_url(failed), follow=True)
    assert "could not be sent" in response.content.decode()
    assert failed.republishes.get().status == Status.FAILED


def test_the_failed_confirmation_lists_what_will_be_sent(
    republisher_client, make_live_page, live_page, capture
):

    one = add_post(live_page, capture, "One", "m1", fail=True)
    two = add_post(live_page, capture, "Two", "m2", fail=True)
    other_page = make_live_page(title="Other", channel_id="other")
    other = add_post(other_page, capture, "Elsewhere", "o1", fail=True)
    html = republisher_client.get(FAILED_URL).content.decode()
    for entry in (one, two, other):
        assert f'data-live-will-send="{entry.pk}"' in html
    assert "Yes, re-push 3 updates" in html
    html = republisher_client.get(FAILED_URL, {"channel_id": "other"}).content.decode()
    assert f'data-live-will-send="{other.pk}"' in html
    assert f'data-live-will-send="{one.pk}"' not in html
    # The POST sends what was listed, not what failed since.
    later = add_post(live_page, capture, "Later", "m3", fail=True)
    with capture(execute=True):
        response = republisher_client.post(
            FAILED_URL, {"entry": [one.pk, two.pk, other.pk]}, follow=True
        )
    assert "3 updates were re-published." in response.content.decode()
    assert not later.republishes.exists()
    assert all(e.republishes.get().status == Status.SENT for e in (one, two, other))


def test_the_failed_confirmation_leaves_out_what_readers_recovered(
    republisher_client, live_page, capture
):
    recovered = add_post(live_page, capture, "One", "m1", fail=True)
    outstanding = add_post(live_page, capture, "Two", "m2", fail=True)
    # A reader who had nothing asks the catch-up endpoint and gets both: with nobody else
    # counted, both failures are recovered. #2's catch-up is then taken back: outstanding.
    catch_up = republisher_client.get(f"/live/{live_page.channel_id}/updates/", {"since": 0})
    assert catch_up.status_code == 200
    PublishLogEntry.objects.filter(pk=outstanding.pk).update(caught_up=0)
    html = republisher_client.get(FAILED_URL).content.decode()
    assert f'data-live-skipped="{recovered.pk}"' in html
    assert "every reader got it from the catch-up endpoint (recovered)" in html
    assert f'data-live-will-send="{outstanding.pk}"' in html
    assert "Yes, re-push 1 update" in html
    with capture(execute=True):
        republisher_client.post(FAILED_URL, {"entry": [outstanding.pk]}, follow=True)
    assert outstanding.republishes.exists() and not recovered.republishes.exists()


def test_the_log_offers_bulk_and_resync_to_republishers_only(client, republisher_client, failed):
    html = republisher_client.get("/admin/live/log/", {"channel_id": failed.channel_id}).content
    assert FAILED_URL.encode() in html and resync_url(failed.channel_id).encode() in html
    client.force_login(make_staff(VIEWER, username="viewer"))
    html = client.get("/admin/live/log/", {"channel_id": failed.channel_id}).content
    assert FAILED_URL.encode() not in html and b"/resync/" not in html


def test_the_resync_page_shows_the_diff_then_sends(republisher_client, live_page, capture):
    add_post(live_page, capture, "Arrived", "m1")
    add_post(live_page, capture, "Lost in the outage", "m2", fail=True)
    response = republisher_client.get(resync_url(live_page.channel_id))
    html = response.content.decode()
    added = html[html.index('data-live-diff="added"') : html.index('data-live-diff="changed"')]
    assert "New to readers: 1 post" in added and "Lost in the outage" in added
    assert "Unchanged: 1 post" in html
    listener = Listener(live_page.channel_id)
    with capture(execute=True):
        response = republisher_client.post(resync_url(live_page.channel_id), follow=True)
    assert "was re-synced" in response.content.decode()
    [frame] = listener.frames()
    assert len(frame["renders"]) == 2


def test_resync_of_a_channel_without_a_live_page_is_404(republisher_client, db):
    assert republisher_client.get(resync_url("nowhere")).status_code == 404


class Tags(HTMLParser):
    """Every element of a document, with its attributes (attribute values are not parsed)."""

    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


HOSTILE = (
    '<p>Hostile</p><script>window.__pwned = 1</script><img src="/x" onerror="window.__pwned = 2">'
    '<div hx-get="/admin/live/log/" hx-trigger="load">htmx</div>'
)


def test_a_hostile_post_reaches_the_admin_only_as_an_inert_srcdoc(
    republisher_client, live_page, capture
):
    add_post(live_page, capture, "Hostile", "m1")
    renders = {post_id_of(live_page, "m1"): {"show": True, "content": HOSTILE}}
    entry = PublishLogEntry.objects.record(live_page.channel_id, renders, [], page=live_page)
    for url in (f"/admin/live/log/{entry.pk}/", republish_url(entry)):
        html = republisher_client.get(url).content.decode()
        parser = Tags()
        parser.feed(html)
        assert not [t for t, attrs in parser.tags if "onerror" in attrs or "hx-get" in attrs], url
        assert "<script>window.__pwned" not in html
        frames = [attrs for tag, attrs in parser.tags if tag == "iframe"]
        assert frames, url
        for attrs in frames:
            # Scripts, but never the admin's origin; and the document's policy runs only
            # the script that reports its height, by hash: not the post's.
            assert attrs["sandbox"] == "allow-scripts"
            assert "window.__pwned = 1" in attrs["srcdoc"]  # the post, as text of the document
            assert "script-src &#x27;sha256-" in attrs["srcdoc"]  # escaped in the document
            assert "unsafe-inline" not in attrs["srcdoc"]


def test_a_republish_row_points_at_its_original_and_has_no_button(
    republisher_client, failed, capture
):
    with capture(execute=True):
        republisher_client.post(republish_url(failed))
    new = failed.republishes.get()
    html = republisher_client.get("/admin/live/log/").content.decode()
    row = html[html.index(f'id="live-log-entry-{new.pk}"') :]
    row = row[: row.index("</tr>")]
    assert f'Of <a href="/admin/live/log/{failed.pk}/">#{failed.seq}</a>' in row
    assert "data-live-republish-button" not in row
