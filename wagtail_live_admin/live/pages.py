"""Finding live pages and their channels, across every page model mixing in ``LivePageMixin``."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db.models import F
from django.db.models.functions import Coalesce

from ..conf import get_page_model
from .models import LivePageMixin


def live_page_models() -> list[type]:
    """Return every concrete page model that mixes in ``LivePageMixin``."""
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


@dataclass(frozen=True)
class LiveChannel:
    channel_id: str
    page_id: int
    title: str


def live_channels() -> list[LiveChannel]:
    """Every live page's channel: one query per live page model, whatever the page count."""
    channels = [
        LiveChannel(*row)
        for model in live_page_models()
        for row in model._default_manager.live()
        .exclude(channel_id=None)
        .values_list("channel_id", "pk", "title")
    ]
    return sorted(channels, key=lambda channel: (channel.title.lower(), channel.channel_id))


def _channel_lookup(page_model, model) -> str:
    """The lookup from ``page_model`` rows to ``model``'s channel_id, through the parent links."""
    names = []
    current = model._meta.concrete_model
    while current is not page_model:
        parent, link = next(
            (parent, link)
            for parent, link in current._meta.parents.items()
            if issubclass(parent, page_model)
        )
        names.append(link.related_query_name())
        current = parent
    return "__".join([*reversed(names), "channel_id"])


def live_pages():
    """Live pages with a channel, as base page rows annotated with ``channel``.

    One queryset over every live page model, so that a listing can search, sort
    and paginate it in the database. The channel comes through a join with each
    model's table: a subquery per page row made the dashboard's count and sort read
    every live page's row one by one (docs/performance.md).
    """
    models = live_page_models()
    Page = get_page_model()
    if not models:
        return Page.objects.none()
    channels = [F(_channel_lookup(Page, model)) for model in models]
    channel = channels[0] if len(channels) == 1 else Coalesce(*channels)
    return Page.objects.live().type(*models).annotate(channel=channel).filter(channel__isnull=False)
