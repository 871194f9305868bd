"""What a post operation leaves in the page's history, and what it leaves alone."""

import re

import pytest

from tests.posts import edit_form_data, opened_base, post_value
from tests.testapp.models import LiveBlogPage
from wagtail_live_admin.live import operations

pytestmark = pytest.mark.django_db


def loaded_revision(html: str) -> dict:
    """The revision the page editor says it opened (Wagtail's concurrency inputs)."""
    return {
        name: re.search(rf'name="{name}" value="([^"]*)"', html).group(1)
        for name in ("loaded_revision_id", "loaded_revision_created_at")
    }


def test_an_operations_revision_keeps_an_open_editors_autosave_going(client, admin_user, live_page):
    client.force_login(admin_user)
    edit_url = f"/admin/pages/{live_page.pk}/edit/"
    opened = loaded_revision(client.get(edit_url).content.decode())
    base = opened_base(client, live_page)
    operations.add_post(live_page, post_value("From the composer"), revision=True)
    data = {**edit_form_data(live_page, [("p1", "Draft")], publish=False, base=base), **opened}
    autosave = client.post(edit_url, data, headers={"Accept": "application/json"})
    assert autosave.json()["success"] is True  # Wagtail would answer "invalid_revision"


def test_an_operations_revision_restores_the_live_page_as_it_stands(live_page):
    one = operations.add_post(live_page, post_value("One"), revision=True)
    operations.add_post(live_page, post_value("Two"))
    one.revision.publish()  # publishing it again: the live posts of that moment
    page = LiveBlogPage.objects.get(pk=live_page.pk)
    assert [post.id for post in page.live_posts] == [one.post["id"]]
