"""An update's page: its summary first, then what a re-publish would send, by post text."""

import pytest

from tests.staff import REPUBLISHER, make_staff
from tests.updates import add_post, hide_post

pytestmark = pytest.mark.usefixtures("fresh_cache")


@pytest.fixture
def republisher_client(client, db):
    client.force_login(make_staff(REPUBLISHER))
    return client


def test_the_summary_comes_first_and_the_republish_names_posts_by_their_text(
    republisher_client, live_page, capture
):
    failed = add_post(live_page, capture, "Goal in the 89th minute", "m1", fail=True)
    html = republisher_client.get(f"/admin/live/log/{failed.pk}/").content.decode()
    assert html.index('id="live-entry-summary"') < html.index('id="live-entry-republish"')
    republish = html[html.index('id="live-entry-republish"') :]
    republish = republish[: republish.index("</section>")]
    assert "“Goal in the 89th minute”" in republish
    post_id = next(iter(failed.renders))
    assert post_id not in republish.replace(f'title="{post_id}"', "")  # the id, shortened


def test_a_post_left_out_is_named_by_its_text_with_a_whole_reason(
    republisher_client, live_page, capture
):
    failed = add_post(live_page, capture, "Offside goal", "m1", fail=True)
    hide_post(live_page, capture, "m1")
    html = republisher_client.get(f"/admin/live/log/{failed.pk}/republish/").content.decode()
    assert "“Offside goal”" in html
    assert "hidden or deleted on the page since this update" in html
