"""Finding live pages and their channels, across every page model mixing in ``LivePageMixin``."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db.models import OuterRef, Subquery
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


def live_pages():
    """Live pages with a channel, as base page rows annotated with ``channel``.

    One queryset over every live page model, so that a listing can search, sort
    and paginate it in the database.
    """
    models = live_page_models()
    Page = get_page_model()
    if not models:
        return Page.objects.none()
    channels = [
        Subquery(model._default_manager.filter(pk=OuterRef("pk")).values("channel_id")[:1])
        for model in models
    ]
    channel = channels[0] if len(channels) == 1 else Coalesce(*channels)
    return Page.objects.live().type(*models).annotate(channel=channel).exclude(channel=None)
