"""Readers that never read cannot hold the server's memory, nor hold back the others."""

import json
import socket
import threading
import time
from contextlib import ExitStack
from pathlib import Path
from urllib.request import urlopen

import pytest
from websockets.sync.client import connect

from tests.posts import post_value

pytestmark = [
    pytest.mark.server,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SLOW_READERS = 50
READERS = 5
UPDATES = 40
UPDATE_BYTES = 300_000
CAP = 512 * 1024  # WAGTAIL_LIVE_MAX_UNSENT_BYTES of the server
MiB = 1024 * 1024
# What the cap lets the slow readers hold at once: each at most the cap past Twisted's own
# 64 KiB and the update that crossed it, twice over for the copies a write makes on its
# way; and some room for all else. Without the cap they hold about 500 MiB.
BOUND = SLOW_READERS * 2 * (CAP + 64 * 1024 + UPDATE_BYTES) + 32 * MiB


def rss(pid: int) -> int:
    """The process's resident memory, in bytes."""
    status = Path(f"/proc/{pid}/status").read_text()
    kib = next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:"))
    return int(kib) * 1024


class PeakMemory(threading.Thread):
    """Sample a process's resident memory until stopped; keep the highest."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, rss(pid), threading.Event()

    def run(self):
        while not self.done.wait(0.01):
            self.peak = max(self.peak, rss(self.pid))

    def stop(self) -> int:
        self.done.set()
        self.join()
        return self.peak


def never_reading(server, channel_id) -> socket.socket:
    """A websocket that completes its handshake and then reads nothing, ever."""
    sock = socket.socket()
    # A small window: the kernel takes little of what the server sends before it stalls.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", server.port))
    sock.sendall(
        (
            f"GET /ws/channel/{channel_id}/ HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            f"Origin: {server.url}\r\n\r\n"
        ).encode()
    )
    response = b""
    while b"\r\n\r\n" not in response:
        response += sock.recv(1)
    assert response.startswith(b"HTTP/1.1 101")
    return sock


def readers_held(server, channel_id) -> int:
    with urlopen(f"{server.url}/__tests__/readers/{channel_id}/", timeout=30) as response:
        return json.load(response)["local_readers"]


def wait_for_readers(server, channel_id, expected, timeout=30.0) -> None:
    deadline = time.monotonic() + timeout
    while (held := readers_held(server, channel_id)) != expected:
        assert time.monotonic() < deadline, f"{held} readers, expected {expected}"
        time.sleep(0.1)


def edit(page, number: int) -> None:
    """Publish a new version of the page's one post, about UPDATE_BYTES long."""
    page.refresh_from_db()
    post = page.get_live_post_by_message_id("ticker")
    text = f"Edit {number} " + "lorem ipsum " * (UPDATE_BYTES // 12)
    post.value["content"] = post.block.child_blocks["content"].to_python(
        [{"type": "text", "value": f"<p>{text}</p>"}]
    )
    page.update_live_post(post)


def closed_by_the_server(sock) -> bool:
    """Whether the server ends the connection: EOF or a reset once its buffers are read."""
    sock.settimeout(30)
    try:
        while sock.recv(1 << 20):
            pass
    except ConnectionResetError:
        pass
    except TimeoutError:
        return False
    return True


def test_readers_that_never_read_are_closed_before_they_hold_much_memory(
    fresh_live_page, shared_redis, daphne
):
    server = daphne(env={**shared_redis, "WAGTAIL_LIVE_TEST_MAX_UNSENT_BYTES": str(CAP)})
    page, channel_id = fresh_live_page, fresh_live_page.channel_id
    page.add_live_post(post_value("Ticker", message_id="ticker"))
    with ExitStack() as stack:
        readers = [
            stack.enter_context(
                connect(
                    f"{server.ws_url}/ws/channel/{channel_id}/",
                    origin=server.url,
                    open_timeout=30,
                    max_size=None,
                    max_queue=None,  # takes every frame off the socket as it comes
                )
            )
            for _ in range(READERS)
        ]
        slow = [never_reading(server, channel_id) for _ in range(SLOW_READERS)]
        for sock in slow:
            stack.callback(sock.close)
        wait_for_readers(server, channel_id, READERS + SLOW_READERS)

        baseline = rss(server.process.pid)
        memory = PeakMemory(server.process.pid)
        memory.start()
        for number in range(UPDATES):
            edit(page, number)
        # Every reader that reads gets every update, in order.
        for reader in readers:
            frames = [json.loads(reader.recv(timeout=60)) for _ in range(UPDATES)]
            assert [frame["seq"] for frame in frames] == list(range(2, UPDATES + 2))
            for number, frame in enumerate(frames):
                assert f"Edit {number} " in json.dumps(frame["renders"])
        assert memory.stop() - baseline < BOUND
        # The slow readers were closed and let go; the others were not.
        wait_for_readers(server, channel_id, READERS)
        assert all(closed_by_the_server(sock) for sock in slow)
        for reader in readers:
            reader.send('{"type": "ping"}')
            assert reader.recv(timeout=10) == '{"type":"pong"}'
