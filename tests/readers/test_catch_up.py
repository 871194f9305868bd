"""The catch-up endpoint: missed frames in order, or a snapshot; only for who may read."""

import json

import pytest
from wagtail.models import PageViewRestriction

from tests.posts import post_value
from wagtail_live_admin.models import PublishLogEntry


def updates(client, channel_id="match-day.1", since="0"):
    return client.get(f"/live/{channel_id}/updates/", {"since": since})


@pytest.fixture
def three_updates(live_page):
    for number in range(3):
        live_page.add_live_post(post_value(f"Post {number}", message_id=f"m{number}"))
    return live_page


def test_returns_the_missed_frames_in_order_as_they_were_sent(client, three_updates):
    response = updates(client, since="1")
    assert response.status_code == 200
    data = response.json()
    assert data["seq"] == 3 and [frame["seq"] for frame in data["frames"]] == [2, 3]
    sent = PublishLogEntry.objects.get(seq=2)
    assert data["frames"][0] == json.loads(sent.frame())


def test_nothing_missed_returns_no_frames(client, three_updates):
    assert updates(client, since="3").json() == {
        "channel_id": "match-day.1",
        "seq": 3,
        "frames": [],
    }


def test_a_gap_the_log_no_longer_holds_gets_a_snapshot(client, three_updates):
    PublishLogEntry.objects.filter(seq=2).delete()  # pruned
    three_updates.delete_live_post("m0")
    snapshot = updates(client, since="1").json()["snapshot"]
    assert snapshot["seq"] == 4
    texts = [render["content"] for render in snapshot["renders"].values()]
    assert len(texts) == 2 and "Post 1" in texts[0] and "Post 2" in texts[1]  # oldest first


def test_a_seq_from_before_a_reset_gets_a_snapshot(client, three_updates):
    assert "snapshot" in updates(client, since="99").json()


def test_hidden_posts_are_not_in_a_snapshot(client, three_updates):
    post = three_updates.get_live_post_by_message_id("m1")
    post.value["show"] = False
    three_updates.update_live_post(post)
    PublishLogEntry.objects.all().delete()
    renders = updates(client, since="0").json()["snapshot"]["renders"]
    assert post.id not in renders and len(renders) == 2


@pytest.mark.parametrize("since", ["", "x", "-1", "1.5"])
def test_a_bad_since_is_a_clear_400(client, three_updates, since):
    response = updates(client, since=since)
    assert response.status_code == 400 and "since" in response.json()["error"]


def test_an_unknown_channel_is_404(client, three_updates):
    assert updates(client, channel_id="nope").status_code == 404


def test_an_unpublished_page_is_404(client, make_live_page):
    page = make_live_page(title="Later", channel_id="later")
    page.add_live_post(post_value("Secret", message_id="s"))
    page.unpublish()
    response = updates(client, channel_id="later")
    assert response.status_code == 404 and "Secret" not in response.content.decode()


@pytest.mark.parametrize("restriction", ["login", "groups", "password"])
def test_a_private_page_refuses_readers_who_do_not_pass(client, three_updates, restriction):
    from django.contrib.auth.models import Group

    view_restriction = PageViewRestriction.objects.create(
        page=three_updates, restriction_type=restriction, password="pw"
    )
    if restriction == "groups":
        view_restriction.groups.add(Group.objects.get(name="Editors"))
    response = updates(client)
    assert response.status_code == 403 and "Post" not in response.content.decode()


def test_a_login_restricted_page_serves_a_logged_in_reader(
    client, three_updates, django_user_model
):
    PageViewRestriction.objects.create(page=three_updates, restriction_type="login")
    client.force_login(django_user_model.objects.create_user("reader"))
    assert len(updates(client).json()["frames"]) == 3


# Taken down means gone: catch-up serves what the page that has the channel shows now.


def test_hidden_and_deleted_posts_are_in_no_frame(client, three_updates):
    post = three_updates.get_live_post_by_message_id("m1")
    post.value["show"] = False
    three_updates.update_live_post(post)
    three_updates.delete_live_post("m2")
    response = updates(client, since="0")
    frames = response.json()["frames"]
    assert [frame["seq"] for frame in frames] == [1, 2, 3, 4, 5]  # every seq, for the order
    body = response.content.decode()
    assert "Post 0" in body and "Post 1" not in body and "Post 2" not in body
    assert frames[3]["removals"] and frames[4]["removals"]  # readers still drop them


def test_an_edited_post_is_served_in_its_newest_version_only(client, live_page):
    live_page.add_live_post(post_value("Call 555-0100", message_id="m0"))
    post = live_page.get_live_post_by_message_id("m0")
    post.value["content"] = post.block.child_blocks["content"].to_python(
        [{"type": "text", "value": "<p>Number withheld</p>"}]
    )
    live_page.update_live_post(post)
    body = updates(client, since="0").content.decode()
    assert "Number withheld" in body and "555-0100" not in body


@pytest.mark.parametrize("gone", ["moved", "deleted"])
def test_updates_of_a_page_that_had_the_channel_before_are_not_served(client, make_live_page, gone):
    members = make_live_page(title="Members", channel_id="shared")
    PageViewRestriction.objects.create(page=members, restriction_type="login")
    members.add_live_post(post_value("Members only", message_id="secret"))
    if gone == "moved":
        members.channel_id = "members-elsewhere"
        members.save()
    else:
        members.delete()
    public = make_live_page(title="Public", channel_id="tmp")
    public.channel_id = "shared"  # the public page takes the id over
    public.save()
    public.add_live_post(post_value("Hello all", message_id="hello"))

    response = updates(client, channel_id="shared", since="0")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Members only" not in body and "Hello all" in body
    # A reader who had the first update gets the page as it is, not the rest of the log.
    assert "Members only" not in updates(client, channel_id="shared", since="1").content.decode()
