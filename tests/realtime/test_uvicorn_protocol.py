"""uvicorn with the package's websocket protocol serves readers as with uvicorn's own."""

import asyncio
import os
import signal
import sys
from contextlib import ExitStack

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.posts import publish_new_post
from tests.realtime.test_presence_processes import open_reader, wait_for_count
from tests.realtime.test_shutdown import close_code
from tests.servers import ROOT, CommandServer, project_environment
from tests.services import free_port
from wagtail_live_admin.realtime.consumers import CLOSE_GOING_AWAY, CLOSE_NOT_FOUND
from wagtail_live_admin.realtime.uvicorn_protocol import Inbox, Writable

PROTOCOL = "wagtail_live_admin.realtime.uvicorn_protocol:WebSocketProtocol"


@pytest.fixture
def uvicorn(transactional_db, shared_redis):
    """uvicorn serving the test project with the protocol, on the test's database and layer."""
    port = free_port()
    env = project_environment(shared_redis)
    argv = [
        *(sys.executable, "-m", "uvicorn", "tests.asgi:application", "--ws", PROTOCOL),
        *("--host", "127.0.0.1", "--port", port, "--lifespan", "off"),
    ]
    with CommandServer(argv, port=port, cwd=ROOT, env=env, ready="Uvicorn running on") as server:
        yield server


@pytest.mark.server
@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
class TestServedByUvicorn:
    def test_readers_are_counted_get_each_update_and_are_uncounted_when_they_leave(
        self, fresh_live_page, uvicorn
    ):
        channel_id = fresh_live_page.channel_id
        with ExitStack() as sockets:
            readers = [open_reader(sockets, uvicorn, channel_id) for _ in range(20)]
            wait_for_count(channel_id, 20, timeout=5)

            for number in range(3):
                publish_new_post(fresh_live_page, f"Goal number {number}")
                for reader in readers:
                    assert f"Goal number {number}" in reader.recv(timeout=5)
            readers[0].close()
            wait_for_count(channel_id, 19, timeout=5)

    def test_refusals_reach_the_reader(self, fresh_live_page, uvicorn):
        with connect(f"{uvicorn.ws_url}/ws/channel/no-such-channel/", origin=uvicorn.url) as socket:
            assert close_code(socket) == CLOSE_NOT_FOUND
        with pytest.raises(InvalidStatus) as refused:
            connect(
                f"{uvicorn.ws_url}/ws/channel/{fresh_live_page.channel_id}/",
                origin="https://elsewhere.example",
            )
        assert refused.value.response.status_code == 403

    def test_sigterm_lets_readers_go_to_reconnect_elsewhere(self, fresh_live_page, uvicorn):
        channel_id = fresh_live_page.channel_id
        with ExitStack() as sockets:
            readers = [open_reader(sockets, uvicorn, channel_id) for _ in range(3)]
            wait_for_count(channel_id, 3, timeout=5)
            os.kill(uvicorn.process.pid, signal.SIGTERM)
            assert [close_code(reader) for reader in readers] == [CLOSE_GOING_AWAY] * 3
            wait_for_count(channel_id, 0, timeout=2)


async def test_the_inbox_hands_messages_out_in_order_to_waiting_receives():
    inbox = Inbox()
    assert inbox.empty()
    first = asyncio.ensure_future(inbox.get())
    second = asyncio.ensure_future(inbox.get())
    await asyncio.sleep(0)
    inbox.put_nowait("connect")
    inbox.put_nowait("receive")
    inbox.put_nowait("disconnect")
    assert await first == "connect"
    assert await second == "receive"
    assert inbox.qsize() == 1
    assert await inbox.get() == "disconnect"
    assert inbox.empty()
    with pytest.raises(asyncio.QueueEmpty):
        inbox.get_nowait()


async def test_a_receive_cancelled_once_woken_leaves_the_message_to_the_next():
    inbox = Inbox()
    cancelled = asyncio.ensure_future(inbox.get())
    waiting = asyncio.ensure_future(inbox.get())
    await asyncio.sleep(0)
    inbox.put_nowait("disconnect")  # wakes the first receive...
    cancelled.cancel()  # ...which is cancelled before it runs
    assert await asyncio.wait_for(waiting, 1) == "disconnect"
    assert cancelled.cancelled()


async def test_sends_wait_while_the_socket_is_full_and_go_on_when_it_drains():
    writable = Writable()
    assert writable.is_set()
    await asyncio.wait_for(writable.wait(), 1)

    writable.clear()  # the transport's buffer passed its high-water mark
    send = asyncio.ensure_future(writable.wait())
    await asyncio.sleep(0.05)
    assert not send.done()
    writable.set()  # it drained
    assert await asyncio.wait_for(send, 1) is True
    assert writable.is_set()
