"""In a real browser: the composer on a channel's page, a reader's page, a second editor.

daphne serves the test project; Anna posts, edits, hides, pins and deletes with the
composer; a reader's open page and Ben's channel page follow every step unreloaded.
"""

import pytest
from playwright.sync_api import expect

from tests.chromium import (
    LIVE_TIMEOUT_MS,
    Composer,
    Editor,
    Reader,
    explained_failure,
    in_thread,
    new_context,
)
from tests.testapp.models import LiveBlogPage
from wagtail_live_admin.models import PublishLogEntry

pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def page_url(server, fresh_live_page):
    return server.url + fresh_live_page.get_url_parts()[2]


@pytest.fixture
def browser(server, page_url, newsroom, chromium):
    return chromium


def composer(browser, server, username, channel_id) -> Composer:
    editor = Editor(new_context(browser, viewport={"width": 1400, "height": 1000}), server.url)
    editor.log_in(username, "pw")
    writer = Composer(editor)
    writer.open(channel_id)
    return writer


@pytest.fixture
def anna(browser, server, fresh_live_page):
    return composer(browser, server, "anna", fresh_live_page.channel_id)


@pytest.fixture
def ben(browser, server, fresh_live_page):
    return composer(browser, server, "ben", fresh_live_page.channel_id)


@pytest.fixture
def reader(browser, page_url):
    return Reader(new_context(browser), page_url)


def composer_updates(page_pk: int) -> list[tuple[str, str]]:
    entries = PublishLogEntry.objects.filter(page_id=page_pk).order_by("seq")
    return [(entry.trigger, entry.user.username) for entry in entries]


def revision_count(page_pk: int) -> int:
    return LiveBlogPage.objects.get(pk=page_pk).revisions.count()


def test_the_composer_posts_edits_hides_pins_and_deletes_and_everyone_follows(
    server, fresh_live_page, reader, anna, ben, tmp_path
):
    pages = {"reader": reader.page, "anna": anna.page, "ben": ben.page}
    with explained_failure(server, tmp_path, **pages):
        reader.expect_status("live")
        revisions = in_thread(revision_count, fresh_live_page.pk)

        first = anna.post("Kick-off at Anfield")
        expect(reader.post(first)).to_contain_text("Kick-off at Anfield", timeout=LIVE_TIMEOUT_MS)
        expect(ben.row(first)).to_be_visible()  # Ben's list follows the channel

        second = anna.post("Early chance for Salah")
        expect(reader.post(second)).to_be_visible()
        assert reader.post_ids() == [second, first]

        anna.edit(first, "Kick-off at Anfield, delayed by ten minutes")
        expect(reader.post(first)).to_contain_text("delayed by ten minutes")
        expect(reader.post(first).locator(".live-post-modified")).to_be_visible()

        anna.act(second, "Hide")
        expect(reader.post(second)).to_have_count(0)
        expect(ben.row(second)).to_have_attribute("data-hidden", "")

        anna.act(second, "Show")
        expect(reader.post(second)).to_be_visible()

        anna.act(first, "Pin")  # the older post goes on top
        expect(reader.post(first)).to_have_attribute("data-pinned", "")
        expect(reader.post(first)).to_contain_text("Pinned")
        assert reader.post_ids() == [first, second]
        expect(ben.row(first)).to_have_attribute("data-pinned", "")

        anna.delete(second)
        expect(reader.post(second)).to_have_count(0)
        expect(ben.row(second)).to_have_count(0)

        reader.assert_not_reloaded()
        anna.assert_not_reloaded()
        ben.assert_not_reloaded()
        channel_socket = f"{server.ws_url}/ws/channel/{fresh_live_page.channel_id}/"
        assert channel_socket in ben.websocket_urls
        # Post, post, edit, hide, show, pin, delete: seven updates, each by Anna through
        # the composer, each leaving a revision.
        assert in_thread(composer_updates, fresh_live_page.pk) == [("composer", "anna")] * 7
        assert in_thread(revision_count, fresh_live_page.pk) == revisions + 7


def test_a_row_the_channel_brings_back_unchanged_stays_under_the_editors_pointer(
    server, fresh_live_page, anna, tmp_path
):
    # The channel's frame of Anna's own change may come before her answer: her list then
    # asks for the row again. Swapped for a copy, the button under her pointer would go,
    # and a click on it at that moment with it.
    with explained_failure(server, tmp_path, anna=anna.page):
        post_id = anna.post("Early chance for Salah")
        anna.act(post_id, "Hide")
        anna.row(post_id).evaluate("row => { row.keptInPlace = true }")
        with anna.page.expect_response(lambda response: "/posts/changes/" in response.url):
            anna.page.evaluate(
                """() => {
                    document.querySelector("#live-composer-since").value = "0";
                    htmx.trigger("[data-live-composer-follow]", "live:frame");
                }"""
            )
        # The answer is in the inbox once htmx has swapped it: composer.js places it then.
        expect(anna.page.locator("#live-composer-inbox > *")).to_have_count(0)
        assert anna.row(post_id).evaluate("row => row.keptInPlace === true")
        anna.act(post_id, "Show")


def test_a_row_that_changes_while_the_editors_click_is_on_its_way_keeps_her_answer(
    server, fresh_live_page, anna, ben, tmp_path
):
    # Anna's Hide is on its way when Ben's Pin reaches her list and changes the row. The
    # answer's status line goes in where her button is: the row must not go before it.
    with explained_failure(server, tmp_path, anna=anna.page, ben=ben.page):
        post_id = anna.post("Early chance for Salah")
        held = []
        anna.page.route("**/hide/", lambda route: held.append(route))
        with anna.page.expect_request(lambda request: request.url.endswith("/hide/")):
            anna.row(post_id).get_by_role("button", name="Hide", exact=True).click()
        with anna.page.expect_response(lambda response: "/posts/changes/" in response.url):
            ben.act(post_id, "Pin")
        assert len(held) == 1  # Anna's Hide still waits
        held[0].continue_()
        expect(anna.status).to_contain_text("Hidden")
        expect(anna.row(post_id)).to_have_attribute("data-hidden", "")
        expect(anna.row(post_id)).to_have_attribute("data-pinned", "")
