"""``manage.py live_simulate``: it refuses what cannot reach readers and reaches them via Redis."""

import json
import os
import subprocess
import sys

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from tests.asgi import application
from tests.servers import ROOT
from tests.settings import IN_MEMORY_LAYER, redis_layer
from tests.testapp.models import LiveBlogPage
from wagtail_live_admin.management.commands.live_simulate import Command as LiveSimulate

HEADERS = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
# A layer shared between processes; the command refuses before it connects to it,
# so the failure tests need no Redis server.
SHARED_LAYER = {"default": redis_layer("redis://127.0.0.1:6379/0")}


def simulate(page, count, **options):
    call_command("live_simulate", page=str(page), count=count, interval=0, **options)


def post_texts(page_pk) -> list[str]:
    page = LiveBlogPage.objects.get(pk=page_pk)
    return [post.value["content"][0].value.source for post in page.live_posts]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(CHANNEL_LAYERS={"default": IN_MEMORY_LAYER})
async def test_live_simulate_with_the_in_memory_layer_refuses_and_sends_nothing(live_page):
    # A reader in this process would get anything sent through the in-memory layer.
    communicator = WebsocketCommunicator(application, "/ws/channel/match-day.1/", HEADERS)
    assert (await communicator.connect())[0]
    with pytest.raises(CommandError, match="in-memory.*REDIS_URL"):
        await database_sync_to_async(simulate)(live_page.pk, 3)
    assert await communicator.receive_nothing(timeout=0.5)
    assert await database_sync_to_async(post_texts)(live_page.pk) == []
    await communicator.disconnect()


@override_settings(CHANNEL_LAYERS={})
def test_live_simulate_without_a_channel_layer_refuses():
    with pytest.raises(CommandError, match="missing or in-memory"):
        simulate("match-day", 1)


def test_live_simulate_as_a_process_with_the_in_memory_layer_exits_non_zero():
    # The refusal comes before any database access: the default settings will do.
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    env.update(DJANGO_SETTINGS_MODULE="tests.settings", PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-m", "django", "live_simulate", "--page", "1", "--count", "1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "would never reach the server's readers" in result.stderr


def test_live_simulate_help_describes_the_command():
    parser = LiveSimulate().create_parser("manage.py", "live_simulate")
    assert "shared between processes" in parser.format_help()


@pytest.mark.django_db
@override_settings(CHANNEL_LAYERS=SHARED_LAYER)
def test_live_simulate_of_a_missing_page_fails(live_page):
    with pytest.raises(CommandError, match="No live page .* 'no-such-page'"):
        simulate("no-such-page", 1)


@pytest.mark.django_db
@override_settings(CHANNEL_LAYERS=SHARED_LAYER)
def test_live_simulate_of_a_page_that_is_not_live_fails(make_live_page):
    draft = make_live_page(title="Later", channel_id="later", live=False)
    with pytest.raises(CommandError, match="not published"):
        simulate(draft.pk, 1)
    assert post_texts(draft.pk) == []


@pytest.mark.django_db
@override_settings(CHANNEL_LAYERS=SHARED_LAYER)
def test_live_simulate_of_a_slug_that_several_pages_share_asks_for_the_id(
    make_live_page, live_page
):
    make_live_page(parent=live_page, title="Match day", channel_id="match-day.2")
    with pytest.raises(CommandError, match="give the id"):
        simulate("match-day", 1)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
async def test_live_simulate_delivers_each_change_to_readers(shared_redis, live_page):
    communicator = WebsocketCommunicator(application, "/ws/channel/match-day.1/", HEADERS)
    assert (await communicator.connect())[0]
    await database_sync_to_async(simulate)(live_page.pk, 3)
    frames = [json.loads(await communicator.receive_from(timeout=5)) for _ in range(3)]
    assert await communicator.receive_nothing(timeout=0.5)
    await communicator.disconnect()

    for number, frame in enumerate(frames, start=1):
        [render] = frame["renders"].values()
        assert f"Simulated update {number} of 3 at " in render["content"]
    texts = await database_sync_to_async(post_texts)(live_page.pk)
    assert [text.split(" at ")[0] for text in texts] == [
        f"<p>Simulated update {number} of 3"
        for number in (3, 2, 1)  # newest first
    ]


@pytest.mark.django_db
@override_settings(CHANNEL_LAYERS=SHARED_LAYER)
def test_live_simulate_edits_and_deletes_some_of_its_posts(live_page):
    # Changes 1-3, 5 and 6 add; 4 edits the newest post (3); 7 deletes the oldest (1).
    simulate("match-day", 7)
    texts = [text.split(" at ")[0] for text in post_texts(live_page.pk)]
    assert texts == [
        "<p>Simulated update 6 of 7",
        "<p>Simulated update 5 of 7",
        "<p>Simulated update, edited by change 4 of 7",
        "<p>Simulated update 2 of 7",
    ]
