"""Fixtures of the receivers' tests: a JSON API integration, and HTTP to the test server."""

import json
import urllib.error
import urllib.request
from dataclasses import dataclass

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
