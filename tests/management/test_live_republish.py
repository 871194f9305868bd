"""``manage.py live_republish --failed``: what it would send, what it sends, and when it fails."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone

from tests.settings import IN_MEMORY_LAYER
from tests.updates import Listener, add_post, hide_post, layer_down
from wagtail_live_admin.management.commands.live_republish import Command as LiveRepublish
from wagtail_live_admin.models import PublishLogEntry

Status = PublishLogEntry.Status
# A command commits as it goes, and each update goes out as it commits.
COMMITS = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def run(*args) -> str:
    out = io.StringIO()
    call_command("live_republish", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def failures(make_live_page, live_page, capture):
    """Two failed updates of the live page, one of another page, and one with nothing left."""
    other = make_live_page(title="Other", channel_id="other")
    return {
        "one": add_post(live_page, capture, "One", "m1", fail=True),
        "two": add_post(live_page, capture, "Two", "m2", fail=True),
        "other": add_post(other, capture, "Elsewhere", "o1", fail=True),
        "hidden": add_post(other, capture, "Withdrawn", "o2", fail=True),
        "hide": hide_post(other, capture, "o2"),
    }


@override_settings(CHANNEL_LAYERS={"default": IN_MEMORY_LAYER})
def test_dry_run_prints_what_would_be_sent_and_sends_nothing(failures, live_page):
    listener = Listener(live_page.channel_id)
    before = list(PublishLogEntry.objects.values_list("pk", "status", "attempts"))
    output = run("--failed", "--dry-run")
    one, hidden = failures["one"], failures["hidden"]
    assert f"Would re-publish match-day.1 #{one.seq} (failed: " in output
    assert f"posts {next(iter(one.renders))}; removals -" in output
    assert f"Would skip other #{hidden.seq}: nothing is left to send" in output
    assert "hidden or deleted on the page since" in output
    assert "3 updates would be re-published. Nothing was sent (--dry-run)." in output
    assert list(PublishLogEntry.objects.values_list("pk", "status", "attempts")) == before
    assert listener.frames() == []


def test_dry_run_narrows_to_a_channel_and_a_date(failures):
    output = run("--failed", "--dry-run", "--channel", "other")
    assert "match-day.1" not in output and "Would re-publish other" in output
    tomorrow = (timezone.localdate() + timezone.timedelta(days=1)).isoformat()
    assert "0 updates would be re-published" in run("--failed", "--dry-run", "--since", tomorrow)
    today = timezone.localdate().isoformat()
    assert "3 updates would be re-published" in run("--failed", "--dry-run", "--since", today)


@override_settings(CHANNEL_LAYERS={"default": IN_MEMORY_LAYER})
def test_with_the_in_memory_layer_it_refuses_and_sends_nothing(failures):
    count = PublishLogEntry.objects.count()
    with pytest.raises(CommandError, match="in-memory"):
        run("--failed")
    assert PublishLogEntry.objects.count() == count


@COMMITS
def test_it_republishes_every_failure_through_redis(failures, live_page, shared_redis):
    listener = Listener(live_page.channel_id)
    output = run("--failed")
    one, two = failures["one"], failures["two"]
    for entry in (one, two, failures["other"]):
        new = entry.republishes.get()
        assert new.status == Status.SENT and new.user is None
        assert f"Re-published {entry.channel_id} #{entry.seq} as #{new.seq}: Sent" in output
    assert f"Skipped other #{failures['hidden'].seq}: nothing is left to send" in output
    seqs = [frame["seq"] for frame in listener.frames(timeout=1)]
    assert seqs == [one.republishes.get().seq, two.republishes.get().seq]
    # Nothing is outstanding any more: a second run sends nothing.
    assert "Re-published" not in run("--failed")


@COMMITS
def test_a_send_that_fails_again_makes_it_exit_non_zero(failures):
    with layer_down(), pytest.raises(CommandError, match="could not be sent"):
        run("--failed", "--channel", "other")
    assert failures["other"].republishes.get().status == Status.FAILED


def test_failed_is_required_and_since_must_be_a_date(db):
    with pytest.raises(CommandError, match="--failed"):
        call_command("live_republish")
    with pytest.raises(CommandError, match="not a date"):
        call_command("live_republish", "--failed", "--dry-run", "--since", "yesterday")


def test_help_describes_the_command():
    help_text = LiveRepublish().create_parser("manage.py", "live_republish").format_help()
    assert "--dry-run" in help_text and "--channel" in help_text and "--since" in help_text
