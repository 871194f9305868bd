"""A newsroom's two ways to post, timed from the click to the last of N readers.

A live page with 1,000 posts and 1,000 readers on its channel (client processes of
bench/fanout_client.py) on one daphne process serving the test project, on the
recommended Redis layer (bench/layers.py). The bench process acts as the editor's
browser, signed in over HTTP:

- "Post now": the composer's POST of one new post (what htmx sends);
- page-editor publish: the Wagtail page editor's Publish of the same page with one
  new post, the form holding the 1,000 posts and the merge base (what the browser
  sends), from an editor who opened the page just before.

Each trial is timed from just before the request to the moment its update reached
the last reader (the clients' arrival times, same clock); the server's answer is
timed too. Both paths are measured in the same run, one after the other.
"""

from __future__ import annotations

import asyncio
import statistics
import time
import urllib.parse
import urllib.request
import uuid

from bench.fanout import (
    RECOMMENDED_CAPACITY,
    Clients,
    Server,
    ServerProcesses,
    percentile,
)
from bench.machine import machine, ratio, table, write

CHANNEL_ID = "bench-newsroom"
POSTS, READERS, TRIALS = 1000, 1000, 15
QUICK = (100, 100, 5)
SERVER = Server(
    "ours + daphne", "daphne", "tests.asgi:application", "core", RECOMMENDED_CAPACITY, ours=True
)
CSRF = "b" * 32  # a CSRF secret of the right length, sent as cookie and header
WORDS = "words " * 40


def _make_page(posts: int, channel_id: str = CHANNEL_ID):
    from wagtail.models import Page

    from tests.posts import post_value
    from tests.testapp.models import LiveBlogPage

    LiveBlogPage.objects.filter(channel_id=channel_id).delete()
    page = LiveBlogPage(title="Newsroom", slug=f"newsroom-{uuid.uuid4().hex[:6]}")
    page.channel_id = channel_id
    for number in range(posts):
        page.live_posts.append(("live_post", post_value(f"Post {number} {WORDS}")))
    Page.objects.get(depth=2).add_child(instance=page)
    page.save_revision().publish()
    return LiveBlogPage.objects.get(pk=page.pk)


def _editor_client():
    from django.contrib.auth import get_user_model
    from django.test import Client

    User = get_user_model()
    user = User.objects.filter(username="bench-editor").first() or User.objects.create_superuser(
        "bench-editor", "bench@example.com", "bench"
    )
    client = Client()
    client.force_login(user)
    return client


def _prepare(posts: int):
    """The page, its posts, and a signed-in editor's session cookie."""
    page = _make_page(posts)
    return page, _editor_client().cookies["sessionid"].value


def list_timings(sizes=(20, 1000), repeats=7) -> list[dict]:
    """The composer's list (server time in this process, as the admin bench times views):
    the channel's page, the next slice of older posts, a refresh after one update."""
    from wagtail_live_admin.live import operations

    client = _editor_client()
    rows = []
    for size in sizes:
        page = _make_page(size, channel_id=f"{CHANNEL_ID}-list-{size}")
        base = f"/admin/live/channels/{page.channel_id}/"
        oldest_first = page.live_posts.raw_data[0]
        since = _seq_of(page.channel_id)
        from tests.posts import post_value

        operations.add_post(page, post_value("One more"))
        urls = {
            "channel page (composer, 20 newest)": base,
            "next 20 older posts": f"{base}posts/?before_id={oldest_first['id']}"
            f"&before={urllib.parse.quote(oldest_first['value']['created'])}",
            "refresh after one update": f"{base}posts/changes/?since={since}",
        }
        for view, url in urls.items():
            client.get(url)  # warm-up
            samples = []
            for _ in range(repeats):
                started = time.perf_counter()
                response = client.get(url)
                samples.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            rows.append({"view": view, "posts": size, "server_ms": statistics.median(samples)})
    return rows


def _seq_of(channel_id: str) -> int:
    from wagtail_live_admin.delivery.snapshot import last_seq

    return last_seq(channel_id)


def _request(url: str, session: str, data: dict | None = None) -> bytes:
    headers = {"Cookie": f"sessionid={session}; csrftoken={CSRF}", "X-CSRFToken": CSRF}
    body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers)
    with urllib.request.build_opener(_NoRedirect).open(request, timeout=120) as response:
        return response.read()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def http_error_302(self, request, response, code, message, headers):
        return response


def _post_now(base: str, session: str, page, number: int) -> float:
    """Click "Post now"; return when."""
    from tests.posts import composer_text

    url = f"{base}/admin/live/channels/{CHANNEL_ID}/posts/new/"
    started = time.time()
    _request(url, session, {"text": composer_text(f"Post now {number} {WORDS}"), "embed": ""})
    return started


def _publish_in_page_editor(base: str, session: str, page, number: int) -> float:
    """Open the page editor, add a post, click Publish; return when Publish was clicked."""
    import re
    from html import unescape

    from tests.posts import edit_form_data

    # The editor opens the page (its form holds the posts and the merge base), adds one.
    html = _request(f"{base}/admin/pages/{page.pk}/edit/", session).decode()
    opened = unescape(re.search(r'name="live_posts_base" value="([^"]*)"', html).group(1))
    posts = _existing_posts(page)
    data = edit_form_data(
        page, [(str(uuid.uuid4()), f"Published {number} {WORDS}"), *posts], publish=True
    )
    data["live_posts_base"] = opened
    started = time.time()
    _request(f"{base}/admin/pages/{page.pk}/edit/", session, data)
    return started


def _existing_posts(page) -> list[tuple[str, str]]:
    from django.utils.html import strip_tags

    from tests.testapp.models import LiveBlogPage

    fresh = LiveBlogPage.objects.get(pk=page.pk)
    return [
        (item["id"], strip_tags(item["value"]["content"][0]["value"]))
        for item in fresh.live_posts.raw_data
    ]


def _last_seq() -> int:
    from wagtail_live_admin.delivery.snapshot import last_seq

    return last_seq(CHANNEL_ID)


async def _trials(path: str, count: int, send, clients: Clients) -> list[dict]:
    results = []
    for number in range(count):
        seq = await asyncio.to_thread(_last_seq) + 1
        started = await asyncio.to_thread(send, number)
        answered = time.time()
        if not await clients.wait_complete(seq, timeout=30):
            results.append({"path": path, "lost": True})
            continue
        arrivals = await clients.report()
        last = arrivals[seq][1]
        results.append(
            {
                "path": path,
                "to_last_reader_ms": (last - started) * 1000,
                "answer_ms": (answered - started) * 1000,
                "renders": await asyncio.to_thread(_renders, seq),
            }
        )
        await asyncio.sleep(0.2)
    return results


def _renders(seq: int) -> int:
    from wagtail_live_admin.models import PublishLogEntry

    return len(PublishLogEntry.objects.get(channel_id=CHANNEL_ID, seq=seq).renders)


async def _run(posts: int, readers: int, trials: int, redis_url: str, database_url: str):
    page, session = await asyncio.to_thread(_prepare, posts)
    servers = ServerProcesses(SERVER, 1, redis_url=redis_url, database_url=database_url)
    servers.start()
    urls = [f"ws://127.0.0.1:{port}/ws/channel/{CHANNEL_ID}/" for port in servers.ports]
    clients = Clients(urls, readers, 1)
    base = f"http://127.0.0.1:{servers.ports[0]}"
    try:
        await clients.start()
        if clients.connected != readers:
            raise RuntimeError(
                f"{clients.connected} of {readers} readers connected: {clients.failures}"
            )
        await asyncio.sleep(1)
        await asyncio.to_thread(_request, f"{base}/admin/", session)  # load the admin once
        composer = await _trials(
            "Post now (composer)",
            trials,
            lambda n: _post_now(base, session, page, n),
            clients,
        )
        editor = await _trials(
            "page-editor publish",
            trials,
            lambda n: _publish_in_page_editor(base, session, page, n),
            clients,
        )
    finally:
        await clients.stop()
        servers.stop()
    servers.remove_logs()
    return composer, editor, clients.connected


def _row(results: list[dict], posts: int, readers: int, connected: int) -> dict:
    done = [r for r in results if not r.get("lost")]
    latencies = [r["to_last_reader_ms"] for r in done]
    return {
        "machine": machine(),
        "path": results[0]["path"],
        "posts": posts,
        "readers": readers,
        "connected": connected,
        "trials": len(results),
        "lost": len(results) - len(done),
        "p50_ms": round(percentile(latencies, 0.5), 1) if latencies else None,
        "p99_ms": round(percentile(latencies, 0.99), 1) if latencies else None,
        "max_ms": round(max(latencies), 1) if latencies else None,
        "answer_p50_ms": round(statistics.median(r["answer_ms"] for r in done), 1)
        if done
        else None,
        "renders": sorted({r["renders"] for r in done}),
    }


def run(*, redis_url: str, quick: bool = False) -> list[dict]:
    from django.db import connection

    posts, readers, trials = QUICK if quick else (POSTS, READERS, TRIALS)
    database_url = f"sqlite:///{connection.settings_dict['NAME']}"
    composer, editor, connected = asyncio.run(_run(posts, readers, trials, redis_url, database_url))
    rows = [_row(composer, posts, readers, connected), _row(editor, posts, readers, connected)]
    baseline = rows[1]["p50_ms"]
    print(
        table(
            f"Newsroom: a new post on a page of {posts:,} posts, click to the last of "
            f"{readers:,} readers (ms; {trials} trials each; p99 of {trials} is their slowest)",
            ["path", "p50", "p99", "max", "server answer p50", "renders", "lost", "p50 / editor"],
            [
                [
                    row["path"],
                    row["p50_ms"],
                    row["p99_ms"],
                    row["max_ms"],
                    row["answer_p50_ms"],
                    ",".join(map(str, row["renders"])),
                    row["lost"],
                    ratio(row["p50_ms"], baseline),
                ]
                for row in rows
            ],
        )
    )
    listing = list_timings()
    smallest = {row["view"]: row["server_ms"] for row in listing if row["posts"] == 20}
    print(
        table(
            "The composer's list: server time (median ms), a page of 20 posts beside 1,000",
            ["view", "posts", "server ms", "time / 20 posts"],
            [
                [
                    row["view"],
                    f"{row['posts']:,}",
                    round(row["server_ms"], 1),
                    ratio(row["server_ms"], smallest[row["view"]]),
                ]
                for row in listing
            ],
        )
    )
    rows += [{"machine": machine(), **row} for row in listing]
    path = write(
        "newsroom",
        rows,
        configuration={
            "server": "1 daphne process, channels-redis (capacity 1,000)",
            "database": connection.vendor,
            "quick": quick,
        },
    )
    print(f"\nwritten: bench/results/{path.name}")
    return rows
