"""Unit tests of live/diffing.py: what readers are sent when a live page's posts change.

Posts are built in their raw (JSON) form, as the StreamField stores them; no database.
"""

import uuid
from datetime import UTC, datetime, timedelta

from wagtail.blocks import StreamValue

from tests.posts import EARLIER, EDITED_EARLIER, changed, make_post, with_text
from tests.testapp.models import LiveBlogPage
from wagtail_live_admin.live.diffing import (
    as_datetime,
    bound_posts,
    created_at,
    diff_posts,
    own_posts,
)

NOW = datetime(2024, 5, 1, 12, 0, 0, 250000, tzinfo=UTC)


def live_posts():
    """An empty ``live_posts`` value (``LiveBlogPage()`` itself would query content types)."""
    return StreamValue(LiveBlogPage._meta.get_field("live_posts").stream_block, [])


def diff(previous, current, *, was_live=True):
    return diff_posts(previous, current, was_live=was_live, now=NOW)


def test_diff_posts_untouched_post_sends_nothing():
    post = make_post()
    result = diff([post], [changed(post)])
    assert (result.renders, result.removals, result.changed) == ([], [], False)


def test_diff_posts_untouched_post_is_saved_as_it_was():
    post = make_post()
    assert diff([post], [changed(post)]).posts == [post]


def test_diff_posts_new_shown_post_on_live_page_is_rendered():
    old, new = make_post(), make_post(text="<p>Goal!</p>")
    result = diff([old], [new, old])
    assert [item["id"] for item in result.renders] == [new["id"]]


def test_diff_posts_new_post_gets_created_now_and_its_id_as_message_id():
    new = make_post(created=None, message_id="")
    saved = diff([], [new]).posts[0]["value"]
    assert (saved["created"], saved["message_id"]) == (NOW.isoformat(), new["id"])


def test_diff_posts_new_post_keeps_a_message_id_from_its_source_app():
    new = make_post(message_id="slack-1234")
    assert diff([], [new]).posts[0]["value"]["message_id"] == "slack-1234"


def test_diff_posts_edited_shown_post_is_rendered_with_the_edit():
    post = make_post()
    result = diff([post], [with_text(post, "<p>Kick-off delayed</p>")])
    assert [item["value"]["content"][0]["value"] for item in result.renders] == [
        "<p>Kick-off delayed</p>"
    ]


def test_diff_posts_edited_post_on_live_page_gets_modified_now():
    post = make_post(modified=EDITED_EARLIER)
    saved = diff([post], [with_text(post, "<p>Edited</p>")]).posts[0]["value"]
    assert as_datetime(saved["modified"]) == NOW


def test_diff_posts_edited_post_keeps_its_created():
    post = make_post()
    edited = changed(with_text(post, "<p>Edited</p>"), created=None)
    assert diff([post], [edited]).posts[0]["value"]["created"] == EARLIER


def test_diff_posts_edited_post_keeps_a_modified_the_caller_set():
    post = make_post(modified=EDITED_EARLIER)
    mine = "2024-05-01T11:50:00+00:00"
    saved = diff([post], [changed(with_text(post, "<p>Edited</p>"), modified=mine)]).posts[0]
    assert saved["value"]["modified"] == mine


def test_diff_posts_edit_marks_posts_changed():
    post = make_post()
    assert diff([post], [with_text(post, "<p>Edited</p>")]).changed


def test_diff_posts_edit_with_modified_cleared_is_stamped_now():
    post = make_post(modified=EDITED_EARLIER)
    saved = diff([post], [changed(with_text(post, "<p>Edited</p>"), modified=None)]).posts[0]
    assert as_datetime(saved["value"]["modified"]) == NOW


def test_diff_posts_edit_on_page_that_was_not_live_leaves_modified_alone():
    post = make_post()
    saved = diff([post], [with_text(post, "<p>Edited</p>")], was_live=False).posts[0]
    assert saved["value"]["modified"] is None


def test_diff_posts_timestamp_only_change_is_not_rendered():
    post = make_post()
    result = diff([post], [changed(post, created="2024-05-01T09:00:00+00:00")])
    assert result.renders == []


def test_diff_posts_timestamp_only_change_is_not_stamped_modified():
    post = make_post()
    result = diff([post], [changed(post, created="2024-05-01T09:00:00+00:00")])
    assert result.posts[0]["value"]["modified"] is None


def test_diff_posts_timestamps_sent_back_to_the_minute_keep_their_seconds():
    post = make_post(modified=EDITED_EARLIER)
    # The admin's date-time widget shows no seconds: the form sends the minute back.
    form = changed(post, created="2024-05-01T10:00:00+00:00", modified="2024-05-01T11:15:00+00:00")
    saved = diff([post], [form]).posts[0]["value"]
    assert (saved["created"], saved["modified"]) == (EARLIER, EDITED_EARLIER)


def test_diff_posts_edit_with_modified_sent_back_to_the_minute_is_stamped_now():
    post = make_post(modified=EDITED_EARLIER)
    form = changed(with_text(post, "<p>Edited</p>"), modified="2024-05-01T11:15:00+00:00")
    saved = diff([post], [form]).posts[0]["value"]
    assert as_datetime(saved["modified"]) == NOW


def test_diff_posts_hidden_post_becomes_a_removal():
    post = make_post()
    result = diff([post], [changed(post, show=False)])
    assert (result.renders, result.removals) == ([], [post["id"]])


def test_diff_posts_post_shown_again_is_rendered():
    post = make_post(show=False)
    result = diff([post], [changed(post, show=True)])
    assert ([item["id"] for item in result.renders], result.removals) == ([post["id"]], [])


def test_diff_posts_edited_hidden_post_sends_nothing():
    post = make_post(show=False)
    result = diff([post], [with_text(post, "<p>Draft</p>")])
    assert (result.renders, result.removals) == ([], [])


def test_diff_posts_deleted_shown_post_is_a_removal():
    kept, deleted = make_post(), make_post()
    result = diff([deleted, kept], [kept])
    assert (result.renders, result.removals, result.changed) == ([], [deleted["id"]], True)


def test_diff_posts_deleted_hidden_post_is_not_a_removal():
    kept, deleted = make_post(), make_post(show=False)
    assert diff([deleted, kept], [kept]).removals == []


def test_diff_posts_page_not_live_before_renders_every_shown_post():
    shown, hidden, other = make_post(), make_post(show=False), make_post()
    result = diff([shown, hidden, other], [shown, hidden, other], was_live=False)
    assert [item["id"] for item in result.renders] == [shown["id"], other["id"]]


def test_diff_posts_page_not_live_before_removes_nothing():
    shown, deleted = make_post(), make_post()
    result = diff([shown, deleted], [changed(shown, show=False)], was_live=False)
    assert result.removals == []


def test_diff_posts_reordering_marks_changed_but_sends_nothing():
    first, second = make_post(), make_post()
    result = diff([first, second], [second, first])
    assert (result.renders, result.removals, result.changed) == ([], [], True)


def test_diff_posts_non_post_items_pass_through_untouched():
    note = {"type": "editor_note", "id": str(uuid.uuid4()), "value": {"text": "embargo 14:00"}}
    post = make_post()
    result = diff([post], [note, post])
    assert (result.posts[0], result.renders) == (note, [])


def test_diff_posts_new_content_block_ids_alone_are_not_an_edit():
    post = make_post()
    content = [{**post["value"]["content"][0], "id": str(uuid.uuid4())}]
    result = diff([post], [changed(post, content=content)])
    assert (result.renders, result.changed) == ([], False)


def test_diff_posts_python_datetimes_are_rendered_in_saved_json_form():
    new = make_post(created=datetime(2024, 5, 1, 11, 0, 30, 123456, tzinfo=UTC))
    rendered = diff([], [new]).renders[0]["value"]["created"]
    assert isinstance(rendered, str)
    assert as_datetime(rendered) == datetime(2024, 5, 1, 11, 0, 30, 123000, tzinfo=UTC)


def test_as_datetime_parses_iso_strings():
    assert as_datetime("2024-05-01T10:00:42+02:00") == datetime(2024, 5, 1, 8, 0, 42, tzinfo=UTC)


def test_as_datetime_returns_datetimes_as_they_are():
    assert as_datetime(NOW) is NOW


def test_as_datetime_empty_values_are_none():
    assert (as_datetime(None), as_datetime("")) == (None, None)


def test_created_at_reads_the_posts_created():
    post = make_post(created="2024-05-01T10:00:00+00:00")
    assert created_at(post) == datetime(2024, 5, 1, 10, tzinfo=UTC)


def test_created_at_post_without_created_is_none():
    post = make_post()
    del post["value"]["created"]
    assert created_at(post) is None


def test_bound_posts_returns_posts_oldest_first():
    start = datetime(2024, 5, 1, 10, tzinfo=UTC)
    items = [make_post(created=(start + timedelta(minutes=m)).isoformat()) for m in (30, 0, 15)]
    posts = bound_posts(live_posts(), items)
    assert [post.id for post in posts] == [items[1]["id"], items[2]["id"], items[0]["id"]]


def test_bound_posts_orders_by_instant_not_by_text():
    # 10:30+02:00 is 08:30 UTC: older than 09:00 UTC although its text sorts later.
    later = make_post(created="2024-05-01T09:00:00+00:00")
    earlier = make_post(created="2024-05-01T10:30:00+02:00")
    posts = bound_posts(live_posts(), [later, earlier])
    assert [post.id for post in posts] == [earlier["id"], later["id"]]


def test_bound_posts_binds_values_as_python():
    item = make_post(text="<p>Goal!</p>")
    post = bound_posts(live_posts(), [item])[0]
    assert (post.block_type, post.value["created"]) == ("live_post", as_datetime(EARLIER))
    assert post.value["content"][0].value.source == "<p>Goal!</p>"


def test_own_posts_are_the_pages_own_as_python_oldest_first():
    start = datetime(2024, 5, 1, 10, tzinfo=UTC)
    items = [make_post(created=(start + timedelta(minutes=m)).isoformat()) for m in (30, 0, 15)]
    stream = StreamValue(live_posts().stream_block, items, is_lazy=True)
    posts = own_posts(stream, [items[0]["id"], items[1]["id"]])
    assert [post.id for post in posts] == [items[1]["id"], items[0]["id"]]
    # A receiver finds each among the page's posts, as wagtail-live's did.
    assert posts[0] is stream[1] and posts[1] is stream[0]
    assert posts[1].value["content"][0].value.source == "<p>Kick-off</p>"
    assert stream.raw_data[2] == items[2]  # the others are left as they were saved
