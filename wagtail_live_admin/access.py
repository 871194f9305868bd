"""Who may receive a live page's updates: the one rule for the websocket and HTTP."""

from __future__ import annotations

from types import SimpleNamespace

from django.apps import apps
from django.contrib.auth.models import AnonymousUser


def live_page_models() -> list[type]:
    """Return every concrete page model that mixes in ``LivePageMixin``."""
    from .models import LivePageMixin

    return [
        model
        for model in apps.get_models()
        if issubclass(model, LivePageMixin) and not model._meta.abstract
    ]


def get_live_page(channel_id: str):
    """Return the live (published) page with ``channel_id``, or None."""
    for model in live_page_models():
        page = model._default_manager.live().filter(channel_id=channel_id).first()
        if page is not None:
            return page
    return None


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
