"""In a real browser: an update lost while Redis was down, then caught up by its readers,
turns from failed to recovered on the Live dashboard, without a re-push."""

import uuid

import pytest
from django.test import override_settings
from playwright.sync_api import expect, sync_playwright

from tests.chromium import (
    Editor,
    Reader,
    explained_failure,
    in_thread,
    launch_chromium,
    new_context,
)
from tests.posts import post_value
from tests.services import require_chromium
from tests.settings import redis_layer
from tests.staff import VIEWER, make_staff
from wagtail_live_admin.models import PublishLogEntry

pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_failure_that_every_reader_caught_up_on_shows_as_recovered(
    fresh_live_page, redis_server, daphne, tmp_path
):
    live_page, redis = fresh_live_page, redis_server
    make_staff(VIEWER)
    prefix = f"rc-{uuid.uuid4().hex}"
    server = daphne(env={"REDIS_URL": redis.url, "WAGTAIL_LIVE_TEST_LAYER_PREFIX": prefix})
    layer = override_settings(CHANNEL_LAYERS={"default": redis_layer(redis.url, prefix)})
    with layer:
        live_page.add_live_post(post_value("Kick-off", message_id="a"))

    def publish_during_the_outage():
        # The post is saved; its push fails.
        with layer:
            live_page.add_live_post(post_value("Goal during the outage", message_id="b"))
        return PublishLogEntry.objects.get(channel_id=live_page.channel_id, seq=2)

    page_url = server.url + live_page.get_url_parts()[2]
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, require_chromium())
        reader = Reader(new_context(browser), page_url)
        staff = Editor(new_context(browser, viewport={"width": 1600, "height": 1000}), server.url)
        dashboard = staff.page
        with explained_failure(server, tmp_path, reader=reader.page, dashboard=dashboard):
            reader.expect_status("live")
            staff.log_in(VIEWER, "password")
            dashboard.goto(f"{server.url}/admin/live/")
            dashboard.evaluate("window.__noReload = 1")
            row = dashboard.locator(
                "tr", has=dashboard.locator(f'[data-live-subscribers="{live_page.channel_id}"]')
            )
            last_publish = row.locator("[data-live-last-status]")
            not_delivered = row.locator(f'[data-live-failures="{live_page.channel_id}"]')
            expect(last_publish).to_have_attribute("data-live-last-status", "sent")

            # The reader is cut off too until the dashboard has shown the failure: its
            # catch-ups (a public page's answer is asked again once its max-age passed)
            # would otherwise fetch the update, and recover it, before the dashboard looks.
            updates = "**/live/*/updates/**"
            reader.page.route(updates, lambda route: route.abort())
            redis.stop()
            failed = in_thread(publish_during_the_outage)
            assert failed.status == PublishLogEntry.Status.FAILED
            expect(last_publish).to_have_attribute("data-live-last-status", "failed")
            expect(not_delivered.locator("a.w-text-critical-200")).to_have_text("1")
            reader.page.unroute(updates)

            # Redis is back: the reader's socket comes back, and the page asks the
            # catch-up endpoint for what it missed, the failed update with it.
            redis.start()
            reader.expect_status("live", timeout=20_000)
            expect(reader.page.locator("#live-posts")).to_contain_text("Goal during the outage")

            # The dashboard, left open, tells it by itself: recovered, nothing undelivered.
            expect(last_publish).to_have_attribute(
                "data-live-last-status", "recovered", timeout=10_000
            )
            expect(last_publish.locator("[data-live-recovered]")).to_contain_text("Recovered")
            expect(not_delivered).to_contain_text("0")
            expect(not_delivered.locator("a")).to_have_count(0)
            expect(not_delivered).to_contain_text("1 recovered")
            assert dashboard.evaluate("window.__noReload") == 1
            reader.assert_not_reloaded()
            republished = in_thread(PublishLogEntry.objects.filter(republish_of=failed).exists)
            assert not republished  # recovered without a re-push
        browser.close()
