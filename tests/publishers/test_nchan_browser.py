"""In a real browser: live.js on a page served through nginx follows the channel over Nchan."""

import pytest
from wagtail.models import PageViewRestriction

from tests.chromium import Reader, in_thread, new_context
from tests.posts import post_value
from tests.testapp.models import LiveBlogPage

pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def live_page(fresh_live_page):
    # A channel of the test's own: Nchan keeps a channel's last frames (5 minutes), and a
    # socket on a channel an earlier test published on gets that test's newest frame first
    # (nchan_subscriber_first_message newest), whose seq this test's page may take for one
    # of its own, and then ignore its own update as old (seen once in CI).
    return fresh_live_page


def page_path(page) -> str:
    return page.get_url_parts()[2]


def add_post(page_pk: int, text: str) -> None:
    LiveBlogPage.objects.get(pk=page_pk).add_live_post(post_value(text))


def make_private(page_pk: int) -> None:
    PageViewRestriction.objects.create(page_id=page_pk, restriction_type="login")


def test_a_page_read_through_one_nginx_shows_a_post_published_through_the_other(
    nchan, live_page, chromium
):
    reader = Reader(new_context(chromium), nchan.b.url + in_thread(page_path, live_page))
    reader.expect_status("live")
    assert reader.websocket_urls == [f"{nchan.b.ws_url}/ws/channel/{live_page.channel_id}/"]
    in_thread(add_post, live_page.pk, "Goal from nginx A")
    reader.page.get_by_text("Goal from nginx A").wait_for()
    reader.assert_not_reloaded()


def test_a_page_made_private_loses_its_nchan_socket_and_is_not_let_back(nchan, live_page, chromium):
    reader = Reader(new_context(chromium), nchan.b.url + in_thread(page_path, live_page))
    reader.expect_status("live")
    in_thread(make_private, live_page.pk)
    reader.expect_status("reconnecting")
    # It tries again (nginx asks Django each time) and stays out.
    for _ in range(200):  # the first retry comes within the reconnect spread (3 s)
        if len(reader.websocket_urls) >= 3:
            break
        reader.page.wait_for_timeout(100)
    assert len(reader.websocket_urls) >= 3, reader.websocket_urls
    reader.expect_status("reconnecting")
    in_thread(add_post, live_page.pk, "Members only")
    reader.page.wait_for_timeout(1_000)
    assert "Members only" not in reader.page.locator("#live-posts").inner_text()


def test_a_page_served_elsewhere_opens_its_socket_on_nginx(nchan, live_page, chromium):
    # The page comes from daphne itself; WAGTAIL_LIVE_WEBSOCKET_URL points it at nginx b.
    reader = Reader(new_context(chromium), nchan.django.url + in_thread(page_path, live_page))
    reader.expect_status("live")
    assert reader.websocket_urls == [f"{nchan.b.ws_url}/ws/channel/{live_page.channel_id}/"]
    in_thread(add_post, live_page.pk, "Goal over the other host")
    reader.page.get_by_text("Goal over the other host").wait_for()
