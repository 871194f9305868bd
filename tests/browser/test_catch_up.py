"""In a real browser: a page that was offline while updates were published catches up.

On its socket as it opens, or (from a server that does not offer that) from the endpoint.
"""

import contextlib
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from playwright.sync_api import sync_playwright

from tests.chromium import (
    NO_SOCKET_CATCH_UP,
    Reader,
    explained_failure,
    launch_chromium,
    new_context,
)
from tests.posts import post_value
from tests.services import require_chromium
from tests.testapp.models import LiveBlogPage

pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def fresh_post_ids(browser, url) -> list[str]:
    """The posts of a fresh load of the page, newest first."""
    page = new_context(browser).new_page()
    page.goto(url)
    return page.locator("#live-posts .live-post").evaluate_all(
        "posts => posts.map(post => post.dataset.postId)"
    )


def publish_while_offline(page_pk: int) -> None:
    try:
        page = LiveBlogPage.objects.get(pk=page_pk)
        page.add_live_post(post_value("Goal!", message_id="c"))
        page = LiveBlogPage.objects.get(pk=page_pk)
        edited = page.get_live_post_by_message_id("b")
        edited.value["content"] = edited.block.child_blocks["content"].to_python(
            [{"type": "text", "value": "<p>Early chance, saved</p>"}]
        )
        page.update_live_post(edited)
        LiveBlogPage.objects.get(pk=page_pk).delete_live_post("a")
    finally:
        connection.close()


@contextlib.contextmanager
def live_reader(live_page, daphne, tmp_path, *, on_socket=True):
    """A reader with ``live_page`` (two posts, a and b) open and live: (server, browser, reader).

    ``on_socket=False``: its sockets do not ask to catch up (``NO_SOCKET_CATCH_UP``).
    The reader's requests to the catch-up endpoint are in ``reader.catch_ups``.
    """
    live_page.add_live_post(post_value("Kick-off", message_id="a"))
    live_page.add_live_post(post_value("Early chance", message_id="b"))
    server = daphne()
    executable = require_chromium()
    url = server.url + live_page.get_url_parts()[2]  # before Playwright's loop (see chromium)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, executable)
        context = new_context(browser)
        if not on_socket:
            context.add_init_script(NO_SOCKET_CATCH_UP)
        catch_ups = []
        context.on("request", lambda r: catch_ups.append(r.url) if "/updates/" in r.url else None)
        reader = Reader(context, url)
        reader.catch_ups = catch_ups
        with explained_failure(server, tmp_path, reader=reader.page):
            reader.expect_status("live")
            yield server, browser, reader
        browser.close()


def offline_updates(server, reader, page_pk: int) -> None:
    """Stop the server, publish an add, an edit and a delete, start it again."""
    server.stop()
    reader.expect_status("reconnecting")
    # In a thread: Playwright's loop makes Django refuse this one.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(publish_while_offline, page_pk).result()
    server.start()
    reader.expect_status("live", timeout=20_000)


@pytest.mark.parametrize("on_socket", [True, False], ids=["on its socket", "from the endpoint"])
def test_a_page_offline_during_add_edit_and_delete_catches_up_on_reconnect(
    fresh_live_page, daphne, tmp_path, on_socket
):
    live = live_reader(fresh_live_page, daphne, tmp_path, on_socket=on_socket)
    with live as (server, browser, reader):
        offline_updates(server, reader, fresh_live_page.pk)
        reader.page.wait_for_function(
            "() => document.querySelectorAll('#live-posts .live-post').length === 2"
        )
        reader.page.get_by_text("Early chance, saved").wait_for()
        assert reader.post_ids() == fresh_post_ids(browser, reader.url)
        assert "Goal!" in reader.page.locator("#live-posts").inner_text()
        reader.assert_not_reloaded()
        # On its socket, a page asks the endpoint nothing: not as it loads, nor after.
        assert bool(reader.catch_ups) is not on_socket, reader.catch_ups


def test_a_catch_up_that_fails_after_a_restart_is_asked_again(fresh_live_page, daphne, tmp_path):
    live = live_reader(fresh_live_page, daphne, tmp_path, on_socket=False)
    with live as (server, _, reader):
        reader.page.wait_for_timeout(3500)  # past the page load's own follow-up
        failed = []

        def fail_once(route):
            if failed:
                route.continue_()
            else:
                failed.append(route.request.url)
                route.abort()  # as a request cut off by a server going away

        reader.page.route("**/updates/**", fail_once)
        offline_updates(server, reader, fresh_live_page.pk)
        # No more updates come: only asking again brings the missed ones.
        reader.page.get_by_text("Early chance, saved").wait_for(timeout=15_000)
        assert failed and "Goal!" in reader.page.locator("#live-posts").inner_text()
        reader.assert_not_reloaded()
