"""Hostile titles, channel ids, errors and posts are escaped everywhere in the admin.

tests/test_browser_security.py proves in Chromium that none of it runs; this file
checks the HTML the server sends, and that a page's channel id is validated.
"""

import pytest
from django.core.exceptions import ValidationError

from tests import hostile
from tests.posts import edit_form_data
from tests.staff import SUPERUSER, make_staff
from tests.testapp.models import LiveBlogPage


@pytest.fixture
def site(home):
    return hostile.make_hostile_site(home)


@pytest.fixture
def superuser_client(client, db):
    client.force_login(make_staff(SUPERUSER))
    return client


@pytest.mark.parametrize("name", hostile.ADMIN_PAGES)
def test_hostile_data_is_shown_escaped(superuser_client, site, name):
    response = superuser_client.get(hostile.admin_url(site, name))
    assert response.status_code == 200
    html = response.content.decode()
    for marker in hostile.RAW_MARKERS:
        assert marker not in html, f"{marker!r} reached the {name} unescaped"
    for where in hostile.ADMIN_PAGES[name][1]:
        # Shown, as text: escaped in HTML, or escaped JSON inside HTML.
        shown = (f"window.__xss(&quot;{where}&quot;)", f"window.__xss(\\&quot;{where}\\&quot;)")
        assert any(text in html for text in shown), f"the {name} does not show the {where}"


HOSTILE_CHANNEL_IDS = ['"><script>alert(1)</script>', "a b", "a/b", "", "match-day.1?x=1"]


@pytest.mark.parametrize("channel_id", HOSTILE_CHANNEL_IDS)
def test_a_hostile_channel_id_is_refused_by_validation(home, channel_id):
    page = LiveBlogPage(title="Hostile", slug="hostile", channel_id=channel_id or " ")
    with pytest.raises(ValidationError) as refused:
        home.add_child(instance=page)  # Page.save() runs full_clean()
    assert "channel_id" in refused.value.message_dict
    assert not LiveBlogPage.objects.filter(slug="hostile").exists()


# A typo too: the editor shown again with the error once failed (its watchers panel).
@pytest.mark.parametrize("channel_id", [hostile.CHANNEL, "match day"])
def test_the_page_editor_refuses_an_invalid_channel_id(
    superuser_client, make_live_page, channel_id
):
    page = make_live_page(title="Match day", channel_id="match-day.1")
    data = edit_form_data(page, [], publish=True)
    data["channel_id"] = channel_id
    response = superuser_client.post(f"/admin/pages/{page.pk}/edit/", data)
    assert response.status_code == 200  # the form again, with its error
    assert "Use only letters, digits, underscores, hyphens and dots." in response.content.decode()
    assert LiveBlogPage.objects.get(pk=page.pk).channel_id == "match-day.1"
    for marker in hostile.RAW_MARKERS:
        assert marker not in response.content.decode()
