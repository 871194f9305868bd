"""A channel's page: its title said once, one reader in the singular, and a re-sync."""

import re

import pytest

from tests.staff import REPUBLISHER, VIEWER, make_staff


@pytest.fixture
def channel_page(client, live_page):
    def get(level):
        client.force_login(make_staff(level))
        return client.get(f"/admin/live/channels/{live_page.channel_id}/").content.decode()

    return get


def test_the_title_says_the_page_once(channel_page, live_page):
    html = channel_page(VIEWER)
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert " ".join(title.split()) == f"{live_page.title} - Wagtail"  # not "Title: channel"
    assert f"<code>{live_page.channel_id}</code>" in html  # the channel, said in the page


def test_one_reader_is_singular(channel_page, watch, live_page):
    watch(live_page.channel_id, 1)
    html = channel_page(VIEWER)
    assert "The line's top is 1 subscriber;" in html
    assert "1 subscribers" not in html


def test_the_table_of_the_chart_is_a_disclosure_to_open(channel_page):
    html = channel_page(VIEWER)
    assert '<details class="live-disclosure">' in html
    assert "<summary>Show the numbers as a table</summary>" in html


def test_republishers_may_resync_from_the_channel_page(channel_page, live_page):
    resync = f'href="/admin/live/channels/{live_page.channel_id}/resync/"'
    assert resync not in channel_page(VIEWER)
    assert resync in channel_page(REPUBLISHER)


def test_the_chart_has_a_time_axis_and_no_data_before_the_first_count(
    channel_page, watch, live_page
):
    watch(live_page.channel_id, 2)  # counted now; never before
    html = channel_page(VIEWER)
    axis = re.search(r'<div class="live-chart-axis"[^>]*>(.*?)</div>', html, re.S).group(1)
    labels = re.findall(r"<span>(.*?)</span>", axis)
    assert labels[0].endswith(" ago") and labels[-1] == "now" and len(labels) == 5
    assert "data-live-no-data" in html and "The shaded part has no data" in html
    cells = re.findall(r"<tr><td>\d+</td><td>(.*?)</td></tr>", html)
    assert cells[0] == "no data" and cells[-1] == "2"  # not "0 readers" before any count


@pytest.mark.parametrize(("window", "heading"), [(3600, "last 1 hour<"), (7200, "last 2 hours<")])
def test_the_chart_heading_counts_its_hours(channel_page, settings, window, heading):
    settings.WAGTAIL_LIVE_PRESENCE_TREND_WINDOW = window
    assert f"Subscribers, {heading}" in channel_page(VIEWER)
