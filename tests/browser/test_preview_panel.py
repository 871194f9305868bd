"""In a real browser: the page editor's preview panel says it shows the draft; it is not
left saying "Connecting…" to a channel it never joins."""

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.chromium import Editor, explained_failure, launch_chromium, new_context
from tests.posts import post_value
from tests.services import require_chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_preview_panel_is_not_left_connecting(fresh_live_page, newsroom, server, tmp_path):
    live_page = fresh_live_page
    live_page.add_live_post(post_value("Kick-off", message_id="a"))
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, require_chromium())
        anna = Editor(new_context(browser, viewport={"width": 1400, "height": 900}), server.url)
        with explained_failure(server, tmp_path, editor=anna.page):
            anna.log_in("anna", "pw")
            anna.open(live_page.pk)
            anna.page.get_by_role("button", name="Toggle preview").click()
            preview = anna.page.frame_locator("#w-preview-iframe")
            expect(preview.locator("#live-posts")).to_contain_text("Kick-off")
            status = preview.locator(".live-status")
            expect(status).to_have_attribute("data-live-status", "preview")
            expect(status).to_have_text(
                "Preview of the draft: readers' pages follow the live channel."
            )
            anna.page.wait_for_timeout(2_000)  # live.js has had its chance to start
            expect(status).not_to_contain_text("Connecting")
        browser.close()
