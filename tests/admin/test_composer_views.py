"""The composer's views: post now, the list in slices, following the channel, edits, errors.

Through the Django test client, as htmx calls them; who may call them is in
test_url_permissions.py.
"""

import re

import pytest
from wagtail.models import PageLogEntry

from tests.posts import composer_text, post_value
from tests.staff import REPORTER, VIEWER, make_staff
from tests.testapp.models import LiveBlogPage
from wagtail_live_admin.live import operations
from wagtail_live_admin.models import PublishLogEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def reporter(client):
    user = make_staff(REPORTER)
    client.force_login(user)
    return user


@pytest.fixture
def posts_url(live_page):
    return f"/admin/live/channels/{live_page.channel_id}/posts/"


def row_ids(response) -> list[str]:
    return re.findall(
        r'<li class="live-composer-post[^"]*"\s+id="[^"]+" data-post-id="([^"]+)"',
        response.content.decode(),
    )


def test_post_now_publishes_the_post_and_records_it_as_the_composers(
    client, reporter, live_page, posts_url
):
    response = client.post(f"{posts_url}new/", {"text": composer_text("Kick-off"), "embed": ""})
    html = response.content.decode()
    assert response.status_code == 200 and "Posted." in html
    page = LiveBlogPage.objects.get(pk=live_page.pk)
    [post] = page.live_posts
    assert row_ids(response) == [post.id]  # the new row, for the list
    entry = PublishLogEntry.objects.get(page=live_page)
    assert (list(entry.renders), entry.trigger, entry.user) == ([post.id], "composer", reporter)
    assert page.live_revision.user == reporter
    log = PageLogEntry.objects.filter(page=live_page, action="wagtail_live_admin.add_post").get()
    assert (log.user, log.revision) == (reporter, page.live_revision)


def test_post_now_with_nothing_to_post_says_so_and_posts_nothing(
    client, reporter, live_page, posts_url
):
    response = client.post(f"{posts_url}new/", {"text": composer_text(""), "embed": ""})
    assert "Write some text, or choose an image or an embed URL." in response.content.decode()
    assert not PublishLogEntry.objects.exists()


def test_an_embed_url_that_cannot_be_embedded_is_refused_and_the_text_kept(
    client, reporter, live_page, posts_url
):
    data = {"text": composer_text("Watch the goal"), "embed": "https://example.invalid/nothing"}
    response = client.post(f"{posts_url}new/", data)
    html = response.content.decode()
    assert "Cannot find an embed for this URL." in html
    assert "Watch the goal" in html  # what was typed is kept
    assert len(LiveBlogPage.objects.get(pk=live_page.pk).live_posts) == 0


def test_the_channel_page_shows_a_reporter_the_composer_but_not_the_stats(
    client, reporter, live_page
):
    html = client.get(f"/admin/live/channels/{live_page.channel_id}/").content.decode()
    assert "Post now" in html and 'data-live-ws-path="/ws/channel/match-day.1/"' in html
    assert "Subscribers, last" not in html


def test_the_channel_page_shows_no_composer_to_whoever_may_not_publish(client, live_page):
    client.force_login(make_staff(VIEWER))
    html = client.get(f"/admin/live/channels/{live_page.channel_id}/").content.decode()
    assert "Subscribers, last" in html and "Post now" not in html


def test_posts_come_in_slices_of_twenty_newest_first(client, reporter, live_page, posts_url):
    for number in range(45):
        operations.add_post(live_page, post_value(f"Post {number}"))
    ids = [item["id"] for item in LiveBlogPage.objects.get(pk=live_page.pk).live_posts.raw_data]
    first = client.get(f"/admin/live/channels/{live_page.channel_id}/")
    assert row_ids(first) == ids[:20]
    cursor = re.search(r'hx-get="([^"]+posts/\?before_id=[^"]+)"', first.content.decode())
    second = client.get(cursor.group(1).replace("&amp;", "&"))
    assert row_ids(second) == ids[20:40]
    cursor = re.search(r'hx-get="([^"]+posts/\?before_id=[^"]+)"', second.content.decode())
    third = client.get(cursor.group(1).replace("&amp;", "&"))
    assert row_ids(third) == ids[40:]
    assert "Show older posts" not in third.content.decode()


def test_changes_since_a_seq_are_the_rows_the_updates_touched(
    client, reporter, live_page, posts_url
):
    kept = operations.add_post(live_page, post_value("Kept")).post["id"]
    gone = operations.add_post(live_page, post_value("Gone")).post["id"]
    since = PublishLogEntry.objects.latest("seq").seq
    operations.set_shown(live_page, False, post_id=kept)
    operations.delete_post(live_page, post_id=gone)
    html = client.get(f"{posts_url}changes/?since={since}").content.decode()
    assert f'data-post-id="{kept}" data-created=' in html and "Hidden from readers" in html
    assert f'<li data-post-id="{gone}" data-removed hidden data-live-follow></li>' in html
    assert f'id="live-composer-since" value="{since + 2}" hx-swap-oob="true"' in html


def test_editing_over_someone_elses_change_wins_and_says_so(client, reporter, live_page, posts_url):
    post_id = operations.add_post(live_page, post_value("Score 1-0")).post["id"]
    opened = client.get(f"{posts_url}{post_id}/edit/").content.decode()
    version = re.search(r'name="edit-[^"]+-version" value="([^"]+)"', opened).group(1)
    content = [{"type": "text", "value": "<p>Score 1-1</p>"}]
    operations.edit_post(live_page, post_id=post_id, content=content)  # someone else
    data = {f"edit-{post_id}-text": composer_text("Score 2-0"), f"edit-{post_id}-version": version}
    response = client.post(f"{posts_url}{post_id}/edit/", data)
    assert "Someone else had changed this post since you opened it" in response.content.decode()
    post = LiveBlogPage.objects.get(pk=live_page.pk).live_posts[0]
    assert "Score 2-0" in post.value["content"][0].value.source


def test_an_action_on_a_post_deleted_meanwhile_takes_its_row_out(
    client, reporter, live_page, posts_url
):
    post_id = operations.add_post(live_page, post_value("Soon gone")).post["id"]
    operations.delete_post(live_page, post_id=post_id)
    response = client.post(f"{posts_url}{post_id}/pin/")
    html = response.content.decode()
    assert f'<li data-post-id="{post_id}" data-removed hidden></li>' in html
    assert "The post was deleted meanwhile." in html


def test_a_post_with_more_blocks_than_the_composer_edits_links_to_the_page_editor(
    client, reporter, live_page, posts_url
):
    value = post_value("Two paragraphs")
    value["content"].append(("text", value["content"][0].value))
    post_id = operations.add_post(live_page, value).post["id"]
    html = client.get(f"{posts_url}{post_id}/").content.decode()
    assert "Edit in the page editor" in html and f"/admin/pages/{live_page.pk}/edit/" in html
    assert f"{post_id}/edit/" not in html


def test_the_composer_refuses_to_edit_a_post_with_more_blocks_than_it_edits(
    client, reporter, live_page, posts_url
):
    value = post_value("First paragraph")
    value["content"].append(("text", value["content"][0].value))
    post_id = operations.add_post(live_page, value).post["id"]
    data = {f"edit-{post_id}-text": composer_text("Only this"), f"edit-{post_id}-version": ""}
    response = client.post(f"{posts_url}{post_id}/edit/", data)
    assert "edit it in the page editor" in response.content.decode()
    assert len(LiveBlogPage.objects.get(pk=live_page.pk).live_posts[0].value["content"]) == 2
