"""Retention of the publish log: ``live_prune_log`` and ``prune_publish_log``."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.posts import post_value
from wagtail_live_admin.conf import DEFAULTS
from wagtail_live_admin.delivery.retention import prune_publish_log
from wagtail_live_admin.management.commands.live_prune_log import Command as LivePruneLog
from wagtail_live_admin.models import ChannelSequence, PublishLogEntry

Status = PublishLogEntry.Status
pytestmark = pytest.mark.django_db


def add_entries(channel_id, count=1, *, status=Status.SENT, days_old=0, **fields):
    """Append entries to a channel's log, numbered as ``record()`` numbers them."""
    sequence, _ = ChannelSequence.objects.get_or_create(channel_id=channel_id)
    created_at = timezone.now() - timedelta(days=days_old)
    entries = PublishLogEntry.objects.bulk_create(
        PublishLogEntry(
            channel_id=channel_id,
            seq=sequence.last_seq + number,
            status=status,
            created_at=created_at,
            **fields,
        )
        for number in range(1, count + 1)
    )
    ChannelSequence.objects.filter(pk=sequence.pk).update(last_seq=sequence.last_seq + count)
    return entries


def seqs(channel_id="a") -> list[int]:
    entries = PublishLogEntry.objects.filter(channel_id=channel_id).order_by("seq")
    return list(entries.values_list("seq", flat=True))


def prune_log(*args, **options) -> str:
    out = StringIO()
    call_command("live_prune_log", *args, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def mixed_log():
    """Channel "a": 1 old sent, 2 old failed, 3 young failed, 4 young pending, 5-8 young sent."""
    add_entries("a", days_old=40)
    add_entries("a", status=Status.FAILED, days_old=40)
    add_entries("a", status=Status.FAILED, days_old=1)
    add_entries("a", status=Status.PENDING, days_old=1)
    add_entries("a", 4, days_old=1)


def test_prune_deletes_every_entry_older_than_the_age_limit(mixed_log):
    assert prune_publish_log(days=30, per_channel=None) == {"a": 2}
    assert seqs() == [3, 4, 5, 6, 7, 8]


def test_prune_keeps_the_newest_entries_of_each_channel():
    add_entries("a", 5)
    add_entries("b", 2)
    assert prune_publish_log(days=None, per_channel=3) == {"a": 2}
    assert (seqs("a"), seqs("b")) == ([3, 4, 5], [1, 2])


def test_prune_keeps_failed_and_pending_entries_beyond_the_cap_until_the_age_limit(mixed_log):
    # The cap counts all entries (6-8 are the newest three) but takes only sent ones (5).
    assert prune_publish_log(days=30, per_channel=3) == {"a": 3}
    assert seqs() == [3, 4, 6, 7, 8]


def test_prune_without_an_age_limit_keeps_failed_and_pending_entries(mixed_log):
    assert prune_publish_log(days=None, per_channel=3) == {"a": 2}
    assert seqs() == [2, 3, 4, 6, 7, 8]


def test_prune_deletes_in_batches_past_the_entries_it_keeps():
    for _ in range(5):
        add_entries("a", 2)
        add_entries("a", status=Status.FAILED)
    with CaptureQueriesContext(connection) as queries:
        assert prune_publish_log(days=None, per_channel=1, batch_size=2) == {"a": 10}
    assert seqs() == [3, 6, 9, 12, 15]  # the newest one (15) is failed: it counts
    log_table = PublishLogEntry._meta.db_table
    deletes = [q["sql"] for q in queries if q["sql"].startswith(f'DELETE FROM "{log_table}"')]
    assert len(deletes) == 5  # 10 entries, 2 at a time


def test_prune_deletes_an_entry_that_was_pushed_again_and_keeps_the_re_push():
    [original] = add_entries("a")
    [repush] = add_entries("a", trigger=PublishLogEntry.Trigger.REPUBLISH, republish_of=original)
    assert prune_publish_log(days=None, per_channel=1) == {"a": 1}
    repush.refresh_from_db()
    assert repush.republish_of is None


def test_prune_refuses_a_negative_limit():
    with pytest.raises(ValueError, match="per_channel"):
        prune_publish_log(days=30, per_channel=-1)


def test_live_prune_log_reports_what_it_deleted_per_channel(mixed_log):
    add_entries("b", 3, days_old=31)
    output = prune_log("--days", "30", "--per-channel", "3")
    assert "a: deleted 3 entries\nb: deleted 3 entries\nDeleted 6 entries." in output
    assert "older than 30 days" in output and "beyond the newest 3 of each channel" in output
    assert "deleted 0" not in prune_log("--days", "30", "--per-channel", "3")


def test_live_prune_log_of_one_channel_leaves_the_others(mixed_log):
    add_entries("b", 8)
    output = prune_log("--channel", "b", "--per-channel", "2")
    assert "b: deleted 6 entries" in output and "a:" not in output
    assert len(seqs("a")) == 8 and seqs("b") == [7, 8]


def test_live_prune_log_dry_run_prints_what_it_would_delete_and_deletes_nothing(mixed_log):
    add_entries("b", 2, days_old=31)
    output = prune_log("--per-channel", "3", "--dry-run")
    assert "a: would delete 3 entries\nb: would delete 2 entries\n" in output
    assert "Dry run: would delete 5 entries; nothing was deleted." in output
    assert PublishLogEntry.objects.count() == 10
    assert "Deleted 5 entries." in prune_log("--per-channel", "3")


@pytest.mark.parametrize(
    ("option", "value"),
    [("--days", "-1"), ("--per-channel", "-3"), ("--days", "soon"), ("--per-channel", "1.5")],
)
def test_live_prune_log_names_the_option_with_a_bad_value(option, value):
    with pytest.raises(CommandError, match=rf"^{option} must be a whole number from 0.*{value}"):
        prune_log(option, value)


def test_live_prune_log_called_from_code_names_the_option_with_a_bad_value():
    with pytest.raises(CommandError, match="^--per-channel must be .* -2"):
        prune_log(per_channel=-2)


@override_settings(WAGTAIL_LIVE_LOG_RETENTION_DAYS=-7)
def test_live_prune_log_names_a_bad_setting():
    with pytest.raises(CommandError, match="^WAGTAIL_LIVE_LOG_RETENTION_DAYS must be .* -7"):
        prune_log()


def test_live_prune_log_of_an_unknown_channel_fails():
    add_entries("a")
    with pytest.raises(CommandError, match="'nope'.*--channel"):
        prune_log("--channel", "nope")


def test_live_prune_log_uses_the_settings_defaults():
    assert (DEFAULTS["LOG_RETENTION_DAYS"], DEFAULTS["LOG_RETENTION_PER_CHANNEL"]) == (30, 1000)
    add_entries("a", days_old=31)  # 1: too old
    add_entries("a", days_old=29)  # 2: beyond the newest 1000
    add_entries("a", status=Status.FAILED, days_old=29)  # 3: beyond them, kept for a re-push
    add_entries("a", 1000)  # 4-1003
    output = prune_log()
    assert "older than 30 days" in output and "newest 1000 of each" in output
    assert "a: deleted 2 entries" in output
    assert seqs()[:2] == [3, 4] and len(seqs()) == 1001


@override_settings(WAGTAIL_LIVE_LOG_RETENTION_DAYS=None, WAGTAIL_LIVE_LOG_RETENTION_PER_CHANNEL=2)
def test_live_prune_log_follows_the_settings():
    add_entries("a", 3, days_old=400)
    assert "a: deleted 1 entry\n" in prune_log()
    assert seqs() == [2, 3]


@override_settings(WAGTAIL_LIVE_LOG_RETENTION_DAYS=1, WAGTAIL_LIVE_LOG_RETENTION_PER_CHANNEL=1)
def test_live_prune_log_options_override_the_settings():
    add_entries("a", 3, days_old=2)
    assert "nothing to prune" in prune_log("--days", "none", "--per-channel", "none")
    prune_log("--days", "none", "--per-channel", "2")
    assert seqs() == [2, 3]


def test_live_prune_log_help_states_the_rule():
    parser = LivePruneLog().create_parser("manage.py", "live_prune_log")
    text = " ".join(parser.format_help().split())
    assert "Failed and pending entries are kept until they are older than the age limit" in text


def test_a_channel_numbers_on_after_its_log_is_pruned(
    live_page, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(3):
            live_page.add_live_post(post_value(f"Post {number}", message_id=f"m{number}"))
    prune_publish_log(days=None, per_channel=0)
    assert not PublishLogEntry.objects.exists()
    live_page.add_live_post(post_value("After", message_id="after"))
    assert seqs("match-day.1") == [4]
    assert ChannelSequence.objects.get(channel_id="match-day.1").last_seq == 4


def test_a_reader_whose_gap_was_pruned_catches_up_from_a_snapshot(
    client, live_page, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(5):
            live_page.add_live_post(post_value(f"Post {number}", message_id=f"m{number}"))
    prune_publish_log(days=None, per_channel=2)

    behind = client.get("/live/match-day.1/updates/", {"since": "1"}).json()
    assert behind["snapshot"]["seq"] == 5 and len(behind["snapshot"]["renders"]) == 5
    recent = client.get("/live/match-day.1/updates/", {"since": "3"}).json()
    assert [frame["seq"] for frame in recent["frames"]] == [4, 5]
