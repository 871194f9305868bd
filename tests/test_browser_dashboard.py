"""In a real browser: the Live dashboard counts readers as they come and go, without a reload."""

import uuid

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.browser import Editor, Reader, explained_failure, launch_chromium, new_context
from tests.conftest import make_live_page
from tests.servers import DaphneServer
from tests.services import require_chromium
from tests.staff import VIEWER, make_staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# tests/settings.py polls every second; a count shows within a few polls.
COUNT_TIMEOUT_MS = 10_000


@pytest.fixture
def live_page(home):
    return make_live_page(home, title="Match day", channel_id=f"match-day.{uuid.uuid4().hex[:8]}")


def test_the_dashboard_follows_readers_coming_and_going(live_page, request, tmp_path):
    make_staff(VIEWER)  # an editor who may view the Live dashboard, not a superuser
    executable = require_chromium()
    server = DaphneServer().start()
    request.addfinalizer(server.stop)
    page_url = server.url + live_page.get_url_parts()[2]
    # Chromium starts after the test's data is in (see tests/test_browser.py's browser fixture).
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
