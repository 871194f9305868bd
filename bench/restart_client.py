"""Readers that behave as live.js does across a server restart, for bench/restart.py.

``python -m bench.restart_client --count N --channel ID --spread MS URL [URL ...]`` opens
N websockets to the first URL (``ws://host:port``). Each reader applies frames in seq
order and catches up on its socket as it opens (``--http-catch-up``: over HTTP, as live.js
does with a server that cannot), and over HTTP on a gap, keeping a public answer and
revalidating it as a browser's cache does; when its socket closes it waits as
live.js does (a random part of the spread after a server going away, backoff after that)
and reconnects to the next URL, as a load balancer would send it to a process that is up.

On stdin: ``report`` (prints each reader's state), ``wait SINCE SEQ TIMEOUT`` (the same,
once every reader has caught up to SEQ after the Unix time SINCE, or after TIMEOUT
seconds) and ``quit``. Readers run on uvloop, which costs them less of the cores they
share with the servers they measure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import sys
import time

import uvloop
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

RESTART_CODES = {1001, 1006, 1012, 4001, 4503}
GOING_AWAY, GOING_AWAY_JITTER = 4001, 0.25  # the process lets its readers go in batches
REFUSED_CODES = {4403, 4404, 4429}
# As live.js: a catch-up that failed (a server error, or the server went away mid-request)
# is asked again, up to this many times, 1 to 3 s apart.
CATCH_UP_RETRIES = 5
MAX_AGE = re.compile(r"(?:^|[\s,])max-age=(\d+)")
CATCH_UP_PROTOCOL = "wagtail-live-admin.catch-up"  # as live.js offers it
# As a browser's socket: no pings of its own (the server pings), and no proxy looked up in
# the environment at each connect; both cost the cores the servers measured here share.
BROWSER_LIKE = {"open_timeout": 60, "ping_interval": None, "proxy": None}


def emit(message: dict) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


async def http_get(url: str, etag: str | None = None) -> tuple[int, dict, str]:
    """GET ``url`` (http://host:port/path) on a connection of its own: status, JSON, headers.

    ``etag``: the copy the client holds, to revalidate (``If-None-Match``).
    """
    host_port, _, path = url.removeprefix("http://").partition("/")
    host, _, port = host_port.partition(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    condition = f"If-None-Match: {etag}\r\n" if etag else ""
    writer.write(f"GET /{path} HTTP/1.0\r\nHost: {host_port}\r\n{condition}\r\n".encode())
    await writer.drain()
    data = await reader.read()
    writer.close()
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, (json.loads(body) if status == 200 else {}), head.decode("latin-1")


def header(head: str, name: str) -> str | None:
    """The value of the header ``name`` (lower case) in a response's ``head``, or None."""
    for line in head.splitlines():
        field, _, value = line.partition(":")
        if field.lower() == name:
            return value.strip()
    return None


def public_max_age(head: str) -> int | None:
    """A public answer's max-age in seconds (None: not one a cache may keep)."""
    cache_control = header(head, "cache-control") or ""
    max_age = MAX_AGE.search(cache_control)
    return int(max_age[1]) if max_age and "public" in cache_control else None


class Reader:
    def __init__(self, urls: list[str], channel_id: str, spread: float, on_socket: bool = True):
        self.urls, self.channel_id, self.spread = urls, channel_id, spread
        self.on_socket = on_socket
        self.server = 0
        self.last_seq = 0
        self.missing: set[int] = set()  # seqs skipped and not yet caught up
        self.failures = 0
        self.admitted_at = None  # when its latest socket opened
        self.closes: list[float] = []  # when it saw each socket close, or fail to open
        self.caught_up_at = None  # when its latest catch-up after opening answered
        self.catch_up_failures: dict[str, int] = {}  # why catch-ups failed: how often
        self.follow_up: asyncio.Task | None = None
        self.catching: asyncio.Task | None = None
        self.catch_up_again = False
        self.reconnects = 0
        self.codes: dict[int, int] = {}
        # As the browser's HTTP cache: path -> (until when it is fresh, ETag, JSON, head).
        self.cache: dict[str, tuple[float, str, dict, str]] = {}

    def apply(self, seq: int) -> None:
        if seq > self.last_seq + 1:
            self.missing.update(range(self.last_seq + 1, seq))
        self.missing.discard(seq)
        self.last_seq = max(self.last_seq, seq)

    @property
    def catching_up(self) -> bool:
        return self.catching is not None and not self.catching.done()

    def start_catch_up(self, *, opened: bool = False) -> None:
        """Catch up in a task of its own; one at a time, and once more if asked meanwhile."""
        if self.catching_up:
            self.catch_up_again = True
            return
        self.catching = asyncio.create_task(self._catch_up_task(opened))

    async def _catch_up_task(self, opened: bool) -> None:
        if await self.catch_up() and opened:
            self.caught_up_at = time.time()
        if self.catch_up_again:
            self.catch_up_again = False
            await self.catch_up()

    async def catch_up(self, *, again: bool = False) -> bool:
        """Ask what was missed, as live.js does (again after a failure); False: no answer."""
        for attempt in range(CATCH_UP_RETRIES + 1):
            if attempt:
                await asyncio.sleep(1 + random.random() * 2)
            failure = await self._catch_up_once(again=again)
            if failure is None:
                return True
            self.catch_up_failures[failure] = self.catch_up_failures.get(failure, 0) + 1
            if failure.startswith("HTTP 4"):
                return False  # a refusal waits for the socket's own verdict, as live.js
        return False

    async def _catch_up_once(self, *, again: bool) -> str | None:
        base = self.urls[self.server].replace("ws://", "http://")
        path = f"/live/{self.channel_id}/updates/?since={self.last_seq}"
        # A browser answers from its copy while fresh, and revalidates it after. One
        # site's processes share an origin: the copy serves whichever the reader is on.
        fresh_until, etag, data, head = self.cache.get(path, (0, None, {}, ""))
        if time.time() >= fresh_until:
            try:
                status, answer, head = await http_get(base + path, etag)
            except (OSError, ValueError, IndexError) as exc:
                return type(exc).__name__  # the server went away mid-request, or garbage
            if status == 200:
                data, etag = answer, header(head, "etag")
            elif status != 304:
                return f"HTTP {status}"
            if etag and (max_age := public_max_age(head)) is not None:
                self.cache[path] = (time.time() + max_age, etag, data, head)
        self.apply_answer(data)
        # A public answer may be up to max-age old (a cache's): ask once more after it.
        if not again and (max_age := public_max_age(head)) is not None:
            if self.follow_up is not None:
                self.follow_up.cancel()
            self.follow_up = asyncio.create_task(self._follow_up(max_age))
        return None

    def apply_answer(self, data: dict) -> None:
        if "snapshot" in data:
            self.missing = {seq for seq in self.missing if seq > data["snapshot"]["seq"]}
            self.last_seq = max(self.last_seq, data["snapshot"]["seq"])
        for frame in data.get("frames", []):
            self.apply(frame["seq"])

    def caught_up_on_socket(self, message: dict) -> None:
        if message["status"] == 200:
            self.apply_answer(message["answer"])
            self.caught_up_at = time.time()
        else:
            why = f"socket {message['status']}"
            self.catch_up_failures[why] = self.catch_up_failures.get(why, 0) + 1
            self.start_catch_up(opened=True)  # the endpoint, then

    async def _follow_up(self, max_age: int) -> None:
        await asyncio.sleep(max_age + random.random())
        await self.catch_up(again=True)

    def delay(self, code: int | None) -> float:
        if code in REFUSED_CODES:
            return 10
        if self.failures == 1 and code == GOING_AWAY:
            return random.random() * GOING_AWAY_JITTER
        if self.failures == 1 and code in RESTART_CODES:
            return random.random() * self.spread
        capped = min(10, 0.5 * 2 ** (self.failures - 1))
        return capped / 2 + random.random() * capped / 2

    async def run(self, connected: asyncio.Event | None) -> None:
        while True:
            url = f"{self.urls[self.server]}/ws/channel/{self.channel_id}/"
            origin = self.urls[self.server].replace("ws://", "http://")
            offer = {}
            if self.on_socket:
                url, offer = f"{url}?since={self.last_seq}", {"subprotocols": [CATCH_UP_PROTOCOL]}
            code = None
            try:
                async with connect(url, origin=origin, **BROWSER_LIKE, **offer) as socket:
                    self.failures = 0
                    self.admitted_at = time.time()
                    if socket.subprotocol != CATCH_UP_PROTOCOL:
                        # Beside the socket, as live.js's fetch: a close is seen meanwhile.
                        self.start_catch_up(opened=True)
                        if connected is not None:
                            # Ready once in and caught up: a crowd that has settled.
                            self.catching.add_done_callback(lambda _, e=connected: e.set())
                            connected = None
                    async for message in socket:
                        if message.startswith('{"type":"catch_up"'):
                            self.caught_up_on_socket(json.loads(message))
                            if connected is not None:
                                connected.set()
                                connected = None
                            continue
                        start = message.rfind('"seq":') + 6
                        seq = int(message[start : message.index(",", start)])
                        if seq == self.last_seq + 1 and not self.catching_up:
                            self.apply(seq)
                        elif seq > self.last_seq:
                            self.start_catch_up()  # a gap: the endpoint has it and the missed
            except ConnectionClosed as closed:
                code = closed.rcvd.code if closed.rcvd else 1006
            except (OSError, InvalidHandshake, TimeoutError, ValueError):
                # Refused, or a handshake the server failed (as a browser sees: 1006).
                code = 1006
            self.closes.append(time.time())
            self.codes[code] = self.codes.get(code, 0) + 1
            self.failures += 1
            self.reconnects += 1
            self.server = (self.server + 1) % len(self.urls)
            await asyncio.sleep(self.delay(code))

    def state(self) -> list:
        return [
            *(self.admitted_at, self.caught_up_at, self.last_seq, len(self.missing)),
            self.closes,
        ]


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--channel", required=True)
    parser.add_argument("--spread", type=float, default=3000, help="milliseconds")
    parser.add_argument("--rate", type=float, default=100, help="first connects a second")
    parser.add_argument("--http-catch-up", action="store_true", help="not on the socket")
    parser.add_argument("urls", nargs="+")
    args = parser.parse_args()
    readers = [
        Reader(args.urls, args.channel, args.spread / 1000, on_socket=not args.http_catch_up)
        for _ in range(args.count)
    ]
    connected = [asyncio.Event() for _ in readers]
    tasks = []
    for reader, event in zip(readers, connected, strict=True):
        tasks.append(asyncio.create_task(reader.run(event)))
        await asyncio.sleep(1 / args.rate)  # a crowd arriving, not one burst
    for event in connected:
        await event.wait()
    emit({"event": "ready"})
    loop = asyncio.get_running_loop()
    while line := await loop.run_in_executor(None, sys.stdin.readline):
        command, *arguments = line.split()
        if command == "wait":
            # Until every reader has caught up after ``since`` to ``seq``: checked here,
            # where a report a poll would have sent thousands of states across.
            since, seq, timeout = map(float, arguments)
            deadline = time.time() + timeout
            while time.time() < deadline and not all(
                reader.caught_up_at and reader.caught_up_at > since and reader.last_seq >= seq
                for reader in readers
            ):
                await asyncio.sleep(0.05)
            command = "report"
        if command == "report":
            codes: dict[int, int] = {}
            failures: dict[str, int] = {}
            for reader in readers:
                for code, count in reader.codes.items():
                    codes[code] = codes.get(code, 0) + count
                for why, count in reader.catch_up_failures.items():
                    failures[why] = failures.get(why, 0) + count
            emit(
                {
                    "event": "report",
                    "readers": [reader.state() for reader in readers],
                    "codes": codes,
                    "catch_up_failures": failures,
                }
            )
        elif command == "quit":
            break
    for task in tasks:
        task.cancel()


if __name__ == "__main__":
    uvloop.run(main())
