"""Where a live page's merge base comes from: revisions keep it, drafts are rebased on open."""

import pytest
from django.utils.html import strip_tags
from wagtail.models import Workflow

from tests.posts import draft_of, editor_adds, post_value
from tests.testapp.models import LiveBlogPage
from wagtail_live_admin.live.versions import REVISION_BASE_KEY

pytestmark = pytest.mark.django_db


def live_texts(page):
    fresh = LiveBlogPage.objects.get(pk=page.pk)
    return sorted(strip_tags(post.value["content"][0].value.source) for post in fresh.live_posts)


def test_a_revision_keeps_the_posts_it_was_made_from(live_page):
    live_page.add_live_post(post_value("Kick-off"))
    draft = draft_of(live_page)
    editor_adds(draft, "Draft post")
    revision = draft.save_revision()
    [live_post_id] = [post.id for post in LiveBlogPage.objects.get(pk=live_page.pk).live_posts]
    assert list(revision.content[REVISION_BASE_KEY]) == [live_post_id]
    assert list(revision.as_object().merge_base.versions) == [live_post_id]


def test_a_workflow_approved_later_publishes_its_posts_onto_what_went_live_meanwhile(
    live_page, admin_user
):
    draft = draft_of(live_page)
    editor_adds(draft, "For approval")
    draft.save_revision(user=admin_user)
    Workflow.objects.get(name="Moderators approval").start(draft, admin_user)
    LiveBlogPage.objects.get(pk=live_page.pk).add_live_post(post_value("From the wire"))
    page = LiveBlogPage.objects.get(pk=live_page.pk)
    page.current_workflow_task.on_action(page.current_workflow_task_state, admin_user, "approve")
    assert live_texts(live_page) == ["For approval", "From the wire"]


def test_a_page_loaded_changed_and_saved_by_code_keeps_posts_added_meanwhile(live_page):
    page = LiveBlogPage.objects.get(pk=live_page.pk)
    LiveBlogPage.objects.get(pk=live_page.pk).add_live_post(post_value("From the wire"))
    editor_adds(page, "From a script")
    page.save()
    assert live_texts(live_page) == ["From a script", "From the wire"]
