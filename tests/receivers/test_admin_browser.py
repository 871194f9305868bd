"""In a real browser: an editor makes an API token, a source posts with it, the channel's
page lists the source, and a revoke stops the token."""

import pytest
from playwright.sync_api import expect

from tests.chromium import Editor, explained_failure, new_context
from tests.receivers.conftest import send

pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def post_with(server, token, message_id):
    return send(
        server,
        "/live/api/channels/match-day.1/posts/",
        body={"message_id": message_id, "text": "Goal!"},
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )


def test_an_editor_makes_a_token_sees_its_source_and_revokes_it(
    live_page, server, newsroom, chromium, tmp_path
):
    editor = Editor(new_context(chromium, viewport={"width": 1400, "height": 1000}), server.url)
    page = editor.page
    with explained_failure(server, tmp_path, editor=page):
        editor.log_in("anna", "pw")
        page.goto(f"{server.url}/admin/live/api-tokens/")
        page.get_by_role("link", name="Add API integration").first.click()
        page.get_by_label("Name").fill("Scoreboard")
        page.get_by_label("Channel ID").fill("match-day.1")
        page.get_by_role("button", name="Create").click()
        token = page.locator("#live-api-token").inner_text()
        assert token.startswith("wla_")

        assert post_with(server, token, "m-1").status == 201

        page.goto(f"{server.url}/admin/live/channels/match-day.1/")
        sources = page.locator("section[aria-labelledby=live-channel-sources]")
        expect(sources.locator("tbody tr")).to_have_count(1)
        expect(sources.locator("tbody tr td").first).to_contain_text("Scoreboard")

        sources.get_by_role("link", name="Scoreboard").click()
        page.get_by_role("button", name="Actions").click()
        page.get_by_role("link", name="Revoke").click()
        page.get_by_role("button", name="Yes, revoke").click()
        expect(page.get_by_text("The token of 'Scoreboard' was revoked.")).to_be_visible()

        refused = post_with(server, token, "m-2")
        assert refused.status == 403
        assert "revoked" in refused.json()["error"]
