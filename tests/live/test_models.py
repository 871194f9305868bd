"""LivePageMixin: what a save of a live page sends, and what it never sends."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, transaction

from tests.posts import (
    draft_of,
    editor_adds,
    post_value,
    publish,
    remove_post,
    set_post_shown,
    set_post_text,
)
from tests.testapp.models import LiveBlogPage
from wagtail_live_admin.signals import live_page_update


@pytest.fixture
def updates():
    """Every live_page_update sent during the test, as (renders ids, removals, page)."""
    sent = []

    def receiver(sender, channel_id, renders, removals, page=None, **kwargs):
        sent.append(
            {
                "channel_id": channel_id,
                "renders": [post.id for post in renders],
                "html": {post.id: post.render(context={"block_id": post.id}) for post in renders},
                "removals": list(removals),
                "page": page,
            }
        )

    live_page_update.connect(receiver, weak=False, dispatch_uid="test-updates")
    yield sent
    live_page_update.disconnect(dispatch_uid="test-updates")


def test_publish_with_a_new_post_sends_only_that_post(live_page, updates):
    page = draft_of(live_page)
    first = editor_adds(page, "Kick-off")
    publish(page)
    page = draft_of(live_page)
    second = editor_adds(page, "Goal!")
    publish(page)
    assert [u["renders"] for u in updates] == [[first.id], [second.id]]
    assert "Goal!" in updates[1]["html"][second.id]
    assert updates[1]["channel_id"] == "match-day.1"
    assert updates[1]["page"].pk == live_page.pk


def test_edit_sends_the_edited_post_and_stamps_modified(live_page, updates):
    page = draft_of(live_page)
    post = editor_adds(page, "Kick-off")
    editor_adds(page, "Other")
    publish(page)
    page = draft_of(live_page)
    set_post_text(page, post.id, "Kick-off, delayed")
    saved = publish(page)
    assert updates[-1]["renders"] == [post.id]
    assert "Kick-off, delayed" in updates[-1]["html"][post.id]
    assert "Edited on" in updates[-1]["html"][post.id]
    value = saved.get_live_post_by_message_id(post.id).value
    assert value["modified"] is not None and value["created"] < value["modified"]


def test_timestamps_the_admin_form_sends_back_to_the_minute_are_kept(live_page):
    """The admin's date-time widget shows no seconds: its form must not cut them off."""
    page = draft_of(live_page)
    post = editor_adds(page, "Kick-off")
    publish(page)
    page = draft_of(live_page)
    set_post_text(page, post.id, "Kick-off, delayed")
    edited = publish(page).get_live_post_by_message_id(post.id).value
    page = draft_of(live_page)
    for key in ("created", "modified"):  # as the edit form sends them
        page.live_posts[0].value[key] = edited[key].replace(second=0, microsecond=0)
    set_post_text(page, post.id, "Kick-off at eight")
    saved = publish(page).get_live_post_by_message_id(post.id).value
    assert saved["created"] == edited["created"]
    assert saved["modified"] > edited["modified"]


def test_hiding_a_post_sends_a_removal_not_hidden_html(live_page, updates):
    page = draft_of(live_page)
    post = editor_adds(page, "Wrong score")
    publish(page)
    page = draft_of(live_page)
    set_post_shown(page, post.id, False)
    publish(page)
    assert updates[-1]["renders"] == []
    assert updates[-1]["removals"] == [post.id]
    page = draft_of(live_page)
    set_post_shown(page, post.id, True)
    publish(page)
    assert updates[-1]["renders"] == [post.id]


def test_delete_sends_a_removal(live_page, updates):
    page = draft_of(live_page)
    post = editor_adds(page, "Kick-off")
    publish(page)
    page = draft_of(live_page)
    remove_post(page, post.id)
    publish(page)
    assert updates[-1] == {**updates[-1], "renders": [], "removals": [post.id]}


def test_save_draft_sends_nothing(live_page, updates):
    page = draft_of(live_page)
    editor_adds(page, "Not yet")
    page.save_revision()
    assert updates == []
    # ... and the live row still holds what readers have.
    assert len(LiveBlogPage.objects.get(pk=live_page.pk).live_posts) == 0


def test_publishing_an_unchanged_page_sends_nothing(live_page, updates):
    page = draft_of(live_page)
    editor_adds(page, "Kick-off")
    publish(page)
    publish(draft_of(live_page))
    assert len(updates) == 1


def test_scheduled_publish_before_its_time_sends_nothing(live_page, updates):
    from datetime import timedelta

    from django.utils import timezone

    page = draft_of(live_page)
    editor_adds(page, "Tomorrow")
    page.go_live_at = timezone.now() + timedelta(days=1)
    publish(page)
    assert updates == []


def test_a_page_that_is_not_live_sends_nothing(make_live_page, updates):
    page = make_live_page(title="Draft blog", channel_id="draft", live=False)
    editor_adds(page, "Hidden away")
    page.save()
    assert updates == []


def test_only_changed_posts_are_rendered(live_page, updates, monkeypatch):
    page = draft_of(live_page)
    for number in range(30):
        editor_adds(page, f"Post {number}")
    publish(page)
    rendered = []
    from wagtail_live_admin import blocks

    real_render = blocks.LivePostBlock.render

    def counting_render(self, value, context=None):
        rendered.append(value["message_id"])
        return real_render(self, value, context)

    monkeypatch.setattr(blocks.LivePostBlock, "render", counting_render)
    page = draft_of(live_page)
    target = page.live_posts[7]
    set_post_text(page, target.id, "Post 7, corrected")
    publish(page)
    assert updates[-1]["renders"] == [target.id]
    # One render by the publisher (through the signal), one by this test's receiver.
    assert set(rendered) == {target.id}


def test_channel_ids_may_be_empty_on_many_pages(make_live_page):
    make_live_page(title="One", channel_id="", live=False)
    make_live_page(title="Two", channel_id="", live=False)
    assert list(LiveBlogPage.objects.values_list("channel_id", flat=True)) == [None, None]


def test_a_live_page_without_channel_id_gets_one(make_live_page):
    page = make_live_page(title="Auto", channel_id="")
    assert page.channel_id and page.channel_id.startswith("auto-")


def test_channel_ids_stay_unique(make_live_page, live_page):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_live_page(title="Copy", channel_id=live_page.channel_id, live=False)


def test_programmatic_api_adds_updates_and_deletes(live_page, updates):
    live_page.add_live_post(post_value("From Slack", message_id="slack-1"))
    post = live_page.get_live_post_by_message_id("slack-1")
    assert updates[-1]["renders"] == [post.id]
    post.value["content"] = post.block.child_blocks["content"].to_python(
        [{"type": "text", "value": "<p>From Slack, edited</p>"}]
    )
    live_page.update_live_post(post)
    assert updates[-1]["renders"] == [post.id]
    assert "edited" in updates[-1]["html"][post.id]
    live_page.delete_live_post("slack-1")
    assert updates[-1]["removals"] == [post.id]
    # A repeat delete (a source app retrying) is harmless.
    live_page.delete_live_post("slack-1")
    assert len(updates) == 3


def test_add_live_post_keeps_posts_newest_first(live_page):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    live_page.add_live_post(post_value("old", message_id="a", created=now - timedelta(hours=2)))
    live_page.add_live_post(post_value("new", message_id="b", created=now))
    live_page.add_live_post(post_value("mid", message_id="c", created=now - timedelta(hours=1)))
    page = LiveBlogPage.objects.get(pk=live_page.pk)
    assert [p.value["message_id"] for p in page.live_posts] == ["b", "c", "a"]
    assert page.get_live_post_index("c") == 1
    with pytest.raises(KeyError):
        page.get_live_post_by_message_id("missing")


def test_get_updates_since(live_page):
    from django.utils import timezone

    live_page.add_live_post(post_value("before", message_id="a"))
    since = timezone.now()
    live_page.add_live_post(post_value("after", message_id="b"))
    updated, current = live_page.get_updates_since(since)
    post_b = live_page.get_live_post_by_message_id("b")
    assert list(updated) == [post_b.id]
    assert "after" in updated[post_b.id]["content"]
    assert len(current) == 2


def test_get_updates_since_a_moment_in_the_same_millisecond_as_a_post_includes_it(live_page):
    # The post keeps 12:00:00.123; a client asking from 12:00:00.123789 still gets it.
    at = datetime(2026, 12, 2, 12, 0, 0, 123789, tzinfo=UTC)
    live_page.add_live_post(post_value("same millisecond", message_id="c", created=at))
    updated, _ = live_page.get_updates_since(at)
    assert list(updated) == [live_page.get_live_post_by_message_id("c").id]
    assert live_page.get_updates_since(at + timedelta(milliseconds=1))[0] == {}


def test_submitting_for_moderation_sends_nothing(live_page, updates, django_user_model):
    from wagtail.models import Workflow

    user = django_user_model.objects.create_superuser("moderator", "m@example.com", "pw")
    page = draft_of(live_page)
    editor_adds(page, "Awaiting approval")
    page.save_revision(user=user)
    Workflow.objects.get(name="Moderators approval").start(page, user)
    assert updates == []


def test_a_post_added_from_code_survives_the_publish_of_an_older_draft(live_page, updates):
    page = draft_of(live_page)
    editor_adds(page, "Editor's draft post")
    page.save_revision()  # an editor's draft, started before the code adds a post
    LiveBlogPage.objects.get(pk=live_page.pk).add_live_post(
        post_value("From Slack", message_id="slack-1")
    )
    from_code = updates[-1]["renders"]
    draft = draft_of(live_page)
    assert "slack-1" in [post.value["message_id"] for post in draft.live_posts]
    publish(draft)
    assert updates[-1]["removals"] == []
    assert updates[-1]["renders"] != from_code  # only the editor's post goes out now
    live = LiveBlogPage.objects.get(pk=live_page.pk)
    texts = {post.value["content"][0].value.source for post in live.live_posts}
    assert texts == {"<p>From Slack</p>", "<p>Editor's draft post</p>"}


def test_a_post_deleted_from_code_stays_deleted_after_an_older_draft_is_published(
    live_page, updates
):
    live_page.add_live_post(post_value("Mistake", message_id="slack-2"))
    page = draft_of(live_page)
    editor_adds(page, "Editor's draft post")
    page.save_revision()
    LiveBlogPage.objects.get(pk=live_page.pk).delete_live_post("slack-2")
    publish(draft_of(live_page))
    assert LiveBlogPage.objects.get(pk=live_page.pk).get_live_post_index("slack-2") is None
    assert updates[-1]["removals"] == []


def test_publishing_a_revision_without_channel_id_keeps_the_readers_channel(make_live_page):
    page = make_live_page(title="Auto", channel_id="")
    old_revision = page.revisions.order_by("created_at").first()  # saved before the first publish
    channel_id = page.channel_id
    old_revision.publish()
    assert LiveBlogPage.objects.get(pk=page.pk).channel_id == channel_id


def test_a_copy_of_a_live_page_gets_a_channel_of_its_own(live_page, home):
    copy = live_page.copy(update_attrs={"slug": "match-day-copy", "title": "Copy"})
    assert copy.channel_id and copy.channel_id != live_page.channel_id


def test_text_from_source_apps_is_cleaned():
    from wagtail_live_admin.blocks import construct_text_block

    text = construct_text_block('<p onclick="x()">Hi<script>alert(1)</script><b>there</b></p>')
    assert "script" not in text.source and "onclick" not in text.source
    assert "Hi" in text.source and "there" in text.source


def test_editing_one_post_of_many_renders_only_that_post(live_page, monkeypatch):
    from wagtail_live_admin.live import blocks

    page = draft_of(live_page)
    posts = [editor_adds(page, f"Post {number}") for number in range(30)]
    publish(page)
    rendered = []
    real_render = blocks.render_live_post

    def counting_render(post, **kwargs):
        rendered.append(post.id)
        return real_render(post, **kwargs)

    monkeypatch.setattr(blocks, "render_live_post", counting_render)
    page = draft_of(live_page)
    set_post_text(page, posts[12].id, "Post 12, corrected")
    publish(page)
    assert rendered == [posts[12].id]
