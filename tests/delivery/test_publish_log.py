"""The publish log: every update numbered per channel and recorded with its outcome."""

import threading

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection, transaction
from django.test import override_settings
from wagtail.log_actions import LogContext

from tests.posts import draft_of, edit_form_data, editor_adds, post_value, publish
from tests.services import free_port
from tests.settings import redis_layer
from tests.testapp.models import LiveBlogPage
from wagtail_live_admin.models import ChannelSequence, PublishLogEntry
from wagtail_live_admin.realtime.groups import live_group_name

Status = PublishLogEntry.Status


def test_a_publish_is_logged_as_sent_with_what_was_sent(
    live_page, django_user_model, django_capture_on_commit_callbacks
):
    editor = django_user_model.objects.create_user("editor")
    page = draft_of(live_page)
    post = editor_adds(page, "Kick-off")
    # LogContext: the Wagtail admin wraps its views in one, naming the user.
    with LogContext(user=editor), django_capture_on_commit_callbacks(execute=True):
        publish(page)
    [entry] = PublishLogEntry.objects.all()
    assert (entry.channel_id, entry.seq, entry.status, entry.attempts) == (
        "match-day.1",
        1,
        Status.SENT,
        1,
    )
    assert entry.trigger == PublishLogEntry.Trigger.PUBLISH and entry.user == editor
    assert entry.page_id == live_page.pk
    assert list(entry.renders) == [post.id] and "Kick-off" in entry.renders[post.id]["content"]
    assert entry.removals == [] and entry.sent_at and entry.duration_ms is not None


def test_the_entry_records_how_many_readers_it_went_to(
    live_page, watch, django_capture_on_commit_callbacks
):
    watch(live_page.channel_id, 2)
    with django_capture_on_commit_callbacks(execute=True):
        live_page.add_live_post(post_value("Two readers", message_id="m1"))
    assert PublishLogEntry.objects.get().subscribers == 2


def test_seq_grows_by_one_per_publish_of_a_channel(live_page):
    for number in range(3):
        live_page.add_live_post(post_value(f"Post {number}", message_id=f"m{number}"))
    live_page.delete_live_post("m0")
    entries = PublishLogEntry.objects.order_by("seq")
    assert [e.seq for e in entries] == [1, 2, 3, 4]
    assert {e.trigger for e in entries} == {PublishLogEntry.Trigger.API}
    assert entries.last().removals and entries.last().renders == {}


def test_a_rolled_back_publish_leaves_no_entry_and_no_gap(live_page):
    with pytest.raises(RuntimeError), transaction.atomic():
        live_page.add_live_post(post_value("Never", message_id="never"))
        raise RuntimeError("roll back")
    assert not PublishLogEntry.objects.exists()
    live_page.refresh_from_db()
    live_page.add_live_post(post_value("Kept", message_id="kept"))
    assert list(PublishLogEntry.objects.values_list("seq", flat=True)) == [1]


def test_an_unreachable_channel_layer_fails_the_entry_not_the_publish(
    live_page, django_capture_on_commit_callbacks
):
    dead = redis_layer(f"redis://127.0.0.1:{free_port()}/0")
    with (
        override_settings(CHANNEL_LAYERS={"default": dead}),
        django_capture_on_commit_callbacks(execute=True),
    ):
        live_page.add_live_post(post_value("Saved anyway", message_id="m1"))
    live_page.refresh_from_db()
    assert live_page.get_live_post_index("m1") is not None  # the page is saved
    [entry] = PublishLogEntry.objects.all()
    assert entry.status == Status.FAILED and entry.attempts == 1
    assert "ConnectionError" in entry.error or "Connection" in entry.error
    assert entry.renders  # kept, to be sent again


def test_the_frame_is_the_stored_payload(live_page):
    import json

    live_page.add_live_post(post_value("Hello", message_id="m1"))
    entry = PublishLogEntry.objects.get()
    frame = json.loads(entry.frame())
    assert list(frame) == ["renders", "removals", "seq", "channel_id", "published_at"]
    assert (frame["renders"], frame["removals"], frame["seq"]) == (entry.renders, [], 1)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_publishers_of_one_channel_get_distinct_gap_free_numbers():
    threads, per_thread = 4, 10
    seqs, errors = [], []

    def publisher():
        try:
            for _ in range(per_thread):
                with transaction.atomic():
                    entry = PublishLogEntry.objects.record("busy", {}, [])
                seqs.append(entry.seq)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=publisher) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    assert sorted(seqs) == list(range(1, threads * per_thread + 1))
    assert ChannelSequence.objects.get(channel_id="busy").last_seq == threads * per_thread


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_editor_is_warned_when_the_live_update_fails(live_page, admin_client):
    dead = redis_layer(f"redis://127.0.0.1:{free_port()}/0")
    data = edit_form_data(live_page, [("p1", "Goal")], publish=True)
    with override_settings(CHANNEL_LAYERS={"default": dead}):
        response = admin_client.post(f"/admin/pages/{live_page.pk}/edit/", data, follow=True)
    assert response.status_code == 200
    texts = [str(message) for message in response.context["messages"]]
    [warning] = [text for text in texts if "did not reach readers" in text]
    entry = PublishLogEntry.objects.get()
    # No exception text and no doubled full stop; links to the update and to its re-push.
    assert "ConnectionError" not in warning and ".." not in warning, warning
    assert f'href="/admin/live/log/{entry.pk}/"' in warning, warning
    assert f'href="/admin/live/log/{entry.pk}/republish/"' in warning, warning
    assert "Goal" in LiveBlogPage.objects.get(pk=live_page.pk).live_posts[0].render()
    assert PublishLogEntry.objects.get().status == Status.FAILED


def test_an_entry_pruned_before_its_send_is_still_sent(
    live_page, django_capture_on_commit_callbacks
):
    layer = get_channel_layer()
    listener = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(live_group_name(live_page.channel_id), listener)
    with django_capture_on_commit_callbacks() as callbacks:
        live_page.add_live_post(post_value("Sent anyway", message_id="m1"))
    PublishLogEntry.objects.all().delete()  # as live_prune_log --days 0 would
    for callback in callbacks:
        callback()  # sends, and does not raise for the missing row
    message = async_to_sync(layer.receive)(listener)
    assert "Sent anyway" in message["frame"]
