"""Fan-out: from one publish to the last of N subscribers, ours beside two baselines.

Each run starts its server processes (daphne or uvicorn serving our live consumer, uvicorn
with the package's websocket protocol unless the row says otherwise, the same servers
serving a bare Channels consumer, or a bare ``websockets`` server fed by Redis PUBLISH),
then client processes (bench/fanout_client.py) that open N sockets spread over the
servers. The bench process publishes ~2 KB frames the way each server expects them (our
publisher's group send, a plain ``group_send``, a Redis PUBLISH) and
reads back when each frame reached its last subscriber:

- paced: one frame, wait until every socket has it (or a timeout), the next;
- bursts: 50 or 150 frames back to back, then wait until all arrived or nothing moves.

Per frame, "publish to last subscriber" is the last socket's arrival minus the send
time written into the frame. Lost frames are the deliveries that never came. Each row
also has the servers' CPU time per delivery and their memory per 1,000 connections.
Everything runs on 127.0.0.1; Redis is a server of the bench's own (bench/redis.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench import layers, nchan, signal_path
from bench.fanout_client import page_origin
from bench.machine import machine, ratio, table, write
from tests.services import free_port, port_open

ROOT = Path(__file__).resolve().parent.parent
CHANNEL_ID = "bench-fanout"
BARE_CHANNEL = "bench-fanout"
PADDING = "<p>" + "Live words for the bench. " * 74 + "</p>"  # a ~2 KB frame
PACED_GAP = 0.02  # seconds between a paced frame's last arrival and the next publish
IDLE = 2.0  # a burst is over when no delivery came for this long
TIMEOUT = 60.0  # and at the latest this long after its last publish
PY_SPY = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))


@dataclass(frozen=True)
class Server:
    """A server configuration: what serves the sockets, on which channel layer."""

    name: str
    runner: str  # "daphne", "uvicorn", "bare" or "nchan" (bench/nchan.py)
    app: str | None = None  # the ASGI application, for daphne and uvicorn
    layer: str | None = None  # "core" or "pubsub" (bench/layers.py)
    capacity: int | None = None
    ours: bool = False
    deflate: bool = False  # the clients offer permessage-deflate, as browsers do
    options: tuple[str, ...] = ()  # more options for the server's command
    signal: bool = False  # publish through the package's whole path (bench/signal_path.py)

    @property
    def path(self) -> str:
        return f"/ws/channel/{CHANNEL_ID}/" if self.ours else "/"

    @property
    def baseline(self) -> str | None:
        if self.runner == "bare":
            return "websockets"
        return None if self.ours else "channels"


OURS = "tests.asgi:application"
BARE_CHANNELS = "bench.servers.bare_channels:application"

# Our servers run on the recommended layer configuration (docs/how-to/redis.md):
# RedisChannelLayer with capacity 1,000. Plain Channels keeps channels-redis' default, 100.
RECOMMENDED_CAPACITY = 1000
# And uvicorn with the package's websocket protocol (docs/performance.md), but in the row
# that measures uvicorn's own.
LEAN = ("--ws", "wagtail_live_admin.realtime.uvicorn_protocol:WebSocketProtocol")

SERVERS = {
    server.name: server
    for server in (
        Server("bare websockets + Redis PUBLISH", "bare"),
        Server("Channels + daphne", "daphne", BARE_CHANNELS, "core"),
        Server("ours + daphne", "daphne", OURS, "core", RECOMMENDED_CAPACITY, ours=True),
        Server(
            "ours + uvicorn", "uvicorn", OURS, "core", RECOMMENDED_CAPACITY, ours=True, options=LEAN
        ),
        Server(
            "ours + uvicorn, uvicorn's own protocol",
            "uvicorn",
            OURS,
            "core",
            RECOMMENDED_CAPACITY,
            ours=True,
        ),
        Server("nginx + Nchan", "nchan", ours=True),
        Server(
            "ours + daphne, from the signal",
            "daphne",
            OURS,
            "core",
            RECOMMENDED_CAPACITY,
            ours=True,
            signal=True,
        ),
        Server(
            "ours + uvicorn, from the signal",
            "uvicorn",
            OURS,
            "core",
            RECOMMENDED_CAPACITY,
            ours=True,
            signal=True,
            options=LEAN,
        ),
        Server("nginx + Nchan, from the signal", "nchan", ours=True, signal=True),
        Server("ours + uvicorn, capacity 100", "uvicorn", OURS, "core", ours=True, options=LEAN),
        Server("ours + uvicorn, pub/sub layer", "uvicorn", OURS, "pubsub", ours=True, options=LEAN),
        Server("ours + daphne, pub/sub layer", "daphne", OURS, "pubsub", ours=True),
        Server(
            "ours + uvicorn, deflate offered",
            "uvicorn",
            OURS,
            "core",
            RECOMMENDED_CAPACITY,
            ours=True,
            deflate=True,
            options=LEAN,
        ),
        Server(
            "ours + uvicorn, deflate offered and refused",
            "uvicorn",
            OURS,
            "core",
            RECOMMENDED_CAPACITY,
            ours=True,
            deflate=True,
            options=(*LEAN, "--ws-per-message-deflate", "false"),
        ),
    )
}


@dataclass
class Plan:
    servers: list[str]
    sizes: list[int]
    processes: list[int]
    modes: list[str]  # "paced", "burst50", "burst150"
    paced_frames: dict[int, int]
    skip: dict[tuple[str, int], set[str]] = field(default_factory=dict)  # (server, N) -> modes
    # Other configurations, measured for one size, one process and some modes only.
    extra: list[tuple[str, int, list[str]]] = field(default_factory=list)

    def cells(self):
        for size in self.sizes:
            for processes in self.processes:
                for name in self.servers:
                    modes = [m for m in self.modes if m not in self.skip.get((name, size), ())]
                    yield SERVERS[name], size, processes, modes
            for name, extra_size, modes in self.extra:
                if extra_size == size:
                    yield SERVERS[name], size, 1, modes


# Sized for `make bench` to stay under 10 minutes on 2 cores: at 5,000 subscribers
# fewer paced frames, one burst (150), and daphne and plain Channels paced only (their
# bursts take minutes there; their 1,000-subscriber rows show the same per delivery).
FULL = Plan(
    servers=[
        "bare websockets + Redis PUBLISH",
        "Channels + daphne",
        "ours + daphne",
        "ours + uvicorn",
    ],
    sizes=[100, 1000, 5000],
    processes=[1, 2],
    modes=["paced", "burst50", "burst150"],
    # 100 at 1,000: of 30 frames the p99 is the slowest one, a hiccup of the machine.
    paced_frames={100: 30, 1000: 100, 5000: 6},
    skip={
        ("Channels + daphne", 1000): {"burst50"},
        ("Channels + daphne", 5000): {"burst50", "burst150"},
        ("ours + daphne", 5000): {"burst50", "burst150"},
        ("bare websockets + Redis PUBLISH", 5000): {"burst50"},
        ("ours + uvicorn", 5000): {"burst50"},
    },
    extra=[
        ("ours + uvicorn, uvicorn's own protocol", 1000, ["paced"]),
        ("ours + uvicorn, capacity 100", 1000, ["burst150"]),
        ("ours + uvicorn, pub/sub layer", 1000, ["paced", "burst150"]),
        ("ours + uvicorn, deflate offered", 1000, ["paced", "burst150"]),
        ("ours + uvicorn, deflate offered and refused", 1000, ["paced", "burst150"]),
        # Readers on nginx with Nchan, and the whole publish path from the signal.
        ("nginx + Nchan", 1000, ["paced", "burst150"]),
        ("nginx + Nchan, from the signal", 1000, ["paced"]),
        ("ours + daphne, from the signal", 1000, ["paced"]),
        ("ours + uvicorn, from the signal", 1000, ["paced"]),
    ],
)
QUICK = Plan(
    servers=["bare websockets + Redis PUBLISH", "Channels + daphne", "ours + daphne"],
    sizes=[100],
    processes=[1],
    modes=["paced", "burst50"],
    paced_frames={100: 15, 1000: 10, 5000: 4},
)


# Processes.


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


class ServerProcesses:
    """``processes`` servers of one configuration, each on its own port."""

    def __init__(self, server: Server, processes: int, *, redis_url: str, database_url: str):
        self.server = server
        self.ports = [free_port() for _ in range(processes)]
        self.prefix = f"bench-{os.getpid()}-{time.monotonic_ns()}"
        self.redis_url = redis_url
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": database_url,
        }
        if server.layer:
            self.env.update(
                layers.layer_environment(server.layer, redis_url, self.prefix, server.capacity)
            )
        self.processes: list[subprocess.Popen] = []
        self.logs: list[Path] = []

    @property
    def urls(self) -> list[str]:
        return [f"ws://127.0.0.1:{port}{self.server.path}" for port in self.ports]

    @property
    def pids(self) -> list[int]:
        return [process.pid for process in self.processes]

    def command(self, port: int) -> list[str]:
        server = self.server
        if server.runner == "bare":
            return [
                *(sys.executable, "-m", "bench.servers.bare_websockets"),
                *("--port", str(port), "--redis", self.redis_url, "--channel", BARE_CHANNEL),
            ]
        if server.runner == "daphne":
            return [
                *(sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port)),
                *server.options,
                server.app,
            ]
        return [
            *(sys.executable, "-m", "uvicorn", server.app, "--host", "127.0.0.1"),
            *("--port", str(port), "--lifespan", "off", "--log-level", "warning"),
            *server.options,
        ]

    def start(self) -> None:
        for port in self.ports:
            log = tempfile.NamedTemporaryFile(  # noqa: SIM115 (read after the run)
                prefix="bench-server-", suffix=".log", delete=False
            )
            self.logs.append(Path(log.name))
            self.processes.append(
                subprocess.Popen(self.command(port), cwd=ROOT, env=self.env, stdout=log, stderr=log)
            )
        deadline = time.monotonic() + 60
        for process, port in zip(self.processes, self.ports, strict=True):
            while not port_open("127.0.0.1", port, timeout=0.2):
                if process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"{self.server.name} did not start:\n{self.output()}")
                time.sleep(0.1)

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes = []

    def remove_logs(self) -> None:
        for log in self.logs:
            log.unlink(missing_ok=True)

    def output(self) -> str:
        return "\n".join(log.read_text(errors="replace")[-3000:] for log in self.logs)

    def cpu(self) -> float:
        return sum(cpu_seconds(pid) for pid in self.pids)

    def rss(self) -> int:
        return sum(rss_bytes(pid) for pid in self.pids)


class Clients:
    """Client processes holding ``size`` sockets between them, driven over their stdio."""

    def __init__(self, urls: list[str], size: int, processes: int, *, deflate: bool = False):
        self.urls, self.size, self.deflate = urls, size, deflate
        self.counts = [size // processes + (i < size % processes) for i in range(processes)]
        self.procs: list[asyncio.subprocess.Process] = []
        self.complete: dict[int, int] = {}  # seq -> client processes that have it everywhere
        self.connected = 0
        self.failures: list[str] = []
        self._waiters: dict[int, asyncio.Future] = {}
        self._replies: list[asyncio.Queue] = []
        self._readers: list[asyncio.Task] = []

    async def start(self) -> None:
        for count in self.counts:
            proc = await asyncio.create_subprocess_exec(
                *(sys.executable, "-m", "bench.fanout_client", "--count", str(count)),
                *(["--deflate"] if self.deflate else []),
                *self.urls,
                cwd=ROOT,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                limit=2**26,
            )
            self.procs.append(proc)
            self._replies.append(asyncio.Queue())
        self._readers = [
            asyncio.create_task(self._read(i, proc)) for i, proc in enumerate(self.procs)
        ]
        for queue in self._replies:
            ready = await asyncio.wait_for(queue.get(), timeout=300)
            self.connected += ready["connected"]
            self.failures += ready["errors"]

    async def _read(self, index: int, proc) -> None:
        while line := await proc.stdout.readline():
            message = json.loads(line)
            if message["event"] == "complete":
                seq = message["seq"]
                self.complete[seq] = self.complete.get(seq, 0) + 1
                waiter = self._waiters.get(seq)
                if waiter and not waiter.done() and self.complete[seq] == len(self.procs):
                    waiter.set_result(None)
            else:
                await self._replies[index].put(message)

    async def wait_complete(self, seq: int, timeout: float) -> bool:
        if self.complete.get(seq, 0) == len(self.procs):
            return True
        waiter = self._waiters[seq] = asyncio.get_running_loop().create_future()
        try:
            await asyncio.wait_for(waiter, timeout)
            return True
        except TimeoutError:
            return False
        finally:
            del self._waiters[seq]

    async def ask(self, command: str) -> list[dict]:
        for proc in self.procs:
            proc.stdin.write(f"{command}\n".encode())
            await proc.stdin.drain()
        return [await asyncio.wait_for(queue.get(), timeout=120) for queue in self._replies]

    async def report(self) -> dict[int, list]:
        """Arrivals since the last report: seq -> [deliveries, last arrival, send time]."""
        merged: dict[int, list] = {}
        for reply in await self.ask("report"):
            for seq, (count, last, sent) in reply["seqs"].items():
                seq = int(seq)
                if seq in merged:
                    merged[seq][0] += count
                    merged[seq][1] = max(merged[seq][1], last)
                else:
                    merged[seq] = [count, last, sent]
        return merged

    async def stop(self) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.ask("quit"), timeout=30)
        for proc in self.procs:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            await proc.wait()
        for task in self._readers:
            task.cancel()


# Publishing.


def bench_frame(seq: int, sent: float) -> str:
    from wagtail_live_admin.delivery.frames import encode_frame

    content = f'<div class="live-post" data-post-id="bench" data-sent="{sent:.6f}">{PADDING}</div>'
    return encode_frame(
        channel_id=CHANNEL_ID,
        renders={"bench": {"show": True, "content": content}},
        removals=[],
        seq=seq,
        published_at=datetime.fromtimestamp(sent, tz=UTC),
    )


class Publisher:
    """Sends a frame the way the server under test expects it."""

    def __init__(self, server: Server, servers: ServerProcesses):
        self.server = server
        self.nchan = self.signal = None
        if server.signal:
            self.signal = signal_path.SignalPublisher(
                server, servers, channel_id=CHANNEL_ID, padding=PADDING
            )
        if server.runner == "nchan":
            self.nchan, self.layer = nchan.NchanPublisher(servers.publish_url(CHANNEL_ID)), None
        elif server.runner == "bare":
            import redis.asyncio

            self.redis = redis.asyncio.Redis.from_url(servers.redis_url)
            self.layer = None
        else:
            config = layers.layer_config(
                server.layer, servers.redis_url, servers.prefix, server.capacity
            )
            self.layer = layers.make_layer(config)

    async def publish(self, seq: int) -> None:
        sent = time.time()
        if self.signal is not None:
            await self.signal.publish(seq, sent)
            return
        frame = bench_frame(seq, sent)
        if self.nchan is not None:
            await self.nchan.publish_frame(frame)
        elif self.layer is None:
            await self.redis.publish(BARE_CHANNEL, frame)
        elif self.server.ours:
            from wagtail_live_admin.realtime.groups import UPDATE_EVENT, agroup_send

            await agroup_send(
                [CHANNEL_ID], {"type": UPDATE_EVENT, "frame": frame}, layer=self.layer
            )
        else:
            await self.layer.group_send("bench", {"type": "bench.frame", "frame": frame})

    async def close(self) -> None:
        if self.signal is not None:
            await self.signal.close()
        if self.nchan is not None:
            return
        if self.layer is None:
            await self.redis.aclose()
        elif hasattr(self.layer, "flush"):
            with contextlib.suppress(Exception):
                await self.layer.flush()
            if hasattr(self.layer, "close_pools"):
                await self.layer.close_pools()


# One run: a server configuration, a number of processes and of subscribers.


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def summarise(arrivals: dict[int, list], published: int, sockets: int, *, burst: bool) -> dict:
    latencies = [(last - sent) * 1000 for count, last, sent in arrivals.values()]
    delivered = sum(count for count, _, _ in arrivals.values())
    first_sent = min((sent for _, _, sent in arrivals.values()), default=None)
    last_arrival = max((last for _, last, _ in arrivals.values()), default=None)
    span = (last_arrival - first_sent) if arrivals and burst else None
    return {
        "frames": published,
        "p50_ms": _round(percentile(latencies, 0.50)),
        "p95_ms": _round(percentile(latencies, 0.95)),
        "p99_ms": _round(percentile(latencies, 0.99)),
        "max_ms": _round(max(latencies, default=None)),
        "lost": published * sockets - delivered,
        "deliveries_per_s": round(delivered / span) if span else None,
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


async def wait_idle(clients: Clients, seqs: list[int]) -> None:
    """Wait until every frame reached every socket, or nothing arrived for IDLE seconds."""
    deadline = time.monotonic() + TIMEOUT
    last_change, last_seen = time.monotonic(), -1
    while time.monotonic() < deadline:
        if all(clients.complete.get(seq, 0) == len(clients.procs) for seq in seqs):
            return
        await asyncio.sleep(0.25)
        seen = sum(clients.complete.get(seq, 0) for seq in seqs)
        if seen != last_seen:
            last_change, last_seen = time.monotonic(), seen
        elif time.monotonic() - last_change > IDLE:
            return


async def run_mode(mode: str, frames: int, next_seq, publisher, clients) -> tuple[dict, float]:
    seqs = []
    if mode == "paced":
        for _ in range(frames):
            seq = next_seq()
            seqs.append(seq)
            await publisher.publish(seq)
            if not await clients.wait_complete(seq, timeout=15):
                break  # lost somewhere: the burst modes tell how much
            await asyncio.sleep(PACED_GAP)
    else:
        for _ in range(int(mode.removeprefix("burst"))):
            seq = next_seq()
            seqs.append(seq)
            await publisher.publish(seq)
        await wait_idle(clients, seqs)
    await asyncio.sleep(0.2)
    return await clients.report(), len(seqs)


class Profiler:
    """py-spy sampling each server process while a mode runs (``--profile DIR``)."""

    def __init__(self, directory: Path | None, servers: ServerProcesses, label: str):
        self.procs = []
        if directory is None:
            return
        directory.mkdir(parents=True, exist_ok=True)
        for index, pid in enumerate(servers.pids):
            name = f"{label}-{index}".replace(" ", "_").replace("/", "_").replace(",", "")
            self.procs.append(
                subprocess.Popen(
                    [
                        *(PY_SPY, "record", "--pid", str(pid), "--rate", "250"),
                        *("--format", "raw", "--output", str(directory / f"{name}.txt")),
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )

    def stop(self) -> None:
        for proc in self.procs:
            proc.send_signal(signal.SIGINT)
        for proc in self.procs:
            proc.wait(timeout=60)


async def run_cell(
    server: Server,
    size: int,
    processes: int,
    modes: list[str],
    plan: Plan,
    *,
    redis_url: str,
    database_url: str,
    profile: Path | None = None,
) -> list[dict]:
    if server.runner == "nchan":
        servers = nchan.NchanProcesses(
            server, processes, redis_url=redis_url, database_url=database_url, path=server.path
        )
    else:
        servers = ServerProcesses(server, processes, redis_url=redis_url, database_url=database_url)
    servers.start()
    publisher = Publisher(server, servers)
    seq_counter = iter(range(1, 10**9))
    rows = []
    clients = None
    try:
        await _warm_up(servers)
        rss_before = servers.rss()
        clients = Clients(servers.urls, size, 1 if size <= 1000 else 2, deflate=server.deflate)
        started = time.perf_counter()
        await clients.start()
        connect_seconds = time.perf_counter() - started
        await asyncio.sleep(1)  # let the last joins settle
        rss_after = servers.rss()
        # A few frames first: the first publishes open connections and fill caches.
        await run_mode("paced", 3, lambda: next(seq_counter), publisher, clients)
        for mode in modes:
            # Sizes beyond the plan (--sizes 20000) get as few paced frames as its largest.
            frames = plan.paced_frames.get(size, 4) if mode == "paced" else None
            profiler = Profiler(profile, servers, f"{server.name}-{size}-x{processes}-{mode}")
            await asyncio.sleep(0.5 if profile else 0)  # py-spy attaches
            cpu_before = servers.cpu()
            arrivals, published = await run_mode(
                mode, frames, lambda: next(seq_counter), publisher, clients
            )
            cpu = servers.cpu() - cpu_before
            profiler.stop()
            summary = summarise(
                arrivals, published, clients.connected, burst=mode.startswith("burst")
            )
            delivered = published * clients.connected - summary["lost"]
            rows.append(
                {
                    "machine": machine(),
                    "server": server.name,
                    "baseline": server.baseline,
                    "configuration": {
                        "runner": server.runner,
                        "app": server.app,
                        "layer": server.layer and layers.BACKENDS[server.layer],
                        "capacity": server.capacity,
                        "client_processes": len(clients.procs),
                        "server_options": list(server.options),
                        "clients_offer_deflate": server.deflate,
                    },
                    "subscribers": size,
                    "connected": clients.connected,
                    "connect_failures": clients.failures,
                    "connect_s": round(connect_seconds, 2),
                    "processes": processes,
                    "mode": mode,
                    **summary,
                    "server_cpu_us_per_delivery": round(cpu / delivered * 1e6, 1)
                    if delivered
                    else None,
                    "rss_mb_per_1000": round((rss_after - rss_before) / size * 1000 / 2**20, 1),
                    "rss_mb": round(rss_after / 2**20, 1),
                }
            )
            print(_progress(rows[-1]), flush=True)
    finally:
        if clients is not None:
            await clients.stop()
        await publisher.close()
        servers.stop()
    servers.remove_logs()  # kept when the run failed, for its error
    return rows


async def _warm_up(servers: ServerProcesses) -> None:
    """Open and close one socket per server: the first connection loads the application."""
    from websockets.asyncio.client import connect

    for url in servers.urls:
        async with connect(url, origin=page_origin(url), compression=None) as websocket:
            await asyncio.sleep(0.2)
            del websocket
    await asyncio.sleep(0.5)


def _progress(row: dict) -> str:
    return (
        f"  {row['server']:<34} N={row['subscribers']:<5} x{row['processes']} "
        f"{row['mode']:<8} p50 {row['p50_ms']} p99 {row['p99_ms']} max {row['max_ms']} ms, "
        f"lost {row['lost']}, {row['server_cpu_us_per_delivery']} µs/delivery"
    )


def prepare_database() -> None:
    """The live page our consumer admits readers to, in the bench's database."""
    from wagtail.models import Page

    from tests.testapp.models import LiveBlogPage

    if LiveBlogPage.objects.filter(channel_id=CHANNEL_ID).exists():
        return
    home = Page.objects.get(depth=2)
    page = LiveBlogPage(title="Fan-out", slug="fan-out", channel_id=CHANNEL_ID)
    home.add_child(instance=page)
    page.save_revision().publish()


def run(
    *,
    quick: bool = False,
    servers: list[str] | None = None,
    sizes: list[int] | None = None,
    processes: list[int] | None = None,
    modes: list[str] | None = None,
    profile: Path | None = None,
    redis_url: str,
) -> list[dict]:
    from django.db import connection

    plan = QUICK if quick else FULL
    for name, value in (("servers", servers), ("sizes", sizes), ("processes", processes)):
        if value:
            setattr(plan, name, value)
    if servers:
        plan.extra = []
    if modes:
        plan.modes = modes
    if unknown := set(plan.servers) - set(SERVERS):
        raise SystemExit(f"Unknown server {unknown}, must be one of: {', '.join(SERVERS)}")
    prepare_database()
    database = connection.settings_dict["NAME"]
    # The database the bench process uses: SQLite by default, PostgreSQL with DATABASE_URL.
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{database}"
    rows = []
    for server, size, processes, modes in plan.cells():
        rows += asyncio.run(
            run_cell(
                server,
                size,
                processes,
                modes,
                plan,
                redis_url=redis_url,
                database_url=database_url,
                profile=profile,
            )
        )
    print_tables(rows)
    path = write(
        "fanout",
        rows,
        configuration={
            "quick": quick,
            "paced_frames": plan.paced_frames,
            "paced_gap_s": PACED_GAP,
            "frame_bytes": len(bench_frame(1, time.time())),
            "idle_s": IDLE,
            "timeout_s": TIMEOUT,
            "clients": "websockets asyncio client, compression off, 1 process up to 1,000 "
            "sockets, 2 above",
        },
    )
    print(f"\nwritten: {path.relative_to(ROOT)}")
    return rows


def print_tables(rows: list[dict]) -> None:
    def key(row):
        return (row["subscribers"], row["processes"], row["mode"])

    bare = {key(row): row for row in rows if row["baseline"] == "websockets"}
    channels = {key(row): row for row in rows if row["baseline"] == "channels"}
    lines = []
    for row in rows:
        k = key(row)
        ws, ch = bare.get(k, {}), channels.get(k, {})
        lines.append(
            [
                f"{row['subscribers']:,}",
                row["processes"],
                row["mode"],
                row["server"],
                row["p50_ms"],
                row["p95_ms"],
                row["p99_ms"],
                row["max_ms"],
                row["lost"],
                ratio(row["p99_ms"], ws.get("p99_ms")),
                ratio(ch.get("p99_ms"), row["p99_ms"]),
                row["deliveries_per_s"],
                row["server_cpu_us_per_delivery"],
                row["rss_mb_per_1000"],
                ratio(row["rss_mb_per_1000"], ws.get("rss_mb_per_1000")),
            ]
        )
    print(
        table(
            "Fan-out: publish to last subscriber (ms), lost frames, server CPU and memory",
            [
                "N",
                "procs",
                "mode",
                "server",
                "p50",
                "p95",
                "p99",
                "max",
                "lost",
                "p99 / bare ws",
                "Channels p99 / this",
                "deliveries/s",
                "CPU µs/delivery",
                "MB / 1,000 conns",
                "memory / bare ws",
            ],
            lines,
        )
    )
