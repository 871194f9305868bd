"""Calls receivers make to their source apps' APIs (file downloads, webhook setup), with urllib.

No HTTP library to install: the receivers stay within the core dependencies.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

TIMEOUT = 10


def fetch(url: str, *, headers: dict | None = None, params: dict | None = None) -> bytes:
    """GET ``url`` (with ``params`` as its query) and return the body; errors raise ``OSError``."""
    if params:
        url += "?" + urllib.parse.urlencode(params)
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(f"Only http and https URLs are fetched, not {url!r}.")
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        return response.read()


def post_json(url: str, data: dict) -> dict:
    """POST ``data`` as JSON to ``url`` and return the JSON answer (an HTTP error's too)."""
    request = urllib.request.Request(
        url, data=json.dumps(data).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        return json.loads(error.read() or b"{}")


def get_json(url: str, **params) -> dict:
    return json.loads(fetch(url, params=params))
