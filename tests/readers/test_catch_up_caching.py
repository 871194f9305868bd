"""Over a real server: a public page's catch-up answers can be cached, a private page's never."""

import json
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest
from django.conf import settings
from wagtail.models import PageViewRestriction

from tests.posts import post_value
from tests.staff import VIEWER, make_staff

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def catch_up(server, channel_id, since=0, **headers):
    """GET the catch-up endpoint: (status, headers, JSON body or None)."""
    request = Request(f"{server.url}/live/{channel_id}/updates/?since={since}", headers=headers)
    try:
        with urlopen(request, timeout=10) as response:
            return response.status, response.headers, json.load(response)
    except HTTPError as error:
        body = error.read()
        return error.code, error.headers, json.loads(body) if body else None


def cache_control(headers) -> set[str]:
    return {part.strip() for part in headers["Cache-Control"].split(",")}


def test_a_public_page_answers_with_an_etag_and_304_until_it_changes(server, live_page):
    live_page.add_live_post(post_value("Kick-off"))
    status, headers, body = catch_up(server, live_page.channel_id)
    assert status == 200 and body["seq"] == 1
    assert cache_control(headers) == {"public", "max-age=2"}
    assert "Cookie" not in headers.get("Vary", "")  # a CDN may share it between readers
    etag = headers["ETag"]

    status, headers, body = catch_up(server, live_page.channel_id, **{"If-None-Match": etag})
    assert (status, body, headers["ETag"]) == (304, None, etag)

    live_page.refresh_from_db()
    live_page.add_live_post(post_value("Goal!"))
    status, headers, body = catch_up(server, live_page.channel_id, **{"If-None-Match": etag})
    assert status == 200 and body["seq"] == 2 and headers["ETag"] != etag
    assert "Goal!" in json.dumps(body)


def test_a_private_page_and_refusals_are_never_cached(server, live_page, client):
    live_page.add_live_post(post_value("Members only"))
    PageViewRestriction.objects.create(page=live_page, restriction_type="login")
    client.force_login(make_staff(VIEWER))
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    status, headers, body = catch_up(server, live_page.channel_id, Cookie=cookie)
    assert status == 200 and "Members only" in json.dumps(body)
    assert {"private", "no-store"} <= cache_control(headers) and "public" not in headers.get(
        "Cache-Control"
    )
    assert "ETag" not in headers
    # Asked with the ETag a cache might hold, it still answers in full.
    status, _, body = catch_up(
        server, live_page.channel_id, Cookie=cookie, **{"If-None-Match": "*"}
    )
    assert status == 200 and body["seq"] == 1

    for channel_id in (live_page.channel_id, "no-such-channel"):
        status, headers, _ = catch_up(server, channel_id)  # anonymous: 403, then 404
        assert status in (403, 404) and {"private", "no-store"} <= cache_control(headers)
