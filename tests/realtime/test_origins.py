"""Live sockets open only from the site's own pages: scheme, host and port all count."""

import pytest
from channels.testing import WebsocketCommunicator
from django.test import override_settings
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.asgi import application
from tests.services import free_port
from tests.settings import redis_layer

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


async def opens(channel_id, *, origin, host="testserver", scheme="ws", headers=()) -> bool:
    """Whether a handshake from a page at ``origin`` to ``scheme://host`` is let through."""
    sent = [(b"host", host.encode()), *headers]
    if origin is not None:
        sent.append((b"origin", origin.encode()))
    communicator = WebsocketCommunicator(application, f"/ws/channel/{channel_id}/", sent)
    communicator.scope["scheme"] = scheme
    connected, _ = await communicator.connect()
    await communicator.disconnect()
    return connected


async def test_a_page_of_the_site_opens_a_socket(live_page):
    assert await opens(live_page.channel_id, origin="http://testserver")


@pytest.mark.parametrize(
    "origin",
    [
        "http://testserver:8080",  # another port of the same host: another application
        "https://testserver",  # the socket is ws:, so the site's pages are http:
        "http://evil.example",
        "http://sub.testserver",
        "null",  # a sandboxed frame or a file
        None,  # browsers always send one
    ],
)
async def test_a_page_of_another_origin_is_refused(live_page, origin):
    assert not await opens(live_page.channel_id, origin=origin)


@override_settings(ALLOWED_HOSTS=["*"])
async def test_a_wildcard_in_allowed_hosts_lets_no_other_origin_in(live_page):
    # wagtail start's dev.py: AllowedHostsOriginValidator would let every origin in.
    assert not await opens(live_page.channel_id, origin="http://evil.example")
    assert await opens(
        live_page.channel_id, origin="http://anything.example", host="anything.example"
    )


async def test_a_host_outside_allowed_hosts_is_refused(live_page):
    assert not await opens(live_page.channel_id, origin="http://evil.example", host="evil.example")


async def test_a_secure_socket_opens_from_https_pages_only(live_page):
    assert await opens(live_page.channel_id, origin="https://testserver", scheme="wss")
    assert not await opens(live_page.channel_id, origin="http://testserver", scheme="wss")


@override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
async def test_behind_a_tls_proxy_the_scheme_is_the_proxys(live_page):
    forwarded = [(b"x-forwarded-proto", b"https")]
    assert await opens(live_page.channel_id, origin="https://testserver", headers=forwarded)
    assert not await opens(live_page.channel_id, origin="http://testserver", headers=forwarded)


@override_settings(CSRF_TRUSTED_ORIGINS=["https://www.example.com", "https://*.example.org"])
async def test_csrf_trusted_origins_may_open_sockets(live_page):
    for origin in ["https://www.example.com", "https://news.example.org"]:
        assert await opens(live_page.channel_id, origin=origin), origin
    for origin in ["http://www.example.com", "https://example.com", "http://news.example.org"]:
        assert not await opens(live_page.channel_id, origin=origin), origin


async def test_a_refusal_needs_no_channel_layer(live_page):
    # A crowd of foreign handshakes costs no layer channel each, and is refused (a 403 on
    # the wire) while Redis is away: Channels' WebsocketDenier raised there, a 500.
    dead = redis_layer(f"redis://127.0.0.1:{free_port()}/0")
    with override_settings(CHANNEL_LAYERS={"default": dead}):
        communicator = WebsocketCommunicator(
            application,
            f"/ws/channel/{live_page.channel_id}/",
            [(b"host", b"testserver"), (b"origin", b"http://evil.example")],
        )
        connected, _ = await communicator.connect(timeout=5)
    assert not connected


@pytest.mark.server
def test_over_the_network_another_port_is_refused_with_403(fresh_live_page, server):
    url = f"{server.ws_url}/ws/channel/{fresh_live_page.channel_id}/"
    with connect(url, origin=server.url, open_timeout=10) as socket:
        socket.send('{"type": "ping"}')
        assert socket.recv(timeout=5) == '{"type":"pong"}'
    other_port = f"http://127.0.0.1:{server.port + 1}"
    with pytest.raises(InvalidStatus) as refused:
        connect(url, origin=other_port, open_timeout=10)
    assert refused.value.response.status_code == 403
