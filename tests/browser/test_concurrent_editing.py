"""In a real browser: several people change one live blog at once, and no post is lost.

Two editors in the real Wagtail page editor, the Python API in the test process (its
updates reach readers through a Redis layer shared with daphne), and a reader's page.
"""

import pytest
from playwright.sync_api import expect

from tests.chromium import Editor, Reader, explained_failure, in_thread, new_context
from tests.posts import post_value
from tests.testapp.models import LiveBlogPage
from wagtail_live_admin.models import PublishLogEntry

pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def served(shared_redis, daphne):
    return daphne(env=shared_redis)


@pytest.fixture
def page_url(served, fresh_live_page):
    return served.url + fresh_live_page.get_url_parts()[2]


@pytest.fixture
def browser(served, page_url, newsroom, chromium):
    return chromium


def sign_in(browser, server, username) -> Editor:
    editor = Editor(new_context(browser, viewport={"width": 1400, "height": 1000}), server.url)
    editor.log_in(username, "pw")
    return editor


@pytest.fixture
def anna(browser, served):
    return sign_in(browser, served, "anna")


@pytest.fixture
def ben(browser, served):
    return sign_in(browser, served, "ben")


@pytest.fixture
def reader(browser, page_url):
    return Reader(new_context(browser), page_url)


def add_through_the_api(page_pk: int, text: str) -> str:
    page = LiveBlogPage.objects.get(pk=page_pk)
    page.add_live_post(post_value(text))
    return next(post.id for post in page.live_posts if text in str(post.value["content"]))


def live_post_ids(page_pk: int) -> set[str]:
    return {post.id for post in LiveBlogPage.objects.get(pk=page_pk).live_posts}


def last_update(page_pk: int) -> tuple[list, list]:
    entry = PublishLogEntry.objects.filter(page_id=page_pk).order_by("-seq").first()
    return list(entry.renders), entry.removals


def test_two_editors_who_opened_the_page_both_publish_and_readers_keep_both_posts(
    served, fresh_live_page, reader, anna, ben, tmp_path
):
    pages = {"reader": reader.page, "anna": anna.page, "ben": ben.page}
    with explained_failure(served, tmp_path, **pages):
        reader.expect_status("live")
        anna.open(fresh_live_page.pk)
        ben.open(fresh_live_page.pk)
        first = anna.add_text_post("Anna: kick-off at Anfield")
        second = ben.add_text_post("Ben: an early chance")
        anna.publish()
        expect(reader.post(first)).to_contain_text("Anna: kick-off at Anfield")

        ben.publish()  # Wagtail says Anna saved a newer version: Ben goes on
        [dialog] = ben.dialogs
        assert "anna saved a new version" in dialog
        assert "Live posts are merged, not overwritten" in dialog
        expect(reader.post(second)).to_contain_text("Ben: an early chance")
        expect(reader.post(first)).to_contain_text("Anna: kick-off at Anfield")
        assert sorted(reader.post_ids()) == sorted([first, second])
        assert any("kept 1 post that others published" in m for m in ben.messages())
        assert "Anna: kick-off" in " ".join(ben.messages())
        assert last_update_of(fresh_live_page) == ([second], [])
        assert in_thread(live_post_ids, fresh_live_page.pk) == {first, second}
        reader.assert_not_reloaded()


def last_update_of(page):
    return in_thread(last_update, page.pk)


def test_a_post_added_through_the_api_while_an_editor_has_the_page_open_survives_their_publish(
    served, fresh_live_page, reader, anna, tmp_path
):
    with explained_failure(served, tmp_path, reader=reader.page, anna=anna.page):
        reader.expect_status("live")
        anna.open(fresh_live_page.pk)
        from_the_wire = in_thread(add_through_the_api, fresh_live_page.pk, "From the wire")
        expect(reader.post(from_the_wire)).to_contain_text("From the wire")

        mine = anna.add_text_post("Anna's report")
        anna.publish()
        expect(reader.post(mine)).to_contain_text("Anna's report")
        expect(reader.post(from_the_wire)).to_contain_text("From the wire")
        assert last_update_of(fresh_live_page) == ([mine], [])
        assert in_thread(live_post_ids, fresh_live_page.pk) == {mine, from_the_wire}


def test_a_new_post_from_a_freshly_opened_editor_after_api_posts_sends_one_render(
    served, fresh_live_page, reader, anna, tmp_path
):
    """API posts carry seconds in their timestamps; the editor's form keeps minutes only."""
    with explained_failure(served, tmp_path, reader=reader.page, anna=anna.page):
        reader.expect_status("live")
        for number in range(3):
            in_thread(add_through_the_api, fresh_live_page.pk, f"Wire update {number}")
        expect(reader.posts).to_have_count(3)

        anna.open(fresh_live_page.pk)
        mine = anna.add_text_post("Anna's first post")
        anna.publish()
        expect(reader.post(mine)).to_contain_text("Anna's first post")
        assert last_update_of(fresh_live_page) == ([mine], [])
        expect(reader.posts).to_have_count(4)
        expect(reader.page.locator(".live-post-modified")).to_have_count(0)
