"""Unit tests of live/merging.py: what a change does to the posts others published meanwhile.

Posts in their raw (JSON) form; ``base`` is what the change was made from.
"""

from tests.posts import changed, make_post, with_text
from wagtail_live_admin.live.merging import merge_posts
from wagtail_live_admin.live.versions import PostsBase


def ids(posts):
    return [item["id"] for item in posts]


def base_of(*posts):
    return PostsBase.of_posts(list(posts))


def test_merge_keeps_a_post_others_added_since():
    old = make_post()
    theirs_new = make_post(text="<p>Goal</p>", created="2024-05-01T10:05:00+00:00")
    mine_new = make_post(text="<p>Corner</p>", created="2024-05-01T10:03:00+00:00")
    merge = merge_posts(base_of(old), [theirs_new, old], [mine_new, old])
    assert ids(merge.posts) == [theirs_new["id"], mine_new["id"], old["id"]]
    assert merge.kept == [theirs_new["id"]]


def test_merge_deletes_a_post_this_change_deleted():
    gone, kept = make_post(), make_post()
    merge = merge_posts(base_of(gone, kept), [gone, kept], [kept])
    assert ids(merge.posts) == [kept["id"]]
    assert not merge


def test_merge_keeps_an_edit_others_made_to_a_post_left_alone_here():
    post = make_post()
    theirs = with_text(post, "<p>Kick-off, delayed</p>")
    merge = merge_posts(base_of(post), [theirs], [post])
    assert merge.posts == [theirs]
    assert merge.kept == [post["id"]]


def test_merge_takes_this_changes_edit_of_a_post_others_left_alone():
    post = make_post()
    mine = with_text(post, "<p>Kick-off at eight</p>")
    merge = merge_posts(base_of(post), [post], [mine])
    assert merge.posts == [mine]
    assert not merge


def test_merge_a_post_hidden_here_is_hidden():
    post = make_post()
    merge = merge_posts(base_of(post), [post], [changed(post, show=False)])
    assert merge.posts[0]["value"]["show"] is False


def test_merge_a_post_both_edited_takes_this_change_and_reports_it():
    post = make_post()
    theirs = with_text(post, "<p>Their version</p>")
    mine = with_text(post, "<p>My version</p>")
    merge = merge_posts(base_of(post), [theirs], [mine])
    assert merge.posts == [mine]
    assert merge.overridden == [post["id"]]


def test_merge_the_same_edit_on_both_sides_is_no_conflict():
    post = make_post()
    theirs = with_text(post, "<p>Same fix</p>")
    merge = merge_posts(base_of(post), [theirs], [with_text(post, "<p>Same fix</p>")])
    assert merge.posts == [theirs]
    assert merge.overridden == []


def test_merge_a_post_others_deleted_and_left_alone_here_stays_deleted():
    gone, kept = make_post(), make_post()
    merge = merge_posts(base_of(gone, kept), [kept], [gone, kept])
    assert ids(merge.posts) == [kept["id"]]


def test_merge_a_post_others_deleted_and_edited_here_comes_back_and_is_reported():
    post = make_post()
    mine = with_text(post, "<p>Corrected</p>")
    merge = merge_posts(base_of(post), [], [mine])
    assert merge.posts == [mine]
    assert merge.overridden == [post["id"]]


def test_merge_a_post_deleted_here_and_edited_by_others_goes_and_is_reported():
    post = make_post()
    merge = merge_posts(base_of(post), [with_text(post, "<p>Their fix</p>")], [])
    assert merge.posts == []
    assert merge.overridden == [post["id"]]


def test_merge_rich_text_back_from_the_editor_is_no_edit():
    """The page editor adds block keys and writes <b> for <strong>: the post is untouched."""
    post = make_post(text="<p>From Slack, <strong>live</strong></p>")
    theirs = changed(post, modified="2024-05-01T11:00:00+00:00")  # edited since, by others
    from_editor = with_text(post, '<p data-block-key="a1b2c">From Slack, <b>live</b></p>')
    merge = merge_posts(base_of(post), [theirs], [from_editor])
    assert merge.posts == [theirs]


def test_merge_timestamps_sent_back_to_the_minute_are_no_edit():
    post = make_post()
    merge = merge_posts(base_of(post), [post], [changed(post, created="2024-05-01T10:00:00Z")])
    assert merge.posts == [post]


def test_merge_with_an_empty_base_deletes_nothing():
    """An unreadable base (see LivePageForm) keeps every post live now."""
    one, two = make_post(), make_post()
    merge = merge_posts(PostsBase({}), [one, two], [two])
    assert set(ids(merge.posts)) == {one["id"], two["id"]}


def test_posts_base_decode_refuses_what_is_not_a_map_of_versions():
    assert PostsBase.decode("[1, 2]") is None
    assert PostsBase.decode("{not json") is None
    assert PostsBase.decode('{"a": 1}') is None
    assert PostsBase.decode('{"a": "b"}').versions == {"a": "b"}
