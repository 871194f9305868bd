"""The admin side of receivers: API tokens (made, shown once, revoked, replaced) and a
channel's sources on its Live admin page."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client

from tests.staff import EDITOR, SUPERUSER, VIEWER, make_staff
from wagtail_live_admin.models import ChannelSource, Integration

pytestmark = pytest.mark.django_db

TOKENS = "/admin/live/api-tokens/"
POSTS = "/live/api/channels/match-day.1/posts/"


def client_for(user, **options):
    client = Client(**options)
    client.force_login(user)
    return client


def post_to_api(token, message_id="m-1"):
    return Client().post(
        POSTS,
        {"message_id": message_id, "text": "Goal"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


def shown_token(response) -> str:
    return re.search(r'id="live-api-token"[^>]*>(wla_[\w-]+)<', response.text)[1]


def test_a_new_token_is_shown_once_and_posts_to_its_channel(live_page):
    admin = client_for(make_staff(SUPERUSER))
    response = admin.post(TOKENS + "new/", {"name": "Scoreboard", "channel_id": "match-day.1"})
    assert response.status_code == 200
    token = shown_token(response)
    assert "no-store" in response["Cache-Control"]
    integration = Integration.objects.get()
    assert (integration.name, integration.token_start) == ("Scoreboard", token[:12])
    assert token not in admin.get(TOKENS).text  # the list shows how it starts, not the token
    assert token not in admin.get(f"{TOKENS}edit/{integration.pk}/").text
    assert post_to_api(token).status_code == 201


def test_a_channel_id_readers_could_not_subscribe_to_is_refused(live_page):
    admin = client_for(make_staff(SUPERUSER))
    response = admin.post(TOKENS + "new/", {"name": "Bot", "channel_id": "match day/1"})
    assert response.status_code == 200
    assert not Integration.objects.exists()


def test_revoke_and_new_token_take_effect_at_once(live_page):
    admin = client_for(make_staff(SUPERUSER))
    token = shown_token(admin.post(TOKENS + "new/", {"name": "Bot", "channel_id": "match-day.1"}))
    pk = Integration.objects.get().pk

    # GET only asks.
    assert "Revoke the token of Bot?" in admin.get(f"{TOKENS}{pk}/revoke/").text
    assert post_to_api(token).status_code == 201
    assert admin.post(f"{TOKENS}{pk}/revoke/").status_code == 302
    assert post_to_api(token, "m-2").status_code == 403
    assert "Revoked" in admin.get(TOKENS).text

    new = shown_token(admin.post(f"{TOKENS}{pk}/new-token/"))
    assert post_to_api(token, "m-3").status_code == 401  # the old one is gone
    assert post_to_api(new, "m-3").status_code == 201


def test_token_admin_needs_its_permissions_and_csrf(live_page):
    integration = Integration(name="Bot", channel_id="match-day.1")
    token = integration.new_token()
    integration.save()
    for level in (EDITOR, VIEWER):
        client = client_for(make_staff(level))
        for url in (TOKENS, TOKENS + "new/", f"{TOKENS}{integration.pk}/revoke/"):
            assert client.get(url).status_code in (302, 403), (level, url)
        assert client.post(f"{TOKENS}{integration.pk}/revoke/").status_code in (302, 403)
        assert client.post(TOKENS + "new/", {"name": "X", "channel_id": "x"}).status_code in (
            302,
            403,
        )
    assert Client().get(TOKENS).status_code == 302  # to the login page

    # A group the group editor granted "change" to may revoke; not without CSRF.
    keeper = make_staff(EDITOR, "keeper")
    group = Group.objects.create(name="Token keepers")
    group.permissions.add(Permission.objects.get(codename="change_integration"))
    keeper.groups.add(group)
    strict = client_for(keeper, enforce_csrf_checks=True)
    assert strict.post(f"{TOKENS}{integration.pk}/revoke/").status_code == 403
    assert post_to_api(token).status_code == 201
    assert client_for(keeper).post(f"{TOKENS}{integration.pk}/revoke/").status_code == 302
    assert Integration.objects.get().revoked
    assert Integration.objects.count() == 1


def test_the_channel_page_lists_its_sources_and_when_each_last_posted(live_page):
    integration = Integration(name="Scoreboard", channel_id="match-day.1")
    integration.new_token()
    integration.save()
    unused = Integration(name="Spare bot", channel_id="match-day.1")
    unused.new_token()
    unused.save()
    ChannelSource.note("match-day.1", "slack")
    ChannelSource.note("match-day.1", "json_api", integration)
    ChannelSource.note("match-day.1", "json_api", integration)
    ChannelSource.note("other", "telegram")

    page = client_for(make_staff(VIEWER)).get("/admin/live/channels/match-day.1/").text
    sources = page[page.index('id="live-channel-sources"') :]
    rows = re.findall(r"<tr>(.*?)</tr>", sources[sources.index("<tbody>") :], re.S)
    cells = [re.sub(r"<[^>]+>|\s+", " ", row).split() for row in rows]
    assert [row[0] for row in cells] == ["Scoreboard", "Slack", "Spare"]
    assert cells[0][-1] == "2" and cells[1][-1] == "1"
    assert "Never" in rows[2]
    assert "Telegram" not in sources
    # Its integrations link to their tokens' page for those who may manage tokens only.
    assert "/admin/live/api-tokens/" not in sources
    admin_page = client_for(make_staff(SUPERUSER)).get("/admin/live/channels/match-day.1/").text
    assert f'href="/admin/live/api-tokens/edit/{integration.pk}/"' in admin_page
