"""In a real browser: re-publish an update that Redis lost, and preview hostile posts safely.

daphne serves the test project in a subprocess (tests/servers.py), Chromium drives
the Wagtail admin and a reader's live page.
"""

import re
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from playwright.sync_api import expect, sync_playwright

from tests.chromium import (
    NO_SOCKET_CATCH_UP,
    Editor,
    Reader,
    explained_failure,
    in_thread,
    launch_chromium,
    new_context,
)
from tests.posts import post_value
from tests.services import require_chromium
from tests.staff import REPUBLISHER, make_staff
from wagtail_live_admin.models import PublishLogEntry

pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Records each update the reader's page applies (live.js dispatches "live:update").
UPDATE_RECORDER = """
window.__liveUpdates = [];
document.addEventListener("live:update", (event) => {
  const { seq, renders } = event.detail;
  window.__liveUpdates.push({ seq, posts: Object.keys(renders || {}) });
}, true);
"""


def log_in(context, server, username, password="password") -> Editor:
    user = Editor(context, server.url)
    user.log_in(username, password)
    return user


def moderator(username: str):
    user = get_user_model().objects.create_user(username, f"{username}@example.com", "password")
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


def republish_of(entry_pk: int):
    return PublishLogEntry.objects.select_related("user").get(republish_of_id=entry_pk)


@pytest.mark.redis
def test_an_update_lost_while_redis_was_down_is_republished_from_its_row(
    fresh_live_page, redis_server, daphne, tmp_path
):
    live_page, redis = fresh_live_page, redis_server
    live_page.add_live_post(post_value("Kick-off", message_id="a"))
    # Roles apart, as on a newsroom's rota: a moderator publishes (Wagtail's own group,
    # without the Live permissions); the person on call may re-publish.
    moderator("editor")
    make_staff(REPUBLISHER, username="oncall")
    server = daphne(
        env={"REDIS_URL": redis.url, "WAGTAIL_LIVE_TEST_LAYER_PREFIX": f"rp-{uuid.uuid4().hex}"}
    )
    url = server.url + live_page.get_url_parts()[2]
    executable = require_chromium()
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, executable)
        reader_context = new_context(browser)
        reader_context.add_init_script(UPDATE_RECORDER)
        # Its catch-ups go to the endpoint, which this test refuses: on its socket, the
        # reader would catch up on the post as soon as Redis is back.
        reader_context.add_init_script(NO_SOCKET_CATCH_UP)
        reader = Reader(reader_context, url)
        wide = {"viewport": {"width": 1600, "height": 1000}}
        editor = log_in(new_context(browser, **wide), server, "editor")
        oncall = log_in(new_context(browser, **wide), server, "oncall")
        pages = {"reader": reader.page, "editor": editor.page, "oncall": oncall.page}
        with explained_failure(server, tmp_path, **pages):
            reader.expect_status("live")
            # Redis takes every reader's socket with it; back, a reader catches up from
            # the publish log, which serves failed updates too. This reader's catch-up
            # fails (as one can on a bad network) until the re-publish, so that only
            # the re-publish can bring it the post.
            catch_ups = []
            catch_up = re.compile(r"/updates/\?since=")

            def refuse(route):
                catch_ups.append(route.request.url)
                route.abort()

            reader.page.route(catch_up, refuse)

            redis.stop()
            editor.open(live_page.pk)
            post_id = editor.add_text_post("Goal during the outage")
            editor.publish()  # saved; Wagtail's messages also warn that it did not go out
            expect(editor.page.locator(".messages")).to_contain_text("did not reach readers")

            # Red in the publish log: the row of the update that did not go out.
            oncall.page.goto(f"{server.url}/admin/live/log/")
            oncall.page.evaluate("window.__noReload = 1")
            row = oncall.page.locator("tr[data-live-delivery=failed]")
            expect(row).to_have_count(1)
            expect(row.locator("td[data-live-status=failed] .w-text-critical-200")).to_be_visible()
            row_id = row.get_attribute("id")
            entry_pk = int(row.get_attribute("data-live-entry"))

            # Red on the Live dashboard too: the channel's last publish failed.
            dashboard = oncall.page.context.new_page()
            dashboard.goto(f"{server.url}/admin/live/")
            dashboard.evaluate("window.__noReload = 1")
            channel_row = dashboard.locator(
                "tr", has=dashboard.locator(f'[data-live-subscribers="{live_page.channel_id}"]')
            )
            last_publish = channel_row.locator("[data-live-last-status]")
            expect(last_publish).to_have_attribute("data-live-last-status", "failed")
            expect(last_publish.locator(".w-text-critical-200")).to_be_visible()

            redis.start()
            reader.expect_status("live", timeout=20_000)
            for _ in range(50):  # its catch-up on reconnecting, refused
                if catch_ups:
                    break
                reader.page.wait_for_timeout(100)
            assert catch_ups
            expect(reader.post(post_id)).to_have_count(0)
            reader.page.unroute(catch_up)

            row.get_by_role("button", name=re.compile("^Re-publish")).click()
            row = oncall.page.locator(f"#{row_id}")
            expect(row).to_have_attribute("data-live-delivery", "sent")
            sent = row.locator("[data-live-republish-status=sent] .w-status--primary")
            expect(sent).to_be_visible()  # green
            assert oncall.page.evaluate("window.__noReload") == 1  # swapped, not reloaded

            # The dashboard, left open, turns green by itself (it refreshes every second).
            expect(last_publish).to_have_attribute("data-live-last-status", "sent", timeout=10_000)
            expect(last_publish.locator(".w-status--primary")).to_be_visible()
            assert dashboard.evaluate("window.__noReload") == 1

            new = in_thread(republish_of, entry_pk)
            assert new.status == PublishLogEntry.Status.SENT and new.user.username == "oncall"
            expect(reader.post(post_id)).to_contain_text("Goal during the outage")
            # The page applied the re-published update: its frame showed a gap, and
            # the page asked for what it missed, this time with success.
            reader.page.wait_for_function(
                f"() => window.__liveUpdates.some(update => update.seq === {new.seq})"
            )
            reader.assert_not_reloaded()
        browser.close()


HOSTILE = (
    "<p>Hostile post</p>"
    "<script>window.__pwned = 'script'; try { parent.__pwned = 'script' } catch (e) {}</script>"
    "<img src=\"/hostile-img\" onerror=\"window.__pwned = 'onerror'; parent.__pwned = 'onerror'\">"
    '<div hx-get="/hostile-hx-get" hx-trigger="load" hx-swap="outerHTML">htmx bait</div>'
    '<link rel="stylesheet" href="/hostile-css">'
    '<iframe src="/hostile-frame"></iframe>'
    '<svg onload="parent.__pwned = \'svg\'"><image href="/hostile-svg-image"/></svg>'
    '<img src="https://tracker.invalid/pixel.gif">'
)


def test_a_hostile_post_is_previewed_without_running_or_requesting_anything(
    fresh_live_page, daphne, tmp_path
):
    live_page = fresh_live_page
    live_page.add_live_post(post_value("Placeholder", message_id="a"))
    live_page.refresh_from_db()
    post_id = live_page.get_live_post_by_message_id("a").id
    entry = PublishLogEntry.objects.record(
        live_page.channel_id, {post_id: {"show": True, "content": HOSTILE}}, [], page=live_page
    )
    entry.mark(PublishLogEntry.Status.FAILED, error="ConnectionError: Redis is down")
    make_staff(REPUBLISHER, username="oncall")
    server = daphne()
    executable = require_chromium()
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, executable)
        context = new_context(browser)
        oncall = log_in(context, server, "oncall")
        requests = []
        context.on("request", lambda request: requests.append(request))
        with explained_failure(server, tmp_path, oncall=oncall.page):
            for path in (
                f"/admin/live/log/{entry.pk}/",
                f"/admin/live/log/{entry.pk}/republish/",
            ):
                requests.clear()
                page = oncall.page
                page.goto(server.url + path)
                # Previews load lazily, as they come into view.
                page.locator("iframe.live-preview-frame").first.scroll_into_view_if_needed()
                frame = page.frame_locator("iframe.live-preview-frame").first
                # The post is there, styled by the package's stylesheet...
                expect(frame.locator(".live-post-wrapper")).to_contain_text("Hostile post")
                expect(frame.locator(".live-post-wrapper")).to_have_css(
                    "margin-top", re.compile(r"^[1-9]")
                )
                page.wait_for_load_state("networkidle")
                # ... and nothing of it ran, in the admin or in the frame.
                assert page.evaluate("window.__pwned") is None, path
                for child in page.frames[1:]:
                    assert child.evaluate("window.__pwned") is None, path
                # What left the frame: its stylesheet only. A request that the frame's
                # policy blocked (Playwright reports it failed, "csp") never left the
                # browser; every hostile one was blocked so.
                left = {
                    r.url for r in requests if r.frame != page.main_frame and r.failure != "csp"
                }
                assert left <= {f"{server.url}/static/wagtail_live_admin/css/live.css"}, path
                hostile = [r for r in requests if re.search("hostile|tracker", r.url)]
                assert all(r.failure == "csp" for r in hostile), path
        # The server saw the stylesheet, and nothing hostile.
        assert "GET /static/wagtail_live_admin/css/live.css" in server.output()
        assert "hostile" not in server.output()
        browser.close()
