"""wagtail-live 1.0's behaviour, kept: one test per difference issue 12 found.

Where this package changes a behaviour on purpose (a defect fixed), the test asserts
the change that docs/how-to/migrate-from-wagtail-live.md lists.
"""

from datetime import UTC, datetime, timedelta

from django.utils import timezone
from wagtail.admin.panels import FieldPanel

from tests.posts import draft_of, editor_adds, post_value, publish, set_post_text
from tests.testapp.models import LiveBlogPage
from wagtail_live_admin.blocks import compare_live_posts_values
from wagtail_live_admin.models import LivePageMixin, PublishLogEntry


def test_compare_live_posts_values_is_true_when_the_posts_are_the_same():
    first = post_value("Kick-off")
    assert compare_live_posts_values(first, post_value("Kick-off")) is True
    assert compare_live_posts_values(first, post_value("Kick-off, delayed")) is False
    assert compare_live_posts_values(first, post_value("Kick-off", show=False)) is False


def test_compare_live_posts_values_takes_saved_posts_and_counts_formatting(live_page):
    """As in wagtail-live, message ids and timestamps do not count; unlike it, bold does."""
    live_page.add_live_post(post_value("Kick-off", message_id="slack-1"))
    saved = live_page.get_live_post_by_message_id("slack-1")
    assert compare_live_posts_values(saved, post_value("Kick-off")) is True
    assert compare_live_posts_values(saved.value, post_value("<b>Kick-off</b>")) is False


def test_an_edited_post_and_the_page_are_stamped_with_the_same_instant(live_page):
    page = draft_of(live_page)
    post = editor_adds(page, "Kick-off")
    publish(page)
    page = draft_of(live_page)
    set_post_text(page, post.id, "Kick-off, delayed")
    saved = publish(page)
    assert saved.get_live_post_by_message_id(post.id).value["modified"] == saved.last_updated_at


def test_a_new_post_and_the_page_are_stamped_with_the_same_instant(live_page):
    page = draft_of(live_page)
    post = editor_adds(page, "Kick-off")
    saved = publish(page)
    assert saved.get_live_post_by_message_id(post.id).value["created"] == saved.last_updated_at


def test_after_add_live_post_last_updated_at_is_the_new_posts_created(live_page):
    created = timezone.now() - timedelta(minutes=5, microseconds=123_456)
    live_page.add_live_post(post_value("From Slack", message_id="slack-1", created=created))
    saved = LiveBlogPage.objects.get(pk=live_page.pk)
    post = saved.get_live_post_by_message_id("slack-1")
    assert saved.last_updated_at == post.value["created"] == live_page.last_updated_at
    # The post keeps its created to the millisecond, as its JSON does.
    assert abs(post.value["created"] - created) < timedelta(milliseconds=1)


def test_last_update_timestamp_is_in_milliseconds(live_page):
    live_page.last_updated_at = datetime(2026, 11, 28, 10, 0, 0, 123_456, tzinfo=UTC)
    assert (
        live_page.last_update_timestamp
        == datetime(2026, 11, 28, 10, 0, 0, 123_000, tzinfo=UTC).timestamp()
    )


def test_update_live_post_without_a_change_still_stamps_and_sends_the_post(live_page, signals):
    live_page.add_live_post(post_value("Kick-off", message_id="slack-1"))
    added_at = live_page.last_updated_at
    post = live_page.get_live_post_by_message_id("slack-1")
    live_page.update_live_post(post)  # a source app that sends the same message again
    saved = LiveBlogPage.objects.get(pk=live_page.pk)
    modified = saved.get_live_post_by_message_id("slack-1").value["modified"]
    assert saved.last_updated_at > added_at
    assert modified == saved.last_updated_at == post.value["modified"]
    assert [p.id for p in signals[-1]["renders"]] == [post.id]
    assert signals[-1]["removals"] == []
    # The delivery spine records it as any update: numbered, with the post's HTML.
    entry = PublishLogEntry.objects.filter(channel_id=live_page.channel_id).latest("seq")
    assert entry.seq == 2 and list(entry.renders) == [post.id]
    assert "Kick-off" in entry.renders[post.id]["content"]


def test_update_live_post_of_an_unchanged_hidden_post_sends_a_removal(live_page, signals):
    """Documented change: wagtail-live sent a hidden post's HTML with ``"show": false``."""
    live_page.add_live_post(post_value("Wrong score", message_id="slack-2", show=False))
    post = live_page.get_live_post_by_message_id("slack-2")
    live_page.update_live_post(post)
    assert signals[-1]["renders"] == [] and signals[-1]["removals"] == [post.id]


def test_get_updates_since_includes_a_post_stamped_exactly_then(live_page):
    earlier = timezone.now() - timedelta(minutes=1)
    live_page.add_live_post(post_value("Earlier", message_id="a", created=earlier))
    live_page.add_live_post(post_value("Goal!", message_id="b"))
    # A polling client asks from the timestamp it was last given.
    since = datetime.fromtimestamp(live_page.last_update_timestamp, UTC)
    updated, current = live_page.get_updates_since(since)
    goal = live_page.get_live_post_by_message_id("b")
    assert list(updated) == [goal.id] and "Goal!" in updated[goal.id]["content"]
    assert current == [live_page.get_live_post_by_message_id("a").id, goal.id]


def test_get_updates_since_leaves_hidden_posts_out(live_page):
    """Documented change: wagtail-live sent a hidden post's HTML with ``"show": false``."""
    since = timezone.now()
    live_page.add_live_post(post_value("Wrong score", message_id="a", show=False))
    assert live_page.get_updates_since(since) == ({}, [])


def test_the_signals_renders_are_the_pages_own_posts(live_page, signals):
    page = draft_of(live_page)
    editor_adds(page, "Kick-off")
    page.save_revision().publish()
    sent = signals[-1]
    assert sent["renders"] and all(post in sent["page"].live_posts for post in sent["renders"])
    live_page.add_live_post(post_value("From Slack", message_id="slack-1"))
    assert signals[-1]["renders"] == [live_page.get_live_post_by_message_id("slack-1")]
    post = live_page.get_live_post_by_message_id("slack-1")
    post.value["content"] = post.value["content"].stream_block.to_python(
        [{"type": "text", "value": "<p>From Slack, edited</p>"}]
    )
    live_page.update_live_post(post)
    assert signals[-1]["renders"] == [live_page.get_live_post_by_message_id("slack-1")]


def test_live_page_mixin_panels_are_wagtail_lives_two_field_panels():
    assert [type(panel) for panel in LivePageMixin.panels] == [FieldPanel, FieldPanel]
    assert [panel.field_name for panel in LivePageMixin.panels] == ["channel_id", "live_posts"]


def test_save_false_positional_is_sync_false_and_sends_nothing(live_page, signals):
    live_page.live_posts.append(("live_post", post_value("Quiet fix")))
    live_page.save(False)
    assert signals == []
    saved = LiveBlogPage.objects.get(pk=live_page.pk)
    assert [p.value["content"][0].value.source for p in saved.live_posts] == ["<p>Quiet fix</p>"]
    # Page.save's own arguments follow, as in wagtail-live: save(sync, clean, user, ...).
    saved.title = ""  # invalid, but clean=False does not check it
    saved.save(True, False)
    assert LiveBlogPage.objects.get(pk=live_page.pk).title == ""
