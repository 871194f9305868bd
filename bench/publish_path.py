"""The publish path: a live page with N posts where one changed, saved by code.

``with live update`` is ``page.save()`` as the package runs it (read what was live,
diff, render the changed post, encode the frame, hand it to the channel layer after
commit); ``without`` is the same save with ``sync=False`` (no diff, nothing sent),
and ``package's own work`` times only the package's part of the first: read what
was live, diff, render the one changed post, write its publish log entry.
``add_live_post`` is the same path entered from code, with a new post.
"""

import statistics
import time

from django.core.management import call_command
from django.db import connection, transaction

from bench.machine import machine, ratio, table, write

SIZES = (10, 100, 1000)
REPEATS = 15


def _make_page(size: int):
    from wagtail.models import Page

    from tests.posts import post_value
    from tests.testapp.models import LiveBlogPage

    home = Page.objects.get(depth=2)
    page = LiveBlogPage(title=f"Bench {size}", slug=f"bench-{size}", channel_id=f"bench-{size}")
    for number in range(size):
        page.live_posts.append(("live_post", post_value(f"Post {number} " + "words " * 40)))
    home.add_child(instance=page)
    page.save_revision().publish()
    return LiveBlogPage.objects.get(pk=page.pk)


def _time_save(page, *, sync: bool) -> float:
    # Change one post through the raw data, as a receiver or importer would: nothing
    # else of the stream is converted, so the timing is the save's own.
    index = len(page.live_posts) // 2
    item = page.live_posts.raw_data[index]
    content = [{"type": "text", "value": f"<p>Changed at {time.perf_counter()}</p>", "id": "c"}]
    page.live_posts.raw_data[index] = {**item, "value": {**item["value"], "content": content}}
    started = time.perf_counter()
    page.save(sync=sync, clean=False)
    return (time.perf_counter() - started) * 1000


def _time_package_work(page) -> float:
    """Time only what the package does: read what was live, diff, render, log the entry."""
    from django.utils import timezone

    from wagtail_live_admin.conf import get_publisher
    from wagtail_live_admin.live.diffing import to_the_millisecond

    index = len(page.live_posts) // 2
    item = page.live_posts.raw_data[index]
    content = [{"type": "text", "value": f"<p>Changed at {time.perf_counter()}</p>", "id": "c"}]
    page.live_posts.raw_data[index] = {**item, "value": {**item["value"], "content": content}}
    started = time.perf_counter()
    with transaction.atomic():
        row = type(page).objects.filter(pk=page.pk).values_list("live", "live_posts").get()
        previous, now = (row[0], row[1].get_prep_value()), to_the_millisecond(timezone.now())
        _, change, _ = page._stamp_live_posts(previous, announce=True, now=now)
        get_publisher()(
            sender=type(page),
            channel_id=page.channel_id,
            renders=change.renders,
            removals=change.removals,
            page=page,
        )
        elapsed = (time.perf_counter() - started) * 1000
        assert len(change.renders) == 1, "only the changed post may be rendered"
        transaction.set_rollback(True)
    return elapsed


def _time_add_live_post(page) -> float:
    from tests.posts import post_value

    post = post_value(f"Added at {time.perf_counter()}")
    started = time.perf_counter()
    page.add_live_post(post)
    return (time.perf_counter() - started) * 1000


def run() -> None:
    from tests.testapp.models import LiveBlogPage

    call_command("migrate", verbosity=0)
    rows = []
    for size in SIZES:
        page = _make_page(size)
        timings = {}
        for sync in (True, False):
            samples = []
            _time_save(LiveBlogPage.objects.get(pk=page.pk), sync=sync)  # warm-up
            for _ in range(REPEATS):
                fresh = LiveBlogPage.objects.get(pk=page.pk)
                samples.append(_time_save(fresh, sync=sync))
            timings[sync] = statistics.median(samples)
        own = [_time_package_work(LiveBlogPage.objects.get(pk=page.pk)) for _ in range(REPEATS)]
        added = [_time_add_live_post(LiveBlogPage.objects.get(pk=page.pk)) for _ in range(REPEATS)]
        rows.append(
            {
                "machine": machine(),
                "posts": size,
                "with_live_update_ms": round(timings[True], 2),
                "without_ms": round(timings[False], 2),
                "ratio": ratio(timings[True], timings[False]),
                "package_work_ms": round(statistics.median(own), 2),
                "add_live_post_ms": round(statistics.median(added), 2),
            }
        )
    _print(rows)
    path = write(
        "publish_path",
        rows,
        configuration={"database": connection.vendor, "repeats": REPEATS, "layer": "in-memory"},
    )
    print(f"\nwritten: bench/results/{path.name}")


def _print(rows) -> None:
    print(
        table(
            "Publish path: a live page where one post changed (median ms)",
            [
                "posts",
                "save with live update",
                "save without (sync=False)",
                "with / without",
                "package's own work",
                "add_live_post",
            ],
            [
                [
                    f"{row['posts']:,}",
                    row["with_live_update_ms"],
                    row["without_ms"],
                    row["ratio"],
                    row["package_work_ms"],
                    row["add_live_post_ms"],
                ]
                for row in rows
            ],
        )
    )
