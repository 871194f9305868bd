"""Over the network: daphne in a subprocess, a real websocket client, the real admin."""

import json
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.posts import draft_of, edit_form_data, editor_adds, publish
from tests.testapp.models import LiveBlogPage

pytestmark = [
    pytest.mark.server,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CSRF = "a" * 32  # a CSRF secret of the right length, sent as cookie and form field


@pytest.fixture
def editor_session():
    user = get_user_model().objects.create_superuser("editor", "editor@example.com", "pw")
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def subscribe(server, channel_id="match-day.1"):
    return connect(f"{server.ws_url}/ws/channel/{channel_id}/", origin=server.url, open_timeout=10)


def receive_frame(socket, timeout=5):
    return json.loads(socket.recv(timeout=timeout))


def receives_nothing(socket, timeout=1.0) -> bool:
    try:
        socket.recv(timeout=timeout)
    except TimeoutError:
        return True
    return False


def post_edit_form(server, session, page, posts, *, publish):
    """POST the Wagtail page editor's form, as the browser does on Save draft or Publish."""
    data = edit_form_data(page, posts, publish=publish)
    data["csrfmiddlewaretoken"] = CSRF
    request = urllib.request.Request(
        f"{server.url}/admin/pages/{page.pk}/edit/",
        data=urllib.parse.urlencode(data).encode(),
        headers={"Cookie": f"sessionid={session}; csrftoken={CSRF}"},
        method="POST",
    )
    # A valid form redirects (302) to the explorer or back to the editor; an invalid one is 200.
    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(request, timeout=30)
    except urllib.error.HTTPError as response:
        assert response.code == 302, response.read()[:2000]
        return
    raise AssertionError("the edit form did not redirect: it was not saved")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_publish_in_the_admin_reaches_a_subscriber_and_save_draft_does_not(
    make_live_page, editor_session, server
):
    page = make_live_page()
    with subscribe(server) as socket:
        first = str(uuid.uuid4())
        post_edit_form(
            server, editor_session, page, [(first, "Hello from the admin")], publish=True
        )
        frame = receive_frame(socket)
        assert list(frame["renders"]) == [first]
        assert "Hello from the admin" in frame["renders"][first]["content"]
        assert f'data-post-id="{first}"' in frame["renders"][first]["content"]
        assert frame["removals"] == []
        assert frame["channel_id"] == "match-day.1"

        second = str(uuid.uuid4())
        post_edit_form(
            server,
            editor_session,
            page,
            [(second, "Draft only"), (first, "Hello from the admin")],
            publish=False,
        )
        assert receives_nothing(socket)
        assert [p.id for p in LiveBlogPage.objects.get(pk=page.pk).live_posts] == [first]

        # Publishing the draft now sends the new post only.
        post_edit_form(
            server,
            editor_session,
            page,
            [(second, "Draft only"), (first, "Hello from the admin")],
            publish=True,
        )
        assert list(receive_frame(socket)["renders"]) == [second]


def test_unknown_channel_and_bad_frames_get_their_close_codes(make_live_page, server):
    make_live_page()
    with subscribe(server, "nope") as socket, pytest.raises(ConnectionClosed) as closed:
        socket.recv(timeout=5)
    assert closed.value.rcvd.code == 4404
    with subscribe(server) as socket, pytest.raises(ConnectionClosed) as closed:
        socket.send("{not json")
        socket.recv(timeout=5)
    assert closed.value.rcvd.code == 4400


def test_a_rolled_back_publish_in_another_process_sends_nothing(
    make_live_page, shared_redis, daphne
):
    """With Redis between processes, a rolled-back publish sends nothing; a commit does."""
    page = make_live_page()
    server = daphne(env=shared_redis)
    with subscribe(server) as socket:
        try:
            with transaction.atomic():
                draft = draft_of(page)
                editor_adds(draft, "Rolled back")
                publish(draft)
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
        assert receives_nothing(socket)
        draft = draft_of(page)
        post = editor_adds(draft, "Committed")
        publish(draft)
        frame = receive_frame(socket)
        assert list(frame["renders"]) == [post.id]
        assert "Rolled back" not in json.dumps(frame)
