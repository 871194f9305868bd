"""nginx with Nchan, twice, on one Redis, in front of daphne: the Nchan publisher's real parts."""

from types import SimpleNamespace

import pytest
from django.test import override_settings

from tests.servers import DaphneServer, NginxServer, RedisServer

NCHAN_PUBLISHER = "wagtail_live_admin.publishers.nchan.NchanPublisher"


@pytest.fixture(scope="module")
def nchan_servers(django_db_setup):
    """Two nginx servers sharing one Redis, both in front of one daphne, for a module's tests.

    daphne publishes through nginx ``a``; readers may connect to either, and pages it
    serves itself (not through nginx) connect to ``b``. Started once: the
    servers keep no state a test leaves behind but Nchan's channels, whose readers close.
    """
    redis = RedisServer()
    a, b = NginxServer(redis_url=redis.url), NginxServer(redis_url=redis.url)
    django = DaphneServer()
    django.env = {
        "WAGTAIL_LIVE_TEST_NCHAN_PUBLISH_URL": a.publish_url(),
        # Pages daphne serves itself connect to nginx b, another origin (another port).
        "WAGTAIL_LIVE_TEST_WEBSOCKET_URL": f"{b.ws_url}/ws/channel/{{channel}}/",
        "WAGTAIL_LIVE_TEST_TRUSTED_ORIGIN": django.url,
    }
    try:
        redis.start()
        django.start()
        a.start(django_port=django.port)
        b.start(django_port=django.port)
        yield SimpleNamespace(a=a, b=b, django=django, redis=redis)
    finally:
        for server in (b, a, django, redis):
            server.stop()
        for nginx in (a, b):
            nginx.remove_files()


@pytest.fixture
def nchan(nchan_servers, transactional_db):
    """``nchan_servers``, with this process publishing through nginx ``a`` too."""
    settings = {"PUBLISH_URL": nchan_servers.a.publish_url(), "TIMEOUT": 5.0}
    with override_settings(WAGTAIL_LIVE_PUBLISHER=NCHAN_PUBLISHER, WAGTAIL_LIVE_NCHAN=settings):
        yield nchan_servers
