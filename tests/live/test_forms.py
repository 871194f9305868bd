"""The page editor's form of a live page: a publish applies what this editor changed.

Through Wagtail's own edit view (the test client posts the form as a browser does).
"""

import json

import pytest
from django.contrib.messages import get_messages
from django.utils.html import strip_tags

from tests.posts import edit_form_data, opened_base, post_value
from tests.testapp.models import LiveBlogPage
from wagtail_live_admin.models import PublishLogEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("editor", "e@example.com", "pw"))
    return client


def live_texts(page):
    fresh = LiveBlogPage.objects.get(pk=page.pk)
    return [strip_tags(post.value["content"][0].value.source) for post in fresh.live_posts]


def publish_form(client, page, posts, base):
    return client.post(
        f"/admin/pages/{page.pk}/edit/",
        edit_form_data(page, posts, publish=True, base=base),
        follow=True,
    )


def test_the_edit_form_holds_the_versions_of_the_posts_live_when_opened(editor, live_page):
    live_page.add_live_post(post_value("From Slack"))
    post_id = LiveBlogPage.objects.get(pk=live_page.pk).live_posts[0].id
    assert list(json.loads(opened_base(editor, live_page))) == [post_id]


def test_a_post_added_through_the_api_survives_the_publish_of_a_form_opened_before(
    editor, live_page
):
    base = opened_base(editor, live_page)
    LiveBlogPage.objects.get(pk=live_page.pk).add_live_post(post_value("From Slack"))
    publish_form(editor, live_page, [("p-editor", "From the editor")], base)
    assert sorted(live_texts(live_page)) == ["From Slack", "From the editor"]
    last = PublishLogEntry.objects.order_by("-seq").first()
    assert (list(last.renders), last.removals) == (["p-editor"], [])


def test_the_editor_is_told_which_posts_others_published_meanwhile(editor, live_page):
    base = opened_base(editor, live_page)
    LiveBlogPage.objects.get(pk=live_page.pk).add_live_post(post_value("From Slack"))
    response = publish_form(editor, live_page, [("p-editor", "From the editor")], base)
    messages = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("kept 1 post that others published" in m and "From Slack" in m for m in messages)


def test_a_post_the_editor_deleted_goes_and_one_added_meanwhile_stays(editor, live_page):
    live_page.add_live_post(post_value("Mistake", message_id="m1"))
    live_page.add_live_post(post_value("Kick-off", message_id="k1"))
    page = LiveBlogPage.objects.get(pk=live_page.pk)
    kick_off = page.get_live_post_by_message_id("k1").id
    base = opened_base(editor, live_page)
    LiveBlogPage.objects.get(pk=live_page.pk).add_live_post(post_value("Goal"))
    publish_form(editor, live_page, [(kick_off, "Kick-off")], base)  # "Mistake" deleted
    assert sorted(live_texts(live_page)) == ["Goal", "Kick-off"]


def test_when_both_edited_a_post_the_later_publish_wins_and_the_editor_is_told(editor, live_page):
    live_page.add_live_post(post_value("Score 1-0", message_id="s1"))
    post_id = LiveBlogPage.objects.get(pk=live_page.pk).live_posts[0].id
    base = opened_base(editor, live_page)
    page = LiveBlogPage.objects.get(pk=live_page.pk)
    post = page.get_live_post_by_message_id("s1")
    post.value["content"] = post.block.child_blocks["content"].to_python(
        [{"type": "text", "value": "<p>Score 1-1</p>"}]
    )
    page.update_live_post(post)
    response = publish_form(editor, live_page, [(post_id, "Score 2-0")], base)
    assert live_texts(live_page) == ["Score 2-0"]
    messages = " ".join(str(message) for message in get_messages(response.wsgi_request))
    assert "also changed by others" in messages
    # The version it replaced is in the page's history.
    versions = [
        revision.as_object().live_posts[0].value["content"][0].value.source
        for revision in page.revisions.all()
        if len(revision.as_object().live_posts)
    ]
    assert "<p>Score 1-1</p>" in versions


def test_an_unreadable_base_deletes_nothing(editor, live_page):
    live_page.add_live_post(post_value("Kick-off"))
    publish_form(editor, live_page, [("p-new", "Goal")], base="{broken")
    assert sorted(live_texts(live_page)) == ["Goal", "Kick-off"]
