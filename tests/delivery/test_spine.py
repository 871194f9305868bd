"""The delivery spine: every kind of update goes through the configured publisher, or none."""

import pytest
from django.test import override_settings

from tests.posts import publish_new_post
from tests.testapp.publishers import RecordingPublisher
from wagtail_live_admin.delivery.refusals import DeliveryOff
from wagtail_live_admin.delivery.republish import republish, republish_failed
from wagtail_live_admin.delivery.resync import resync
from wagtail_live_admin.models import PublishLogEntry

Status = PublishLogEntry.Status
Trigger = PublishLogEntry.Trigger
RECORDING = "tests.testapp.publishers.RecordingPublisher"

pytestmark = pytest.mark.usefixtures("fresh_cache")


@pytest.fixture
def recording():
    RecordingPublisher.calls, RecordingPublisher.failing = [], ""
    with override_settings(WAGTAIL_LIVE_PUBLISHER=RECORDING):
        yield RecordingPublisher
    RecordingPublisher.calls, RecordingPublisher.failing = [], ""


def publish_post(page, capture, text):
    with capture(execute=True):
        return publish_new_post(page, text).id


def test_a_custom_publisher_gets_publish_republish_and_resync(
    live_page, capture, republisher, recording
):
    post_id = publish_post(live_page, capture, "Kick-off")
    [(channel_id, renders, removals)] = recording.calls
    assert channel_id == live_page.channel_id and removals == []
    assert list(renders) == [post_id] and "Kick-off" in renders[post_id]["content"]
    first = PublishLogEntry.objects.get(channel_id=channel_id)
    assert (first.status, first.trigger, first.renders) == (Status.SENT, Trigger.PUBLISH, renders)
    assert first.subscribers is None  # its readers are not ours to count: unknown, not 0

    # Its publish() fails: the page is published, the entry says why, and it can be re-pushed.
    recording.failing = "the service is down"
    failed_id = publish_post(live_page, capture, "Goal!")
    failed = PublishLogEntry.objects.latest("seq")
    assert failed.status == Status.FAILED and "the service is down" in failed.error
    assert len(recording.calls) == 1

    recording.failing = ""
    with capture(execute=True):
        new = republish(failed, republisher)
    assert new.status == Status.SENT and new.trigger == Trigger.REPUBLISH
    assert recording.calls[-1] == (channel_id, new.renders, [])
    assert list(new.renders) == [failed_id]

    with capture(execute=True):
        synced = resync(channel_id, republisher)
    assert synced.status == Status.SENT and synced.trigger == Trigger.RESYNC
    assert recording.calls[-1] == (channel_id, synced.renders, synced.removals)
    assert set(synced.renders) == {post_id, failed_id}
    assert len(recording.calls) == 3


def test_no_publisher_sends_and_records_nothing(live_page, capture, republisher, recording):
    # Made while delivery was on: a failure that could be re-pushed.
    recording.failing = "down"
    publish_post(live_page, capture, "Goal!")
    failed = PublishLogEntry.objects.get()
    with override_settings(WAGTAIL_LIVE_PUBLISHER=None):
        publish_post(live_page, capture, "Second half")
        live_page.refresh_from_db()
        with capture(execute=True):
            live_page.delete_live_post(live_page.live_posts[0].value["message_id"])
        with pytest.raises(DeliveryOff):
            republish(failed, republisher)
        with pytest.raises(DeliveryOff):
            republish_failed(user=republisher)
        with pytest.raises(DeliveryOff):
            resync(live_page.channel_id, republisher)
    assert list(PublishLogEntry.objects.all()) == [failed]
    assert recording.calls == []


def test_the_admin_says_when_delivery_is_off(live_page, capture, republisher, client, recording):
    recording.failing = "down"
    publish_post(live_page, capture, "Goal!")
    failed = PublishLogEntry.objects.get()
    client.force_login(republisher)
    with override_settings(WAGTAIL_LIVE_PUBLISHER=None):
        response = client.post(f"/admin/live/log/{failed.pk}/republish/", follow=True)
        resync_page = client.post(
            f"/admin/live/channels/{live_page.channel_id}/resync/", follow=True
        )
    for answer in (response, resync_page):
        assert "Live updates are switched off" in answer.content.decode()
    assert PublishLogEntry.objects.count() == 1 and recording.calls == []


def test_the_channels_publisher_logs_a_direct_publish_and_sends_it_after_commit(live_page, capture):
    from tests.updates import Listener
    from wagtail_live_admin.publishers.django_channels import DjangoChannelsPublisher

    listener = Listener(live_page.channel_id)
    renders = {"p1": {"show": True, "content": "<p>From code</p>"}}
    with capture(execute=True) as callbacks:
        entry = DjangoChannelsPublisher().publish(live_page.channel_id, renders, [])
        assert entry.status == Status.PENDING  # sent by the on-commit callback below
    assert len(callbacks) == 1
    [frame] = listener.frames()
    entry.refresh_from_db()
    assert (entry.status, entry.trigger, entry.page_id) == (Status.SENT, Trigger.API, live_page.pk)
    assert (frame["seq"], frame["renders"]) == (entry.seq, renders)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_update_that_cannot_be_recorded_outside_a_transaction_leaves_no_gap(
    live_page, recording
):
    # Code that submits outside any transaction (a script, a receiver): the seq and its
    # entry commit together, so a failed write gives the number back, as a rollback does.
    from wagtail_live_admin.delivery.spine import Update, submit

    channel_id = live_page.channel_id
    with pytest.raises(TypeError):
        submit(Update(channel_id, {"p1": {"show": True, "content": object()}}, []))
    entry = submit(Update(channel_id, {"p1": {"show": True, "content": "Hi"}}, []))
    assert entry.seq == 1
    assert list(PublishLogEntry.objects.values_list("seq", "status")) == [(1, Status.SENT)]
    assert recording.calls == [(channel_id, {"p1": {"show": True, "content": "Hi"}}, [])]
