"""Readers served by nginx with Nchan: two nginx servers on one Redis, daphne behind them."""

import json
import os
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client, override_settings
from wagtail.models import PageViewRestriction
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from tests.posts import post_value
from tests.servers import ROOT
from tests.services import free_port
from wagtail_live_admin.models import PublishLogEntry
from wagtail_live_admin.realtime import nchan as nchan_client

pytestmark = [
    pytest.mark.server,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

Status = PublishLogEntry.Status


@pytest.fixture
def live_page(fresh_live_page):
    # A channel of the test's own: Nchan may count a reader of an earlier test a while
    # longer (docs/how-to/nginx-nchan.md, "Counts" under "Configure Django").
    return fresh_live_page


def subscribe(nginx, channel_id, *, origin=None, **kwargs):
    """Open a reader's websocket on ``nginx``, from a page of that server (or ``origin``).

    Returns once Nchan counts the reader: it subscribes in Redis a moment after the
    handshake, and a frame published before that is not sent to it (``live.js`` catches
    up on open; a bare socket here would wait for a frame it never gets).
    """
    channel = urllib.parse.unquote(channel_id)
    before = nchan_client.subscribers(channel)
    socket = connect(
        f"{nginx.ws_url}/ws/channel/{channel_id}/",
        origin=origin or nginx.url,
        open_timeout=10,
        **kwargs,
    )
    if counted(channel, before + 1) != before + 1:
        socket.close()
        raise AssertionError(f"Nchan did not count the reader of {channel} (had {before})")
    return socket


def refusal(nginx, channel_id, **kwargs) -> int:
    """Return the HTTP status nginx answers a reader's handshake with."""
    with pytest.raises(InvalidStatus) as refused:
        subscribe(nginx, channel_id, **kwargs).close()
    return refused.value.response.status_code


def receive_frame(socket, timeout=5):
    return json.loads(socket.recv(timeout=timeout))


def add_post(page, text, message_id):
    page.refresh_from_db()
    page.add_live_post(post_value(text, message_id=message_id))
    return PublishLogEntry.objects.filter(channel_id=page.channel_id).latest("seq")


def counted(channel_id: str, readers: int, timeout=5.0) -> int:
    """Nchan's count of the channel's readers, once it is ``readers`` (or the timeout)."""
    deadline = time.monotonic() + timeout
    while (count := nchan_client.subscribers(channel_id)) != readers:
        if time.monotonic() > deadline:
            break
        time.sleep(0.05)
    return count


def test_a_reader_on_one_nginx_gets_a_publish_made_through_the_other(nchan, live_page):
    with subscribe(nchan.b, live_page.channel_id) as reader:
        entry = add_post(live_page, "Kick-off", "m1")
        frame = receive_frame(reader)
    assert frame["seq"] == entry.seq == 1
    assert frame["channel_id"] == live_page.channel_id
    [render] = frame["renders"].values()
    assert "Kick-off" in render["content"]
    entry.refresh_from_db()
    # Counted through nginx A, which shares the reader of nginx B through Redis.
    assert entry.status == Status.SENT and entry.subscribers == 1


def test_readers_on_both_servers_get_the_same_frames_in_order(nchan, live_page):
    channel_id = live_page.channel_id
    with subscribe(nchan.a, channel_id) as on_a, subscribe(nchan.b, channel_id) as on_b:
        for n in range(1, 4):
            add_post(live_page, f"Update {n}", f"m{n}")
        for reader in (on_a, on_b):
            assert [receive_frame(reader)["seq"] for _ in range(3)] == [1, 2, 3]


def test_an_unknown_channel_is_refused_with_404(nchan, live_page):
    assert refusal(nchan.b, "no-such-channel") == 404


def test_a_page_that_is_not_live_is_refused_with_404(nchan, live_page):
    live_page.unpublish()
    assert refusal(nchan.b, live_page.channel_id) == 404


def test_a_private_page_is_refused_with_403(nchan, live_page):
    PageViewRestriction.objects.create(page=live_page, restriction_type="login")
    assert refusal(nchan.b, live_page.channel_id) == 403


def test_a_private_page_admits_a_reader_who_may_view_it(nchan, live_page):
    PageViewRestriction.objects.create(page=live_page, restriction_type="login")
    user = get_user_model().objects.create_user("reader", password="pw")
    client = Client()
    client.force_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    with subscribe(nchan.b, live_page.channel_id, additional_headers={"Cookie": cookie}) as reader:
        add_post(live_page, "Members only", "m1")
        assert receive_frame(reader)["seq"] == 1


def test_another_sites_page_is_refused_with_403(nchan, live_page):
    assert refusal(nchan.b, live_page.channel_id, origin="http://evil.example") == 403


def test_making_the_page_private_closes_its_readers_and_refuses_them_again(nchan, live_page):
    with subscribe(nchan.b, live_page.channel_id) as reader:
        PageViewRestriction.objects.create(page=live_page, restriction_type="login")
        with pytest.raises(ConnectionClosed):
            reader.recv(timeout=5)
    assert refusal(nchan.b, live_page.channel_id) == 403


def counts_until(admin_client, total: int, timeout=5.0) -> list[int]:
    """The admin's totals, polled until ``total`` shows (Nchan counts in Redis, as it goes)."""
    seen, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline and (not seen or seen[-1] != total):
        seen.append(admin_client.get("/admin/live/counts/").json()["total"])
        time.sleep(0.1)
    return seen


def test_the_dashboard_counts_readers_of_every_nginx(nchan, live_page, admin_client):
    channel = live_page.channel_id
    with subscribe(nchan.a, channel), subscribe(nchan.b, channel), subscribe(nchan.b, channel):
        seen = counts_until(admin_client, 3)
        assert seen[-1] == 3, seen
        [channel] = admin_client.get("/admin/live/counts/").json()["channels"]
        dashboard = admin_client.get("/admin/live/results/").content.decode()
    assert channel["channel_id"] == live_page.channel_id and channel["subscribers"] == 3
    assert f'data-live-subscribers="{live_page.channel_id}">3<' in dashboard
    # The readers left: nobody is counted any longer.
    seen = counts_until(admin_client, 0)
    assert seen[-1] == 0, seen


def test_a_re_push_from_the_admin_reaches_a_reader(nchan, live_page, admin_client):
    down = {"PUBLISH_URL": f"http://127.0.0.1:{free_port()}/live-publish/{{channel}}/"}
    with override_settings(WAGTAIL_LIVE_NCHAN=down):
        failed = add_post(live_page, "Goal!", "m1")
    failed.refresh_from_db()
    assert failed.status == Status.FAILED and "URLError" in failed.error
    with subscribe(nchan.b, live_page.channel_id) as reader:
        response = admin_client.post(f"/admin/live/log/{failed.pk}/republish/")
        assert response.status_code in (200, 302)
        frame = receive_frame(reader)
    assert frame["seq"] == failed.seq + 1
    assert "Goal!" in next(iter(frame["renders"].values()))["content"]
    assert failed.republishes.get().status == Status.SENT


def test_catch_up_through_nginx_serves_what_a_reader_missed(nchan, live_page):
    add_post(live_page, "Before you came", "m1")
    url = f"{nchan.b.url}/live/{live_page.channel_id}/updates/?since=0"
    with urllib.request.urlopen(url) as response:
        body = json.loads(response.read())
    assert [frame["seq"] for frame in body["frames"]] == [1]


def test_a_frame_larger_than_nginxs_default_body_limit_reaches_a_reader(nchan, live_page):
    # A re-sync of a long live blog sends all of its posts in one frame: well over 1 MB.
    text = "Minute by minute. " * 100_000
    with subscribe(nchan.b, live_page.channel_id, max_size=None) as reader:
        entry = add_post(live_page, text, "long")
        frame = reader.recv(timeout=10)
    entry.refresh_from_db()
    assert entry.status == Status.SENT, entry.error
    assert len(frame) > 1024 * 1024 and json.loads(frame)["seq"] == entry.seq


def test_live_simulate_as_its_own_process_reaches_nginx_readers(nchan, live_page):
    # No channel layer is shared (the tests' is in memory): Nchan is what processes share.
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.settings",
        PYTHONPATH=str(ROOT),
        WAGTAIL_LIVE_TEST_DB_NAME=str(connection.settings_dict["NAME"]),
        WAGTAIL_LIVE_TEST_NCHAN_PUBLISH_URL=nchan.a.publish_url(),
    )
    with subscribe(nchan.b, live_page.channel_id) as reader:
        result = subprocess.run(
            [sys.executable, "-m", "django", "live_simulate", "--page", str(live_page.pk)]
            + ["--count", "2", "--interval", "0"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        assert [receive_frame(reader)["seq"] for _ in range(2)] == [1, 2]


def test_a_channel_id_beyond_ascii_is_one_channel_for_readers_and_publisher(nchan, make_live_page):
    page = make_live_page(title="Café", channel_id="café.1")
    # A browser sends the path's UTF-8 percent-encoded; nginx decodes it, as it does the
    # publisher's URL, and passes the id to Django's admission as it is.
    with subscribe(nchan.b, "caf%C3%A9.1") as reader:
        entry = add_post(page, "Bonjour", "m1")
        frame = receive_frame(reader)
    assert frame["channel_id"] == "café.1" and frame["seq"] == entry.seq == 1
