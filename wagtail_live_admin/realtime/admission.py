"""Who may receive a live page's updates: the one rule for the websocket and HTTP."""

from __future__ import annotations

from types import SimpleNamespace

from django.contrib.auth.models import AnonymousUser

from ..live.pages import get_live_page


def can_view(page, user=None, session=None) -> bool:
    """Return whether a reader passes the page's view restrictions (login, groups, password)."""
    reader = SimpleNamespace(user=user or AnonymousUser(), session=session or {})
    return all(restriction.accept_request(reader) for restriction in page.get_view_restrictions())


# Why a reader is turned away (None: admitted). The consumer maps these to close codes
# and the catch-up endpoint to HTTP statuses.
NOT_LIVE = "not_live"
FORBIDDEN = "forbidden"


def refusal(channel_id: str, user=None, session=None) -> str | None:
    """Return why this reader may not receive ``channel_id``'s updates, or None to admit them."""
    page = get_live_page(channel_id)
    if page is None:
        return NOT_LIVE
    if not can_view(page, user, session):
        return FORBIDDEN
    return None
