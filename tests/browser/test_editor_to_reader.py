"""In a real browser: an open live page follows what an editor publishes in the Wagtail admin.

daphne serves the test project in a subprocess (tests/servers.py); Chromium has two
contexts, an anonymous reader on the live page and an editor in the admin.
"""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect, sync_playwright

from tests.chromium import Editor, Reader, explained_failure, launch_chromium, new_context
from tests.services import require_chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def live_page(fresh_live_page):
    return fresh_live_page


@pytest.fixture
def page_url(server, live_page):
    return server.url + live_page.get_url_parts()[2]


@pytest.fixture
def editor_account(transactional_db):
    get_user_model().objects.create_superuser("editor", "editor@example.com", "pw")
    return "editor", "pw"


@pytest.fixture
def browser(server, page_url, editor_account):
    """Chromium, for one test, started once the test's data is in.

    Playwright's sync API marks its event loop as running in this thread while it
    is up. Django then takes the thread for async code: it refuses database calls
    and, when allowed, makes them on another connection, which lacks the snapshot
    that ``serialized_rollback`` restores. So the browser lives inside the test,
    between the fixtures that write and the flush that follows (the test bodies
    query nothing), rather than once per module.
    """
    executable = require_chromium()
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, executable)
        yield browser
        browser.close()


@pytest.fixture
def reader(browser, page_url):
    return Reader(new_context(browser), page_url)


@pytest.fixture
def editor(browser, server, editor_account, tmp_path):
    editor = Editor(new_context(browser, viewport={"width": 1400, "height": 1000}), server.url)
    with explained_failure(server, tmp_path, editor=editor.page):
        editor.log_in(*editor_account)  # through the admin's login form
    return editor


def test_the_page_connects_over_ws_on_an_http_page(server, live_page, reader, tmp_path):
    with explained_failure(server, tmp_path, reader=reader.page):
        reader.expect_status("live")
        assert reader.statuses() == ["connecting", "live"]
        assert reader.websocket_urls == [
            f"ws://127.0.0.1:{server.port}/ws/channel/{live_page.channel_id}/"
        ]
        expect(reader.status).to_have_text("Live")
        reader.assert_not_reloaded()


def test_an_open_page_follows_add_edit_hide_and_delete_in_the_admin(
    server, live_page, reader, editor, tmp_path
):
    with explained_failure(server, tmp_path, reader=reader.page, editor=editor.page):
        reader.expect_status("live")

        editor.open(live_page.pk)
        first = editor.add_text_post("Kick-off at Anfield")
        editor.publish()
        expect(reader.post(first)).to_contain_text("Kick-off at Anfield")

        editor.open(live_page.pk)
        second = editor.add_text_post("Goal by Salah")
        editor.publish()
        expect(reader.post(second)).to_contain_text("Goal by Salah")
        assert reader.post_ids() == [second, first]  # newest first

        # The newest post is edited: it keeps its id, its one element and its place.
        editor.open(live_page.pk)
        editor.replace_text(second, "Goal by Nunez, deflected")
        editor.publish()
        content = reader.post(second).locator(".live-post-content")
        expect(content).to_have_text("Goal by Nunez, deflected")
        expect(reader.post(second)).to_have_count(1)
        expect(reader.post(second).locator(".live-post-modified")).to_be_visible()
        assert reader.post_ids() == [second, first]  # the edit kept its place

        editor.open(live_page.pk)
        editor.set_shown(first, False)
        editor.publish()
        expect(reader.post(first)).to_have_count(0)
        assert reader.post_ids() == [second]

        editor.open(live_page.pk)
        editor.delete(second)
        editor.publish()
        expect(reader.posts).to_have_count(0)

        reader.assert_not_reloaded()
        assert reader.statuses() == ["connecting", "live"]  # one socket all along


def test_the_page_reconnects_after_a_server_restart_and_gets_new_posts(
    server, live_page, reader, editor, tmp_path
):
    with explained_failure(server, tmp_path, reader=reader.page, editor=editor.page):
        reader.expect_status("live")

        server.stop()
        reader.expect_status("reconnecting")
        server.start()
        # Retries back off (with jitter) while the server is away: allow for the longest.
        reader.expect_status("live", timeout=20_000)

        # The same session cookie, now served by the new process, which publishes.
        editor.open(live_page.pk)
        post_id = editor.add_text_post("After the restart")
        editor.publish()
        expect(reader.post(post_id)).to_contain_text("After the restart")

        reader.assert_not_reloaded()
        assert reader.statuses() == ["connecting", "live", "reconnecting", "live"]
        socket_url = f"ws://127.0.0.1:{server.port}/ws/channel/{live_page.channel_id}/"
        assert len(reader.websocket_urls) >= 2
        assert set(reader.websocket_urls) == {socket_url}
