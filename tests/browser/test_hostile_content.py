"""In a real browser: hostile titles, errors, channel ids and posts run nowhere in the admin.

Each payload (tests/hostile.py) calls ``window.__xss(where)`` if it runs, or has htmx
fetch a URL with ``pwned`` in it. The pages are shown as a superuser, long enough for
their htmx partials to refresh.
"""

import pytest
from playwright.sync_api import expect, sync_playwright

from tests import hostile
from tests.chromium import Editor, explained_failure, launch_chromium, new_context
from tests.services import require_chromium
from tests.staff import SUPERUSER, make_staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Reports through the console, which Playwright hears from every frame.
XSS_DETECTOR = "window.__xss = (where) => console.error('__xss__ ' + where);"

# tests/settings.py refreshes every second: two refreshes fit in this.
POLLS_MS = 2500

# Frames of this package that may hold post HTML (inline, or from a Live admin URL): each
# sandboxed, without the admin's origin. Wagtail's own preview panel is
# Wagtail's: it shows the page as readers see it.
IFRAMES = """() => Array.from(
  document.querySelectorAll("iframe[srcdoc], iframe[src*='/admin/live/']")
).map((frame) => ({
  sandboxed: frame.hasAttribute("sandbox"),
  tokens: Array.from(frame.sandbox),
}))"""


def test_nothing_hostile_runs_in_the_admin(home, server, tmp_path):
    site = hostile.make_hostile_site(home)
    make_staff(SUPERUSER)
    executable = require_chromium()
    ran, fetched = [], []
    # Chromium starts after the test's data is in: see the browser fixture of
    # tests/browser/test_editor_to_reader.py.
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, executable)
        context = new_context(browser, viewport={"width": 1400, "height": 1000})
        context.add_init_script(XSS_DETECTOR)
        staff = Editor(context, server.url)
        page = staff.page
        page.on("console", lambda m: ran.append(m.text) if "__xss__" in m.text else None)
        page.on("request", lambda r: fetched.append(r.url) if "pwned" in r.url else None)
        with explained_failure(server, tmp_path, admin=page):
            staff.log_in(SUPERUSER, "password")
            ran.clear()  # the home page is checked below, with the others
            page.evaluate("window.__xss('control')")  # the detector hears a payload that runs
            page.wait_for_timeout(500)
            assert ran == ["__xss__ control"]
            ran.clear()
            for name, (url, shown) in hostile.ADMIN_PAGES.items():
                page.goto(server.url + url(site))
                page.wait_for_timeout(POLLS_MS)
                assert ran == [] and fetched == [], f"{name}: ran {ran}, fetched {fetched}"
                # The payloads are there, as text.
                if name != "page editor":  # the title sits in an input's value there
                    expect(page.locator("body")).to_contain_text(f'window.__xss("{shown[0]}")')
                assert page.locator("img[onerror], svg[onload], [hx-get*=pwned]").count() == 0
                for frame in page.evaluate(IFRAMES):
                    assert frame["sandboxed"], f"{name}: an iframe without sandbox"
                    # Scripts (only the one the document's policy names, which sizes
                    # the frame) or the admin's origin, never both.
                    assert "allow-same-origin" not in frame["tokens"]
        browser.close()
