"""Chromium through Playwright: a reader's live page, and an editor in the Wagtail admin.

The editor drives the real Wagtail 8 page editor: the ``live_posts`` StreamField
(one block type, so its "Insert a block" button adds a live post directly), the
Draftail editor of a post's "Text" block, the "Show" checkbox, the block's
"Delete" button, and "Publish" in the footer's "More actions" dropdown.
"""

from __future__ import annotations

import contextlib
import json
import re
from concurrent.futures import ThreadPoolExecutor

from django.db import connection
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ACTION_TIMEOUT_MS = 15_000  # clicks and page loads; the admin loads much JavaScript
LIVE_TIMEOUT_MS = 5_000  # a publish reaches an open page within this
PUBLISH_TIMEOUT_MS = 15_000

# Records each state the status element goes through, from the parser on.
STATUS_RECORDER = """
window.__liveStatuses = [];
new MutationObserver(() => {
  const element = document.querySelector("[data-live-status]");
  const seen = window.__liveStatuses;
  if (element && seen[seen.length - 1] !== element.dataset.liveStatus) {
    seen.push(element.dataset.liveStatus);
  }
}).observe(document, {
  subtree: true, childList: true, attributes: true, attributeFilter: ["data-live-status"],
});
"""


# As a server that does not catch a socket up (one of an older version): live.js's
# WebSocket offers no subprotocol, and the page asks the catch-up endpoint instead.
NO_SOCKET_CATCH_UP = """
const PlainWebSocket = window.WebSocket;
window.WebSocket = function WebSocket(url) { return new PlainWebSocket(url); };
window.WebSocket.prototype = PlainWebSocket.prototype;
"""


# Wagtail autosaves the edit form (a draft revision) shortly after each change.
# A Publish that races an autosave leaves a draft newer than what it published,
# and the next edit view then stops Publish with a confirmation dialog. So the
# editor publishes once autosave is done: this script counts autosaves under way
# (public events), and AUTOSAVE_DONE also asks Wagtail's "w-unsaved" controller
# whether the form still differs from its last snapshot (taken 2 s after load,
# and after each autosave), i.e. whether an autosave is still to come.
AUTOSAVE_TRACKER = """
window.__autosave = {running: 0, last: 0, paused: false};
for (const [event, step] of [
  ["w-autosave:save", 1], ["w-autosave:success", -1], ["w-autosave:error", -1],
]) {
  document.addEventListener(event, () => {
    window.__autosave.running += step;
    window.__autosave.last = performance.now();
  });
}
// Wagtail pauses autosave for good once someone else saved a newer version.
document.addEventListener("w-autosave:deactivated", () => { window.__autosave.paused = true; });
"""
AUTOSAVE_DONE = """() => {
  const form = document.querySelector("[data-edit-form]");
  const unsaved = window.wagtail.app.getControllerForElementAndIdentifier(form, "w-unsaved");
  const snapshot = unsaved && unsaved.initialFormData;
  const { running, last, paused } = window.__autosave;
  const saved = paused || (Boolean(snapshot) && snapshot === unsaved.formData);
  return saved && running === 0 && performance.now() - last > 300;
}"""


def launch_chromium(playwright: Playwright, executable: str) -> Browser:
    return playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)


def new_context(browser: Browser, **kwargs) -> BrowserContext:
    context = browser.new_context(**kwargs)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    return context


def socket_url(socket) -> str:
    return socket.url.partition("?")[0]


class Reader:
    """An anonymous reader with a live page open; remembers its sockets and navigations."""

    def __init__(self, context: BrowserContext, url: str):
        context.add_init_script(STATUS_RECORDER)
        self.page = context.new_page()
        self.url = url
        self.websocket_urls: list[str] = []  # where each socket went (its ?since= aside)
        self.navigations: list[str] = []
        self.page.on("websocket", lambda socket: self.websocket_urls.append(socket_url(socket)))
        self.page.on("framenavigated", self._navigated)
        self.page.goto(url)
        self.page.evaluate("window.__noReload = 1")
        self.status = self.page.locator("[data-live-status]")
        self.posts = self.page.locator("#live-posts > .live-post-wrapper > article.live-post")

    def _navigated(self, frame) -> None:
        if frame == self.page.main_frame:
            self.navigations.append(frame.url)

    def post(self, post_id: str):
        return self.page.locator(f'#live-posts article.live-post[data-post-id="{post_id}"]')

    def post_ids(self) -> list[str]:
        return self.posts.evaluate_all("posts => posts.map(post => post.dataset.postId)")

    def statuses(self) -> list[str]:
        return self.page.evaluate("window.__liveStatuses")

    def expect_status(self, status: str, timeout: float = LIVE_TIMEOUT_MS) -> None:
        expect(self.status).to_have_attribute("data-live-status", status, timeout=timeout)

    def assert_not_reloaded(self) -> None:
        assert self.page.evaluate("window.__noReload") == 1
        assert self.navigations == [self.url]


class Editor:
    """An editor signed in to the Wagtail admin, editing one live page's posts."""

    def __init__(self, context: BrowserContext, base_url: str):
        context.add_init_script(AUTOSAVE_TRACKER)
        self.page = context.new_page()
        self.base_url = base_url
        self.dialogs: list[str] = []  # the text of each dialog publish() went through

    def log_in(self, username: str, password: str) -> None:
        self.page.goto(f"{self.base_url}/admin/login/")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_url(f"{self.base_url}/admin/")

    def open(self, page_id: int) -> None:
        self.page.goto(f"{self.base_url}/admin/pages/{page_id}/edit/")

    def _posts(self, where: str = ""):
        stream = "#live_posts-root > [data-streamfield-stream-container]"
        return self.page.locator(f"{stream} > [data-streamfield-child]{where}")

    def _post(self, post_id: str):
        return self._posts(f'[data-contentpath="{post_id}"]')

    def add_text_post(self, text: str) -> str:
        """Insert a post at the top with one "Text" block saying ``text``; return its id."""
        before = self._posts().count()
        insert = self.page.locator("#live_posts-root").get_by_role("button", name="Insert a block")
        insert.first.click()
        expect(self._posts()).to_have_count(before + 1)
        post = self._posts().first
        # Wagtail focuses the new block's first field as it starts to slide it in.
        expect(post.get_by_label("Message ID", exact=True)).to_be_focused()
        self._wait_for_animations()
        content = post.locator("[data-contentpath=content]")
        content.get_by_role("button", name="Insert a block").click()
        self.page.get_by_role("option", name="Text", exact=True).click()
        self._wait_for_animations()
        self._type_text(content, text)
        return post.get_attribute("data-contentpath")

    def _wait_for_animations(self) -> None:
        # A new block slides in (a jQuery animation) while the layout around it
        # moves: a click meanwhile can miss its target.
        self.page.wait_for_function("() => !window.jQuery || !window.jQuery(':animated').length")

    def replace_text(self, post_id: str, text: str) -> None:
        content = self._post(post_id).locator("[data-contentpath=content]")
        self._type_text(content, text, replace=True)

    def _type_text(self, content, text: str, *, replace: bool = False) -> None:
        form_value = content.locator("[data-streamfield-child] input[type=hidden][name$='-value']")
        type_rich_text(self.page, content, form_value.first, text, replace=replace)

    def set_shown(self, post_id: str, shown: bool) -> None:
        self._post(post_id).get_by_label("Show", exact=True).set_checked(shown)

    def delete(self, post_id: str) -> None:
        post = self._post(post_id)
        header = post.locator(":scope > section > .w-panel__header")
        header.get_by_role("button", name="Delete", exact=True).click()
        expect(post.locator(":scope > input[name$='-deleted']")).to_have_value("1")
        expect(post).to_be_hidden()

    def publish(self) -> None:
        """Publish through the footer menu, and through Wagtail's "saved a new version"
        dialog when it asks (someone else saved since this editor opened the page)."""
        self.page.wait_for_function(AUTOSAVE_DONE)
        self.page.get_by_role("button", name="More actions", exact=True).click()
        self.page.get_by_role("button", name="Publish", exact=True).click()
        published = self.page.locator(".messages .success")
        # The dialog's button says what it goes on with ("Publish").
        proceed = self.page.locator("#w-save-confirmation-dialog [data-w-dialog-target=confirm]")
        expect(published.or_(proceed).first).to_be_visible(timeout=PUBLISH_TIMEOUT_MS)
        if proceed.is_visible():
            self.dialogs.append(self.page.locator("#w-save-confirmation-dialog").inner_text())
            proceed.click()
        expect(published).to_contain_text("has been published", timeout=PUBLISH_TIMEOUT_MS)

    def messages(self) -> list[str]:
        """The admin's messages on the page shown now (after a publish: the explorer)."""
        return self.page.locator(".messages li").all_inner_texts()


def type_rich_text(page: Page, container, form_value, text: str, *, replace=False) -> None:
    """Type ``text`` into the Draftail editor in ``container`` (``replace``: all of it)."""
    editor = container.get_by_role("textbox")  # Draftail's contenteditable
    editor.click()
    expect(editor).to_be_focused()
    if replace:
        page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type(text)
    # Draftail copies its state into the form's hidden input a moment later:
    # submitting before that would send the old text.
    expect(form_value).to_have_value(re.compile(re.escape(json.dumps(text))))


class Composer:
    """An editor on a channel's page in the Live admin, posting with the composer.

    The list of posts follows the channel over its socket (composer.js): the driver
    waits for that socket before it acts.
    """

    def __init__(self, editor: Editor):
        self.page = editor.page
        self.base_url = editor.base_url
        self.websocket_urls: list[str] = []
        self.page.on("websocket", lambda socket: self.websocket_urls.append(socket_url(socket)))
        self.status = self.page.locator("#live-composer-status")
        self.rows = self.page.locator("#live-composer-posts > li[data-post-id]")

    def open(self, channel_id: str) -> None:
        self.page.goto(f"{self.base_url}/admin/live/channels/{channel_id}/")
        expect(self.page.locator("[data-live-composer]")).to_have_attribute(
            "data-live-state", "live"
        )
        self.page.evaluate("window.__noReload = 1")

    def row(self, post_id: str):
        return self.page.locator(f'#live-composer-posts > li[data-post-id="{post_id}"]')

    def row_ids(self) -> list[str]:
        return self.rows.evaluate_all("rows => rows.map(row => row.dataset.postId)")

    def post(self, text: str) -> str:
        """Write ``text`` and click "Post now"; return the new post's id."""
        before = set(self.row_ids())
        form = self.page.locator("#live-composer-form")
        field = form.locator("[data-contentpath=text]")
        type_rich_text(self.page, field, form.locator("input[name=text]"), text)
        form.get_by_role("button", name="Post now").click()
        expect(self.status).to_have_text("Posted.")
        expect(self.rows).to_have_count(len(before) + 1)
        [post_id] = set(self.row_ids()) - before
        return post_id

    def edit(self, post_id: str, text: str) -> None:
        row = self.row(post_id)
        row.get_by_role("button", name="Edit").click()
        form = row.locator("form.live-composer-edit")
        value = form.locator(f'input[name="edit-{post_id}-text"]')
        type_rich_text(
            self.page, form.locator("[data-contentpath=text]"), value, text, replace=True
        )
        form.get_by_role("button", name="Save").click()
        expect(self.status).to_contain_text("Saved.")
        expect(row.locator("form")).to_have_count(0)

    DONE = {"Hide": "Hidden", "Show": "Shown", "Pin": "Pinned", "Unpin": "Unpinned"}

    def act(self, post_id: str, action: str) -> None:
        """Click one of a row's buttons: "Hide", "Show", "Pin" or "Unpin"."""
        self.row(post_id).get_by_role("button", name=action, exact=True).click()
        expect(self.status).to_contain_text(self.DONE[action])

    def delete(self, post_id: str) -> None:
        self.row(post_id).get_by_role("button", name="Delete", exact=True).click()
        self.row(post_id).get_by_role("button", name="Yes, delete").click()
        expect(self.row(post_id)).to_have_count(0)

    def assert_not_reloaded(self) -> None:
        assert self.page.evaluate("window.__noReload") == 1


@contextlib.contextmanager
def explained_failure(server, directory, **pages: Page):
    """On a failure, print the daphne log and save a screenshot of each page to ``directory``."""
    try:
        yield
    except BaseException:
        for name, page in pages.items():
            path = directory / f"{name}.png"
            with contextlib.suppress(Exception):
                page.screenshot(path=path, full_page=True)
                print(f"Screenshot of the {name}'s page ({page.url}): {path}")
        print(f"daphne's log:\n{server.output()}")
        raise


def in_thread(function, *args):
    """Run database work from a test body (Playwright's loop makes Django refuse it there)."""

    def run():
        try:
            return function(*args)
        finally:
            connection.close()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()
