"""Fixtures every part's tests share: pages, layers, presence, servers, the cache, the wheel."""

import uuid

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import override_settings
from playwright.sync_api import sync_playwright
from wagtail.models import Page

from tests.chromium import launch_chromium
from tests.databases import drop_run_databases
from tests.servers import DaphneServer, RedisServer
from tests.services import require_chromium, require_redis
from tests.settings import IN_MEMORY_LAYER, redis_layer
from tests.staff import REPUBLISHER, make_staff
from tests.testapp.models import LiveBlogPage
from tests.wheel_install import install_once
from wagtail_live_admin.realtime.presence import get_presence


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(items):
    """Start the longest tests early: with pytest-xdist, a minute-long test begun last
    holds the run's end while the other worker waits. Browser tests first, then
    pytest-django sorts (tests on the database, then transactional ones, then the rest,
    keeping this order within each), then the slow ones, which use no test database,
    before them all."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is None)
    result = yield
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
    return result


def flushes_database(item) -> bool:
    """Whether the test commits (pytest-django's transactional tests), and so ends with a flush."""
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    transaction = marker is not None and bool(
        marker.kwargs.get("transaction")
        or marker.kwargs.get("reset_sequences")
        or (marker.args and marker.args[0])  # django_db(True)
    )
    return transaction or "transactional_db" in fixtures or "live_server" in fixtures


def runs_in_a_transaction(item) -> bool:
    fixtures = getattr(item, "fixturenames", ())
    uses_db = item.get_closest_marker("django_db") is not None or "db" in fixtures
    return uses_db and not flushes_database(item)


_flushed = False  # whether the last test on this worker ended with a flush


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    """Give a test in a transaction the migrations' data back after a transactional one.

    A transactional test ends with a flush, which empties the database; pytest-django runs
    them after the others, but pytest-xdist's work stealing may hand a worker one of the
    others after that. (The page tree, Site, Locale and groups the migrations made.)
    """
    global _flushed
    if _flushed and runs_in_a_transaction(item):
        from django.db import connections
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            for connection in connections.all():
                if contents := getattr(connection, "_test_serialized_contents", None):
                    connection.creation.deserialize_db_from_string(contents)
        _flushed = False
    _flushed = _flushed or flushes_database(item)
    return (yield)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session):
    """Drop what is left of this run's PostgreSQL test databases (tests/databases.py)."""
    if hasattr(session.config, "workerinput"):
        return  # a pytest-xdist worker: the run's own process does it, once they are done
    from django.conf import settings

    for name in drop_run_databases(settings.DATABASES["default"]):
        print(f"\nDropped the test database {name}, which was left behind.")


@pytest.fixture
def home(db):
    # Transactional tests use serialized_rollback=True, so migrations' data (the
    # page tree, the default Site and Locale, Wagtail's groups) is always there.
    return Page.objects.get(depth=2)


@pytest.fixture
def make_live_page(home):
    """Make a live page (published through a revision, as the admin does), under ``home``.

    ``revision=False`` saves it as it is, live or not, without a revision: quicker, for
    a test that needs hundreds of pages.
    """

    def make(*, title="Match day", channel_id="match-day.1", live=True, parent=None, revision=True):
        page = LiveBlogPage(
            title=title, slug=title.lower().replace(" ", "-"), channel_id=channel_id, live=live
        )
        (parent or home).add_child(instance=page)
        if revision:
            saved = page.save_revision()
            if live:
                saved.publish()
        return LiveBlogPage.objects.get(pk=page.pk)

    return make


@pytest.fixture
def live_page(make_live_page):
    return make_live_page()


@pytest.fixture
def fresh_live_page(make_live_page):
    """A live page on a channel no other test used: Redis presence outlives a test."""
    return make_live_page(channel_id=f"match-day.{uuid.uuid4().hex[:8]}")


@pytest.fixture(params=["memory", "redis"])
def channel_layer_name(request, settings):
    """Run a test on the in-memory layer and on channels-redis."""
    layer = redis_layer(require_redis()) if request.param == "redis" else IN_MEMORY_LAYER
    with override_settings(CHANNEL_LAYERS={"default": layer}):
        yield request.param


@pytest.fixture
def shared_redis():
    """A channels-redis layer of the test's own, in this process and in the servers it starts.

    Yields the environment that points a ``DaphneServer`` at the same layer.
    """
    url = require_redis()
    prefix = f"wla-test-{uuid.uuid4().hex[:8]}"
    with override_settings(CHANNEL_LAYERS={"default": redis_layer(url, prefix)}):
        yield {"REDIS_URL": url, "WAGTAIL_LIVE_TEST_LAYER_PREFIX": prefix}


@pytest.fixture
def daphne(transactional_db):
    """Start daphne serving the test project on the test's database; stopped after the test.

    ``daphne(env={...})`` starts one with more environment; each may be stopped and
    started again within the test.
    """
    servers = []

    def start(env: dict | None = None) -> DaphneServer:
        server = DaphneServer(env=env)
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def server(daphne):
    return daphne()


@pytest.fixture
def redis_server():
    """A redis-server of the test's own on a spare port, to stop and start mid-test."""
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def newsroom(transactional_db):
    """Two editors who may do anything, Anna and Ben (password "pw"), for browser tests."""
    return [
        get_user_model().objects.create_superuser(name, f"{name}@example.com", "pw")
        for name in ("anna", "ben")
    ]


@pytest.fixture
def republisher(db):
    """An editor who may view the Live admin and re-push updates."""
    return make_staff(REPUBLISHER)


@pytest.fixture
def watch():
    """Make readers join a channel through the configured presence backend (memory or Redis).

    Presence outlives a test (in this process, or in Redis): the readers leave after it.
    """
    joined = []

    def join(channel_id: str, readers: int) -> None:
        for _ in range(readers):
            member = f"reader-{uuid.uuid4().hex}"
            async_to_sync(get_presence().join)(channel_id, member)
            joined.append((channel_id, member))

    yield join
    for channel_id, member in joined:
        async_to_sync(get_presence().leave)(channel_id, member)


@pytest.fixture
def fresh_cache():
    """An empty cache before and after the test (the re-push rate limit counts in it)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def installed_wheel(tmp_path_factory, worker_id):
    """The wheel, installed in a virtualenv outside the repository (tests/wheel_install.py)."""
    base = tmp_path_factory.getbasetemp()
    # pytest-xdist's workers' temporary folders share a parent that is this run's own.
    return install_once((base.parent if worker_id != "master" else base) / "installed-wheel")


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    """Collect the on-commit callbacks (a publish's send) for the test to run."""
    return django_capture_on_commit_callbacks


@pytest.fixture
def chromium():
    """Chromium through Playwright, for one test: list it after the fixtures that write data.

    Playwright's sync API marks its event loop as running in this thread while it is
    up, and Django then refuses database calls here (``tests.chromium.in_thread``
    runs them). So the browser starts once the test's data is in.
    """
    executable = require_chromium()
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, executable)
        yield browser
        browser.close()
