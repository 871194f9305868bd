"""In a real browser: the Live dashboard counts readers as they come and go, without a reload."""

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.chromium import Editor, Reader, explained_failure, launch_chromium, new_context
from tests.services import require_chromium
from tests.staff import VIEWER, make_staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# tests/settings.py polls every second; a count shows within a few polls.
COUNT_TIMEOUT_MS = 10_000


def test_the_dashboard_follows_readers_coming_and_going(fresh_live_page, server, tmp_path):
    live_page = fresh_live_page
    make_staff(VIEWER)  # an editor who may view the Live dashboard, not a superuser
    executable = require_chromium()
    page_url = server.url + live_page.get_url_parts()[2]
    # Chromium starts after the test's data is in: see the browser fixture of
    # tests/browser/test_editor_to_reader.py.
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, executable)
        staff = Editor(new_context(browser), server.url)
        dashboard = staff.page
        with explained_failure(server, tmp_path, dashboard=dashboard):
            staff.log_in(VIEWER, "password")
            dashboard.goto(f"{server.url}/admin/live/")
            dashboard.evaluate("window.__noReload = 1")
            count = dashboard.locator(f'[data-live-subscribers="{live_page.channel_id}"]')
            expect(count).to_have_text("0")

            readers = []
            for _ in range(3):  # each in a browser context of its own
                reader = Reader(new_context(browser), page_url)
                reader.expect_status("live")
                readers.append(reader)
            expect(count).to_have_text("3", timeout=COUNT_TIMEOUT_MS)

            readers.pop().page.context.close()  # one reader leaves
            expect(count).to_have_text("2", timeout=COUNT_TIMEOUT_MS)

            assert dashboard.evaluate("window.__noReload") == 1  # the table refreshed in place
        browser.close()
