"""The JSON API over HTTP to daphne: a post reaches a reader once; bad requests change nothing."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.end_to_end.test_publish_to_reader import receive_frame, receives_nothing, subscribe
from tests.receivers.conftest import send
from tests.testapp.models import LiveBlogPage
from wagtail_live_admin.models import ChannelSource, PublishLogEntry

pytestmark = [
    pytest.mark.server,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

POSTS = "/live/api/channels/match-day.1/posts/"


def api(server, token, path=POSTS, body=None, method="POST"):
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    return send(server, path, method=method, body=body or b"", headers=headers)


def posts(page):
    return LiveBlogPage.objects.get(pk=page.pk).live_posts


def test_a_post_reaches_a_reader_once_however_often_it_is_sent(live_page, make_integration, server):
    integration, token = make_integration()
    with subscribe(server) as socket:
        reply = api(server, token, body={"message_id": "m-1", "text": "Kick-off!"})
        assert reply.status == 201, reply.body
        post_id = reply.json()["post_id"]
        frame = receive_frame(socket)
        assert list(frame["renders"]) == [post_id]
        assert "Kick-off!" in frame["renders"][post_id]["content"]

        # The source retries (a timeout on its side): same answer, no second post.
        again = api(server, token, body={"message_id": "m-1", "text": "Kick-off!"})
        assert again.status == 200
        assert again.json() == {"message_id": "m-1", "post_id": post_id}
        assert receives_nothing(socket)
    assert [post.value["message_id"] for post in posts(live_page)] == ["m-1"]
    assert PublishLogEntry.objects.get().trigger == "json_api"
    source = ChannelSource.objects.get()
    assert (source.channel_id, source.integration, source.changes) == (
        "match-day.1",
        integration,
        1,
    )


def test_an_edit_and_a_delete_reach_a_reader(live_page, make_integration, server):
    _integration, token = make_integration()
    post_id = api(server, token, body={"message_id": "m-1", "text": "Goal"}).json()["post_id"]
    with subscribe(server) as socket:
        reply = api(server, token, POSTS + "m-1/", {"text": "Goal! 1-0"}, method="PUT")
        assert reply.status == 200, reply.body
        assert "Goal! 1-0" in receive_frame(socket)["renders"][post_id]["content"]

        reply = api(server, token, POSTS + "m-1/", {"text": "1-0", "show": False}, method="PUT")
        assert reply.status == 200
        assert receive_frame(socket)["removals"] == [post_id]  # hidden: readers drop it

        assert api(server, token, POSTS + "m-1/", method="DELETE").status == 204
        assert list(posts(live_page).raw_data) == []
        # Deleted already: a clear 404, and nothing sent.
        again = api(server, token, POSTS + "m-1/", method="DELETE")
        assert again.status == 404
        assert "m-1" in again.json()["error"]
        assert receives_nothing(socket)


def test_bad_requests_get_a_clear_4xx_and_change_nothing(make_live_page, make_integration, server):
    page = make_live_page()
    make_live_page(title="Other match", channel_id="other")
    good = {"message_id": "m-1", "text": "Goal"}
    revoked_integration, revoked = make_integration()
    revoked_integration.revoke()
    _other, other_channel = make_integration(channel_id="other")
    _ok, token = make_integration()
    json_header = {"Content-Type": "application/json"}
    cases = [
        ("no token", send(server, POSTS, body=good, headers=json_header), 401, "Bearer"),
        ("unknown token", api(server, "wla_nope", body=good), 401, "not known"),
        ("revoked token", api(server, revoked, body=good), 403, "revoked"),
        ("another channel's token", api(server, other_channel, body=good), 403, "match-day.1"),
        ("not JSON", api(server, token, body="{not json"), 400, "not valid JSON"),
        ("a list", api(server, token, body=[good]), 400, "JSON object"),
        ("no text", api(server, token, body={"message_id": "m-1"}), 400, "'text'"),
        ("no message id", api(server, token, body={"text": "Goal"}), 400, "message_id"),
        ("a / in the id", api(server, token, body={**good, "message_id": "a/b"}), 400, "'/'"),
        ("a number for text", api(server, token, body={"message_id": "m", "text": 3}), 400, "str"),
        ("unknown field", api(server, token, body={**good, "html": "<p>"}), 400, "'html'"),
        (
            "form data",
            send(
                server,
                POSTS,
                body="message_id=m-1&text=Goal",
                headers={
                    "Authorization": f"Bearer {token}",
                    "Content-Type": "application/x-www-form-urlencoded",
                },
            ),
            415,
            "application/json",
        ),
        (
            "no such channel",
            api(server, token, "/live/api/channels/nope/posts/", good),
            403,
            "nope",
        ),
        (
            "edit of a missing post",
            api(server, token, POSTS + "m-9/", good | {"message_id": "m-9"}, "PUT"),
            404,
            "m-9",
        ),
    ]
    for name, reply, status, says in cases:
        assert reply.status == status, (name, reply.body)
        assert says in reply.json()["error"], (name, reply.body)
    assert list(posts(page).raw_data) == []
    assert not PublishLogEntry.objects.exists()
    assert not ChannelSource.objects.exists()


def test_a_token_for_a_channel_without_a_live_page_gets_404(make_integration, home, server):
    _integration, token = make_integration(channel_id="not-yet")
    reply = api(
        server, token, "/live/api/channels/not-yet/posts/", {"message_id": "1", "text": "Hi"}
    )
    assert reply.status == 404
    assert "not-yet" in reply.json()["error"]


def test_the_same_message_sent_at_once_to_two_servers_makes_one_post(
    live_page, make_integration, daphne
):
    # Two server processes on one database: only the page's row lock keeps them apart.
    servers = [daphne(), daphne()]
    _integration, token = make_integration()
    body = {"message_id": "m-1", "text": "Kick-off!"}
    with ThreadPoolExecutor(8) as pool:
        replies = list(pool.map(lambda i: api(servers[i % 2], token, body=body), range(8)))
    assert sorted(reply.status for reply in replies) == [200] * 7 + [201]
    assert len({reply.json()["post_id"] for reply in replies}) == 1
    assert [post.value["message_id"] for post in posts(live_page)] == ["m-1"]
    assert PublishLogEntry.objects.count() == 1
