"""Readers across a server restart: a restart storm, and a rolling restart under publishes.

Two server processes (uvicorn, then daphne) serve the test project on the recommended
Redis layer. Readers are client processes of bench/restart_client.py, which behave as
live.js does and reconnect to the other process (as a load balancer would send them)
when theirs goes away.

- Restart storm: every reader on process A; A gets SIGTERM and an update is published
  while its readers are away. Timed from the SIGTERM: the last reader admitted on B, and
  the last reader caught up (the update applied); the database queries B ran for the
  crowd's admissions; how long until the dashboard's count is the readers' number again;
  the CPU seconds B and the readers' processes spent meanwhile. On the recommended
  server, again with readers that catch up over HTTP (as with a server that cannot catch
  a socket up), in the same run.
- Rolling restart: readers on both processes, paced publishes; A gets SIGTERM in the
  middle and is started again. Lost updates (a reader still without one ``LATE_S`` after
  A is back) and how long after the SIGTERM the count is right again.
"""

from __future__ import annotations

import functools
import json
import os
import select
import subprocess
import sys
import threading
import time
import urllib.request

from django.test import override_settings

from bench import layers
from bench.fanout import (
    LEAN,
    RECOMMENDED_CAPACITY,
    ROOT,
    Server,
    ServerProcesses,
    cpu_seconds,
    percentile,
)
from bench.machine import machine, table, write

CHANNEL_ID = "bench-restart"
# The recommended server (docs/performance.md) first, then the one `make demo` runs.
SERVERS = (
    Server(
        *("ours + uvicorn", "uvicorn", "tests.asgi:application", "core", RECOMMENDED_CAPACITY),
        ours=True,
        options=(*LEAN, "--ws-per-message-deflate", "false"),
    ),
    Server(
        "ours + daphne", "daphne", "tests.asgi:application", "core", RECOMMENDED_CAPACITY, ours=True
    ),
)
STORM_READERS, ROLLING_READERS, PUBLISHES, PER_SECOND = 5000, 1000, 40, 4
QUICK = (500, 200, 12)
CLIENT_PROCESSES = 2
SPREAD_MS = 3000
# Readers' first connects a second, over all client processes: a crowd that builds up, as
# a live blog's does, before the restart that sends it all at once.
RATE = 200


# Seconds a reader may take to get every update after the rolling restart: then it is lost.
LATE_S = 30
# Seconds a crowd may take to get in and catch up before the restart.
READY_TIMEOUT = 180


class NotReady(Exception):
    """The crowd never all got in before the restart: the scenario was not run."""


class ReaderProcesses:
    """Client processes of bench/restart_client.py, ``count`` readers over them."""

    def __init__(
        self, count: int, urls: list[str], *, spread_ms: float = SPREAD_MS, on_socket=True
    ):
        per = [count // CLIENT_PROCESSES + (i < count % CLIENT_PROCESSES) for i in range(2)]
        self.processes = [
            subprocess.Popen(
                [
                    *(sys.executable, "-m", "bench.restart_client", "--count", str(n)),
                    *("--channel", CHANNEL_ID, "--spread", str(spread_ms)),
                    *("--rate", str(RATE / CLIENT_PROCESSES)),
                    *(() if on_socket else ("--http-catch-up",)),
                    *urls,
                ],
                cwd=ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            for n in per
            if n
        ]

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> float:
        """Wait until every reader is in and caught up; seconds taken. ``NotReady`` if never.

        Each process opens its readers at RATE a second; a crowd that never gets in (the
        server cannot keep up) shows as a line that never comes.
        """
        started = time.time()
        for process in self.processes:
            ready, _, _ = select.select([process.stdout], [], [], started + timeout - time.time())
            if not ready:
                raise NotReady(f"the crowd was not in and caught up within {timeout:.0f} s")
            assert json.loads(process.stdout.readline())["event"] == "ready"
        return time.time() - started

    def report(self, command: str = "report") -> tuple[list, dict, dict]:
        """Each reader's state, the close codes they saw, and why catch-ups failed.

        ``command``: ``report`` at once, or ``wait ...`` (bench/restart_client.py).
        """
        readers, codes, failures = [], {}, {}
        for process in self.processes:
            process.stdin.write(f"{command}\n")
            process.stdin.flush()
        for process in self.processes:
            answer = json.loads(process.stdout.readline())
            readers += answer["readers"]
            for code, count in answer["codes"].items():
                codes[code] = codes.get(code, 0) + count
            for why, count in answer["catch_up_failures"].items():
                failures[why] = failures.get(why, 0) + count
        return readers, codes, failures

    def stop(self) -> None:
        for process in self.processes:
            try:
                process.stdin.write("quit\n")
                process.stdin.flush()
                process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                process.kill()
                process.wait()


def prepare_page():
    from wagtail.models import Page

    from tests.posts import post_value
    from tests.testapp.models import LiveBlogPage

    LiveBlogPage.objects.filter(channel_id=CHANNEL_ID).delete()
    page = LiveBlogPage(
        title="Restart", slug=f"restart-{time.monotonic_ns()}", channel_id=CHANNEL_ID
    )
    Page.objects.get(depth=2).add_child(instance=page)
    page.save_revision().publish()
    page = LiveBlogPage.objects.get(pk=page.pk)
    page.add_live_post(post_value("Kick-off"))
    return page


def publish(page, layer: dict, text: str) -> int:
    from tests.posts import post_value

    with override_settings(CHANNEL_LAYERS={"default": layer}):
        page.refresh_from_db()
        page.add_live_post(post_value(text))
    from wagtail_live_admin.delivery.snapshot import last_seq

    return last_seq(CHANNEL_ID)


@functools.cache
def _presence(redis_url: str, prefix: str):
    from wagtail_live_admin.realtime.presence.redis_backend import RedisPresence

    return RedisPresence(host={"address": redis_url}, prefix=prefix)


def counts(servers: ServerProcesses) -> int:
    """The channel's readers, as the dashboard counts them."""
    return _presence(servers.redis_url, servers.prefix).counts([CHANNEL_ID])[CHANNEL_ID]


def queries(port: int) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/__tests__/queries/") as response:
        return json.load(response)["queries"]


def restart(servers: ServerProcesses, index: int, *, start: bool = True) -> float:
    """SIGTERM process ``index``; start it again on its port once it is gone. Returns when.

    Returns at once: the publishes go on while the process stops (in a thread, which
    notes in ``servers.exit_s`` how long it took to exit; ``servers.restarted`` is set
    once it is gone, and started again if ``start``).
    """
    old = servers.processes[index]
    servers.restarted = threading.Event()
    stopped_at = time.time()
    old.terminate()

    def wait_and_start():
        # daphne waits for its application instances on the way out, HTTP requests included.
        old.wait(timeout=120)
        servers.exit_s = time.time() - stopped_at
        if start:
            port = servers.ports[index]
            servers.processes[index] = subprocess.Popen(
                servers.command(port),
                cwd=ROOT,
                env=servers.env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        servers.restarted.set()

    threading.Thread(target=wait_and_start, daemon=True).start()
    return stopped_at


def wait_for_count(
    servers, expected: int, since: float, timeout: float = 60, *, dropped: bool = False
) -> float | None:
    """Seconds from ``since`` until the count is ``expected`` (None if it never was).

    ``dropped``: the count is right again only once it has been wrong (the stopped
    process's readers out of it): just after the SIGTERM it is still right, by them.
    """
    deadline = time.time() + timeout
    while time.time() < deadline:
        count = counts(servers)
        if count != expected:
            dropped = False
        elif not dropped:
            return time.time() - since
        time.sleep(0.05)
    return None


def storm(
    servers: ServerProcesses, page, layer: dict, readers_count: int, *, on_socket=True
) -> dict:
    urls = [f"ws://127.0.0.1:{port}" for port in servers.ports]
    readers = ReaderProcesses(readers_count, urls, on_socket=on_socket)  # all on A first
    try:
        ready_s = readers.wait_ready()
        before = queries(servers.ports[1])
        # CPU from the SIGTERM until every reader is caught up: B's, and the readers'
        # processes', which share the machine's cores with the servers.
        busy = [servers.processes[1].pid, *(process.pid for process in readers.processes)]
        cpu_before = [cpu_seconds(pid) for pid in busy]
        stopped_at = restart(servers, 0, start=False)
        seq = publish(page, layer, "While A restarts")
        count_s = wait_for_count(servers, readers_count, stopped_at, dropped=True)
        states, codes, failures = readers.report(f"wait {stopped_at} {seq} 60")
        cpu = [cpu_seconds(pid) - cpu_before[n] for n, pid in enumerate(busy)]
        servers.restarted.wait(timeout=120)
        # The first close each reader saw after the SIGTERM: A's (not a failed reconnect's).
        closed = [
            min(at for at in state[4] if at > stopped_at) - stopped_at
            for state in states
            if any(at > stopped_at for at in state[4])
        ]
        admitted = [state[0] - stopped_at for state in states if state[0] > stopped_at]
        caught_up = [
            state[1] - stopped_at for state in states if state[1] > stopped_at and state[2] >= seq
        ]
        return {
            "scenario": _SCENARIOS["storm" if on_socket else "storm over HTTP"],
            "readers": readers_count,
            "crowd_ready_s": ready_s,
            "closed_p50_s": percentile(closed, 0.5),
            "closed_last_s": max(closed, default=None),
            "admitted": len(admitted),
            "admitted_p50_s": percentile(admitted, 0.5),
            "admitted_last_s": max(admitted, default=None),
            "caught_up": len(caught_up),
            "caught_up_last_s": max(caught_up, default=None),
            "count_right_s": count_s,
            "count_at_end": counts(servers),
            "a_exited_s": servers.exit_s,
            "queries_on_b": queries(servers.ports[1]) - before,
            "b_cpu_s": cpu[0],
            "readers_cpu_s": sum(cpu[1:]),
            "close_codes": codes,
            "catch_up_failures": failures,
        }
    finally:
        readers.stop()


def rolling(servers: ServerProcesses, page, layer: dict, readers_count: int, publishes: int):
    urls = [f"ws://127.0.0.1:{port}" for port in servers.ports]
    halves = [
        ReaderProcesses(readers_count // 2, urls),
        ReaderProcesses(readers_count - readers_count // 2, urls[::-1]),
    ]
    try:
        for half in halves:
            half.wait_ready()
        wait_for_count(servers, readers_count, time.time(), timeout=30)
        seq, stopped_at, counted = 0, None, []
        for number in range(publishes):
            started = time.time()
            seq = publish(page, layer, f"Update {number}")
            if number == publishes // 3:
                stopped_at = restart(servers, 0)
                # Watched while the publishes go on: from the drop until right again.
                watcher = threading.Thread(
                    target=lambda since=stopped_at: counted.append(
                        wait_for_count(servers, readers_count, since, dropped=True)
                    )
                )
                watcher.start()
            time.sleep(max(0, 1 / PER_SECOND - (time.time() - started)))
        servers.restarted.wait(timeout=120)
        watcher.join()
        count_s = counted[0]
        # A reader still without an update is late (its process behind on a busy machine),
        # not yet lost: lost is still without it LATE_S after A is back and counts are right.
        deadline = time.time() + LATE_S
        while True:
            reports = [half.report() for half in halves]
            states = sum((report[0] for report in reports), [])
            behind = sum(1 for state in states if state[2] < seq or state[3])
            if not behind or time.time() > deadline:
                break
            time.sleep(0.5)
        failures, codes = {}, {}
        for report in reports:
            for why, count in report[2].items():
                failures[why] = failures.get(why, 0) + count
            for code, count in report[1].items():
                codes[code] = codes.get(code, 0) + count
        return {
            "scenario": _SCENARIOS["rolling"],
            "readers": readers_count,
            "publishes": publishes,
            "readers_missing_an_update": behind,
            "count_right_s": count_s,
            "count_at_end": counts(servers),
            "a_exited_s": servers.exit_s,
            "close_codes": codes,
            "catch_up_failures": failures,
        }
    finally:
        for half in halves:
            half.stop()


def run(
    *,
    redis_url: str,
    quick: bool = False,
    sizes: list[int] | None = None,
    servers: list[str] | None = None,
) -> list[dict]:
    """``sizes``: the storm's readers and the rolling restart's, instead of the defaults;
    ``servers``: only these configurations (by name)."""
    from django.db import connection

    storm_readers, rolling_readers, publishes = (
        QUICK if quick else (STORM_READERS, ROLLING_READERS, PUBLISHES)
    )
    if sizes:
        storm_readers, rolling_readers = (sizes * 2)[:2]
    # The servers use the bench's database (bench/__main__.py: SQLite unless DATABASE_URL).
    database_url = os.environ["DATABASE_URL"]
    rows = []
    for server in SERVERS:
        if servers and server.name not in servers:
            continue
        # The baseline, catch-up over HTTP, on the recommended server only.
        baseline = ("storm over HTTP",) if server is SERVERS[0] else ()
        for scenario in ("storm", *baseline, "rolling"):
            rows.append(
                {
                    "server": server.name,
                    **run_scenario(
                        server, scenario, redis_url, database_url,
                        readers=rolling_readers if scenario == "rolling" else storm_readers,
                        publishes=publishes,
                    ),
                }
            )  # fmt: skip
            print(json.dumps(rows[-1]))
    write("restart", [{"machine": machine(), **row} for row in rows], configuration={
        "servers": "2 processes each, channels-redis (capacity 1,000)",
        "database": connection.vendor,
        "spread_ms": SPREAD_MS,
        "quick": quick,
    })  # fmt: skip
    print(table_of(rows))
    return rows


def run_scenario(server, scenario: str, redis_url, database_url, *, readers, publishes) -> dict:
    page = prepare_page()
    processes = ServerProcesses(server, 2, redis_url=redis_url, database_url=database_url)
    layer = layers.layer_config("core", redis_url, processes.prefix, RECOMMENDED_CAPACITY)
    processes.start()
    try:
        if scenario != "rolling":
            return storm(processes, page, layer, readers, on_socket=scenario == "storm")
        return rolling(processes, page, layer, readers, publishes)
    except NotReady as exc:
        return {"scenario": _SCENARIOS[scenario], "readers": readers, "not_run": str(exc)}
    finally:
        processes.stop()
        processes.remove_logs()


_SCENARIOS = {
    "storm": "restart storm",
    "storm over HTTP": "restart storm, catch-up over HTTP",
    "rolling": "rolling restart of 1 of 2",
}


def table_of(rows: list[dict]) -> str:
    return table(
        "Restarts: 2 server processes, readers that behave as live.js (seconds from the SIGTERM)",
        ["server", "scenario", "readers", "close seen (p50)", "last admitted", "last caught up",
         "count right", "lost", "A exits", "B's queries", "B's CPU", "readers' CPU"],
        [
            [
                row["server"],
                row["scenario"],
                f"{row['readers']:,}",
                _round(row.get("closed_p50_s")),
                "crowd not in" if "not_run" in row else _round(row.get("admitted_last_s")),
                _round(row.get("caught_up_last_s")),
                _round(row.get("count_right_s")),
                row.get("readers_missing_an_update", "-"),
                _round(row.get("a_exited_s")),
                row.get("queries_on_b", "-"),
                _round(row.get("b_cpu_s", "-")),
                _round(row.get("readers_cpu_s", "-")),
            ]
            for row in rows
        ],
    )  # fmt: skip


def _round(value):
    return round(value, 2) if isinstance(value, float) else value
