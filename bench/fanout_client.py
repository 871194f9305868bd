"""A fan-out client process: N reader sockets, each frame's arrival timed.

``python -m bench.fanout_client --count N URL [URL ...]`` opens N websockets with the
``websockets`` asyncio client (socket i to URL i mod the number of URLs), then talks to
the bench process in JSON lines: it prints ``ready`` once connected, ``complete`` when
every one of its sockets has a frame, and answers ``report`` (the arrivals since the last
report) and ``quit`` on stdin.

A frame's ``seq`` is read from its tail; its send time (``data-sent``, put in the post's
HTML by the publisher) is read once per frame, so a delivery costs the client a few
microseconds beyond the websockets library's own work.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from urllib.parse import urlsplit

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

SENT = 'data-sent=\\"'


class Arrivals:
    def __init__(self, sockets: int):
        self.sockets = sockets
        self.count: dict[int, int] = {}
        self.last: dict[int, float] = {}
        self.sent: dict[int, float] = {}
        self.received = 0
        self.closed = 0

    def add(self, message: str) -> None:
        now = time.time()
        start = message.rfind('"seq":') + 6
        seq = int(message[start : message.index(",", start)])
        count = self.count.get(seq, 0) + 1
        self.count[seq] = count
        self.last[seq] = now
        self.received += 1
        if count == 1:
            # In the frame's JSON the attribute's quotes are escaped: data-sent=\"...\".
            # A real post has none (bench/newsroom.py times from its own clock).
            at = message.find(SENT)
            at = at + len(SENT) if at >= 0 else None
            self.sent[seq] = float(message[at : message.index("\\", at)]) if at else None
        if count == self.sockets - self.closed:
            emit({"event": "complete", "seq": seq})

    def report(self) -> dict:
        seqs = {seq: [self.count[seq], self.last[seq], self.sent[seq]] for seq in self.count}
        self.count, self.last, self.sent = {}, {}, {}
        return {"event": "report", "seqs": seqs, "closed": self.closed}


def emit(message: dict) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


async def read_socket(websocket, arrivals: Arrivals) -> None:
    add = arrivals.add
    try:
        async for message in websocket:
            add(message)
    except ConnectionClosed:
        pass
    finally:
        arrivals.closed += 1


def page_origin(url: str) -> str:
    """The origin of the page that opens ``url``: the server's own (SameOriginValidator)."""
    return "http://" + urlsplit(url).netloc


async def open_socket(url: str, limit: asyncio.Semaphore, timeout: float, compression):
    async with limit:
        return await connect(
            url,
            origin=page_origin(url),
            compression=compression,
            ping_interval=None,
            max_size=2**20,
            open_timeout=timeout,
            close_timeout=1,
        )


async def main(
    urls: list[str], count: int, concurrency: int, timeout: float, compression: str | None
) -> None:
    limit = asyncio.Semaphore(concurrency)
    started = time.perf_counter()
    results = await asyncio.gather(
        *(open_socket(urls[i % len(urls)], limit, timeout, compression) for i in range(count)),
        return_exceptions=True,
    )
    sockets = [result for result in results if not isinstance(result, BaseException)]
    errors = sorted({repr(result)[:200] for result in results if isinstance(result, BaseException)})
    arrivals = Arrivals(len(sockets))
    readers = [asyncio.create_task(read_socket(websocket, arrivals)) for websocket in sockets]
    emit(
        {
            "event": "ready",
            "connected": len(sockets),
            "failed": count - len(sockets),
            "errors": errors[:3],
            "seconds": round(time.perf_counter() - started, 2),
        }
    )
    loop = asyncio.get_running_loop()
    stdin = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stdin), sys.stdin)
    while line := (await stdin.readline()).decode().strip():
        if line == "report":
            emit(arrivals.report())
        elif line == "quit":
            break
    await asyncio.gather(*(websocket.close() for websocket in sockets), return_exceptions=True)
    for task in readers:
        task.cancel()
    emit({"event": "bye"})


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--timeout", type=float, default=60)
    # Browsers offer permessage-deflate; the bench's clients do not, unless told to.
    parser.add_argument("--deflate", action="store_true")
    args = parser.parse_args()
    try:
        import uvloop
    except ImportError:
        uvloop = None
    # uvloop, where installed, makes the client's own cost per frame smaller.
    asyncio.run(
        main(
            args.urls,
            args.count,
            args.concurrency,
            args.timeout,
            "deflate" if args.deflate else None,
        ),
        loop_factory=uvloop.new_event_loop if uvloop else None,
    )
