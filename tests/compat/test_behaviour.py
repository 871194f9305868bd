"""wagtail-live 1.0's behaviour, kept: one test per difference issue 12 found.

Where this package changes a behaviour on purpose (a defect fixed), the test asserts
the change that docs/how-to/migrate-from-wagtail-live.md lists.
"""

from tests.posts import post_value
from wagtail_live_admin.blocks import compare_live_posts_values


def test_compare_live_posts_values_is_true_when_the_posts_are_the_same():
    first = post_value("Kick-off")
    assert compare_live_posts_values(first, post_value("Kick-off")) is True
    assert compare_live_posts_values(first, post_value("Kick-off, delayed")) is False
    assert compare_live_posts_values(first, post_value("Kick-off", show=False)) is False


def test_compare_live_posts_values_takes_saved_posts_and_counts_formatting(live_page):
    """As in wagtail-live, message ids and timestamps do not count; unlike it, bold does."""
    live_page.add_live_post(post_value("Kick-off", message_id="slack-1"))
    saved = live_page.get_live_post_by_message_id("slack-1")
    assert compare_live_posts_values(saved, post_value("Kick-off")) is True
    assert compare_live_posts_values(saved.value, post_value("<b>Kick-off</b>")) is False
