"""Fixtures of the receivers' tests: a JSON API integration, and HTTP to the test server."""

import http.server
import io
import json
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass

import PIL.Image
import pytest

from wagtail_live_admin.models import Integration


@dataclass
class Reply:
    status: int
    body: bytes

    def json(self):
        return json.loads(self.body)


def send(server, path, *, method="POST", body=b"", headers=None) -> Reply:
    """Send a request to the test server over HTTP; any status is a reply, not an error."""
    if isinstance(body, dict | list):
        body = json.dumps(body).encode()
    elif isinstance(body, str):
        body = body.encode()
    request = urllib.request.Request(
        server.url + path, data=body, headers=headers or {}, method=method
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return Reply(response.status, response.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, error.read())


@pytest.fixture
def make_integration(db):
    """Make a JSON API integration for a channel; returns ``(integration, token)``."""

    def make(channel_id="match-day.1", name="Newsdesk bot"):
        integration = Integration(name=name, channel_id=channel_id)
        token = integration.new_token()
        integration.save()
        return integration, token

    return make


class StandIn(http.server.ThreadingHTTPServer):
    """A local stand-in for a source app's API: answers from ``routes`` and records requests."""

    def __init__(self, routes: dict):
        self.routes = routes
        self.requests = []
        super().__init__(("127.0.0.1", 0), StandInHandler)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"


class StandInHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.requests.append((self.path, dict(self.headers), body))
        body = self.server.routes.get(self.path.split("?")[0])
        if callable(body):
            body = body(self.path)
        status, body = body if isinstance(body, tuple) else (200, body)
        if isinstance(body, dict):
            body = json.dumps(body).encode()
        self.send_response(status if body is not None else 404)
        self.end_headers()
        self.wfile.write(body or b"")

    do_POST = do_GET

    def log_message(self, *args):
        pass


@pytest.fixture
def stand_in():
    """Start a ``StandIn`` with routes ``{path: answer}``: bytes, a dict (JSON), a
    ``(status, answer)`` pair, or a callable of the request's path that returns one."""
    servers = []

    def start(routes):
        server = StandIn(routes)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def png(width=4, height=3) -> bytes:
    """A small PNG image."""
    buffer = io.BytesIO()
    PIL.Image.new("RGB", (width, height), "red").save(buffer, "PNG")
    return buffer.getvalue()
