"""Re-publishing logged updates: a new entry, the stored payload, once, never against the page."""

import json
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from wagtail.models import PageLogEntry

from tests.staff import REPUBLISHER, make_staff
from tests.updates import Listener, add_post, edit_post, hide_post, layer_down, post_id_of
from wagtail_live_admin.delivery.republish import (
    RepublishRefused,
    Throttled,
    outstanding_failures,
    plan_failed,
    plan_republish,
    republish,
    republish_failed,
)
from wagtail_live_admin.models import PublishLogEntry

Status = PublishLogEntry.Status
Trigger = PublishLogEntry.Trigger


# The re-push rate limit counts in the cache: each test starts from none.
pytestmark = pytest.mark.usefixtures("fresh_cache")


def test_republish_sends_the_stored_payload_as_a_new_entry_with_the_next_seq(
    live_page, capture, republisher
):
    failed = add_post(live_page, capture, "Goal!", "m1", fail=True)
    assert failed.status == Status.FAILED
    listener = Listener(live_page.channel_id)
    with capture(execute=True):
        new = republish(failed, republisher)
    assert (new.seq, new.status, new.trigger) == (failed.seq + 1, Status.SENT, Trigger.REPUBLISH)
    assert new.republish_of == failed and new.user == republisher and new.page_id == live_page.pk
    assert (new.renders, new.removals) == (failed.renders, failed.removals)
    [frame] = listener.frames()
    assert frame["seq"] == new.seq and frame["renders"] == failed.renders
    failed.refresh_from_db()
    assert failed.status == Status.FAILED  # its own attempt stays what it was


def test_a_sent_entry_can_be_republished_too(live_page, capture, republisher):
    sent = add_post(live_page, capture, "Goal!", "m1")
    assert sent.status == Status.SENT
    with capture(execute=True):
        new = republish(sent, republisher)
    assert new.status == Status.SENT and new.renders == sent.renders


def test_a_second_republish_right_after_the_first_is_refused(live_page, capture, republisher):
    failed = add_post(live_page, capture, "Goal!", "m1", fail=True)
    with capture(execute=True):
        republish(failed, republisher)
    with pytest.raises(RepublishRefused, match="a moment ago"):
        republish(failed, republisher)
    assert failed.republishes.count() == 1


def test_a_republish_still_on_its_way_blocks_another(live_page, capture, republisher):
    failed = add_post(live_page, capture, "Goal!", "m1", fail=True)
    pending = republish(failed, republisher)  # not delivered: the test's transaction never commits
    assert pending.status == Status.PENDING
    PublishLogEntry.objects.filter(pk=pending.pk).update(
        created_at=timezone.now() - timedelta(minutes=5)
    )
    with pytest.raises(RepublishRefused):
        republish(failed, republisher)


def test_after_the_double_click_window_the_update_can_be_republished_again(
    live_page, capture, republisher
):
    failed = add_post(live_page, capture, "Goal!", "m1", fail=True)
    with capture(execute=True):
        first = republish(failed, republisher)
    PublishLogEntry.objects.filter(pk=first.pk).update(
        created_at=timezone.now() - timedelta(minutes=1)
    )
    with capture(execute=True):
        second = republish(failed, republisher)
    assert second.seq == first.seq + 1 and second.republish_of == failed


def test_republishing_a_republish_links_to_the_original(live_page, capture, republisher):
    failed = add_post(live_page, capture, "Goal!", "m1", fail=True)
    with layer_down(), capture(execute=True):
        retry = republish(failed, republisher)
    assert retry.status == Status.FAILED
    PublishLogEntry.objects.filter(pk=retry.pk).update(
        created_at=timezone.now() - timedelta(minutes=1)
    )
    with capture(execute=True):
        again = republish(retry, republisher)
    assert again.republish_of == failed and again.status == Status.SENT


def test_a_post_hidden_since_is_left_out(live_page, capture, republisher):
    failed = add_post(live_page, capture, "Secret", "m1", fail=True)
    hide_post(live_page, capture, "m1")
    plan = plan_republish(failed)
    post_id = post_id_of(live_page, "m1")
    assert plan.renders == {} and "hidden or deleted" in plan.left_out[post_id]
    with pytest.raises(RepublishRefused, match="Nothing of update"):
        republish(failed, republisher)
    assert not failed.republishes.exists()


def test_a_post_deleted_since_is_left_out(live_page, capture, republisher):
    failed = add_post(live_page, capture, "Secret", "m1", fail=True)
    kept = add_post(live_page, capture, "Kept", "m2", fail=True)
    post_id = post_id_of(live_page, "m1")
    with capture(execute=True):
        live_page.delete_live_post("m1")
    assert "hidden or deleted" in plan_republish(failed).left_out[post_id]
    # A re-push of every failure sends the one that is still on the page, and not the other.
    listener = Listener(live_page.channel_id)
    with capture(execute=True):
        outcomes = republish_failed(user=republisher)
    assert {o.original for o in outcomes if o.new} == {kept}
    sent = json.dumps(listener.frames())
    assert "Kept" in sent and "Secret" not in sent


def test_an_update_of_a_page_that_no_longer_has_the_channel_is_refused(
    live_page, capture, republisher
):
    failed = add_post(live_page, capture, "Members only", "m1", fail=True)
    channel_id = live_page.channel_id
    live_page.channel_id = "elsewhere"
    live_page.save()
    # A copy shows the same posts, under the same ids, on the channel the original had.
    copy = live_page.copy(update_attrs={"slug": "copy"}, keep_live=True)
    copy.channel_id = channel_id
    copy.save()
    assert post_id_of(copy, "m1") == post_id_of(live_page, "m1")
    with pytest.raises(RepublishRefused, match="no longer has the channel"):
        republish(failed, republisher)
    [channel] = plan_failed()
    assert channel.plans == [] and "no longer has the channel" in channel.skipped[0][1]


def test_a_post_that_readers_have_in_a_newer_version_is_left_out(live_page, capture, republisher):
    old = add_post(live_page, capture, "First", "m1", fail=True)
    add_post(live_page, capture, "Second", "m2", fail=True)
    edit_post(live_page, capture, "m1", "First, corrected")
    plan = plan_republish(old)
    assert "newer version" in plan.left_out[post_id_of(live_page, "m1")]
    assert plan.empty


def test_a_removal_of_a_post_shown_again_is_left_out(live_page, capture, republisher):
    add_post(live_page, capture, "Back soon", "m1")
    with layer_down():
        hidden = hide_post(live_page, capture, "m1")
    assert hidden.status == Status.FAILED and hidden.removals
    live_page.refresh_from_db()
    post = live_page.get_live_post_by_message_id("m1")
    post.value["show"] = True
    with capture(execute=True):
        live_page.update_live_post(post)
    plan = plan_republish(hidden)
    assert plan.removals == [] and "shown on the page again" in plan.left_out[post.id]


def test_a_channel_without_a_live_page_is_refused(live_page, capture, republisher):
    failed = add_post(live_page, capture, "Goal!", "m1", fail=True)
    live_page.unpublish()
    with pytest.raises(RepublishRefused, match="No live page"):
        republish(failed, republisher)


def test_a_republish_from_the_admin_is_in_the_page_history(live_page, capture, republisher, client):
    failed = add_post(live_page, capture, "Goal!", "m1", fail=True)
    client.force_login(republisher)
    with capture(execute=True):
        client.post(f"/admin/live/log/{failed.pk}/republish/")
    new = PublishLogEntry.objects.get(republish_of=failed)
    log = PageLogEntry.objects.get(page=live_page, action="wagtail_live_admin.republish")
    assert log.user == republisher
    assert log.data["updates"] == [{"seq": failed.seq, "new_seq": new.seq, "entry": new.pk}]
    message = log.message
    assert f"#{failed.seq}" in message and f"#{new.seq}" in message
    assert live_page.channel_id in message
    client.force_login(make_staff("superuser", username="admin"))
    history = client.get(f"/admin/pages/{live_page.pk}/history/").content.decode()
    assert "Re-published live update" in history


@override_settings(WAGTAIL_LIVE_REPUBLISH_RATE=2)
def test_the_rate_limits_one_user_on_one_channel(make_live_page, live_page, capture, republisher):

    entries = [add_post(live_page, capture, f"Post {n}", f"m{n}", fail=True) for n in range(3)]
    with capture(execute=True):
        republish(entries[0], republisher)
        republish(entries[1], republisher)
    with pytest.raises(Throttled) as refused:
        republish(entries[2], republisher)
    assert 0 < refused.value.wait <= 60
    assert "channel “match-day.1” 2 times a minute, and you have." in str(refused.value)
    assert "Try again in" in str(refused.value)
    assert not entries[2].republishes.exists()
    # Another republisher, or another channel, is not held back.
    with capture(execute=True):
        by_colleague = republish(entries[2], make_staff(REPUBLISHER, username="colleague"))
    other = make_live_page(title="Other", channel_id="other")
    other_entry = add_post(other, capture, "Elsewhere", "o1", fail=True)
    with capture(execute=True):
        elsewhere = republish(other_entry, republisher)
    assert by_colleague.status == elsewhere.status == Status.SENT


@override_settings(WAGTAIL_LIVE_REPUBLISH_RATE=None)
def test_no_rate_means_no_limit(live_page, capture, republisher):
    entries = [add_post(live_page, capture, f"Post {n}", f"m{n}", fail=True) for n in range(12)]
    with capture(execute=True):
        sent = [republish(entry, republisher) for entry in entries]
    assert [new.republish_of for new in sent] == entries
    assert all(new.status == Status.SENT for new in sent)


def test_outstanding_failures_leave_out_fixed_ones_and_attempts(live_page, capture, republisher):
    fixed = add_post(live_page, capture, "One", "m1", fail=True)
    retried = add_post(live_page, capture, "Two", "m2", fail=True)
    untouched = add_post(live_page, capture, "Three", "m3", fail=True)
    add_post(live_page, capture, "Four", "m4")
    with capture(execute=True):
        republish(fixed, republisher)
    with layer_down(), capture(execute=True):
        attempt = republish(retried, republisher)
    assert attempt.status == Status.FAILED
    assert list(outstanding_failures()) == [retried, untouched]
    assert list(outstanding_failures(channel_id="other")) == []
    assert list(outstanding_failures(since=timezone.now())) == []


def test_republish_failed_sends_each_once_in_order(live_page, capture, republisher):
    failed = [add_post(live_page, capture, f"Post {n}", f"m{n}", fail=True) for n in range(3)]
    listener = Listener(live_page.channel_id)
    with capture(execute=True):
        outcomes = republish_failed(live_page.channel_id, user=republisher)
    assert [o.original for o in outcomes] == failed
    assert all(o.new.status == Status.SENT and not o.refused for o in outcomes)
    assert [f["seq"] for f in listener.frames()] == [o.new.seq for o in outcomes]
    # Run again: nothing is outstanding, nothing is sent.
    assert republish_failed(live_page.channel_id, user=republisher) == []


def test_repushing_failed_updates_from_the_admin_is_one_history_line(
    live_page, capture, republisher, client
):
    failed = [add_post(live_page, capture, f"Post {n}", f"m{n}", fail=True) for n in range(3)]
    client.force_login(republisher)
    with capture(execute=True):
        client.post("/admin/live/log/republish-failed/", {"entry": [e.pk for e in failed]})
    [log] = PageLogEntry.objects.filter(action="wagtail_live_admin.republish")
    assert log.user == republisher
    assert len(log.data["updates"]) == 3 and "3 live updates" in log.message


def test_republish_failed_skips_what_has_nothing_left_and_channels_not_live(
    make_live_page, live_page, capture, republisher
):

    hidden = add_post(live_page, capture, "Secret", "m1", fail=True)
    hide_post(live_page, capture, "m1")
    gone_page = make_live_page(title="Gone", channel_id="gone")
    gone = add_post(gone_page, capture, "Bye", "g1", fail=True)
    gone_page.unpublish()
    [channel_gone, channel_live] = plan_failed()
    assert channel_gone.skipped[0][0] == gone and "No live page" in channel_gone.skipped[0][1]
    assert channel_live.skipped[0][0] == hidden and channel_live.plans == []
    outcomes = republish_failed(user=republisher)
    assert {o.original for o in outcomes} == {hidden, gone}
    assert all(o.refused and o.new is None for o in outcomes)


@override_settings(WAGTAIL_LIVE_REPUBLISH_RATE=1)
def test_republish_failed_counts_once_per_channel_against_the_rate(live_page, capture, republisher):
    [add_post(live_page, capture, f"Post {n}", f"m{n}", fail=True) for n in range(3)]
    with capture(execute=True):
        outcomes = republish_failed(user=republisher)
    assert all(o.new is not None for o in outcomes) and len(outcomes) == 3
    retry = add_post(live_page, capture, "Later", "m9", fail=True)
    outcomes = republish_failed(user=republisher)
    assert [o.original for o in outcomes] == [retry]
    assert "Try again in" in outcomes[0].refused and outcomes[0].new is None
