"""The Live dashboard, its counts endpoint, the channel page and the editor's and home panels."""

import json

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from tests.services import free_port
from tests.settings import redis_layer
from tests.staff import EDITOR, LEVELS, SUPERUSER, VIEWER, make_staff
from wagtail_live_admin.models import PublishLogEntry

Status = PublishLogEntry.Status


def dashboard_urls(page):
    return [
        "/admin/live/",
        "/admin/live/results/",
        "/admin/live/counts/",
        f"/admin/live/channels/{page.channel_id}/",
        f"/admin/live/channels/{page.channel_id}/watching/",
    ]


def test_anonymous_users_are_sent_to_the_login_page(client, live_page):
    for url in dashboard_urls(live_page):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/admin/login/"), url


@pytest.mark.parametrize("level", LEVELS)
def test_only_users_with_the_view_permission_see_the_dashboard_and_panels(client, live_page, level):
    client.force_login(make_staff(level))
    allowed = level != EDITOR
    for url in dashboard_urls(live_page):
        assert client.get(url).status_code == (200 if allowed else 403), url
    home = client.get("/admin/").content.decode()
    assert ('"url": "/admin/live/"' in home) is allowed  # the menu item
    assert ('id="live-pages-section"' in home) is allowed  # the home page panel
    editor = client.get(f"/admin/pages/{live_page.pk}/edit/").content.decode()
    assert client.get(f"/admin/pages/{live_page.pk}/edit/").status_code == 200
    assert (f'data-live-watching="{live_page.channel_id}"' in editor) is allowed


def test_the_dashboard_lists_live_pages_with_their_numbers(client, make_live_page, watch):
    marathon = make_live_page(title="Marathon", channel_id="marathon")
    make_live_page(title="Cup final", channel_id="cup-final")
    make_live_page(title="Draft", channel_id="draft", live=False)
    watch("marathon", 3)
    PublishLogEntry.objects.record("marathon", {}, [], page=marathon).mark(
        Status.FAILED, error="ConnectionError: down"
    )
    client.force_login(make_staff(VIEWER))
    html = client.get("/admin/live/").content.decode()
    assert "Marathon" in html and "Cup final" in html and "Draft" not in html
    assert f'href="/admin/pages/{marathon.pk}/edit/"' in html and 'href="/marathon/"' in html
    assert 'data-live-subscribers="marathon">3<' in html
    assert 'data-live-subscribers="cup-final">0<' in html
    assert 'data-live-last-status="failed"' in html
    assert 'data-live-peak="marathon">3<' in html
    assert "Subscribers over time: highest 3, latest 3" in html  # the sparkline's text
    # The table refreshes itself through its results partial.
    assert 'hx-get="/admin/live/results/"' in html and "htmx" in html


def test_a_row_of_a_page_never_published_to(client, make_live_page):
    page = make_live_page(title="Quiet day", channel_id="quiet")
    client.force_login(make_staff(VIEWER))
    html = client.get("/admin/live/results/").content.decode()
    assert f'<a href="/admin/pages/{page.pk}/edit/">Quiet day</a>' in html
    assert '<a href="/quiet-day/" class="w-text-14" target="_blank"' in html
    assert '<a href="/admin/live/channels/quiet/#composer" class="w-text-14">Write posts' in html
    assert '<a href="/admin/live/channels/quiet/">quiet</a>' in html
    assert '<td data-live-last-status="">Never</td>' in html
    assert '<td data-live-failures="quiet">0</td>' in html


def test_search_and_sort(client, make_live_page):
    make_live_page(title="Marathon", channel_id="zz-marathon")
    make_live_page(title="Cup final", channel_id="aa-cup")
    client.force_login(make_staff(VIEWER))
    found = client.get("/admin/live/results/", {"q": "zz-mara"}).content.decode()
    assert "Marathon" in found and "Cup final" not in found
    by_title = client.get("/admin/live/results/").content.decode()
    assert by_title.index("Cup final") < by_title.index("Marathon")
    by_channel = client.get("/admin/live/results/", {"ordering": "-channel"}).content.decode()
    assert by_channel.index("Marathon") < by_channel.index("Cup final")


def test_the_query_count_does_not_grow_with_live_pages(make_live_page, client, home):
    client.force_login(make_staff(SUPERUSER))

    def queries_with(page_count):
        for number in range(len(home.get_children()), page_count):
            page = make_live_page(
                title=f"Live {number}", channel_id=f"live-{number}", revision=False
            )
            PublishLogEntry.objects.record(page.channel_id, {}, [], page=page).mark(
                Status.SENT if number % 2 else Status.FAILED
            )
        client.get("/admin/live/")  # caches filled (Wagtail's site root paths), as in use
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/admin/live/")
        assert response.status_code == 200
        return len(queries), response.content.count(b"data-live-subscribers=")

    few, shown_few = queries_with(5)
    many, shown_many = queries_with(200)
    assert (shown_few, shown_many) == (5, 50)  # paginated by 50
    assert few == many


def test_the_counts_endpoint_for_monitoring(client, make_live_page, watch):
    make_live_page(title="Marathon", channel_id="marathon")
    cup = make_live_page(title="Cup final", channel_id="cup-final")
    watch("marathon", 2)
    watch("cup-final", 1)
    watch("not-a-live-channel", 4)  # counted by presence, but no live page: not listed
    client.force_login(make_staff(VIEWER))
    response = client.get("/admin/live/counts/")
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert body["total"] == 3
    assert {
        "channel_id": "cup-final",
        "page_id": cup.pk,
        "title": "Cup final",
        "subscribers": 1,
    } in body["channels"]
    assert {row["channel_id"] for row in body["channels"]} == {"marathon", "cup-final"}


def test_the_watching_partial_stops_polling_once_the_page_is_offline(client, live_page, watch):
    watch(live_page.channel_id, 2)
    client.force_login(make_staff(VIEWER))
    url = f"/admin/live/channels/{live_page.channel_id}/watching/"
    response = client.get(url)
    assert response.status_code == 200 and b"2 watching now" in response.content
    live_page.unpublish()
    response = client.get(url)
    assert response.status_code == 286 and b"not live" in response.content


def test_the_channel_page_shows_the_trend_as_a_chart_and_a_table(client, live_page, watch):
    watch(live_page.channel_id, 1)
    client.force_login(make_staff(VIEWER))
    html = client.get(f"/admin/live/channels/{live_page.channel_id}/").content.decode()
    assert "<polyline" in html and "Subscribers per span, oldest first" in html
    assert f'hx-get="/admin/live/channels/{live_page.channel_id}/watching/"' in html
    assert client.get("/admin/live/channels/no-such-channel/").status_code == 404


def test_the_admin_says_unknown_when_presence_cannot_be_reached(client, live_page):
    # The reader counts live in the channel layer's Redis; here nothing answers on its port.
    dead = redis_layer(f"redis://127.0.0.1:{free_port()}/0")
    client.force_login(make_staff(VIEWER))
    with override_settings(CHANNEL_LAYERS={"default": dead}):
        dashboard = client.get("/admin/live/")
        editor = client.get(f"/admin/pages/{live_page.pk}/edit/")
        home = client.get("/admin/")
        channel = client.get(f"/admin/live/channels/{live_page.channel_id}/")
        counts = client.get("/admin/live/counts/")
    assert dashboard.status_code == editor.status_code == home.status_code == 200
    assert channel.status_code == 200
    cell = f'data-live-subscribers="{live_page.channel_id}"><span title="Unknown'
    assert cell in dashboard.content.decode()
    assert b"Readers now: unknown" in editor.content and b"Readers now: unknown" in channel.content
    assert b"readers now unknown" in home.content
    assert counts.status_code == 503 and "cannot be reached" in counts.json()["error"]


def test_a_failure_fixed_by_a_re_push_no_longer_counts_as_not_delivered(client, live_page):
    failed = PublishLogEntry.objects.record(live_page.channel_id, {}, [], page=live_page)
    failed.mark(Status.FAILED, error="ConnectionError: down")
    client.force_login(make_staff(VIEWER))
    cell = f'data-live-failures="{live_page.channel_id}">'

    def not_delivered():
        html = client.get("/admin/live/results/").content.decode()
        return html[html.index(cell) + len(cell) :].split("</td>")[0]

    assert ">1</a>" in not_delivered()
    PublishLogEntry.objects.record(
        live_page.channel_id, {}, [], page=live_page, republish_of=failed, trigger="republish"
    ).mark(Status.SENT)
    assert not_delivered().strip() == "0"


def test_latest_entries_are_each_channels_last_seq(home):
    from wagtail_live_admin.admin.stats import latest_entries
    from wagtail_live_admin.models import PublishLogEntry

    for channel_id, count in (("a", 3), ("b", 1)):
        for _ in range(count):
            PublishLogEntry.objects.record(channel_id, {}, [])
    latest = latest_entries(["a", "b", "never"])
    assert {channel_id: entry.seq for channel_id, entry in latest.items()} == {"a": 3, "b": 1}
