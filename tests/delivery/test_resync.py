"""Re-sync: one update with the page as it is, removals for all else, and its diff for readers."""

import pytest
from django.test import override_settings
from wagtail.models import PageLogEntry

from tests.updates import Listener, add_post, edit_post, hide_post, post_id_of
from wagtail_live_admin.delivery.republish import RepublishRefused, Throttled
from wagtail_live_admin.delivery.resync import plan_resync, resync
from wagtail_live_admin.models import PublishLogEntry

Status = PublishLogEntry.Status


# The re-push rate limit counts in the cache: each test starts from none.
pytestmark = pytest.mark.usefixtures("fresh_cache")


def test_resync_sends_every_shown_post_and_removes_everything_else(live_page, capture, republisher):
    add_post(live_page, capture, "Kept", "m1")
    add_post(live_page, capture, "Hidden", "m2")
    add_post(live_page, capture, "Deleted", "m3")
    hide_post(live_page, capture, "m2")
    deleted = post_id_of(live_page, "m3")
    live_page.refresh_from_db()
    with capture(execute=True):
        live_page.delete_live_post("m3")
    listener = Listener(live_page.channel_id)
    with capture(execute=True):
        entry = resync(live_page.channel_id, republisher)
    assert entry.trigger == PublishLogEntry.Trigger.RESYNC and entry.user == republisher
    assert entry.status == Status.SENT and entry.seq == 6
    kept, hidden = post_id_of(live_page, "m1"), post_id_of(live_page, "m2")
    assert list(entry.renders) == [kept] and "Kept" in entry.renders[kept]["content"]
    assert set(entry.removals) == {hidden, deleted}
    [frame] = listener.frames()
    assert (frame["seq"], frame["renders"], frame["removals"]) == (6, entry.renders, entry.removals)


def test_a_resync_from_the_admin_is_in_the_page_history(live_page, capture, republisher, client):
    add_post(live_page, capture, "Kept", "m1")
    client.force_login(republisher)
    with capture(execute=True):
        client.post(f"/admin/live/channels/{live_page.channel_id}/resync/")
    entry = PublishLogEntry.objects.get(trigger=PublishLogEntry.Trigger.RESYNC)
    log = PageLogEntry.objects.get(page=live_page, action="wagtail_live_admin.resync")
    assert log.user == republisher and "Re-synced channel" in log.message
    assert f"#{entry.seq}" in log.message


def test_the_plan_compares_with_what_readers_last_received(live_page, capture):
    add_post(live_page, capture, "Unchanged", "m1")
    add_post(live_page, capture, "Before", "m2")
    add_post(live_page, capture, "Soon hidden", "m3")
    edit_post(live_page, capture, "m2", "After", fail=True)
    add_post(live_page, capture, "Never arrived", "m4", fail=True)
    live_page.refresh_from_db()
    post = live_page.get_live_post_by_message_id("m3")
    post.value["show"] = False
    # Saved without an update: readers still have it.
    live_page.save(sync=False)
    plan = plan_resync(live_page.channel_id)
    ids = {m: post_id_of(live_page, m) for m in ("m1", "m2", "m3", "m4")}
    assert plan.added == [ids["m4"]]
    assert plan.changed == [ids["m2"]]
    assert plan.unchanged == [ids["m1"]]
    assert plan.removed == [ids["m3"]]
    assert (
        "Before" in plan.readers.posts[ids["m2"]]["content"]
        and "After" in plan.renders[ids["m2"]]["content"]
    )
    assert plan.readers.sent_count == 3


def test_a_channel_without_a_live_page_is_refused(live_page, republisher):
    live_page.unpublish()
    with pytest.raises(RepublishRefused, match="No live page"):
        resync(live_page.channel_id, republisher)
    assert not PublishLogEntry.objects.exists()


@override_settings(WAGTAIL_LIVE_REPUBLISH_RATE=1)
def test_resync_counts_against_the_rate(live_page, capture, republisher):
    with capture(execute=True):
        resync(live_page.channel_id, republisher)
    with pytest.raises(Throttled):
        resync(live_page.channel_id, republisher)
    assert PublishLogEntry.objects.count() == 1
