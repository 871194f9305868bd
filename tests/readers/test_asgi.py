"""What the catch-up's ASGI middleware may send again to others, and to whom."""

import pytest

from wagtail_live_admin.readers.asgi import _catches_up, _conditional, _shareable


def start(status=200, **headers):
    return {
        "type": "http.response.start",
        "status": status,
        "headers": [(name.replace("_", "-").encode(), value) for name, value in headers.items()],
    }


def test_a_public_answer_with_the_middlewares_headers_may_be_sent_again():
    assert _shareable(start(content_type=b"application/json", vary=b"Cookie", etag=b'"x"'))


@pytest.mark.parametrize(
    "response",
    [
        start(status=304),
        start(status=404),
        start(set_cookie=b"sessionid=abc"),  # another reader's cookie
        start(content_encoding=b"gzip"),  # compressed for one client
        start(vary=b"Cookie, Accept-Language"),  # in one client's language
    ],
    ids=["304", "404", "cookie", "gzip", "language"],
)
def test_an_answer_of_one_clients_own_is_not(response):
    assert not _shareable(response)


def test_a_conditional_request_goes_to_django():
    assert _conditional({"headers": [(b"if-none-match", b'"x"')]})
    assert not _conditional({"headers": [(b"accept", b"application/json")]})


def test_only_the_catch_up_endpoint_makes_a_crowd_wait():
    # Two editors loading the same admin page at once must not queue behind each other.
    assert _catches_up("/live/city-marathon/updates/")
    assert not _catches_up("/admin/")
    assert not _catches_up("/no/such/page/")
