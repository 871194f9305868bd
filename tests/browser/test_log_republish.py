"""In a real browser: a re-publish from a publish log row brings the new update into the
list at once, with the count, and a refusal says why below the row, across the table."""

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.chromium import Editor, explained_failure, launch_chromium, new_context
from tests.posts import post_value
from tests.services import require_chromium
from tests.staff import REPUBLISHER, make_staff
from wagtail_live_admin.models import PublishLogEntry

pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_row_republish_updates_the_list_and_a_refusal_keeps_the_column(
    fresh_live_page, server, tmp_path
):
    live_page = fresh_live_page
    channel = live_page.channel_id
    live_page.add_live_post(post_value("Kick-off", message_id="a"))
    PublishLogEntry.objects.filter(channel_id=channel).update(status="failed", error="Lost")
    make_staff(REPUBLISHER)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, require_chromium())
        staff = Editor(new_context(browser, viewport={"width": 1400, "height": 900}), server.url)
        log = staff.page
        with explained_failure(server, tmp_path, log=log):
            staff.log_in(REPUBLISHER, "password")
            log.goto(f"{server.url}/admin/live/log/?channel_id={channel}")
            log.evaluate("window.__noReload = 1")
            results = log.locator("#listing-results")
            rows = results.locator("tbody tr[data-live-entry]")
            expect(rows).to_have_count(1)
            expect(results.get_by_role("alert")).to_contain_text("There is 1 match")
            column = results.locator("thead th").last

            original = rows.first
            original.get_by_role("button", name="Re-publish").click()
            # The new update is listed first, the count says two, and the original's
            # row tells its re-publish: without a reload.
            expect(rows).to_have_count(2)
            expect(rows.first).to_contain_text(f"{channel} #2")
            expect(results.get_by_role("alert")).to_contain_text("There are 2 matches")
            expect(rows.last.locator("[data-live-republish-status=sent]")).to_contain_text("#2")
            width = column.bounding_box()["width"]

            # Again at once: refused (not twice in a row), and the reason is a row of
            # its own below, as wide as the table, not squeezed into the button's column.
            rows.last.get_by_role("button", name="Re-publish").click()
            refusal = results.locator("tr.live-republish-refusal")
            expect(refusal).to_contain_text("was re-published a moment ago")
            expect(rows).to_have_count(2)
            assert column.bounding_box()["width"] < width * 1.1  # as wide as before, near enough
            table_width = results.locator("table").bounding_box()["width"]
            assert refusal.bounding_box()["width"] > table_width * 0.9
            # One line per few words: no word is broken across lines.
            line_height = float(
                refusal.locator("p").evaluate("p => getComputedStyle(p).lineHeight")[:-2]
            )
            assert refusal.locator("p").bounding_box()["height"] < 3 * line_height
            assert log.evaluate("window.__noReload") == 1
        browser.close()
