"""A failed update that readers all got through the catch-up endpoint is shown as recovered."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.staff import VIEWER, make_staff
from wagtail_live_admin.admin.recovery import is_recovered, readers_at
from wagtail_live_admin.models import PublishLogEntry

Status = PublishLogEntry.Status


@pytest.fixture
def failed(live_page):
    sent = PublishLogEntry.objects.record(live_page.channel_id, {"p1": {}}, [], page=live_page)
    sent.mark(Status.SENT)
    entry = PublishLogEntry.objects.record(live_page.channel_id, {"p2": {}}, [], page=live_page)
    entry.mark(Status.FAILED, error="ConnectionError: Redis is down")
    return entry


@pytest.fixture
def viewer(client, db):
    client.force_login(make_staff(VIEWER))
    return client


def catch_up(client, entry, since):
    response = client.get(f"/live/{entry.channel_id}/updates/", {"since": since})
    assert response.status_code == 200


def dashboard_row(client) -> str:
    html = client.get("/admin/live/results/").content.decode()
    return html[html.index("data-live-last-status") :]


def test_a_catch_up_that_serves_a_failed_update_counts_it(client, failed):
    catch_up(client, failed, since=1)  # a reader who had #1 gets #2
    catch_up(client, failed, since=2)  # one who had #2 already: nothing served
    failed.refresh_from_db()
    assert failed.caught_up == 1
    assert PublishLogEntry.objects.get(seq=1).caught_up == 0  # sent: nothing to recover


def test_the_dashboard_shows_a_failure_as_recovered_once_readers_caught_up(viewer, failed):
    row = dashboard_row(viewer)
    assert row.startswith('data-live-last-status="failed"')
    assert 'class="w-text-critical-200">1</a>' in row  # not delivered: 1

    catch_up(viewer, failed, since=1)
    row = dashboard_row(viewer)
    assert row.startswith('data-live-last-status="recovered"')
    assert "data-live-recovered" in row and ">Recovered<" in row
    assert "w-text-critical-200" not in row  # nothing left undelivered...
    assert 'data-live-recovered-count="1"' in row  # ... and the recovery is told


def test_a_failure_is_recovered_only_when_as_many_readers_caught_up_as_watched():
    published = timezone.now()
    samples = [(published - timedelta(minutes=2), 5), (published - timedelta(minutes=1), 3)]
    assert readers_at(samples, published) == 3
    assert not is_recovered(2, readers_at(samples, published))
    assert is_recovered(3, readers_at(samples, published))
    # Nobody counted before it: at least one reader must have caught up.
    assert readers_at(samples, published - timedelta(minutes=5)) is None
    assert not is_recovered(0, None) and is_recovered(1, None)


def test_the_log_and_the_entry_page_tell_the_recovery(viewer, failed):
    entry_page = viewer.get(f"/admin/live/log/{failed.pk}/").content.decode()
    assert "data-live-recovered" not in entry_page
    assert "it was not pushed to readers" in entry_page  # not "what readers received"

    catch_up(viewer, failed, since=1)
    entry_page = viewer.get(f"/admin/live/log/{failed.pk}/").content.decode()
    assert "data-live-recovered" in entry_page
    assert "1 reader got it from the catch-up endpoint." in entry_page
    log = viewer.get("/admin/live/log/results/").content.decode()
    row = log[log.index(f'id="live-log-entry-{failed.pk}"') :]
    assert row[: row.index("</tr>")].count("data-live-recovered") == 1
