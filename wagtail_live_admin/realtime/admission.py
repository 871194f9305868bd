"""Who may receive a live page's updates: the one rule for the websocket and HTTP."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

from django.contrib.auth.models import AnonymousUser

from ..live.pages import get_live_page


def can_view(page, user=None, session=None) -> bool:
    """Return whether a reader passes the page's view restrictions (login, groups, password)."""
    return _passes(page.get_view_restrictions(), user, session)


def _passes(restrictions, user, session) -> bool:
    reader = SimpleNamespace(user=user or AnonymousUser(), session=session or {})
    return all(restriction.accept_request(reader) for restriction in restrictions)


# Why a reader is turned away (None: admitted). The consumer maps these to close codes
# and the catch-up endpoint to HTTP statuses.
NOT_LIVE = "not_live"
FORBIDDEN = "forbidden"


@dataclass(frozen=True)
class Verdict:
    reason: str | None  # why the reader is turned away, or None
    page_id: int | None  # the page they may read
    public: bool = False  # whether the page has no view restriction: anyone may read it


def judge(channel_id: str, user=None, session=None, *, page_id=None) -> Verdict:
    """Return whether a reader may read ``channel_id`` (see ``admit``), and if anyone may."""
    page = get_live_page(channel_id)
    if page is None or (page_id is not None and page.pk != page_id):
        return Verdict(NOT_LIVE, None)
    restrictions = list(page.get_view_restrictions())
    if not _passes(restrictions, user, session):
        return Verdict(FORBIDDEN, None)
    return Verdict(None, page.pk, public=not restrictions)


def admit(channel_id: str, user=None, session=None, *, page_id=None):
    """Return ``(why the reader is turned away, or None; the id of the page they may read)``.

    ``page_id`` is the page the reader was admitted to before: the channel is theirs only
    while that page has it. Once another page takes the id, they are NOT_LIVE for it,
    whoever may read the other page.
    """
    verdict = judge(channel_id, user, session, page_id=page_id)
    return verdict.reason, verdict.page_id
