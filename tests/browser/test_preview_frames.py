"""In a real browser: an update's previews are as tall as their posts, and stay sandboxed."""

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.chromium import Editor, explained_failure, launch_chromium, new_context
from tests.services import require_chromium
from tests.staff import VIEWER, make_staff
from wagtail_live_admin.models import PublishLogEntry

pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LONG = "".join(f"<p>Paragraph {number} of a long report.</p>" for number in range(30))
HEIGHTS = """() => Array.from(document.querySelectorAll("iframe.live-preview-frame"))
  .map((frame) => frame.getBoundingClientRect().height)"""


def test_each_preview_is_as_tall_as_its_post(fresh_live_page, server, tmp_path):
    entry = PublishLogEntry.objects.record(
        fresh_live_page.channel_id,
        {
            "short": {"show": True, "content": "<p>One line</p>"},
            "long": {"show": True, "content": LONG},
        },
        [],
        page=fresh_live_page,
    )
    entry.mark(PublishLogEntry.Status.SENT)
    make_staff(VIEWER)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, require_chromium())
        staff = Editor(new_context(browser, viewport={"width": 1400, "height": 900}), server.url)
        page = staff.page
        with explained_failure(server, tmp_path, admin=page):
            staff.log_in(VIEWER, "password")
            page.goto(f"{server.url}/admin/live/log/{entry.pk}/")
            frames = page.locator("iframe.live-preview-frame")
            expect(frames).to_have_count(2)
            frames.last.scroll_into_view_if_needed()  # they load lazily
            long_frame = page.frame_locator("iframe.live-preview-frame").last
            expect(long_frame.locator("p").last).to_have_text("Paragraph 29 of a long report.")
            page.wait_for_function(f"() => ({HEIGHTS})()[1] > 600")
            short, long = page.evaluate(HEIGHTS)
            # Each frame fits its document: no scroll bar in the long one, no gap in the short.
            inner = page.frames[2].evaluate("document.documentElement.scrollHeight")
            assert abs(long - inner) <= 4, (long, inner)
            assert short < 200, short
            assert page.locator("iframe.live-preview-frame[sandbox=allow-scripts]").count() == 2
        browser.close()
