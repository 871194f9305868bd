"""The Nchan publisher without nginx: its settings, checks, who counts, and nginx down."""

import pytest
from django.core.checks import run_checks
from django.test import override_settings
from django.urls import reverse

from tests.posts import post_value
from tests.publishers.conftest import NCHAN_PUBLISHER
from tests.servers import nchan_config
from tests.services import free_port
from wagtail_live_admin.conf import nchan_setting
from wagtail_live_admin.models import PublishLogEntry
from wagtail_live_admin.realtime import nchan
from wagtail_live_admin.realtime.presence import get_presence_class
from wagtail_live_admin.realtime.presence.nchan import NchanPresence
from wagtail_live_admin.templatetags.wagtail_live_admin_tags import live_websocket_path

pytestmark = pytest.mark.django_db

PUBLISH_URL = "http://127.0.0.1:8080/live-publish/{channel}/"


def check_ids():
    return {
        message.id
        for message in run_checks()
        if message.id.startswith("wagtail_live_admin") and not message.is_silenced()
    }


@override_settings(
    WAGTAIL_LIVE_PUBLISHER=NCHAN_PUBLISHER,
    WAGTAIL_LIVE_NCHAN={"PUBLISH_URL": PUBLISH_URL},
    CHANNEL_LAYERS={},
)
def test_the_nchan_publisher_needs_no_channel_layer():
    assert check_ids() == set()


@override_settings(WAGTAIL_LIVE_PUBLISHER=NCHAN_PUBLISHER, CHANNEL_LAYERS={})
def test_the_nchan_publisher_without_a_publish_url_is_an_error():
    assert check_ids() == {"wagtail_live_admin.E007"}


@override_settings(CHANNEL_LAYERS={})
def test_the_channels_publisher_still_needs_a_channel_layer():
    assert check_ids() == {"wagtail_live_admin.E003"}


@override_settings(WAGTAIL_LIVE_PUBLISHER=NCHAN_PUBLISHER)
def test_the_nchan_publisher_counts_readers_through_nchan():
    assert get_presence_class() is NchanPresence


@override_settings(
    WAGTAIL_LIVE_PUBLISHER=NCHAN_PUBLISHER,
    WAGTAIL_LIVE_PRESENCE_BACKEND="wagtail_live_admin.realtime.presence.memory.MemoryPresence",
)
def test_a_presence_backend_setting_wins_over_the_publishers():
    assert get_presence_class() is not NchanPresence


@override_settings(WAGTAIL_LIVE_NCHAN={"PUBLISH_URL": PUBLISH_URL})
def test_the_timeout_has_a_default_and_unknown_keys_are_refused():
    assert nchan_setting("TIMEOUT") == 5.0
    with pytest.raises(KeyError, match="PUBLISH_URL"):
        nchan_setting("PUBLISH_URLS")


@override_settings(WAGTAIL_LIVE_NCHAN={"PUBLISH_URL": PUBLISH_URL})
def test_the_channel_id_goes_into_the_url_percent_encoded():
    assert nchan.publish_url("match-day.1") == "http://127.0.0.1:8080/live-publish/match-day.1/"
    assert nchan.publish_url("café") == "http://127.0.0.1:8080/live-publish/caf%C3%A9/"


def test_the_tests_run_the_docs_nginx_configuration():
    config = nchan_config(port=1234, django_port=5678, redis_url="redis://127.0.0.1:6380/0")
    assert "listen 127.0.0.1:1234;" in config and "server 127.0.0.1:5678;" in config
    assert "nchan_redis_server redis://127.0.0.1:6380;" in config
    # nginx asks the view that include("wagtail_live_admin.urls") serves.
    assert f"proxy_pass http://django{reverse('wagtail_live_admin:nchan_admission')};" in config


@pytest.fixture
def nginx_down(settings):
    settings.WAGTAIL_LIVE_PUBLISHER = NCHAN_PUBLISHER
    settings.WAGTAIL_LIVE_NCHAN = {
        "PUBLISH_URL": f"http://127.0.0.1:{free_port()}/live-publish/{{channel}}/",
        "TIMEOUT": 2.0,
    }


def test_with_nginx_down_a_publish_is_logged_failed_and_the_page_saves(
    nginx_down, live_page, capture
):
    with capture(execute=True):
        live_page.add_live_post(post_value("Goal!", message_id="m1"))
    entry = PublishLogEntry.objects.get(channel_id=live_page.channel_id)
    assert entry.status == PublishLogEntry.Status.FAILED and "URLError" in entry.error
    assert live_page.get_live_post_by_message_id("m1") is not None


def test_with_nginx_down_the_counts_are_unknown_not_zero(nginx_down, live_page, admin_client):
    response = admin_client.get("/admin/live/counts/")
    assert response.status_code == 503
    dashboard = admin_client.get("/admin/live/results/").content.decode()
    assert f'data-live-subscribers="{live_page.channel_id}"><span title="Unknown' in dashboard


def test_pages_open_the_route_on_their_own_host_by_default(live_page):
    assert live_websocket_path(live_page) == "/ws/channel/match-day.1/"


@override_settings(WAGTAIL_LIVE_WEBSOCKET_URL="wss://live.example.com/ws/channel/{channel}/")
def test_pages_open_the_websocket_url_on_another_host(make_live_page):
    page = make_live_page(channel_id="café.1")
    assert live_websocket_path(page) == "wss://live.example.com/ws/channel/caf%C3%A9.1/"
