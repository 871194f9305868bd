import pytest
from django.test import override_settings
from wagtail.models import Page

from tests.services import require_redis
from tests.settings import IN_MEMORY_LAYER, redis_layer
from tests.testapp.models import LiveBlogPage


@pytest.fixture
def home(db):
    # Transactional tests use serialized_rollback=True, so migrations' data (the
    # page tree, the default Site and Locale, Wagtail's groups) is always there.
    return Page.objects.get(depth=2)


def make_live_page(home, *, title="Match day", channel_id="match-day.1", live=True):
    page = LiveBlogPage(
        title=title, slug=title.lower().replace(" ", "-"), channel_id=channel_id, live=live
    )
    home.add_child(instance=page)
    revision = page.save_revision()
    if live:
        revision.publish()
    return LiveBlogPage.objects.get(pk=page.pk)


@pytest.fixture
def live_page(home):
    return make_live_page(home)


@pytest.fixture(params=["memory", "redis"])
def channel_layer_name(request, settings):
    """Run a test on the in-memory layer and on channels-redis."""
    layer = redis_layer(require_redis()) if request.param == "redis" else IN_MEMORY_LAYER
    with override_settings(CHANNEL_LAYERS={"default": layer}):
        yield request.param
