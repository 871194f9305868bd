"""Redis goes away mid-publish: the page is saved, the update logged as failed, nothing lost."""

import contextlib
import json
import time
import urllib.request

import pytest
from django.test import override_settings
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from tests.posts import edit_form_data
from tests.settings import redis_layer
from tests.testapp.models import LiveBlogPage
from wagtail_live_admin.models import PublishLogEntry

pytestmark = [
    pytest.mark.server,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


class Reader:
    """What live.js does, in Python: apply frames in seq order, catch up on gaps and reconnects."""

    def __init__(self, server, channel_id, seq=0):
        self.server, self.channel_id, self.seq = server, channel_id, seq
        self.posts = {}
        self.socket = None
        self.sockets = contextlib.ExitStack()  # closed by the test

    def connect(self, attempts=20):
        """Open the socket, retrying as live.js does while the server recovers."""
        for attempt in range(attempts):
            try:
                self.socket = self.sockets.enter_context(
                    connect(
                        f"{self.server.ws_url}/ws/channel/{self.channel_id}/",
                        origin=self.server.url,
                    )
                )
                break
            except (InvalidStatus, OSError):
                if attempt == attempts - 1:
                    raise
                time.sleep(0.5)
        self.catch_up()

    def catch_up(self):
        url = f"{self.server.url}/live/{self.channel_id}/updates/?since={self.seq}"
        with urllib.request.urlopen(url, timeout=10) as response:
            data = json.load(response)
        if "snapshot" in data:
            self.posts = {}
            self.apply(data["snapshot"])
        for frame in data.get("frames", []):
            if frame["seq"] > self.seq:
                self.apply(frame)

    def apply(self, frame):
        for post_id, render in frame["renders"].items():
            self.posts[post_id] = render["content"]
        for post_id in frame.get("removals", []):
            self.posts.pop(post_id, None)
        self.seq = max(self.seq, frame["seq"])

    def receive(self, timeout=5):
        """Take one frame, as live.js does: in order, or catch up on a gap."""
        frame = json.loads(self.socket.recv(timeout=timeout))
        if frame["seq"] == self.seq + 1:
            self.apply(frame)
        elif frame["seq"] > self.seq:
            self.catch_up()


def shown_posts(page_pk):
    page = LiveBlogPage.objects.get(pk=page_pk)
    return {post.id for post in page.get_shown_live_posts()}


def test_a_publish_while_redis_is_down_is_kept_and_reaches_readers_when_it_is_back(
    make_live_page, redis_server, daphne, admin_client
):
    page = make_live_page()
    server = daphne(env={"REDIS_URL": redis_server.url, "WAGTAIL_LIVE_TEST_LAYER_PREFIX": "outage"})
    layer = {"default": redis_layer(redis_server.url, "outage")}
    reader = Reader(server, page.channel_id)
    try:
        reader.connect()
        with override_settings(CHANNEL_LAYERS=layer):
            admin_client.post(
                f"/admin/pages/{page.pk}/edit/",
                edit_form_data(page, [("p1", "Before the outage")], publish=True),
            )
            reader.receive()
            assert set(reader.posts) == {"p1"}

            redis_server.stop()
            response = admin_client.post(
                f"/admin/pages/{page.pk}/edit/",
                edit_form_data(page, [("p2", "During"), ("p1", "Before the outage")], publish=True),
                follow=True,
            )
            # The page is saved, the editor warned, the update kept as failed.
            assert response.status_code == 200
            assert shown_posts(page.pk) == {"p1", "p2"}
            messages = [str(m) for m in response.context["messages"]]
            assert any("did not reach readers" in m for m in messages), messages
            failed = PublishLogEntry.objects.get(seq=2)
            assert failed.status == PublishLogEntry.Status.FAILED and failed.error

            redis_server.start()
            time.sleep(0.5)
            admin_client.post(
                f"/admin/pages/{page.pk}/edit/",
                edit_form_data(
                    page,
                    [("p3", "After"), ("p2", "During"), ("p1", "Before the outage")],
                    publish=True,
                ),
            )
        # The reader's socket may have died with Redis: like live.js, reconnect and catch up.
        try:
            reader.receive(timeout=5)
        except (ConnectionClosed, TimeoutError):
            reader.connect()
        assert set(reader.posts) == shown_posts(page.pk) == {"p1", "p2", "p3"}
        assert reader.seq == 3
        assert "During" in reader.posts["p2"]
    finally:
        reader.sockets.close()
