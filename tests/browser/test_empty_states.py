"""In a real browser: a search or a filter without results says so, in Wagtail's words."""

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.chromium import Editor, explained_failure, launch_chromium, new_context
from tests.posts import post_value
from tests.services import require_chromium
from tests.staff import VIEWER, make_staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_search_and_a_filter_without_results_say_so(fresh_live_page, server, tmp_path):
    fresh_live_page.add_live_post(post_value("Kick-off", message_id="a"))  # one update, sent
    make_staff(VIEWER)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, require_chromium())
        staff = Editor(new_context(browser), server.url)
        admin = staff.page
        with explained_failure(server, tmp_path, admin=admin):
            staff.log_in(VIEWER, "password")

            admin.goto(f"{server.url}/admin/live/")
            results = admin.locator("#listing-results")
            expect(results).to_contain_text(fresh_live_page.title)
            admin.get_by_role("textbox", name="Search term").fill("no such page")
            expect(results).to_contain_text("No live pages match your query.")
            expect(results).not_to_contain_text("No page is live with a channel yet.")

            admin.goto(f"{server.url}/admin/live/log/")
            expect(results).to_contain_text(f"{fresh_live_page.channel_id} #1")
            admin.get_by_role("button", name="Show filters").click()
            admin.locator("#filters-drilldown").get_by_role("button", name="Status").click()
            admin.get_by_role("radio", name="Failed").check()
            expect(results).to_contain_text("No updates match your query.")
            expect(results).not_to_contain_text("No updates have been published yet.")
        browser.close()
