"""wagtail-live's ``utils`` module, with its names, over this package's settings and parts.

Settings are read through ``conf``; ``WAGTAIL_LIVE_PAGE_MODEL`` may be left out.
"""

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from .conf import get_publisher_class, get_setting, get_setting_or_raise
from .live.blocks import SUPPORTED_MIME_TYPES, is_embed
from .live.models import LivePageMixin
from .live.pages import live_page_models

__all__ = [
    "SUPPORTED_MIME_TYPES",
    "get_live_page_model",
    "get_live_publisher",
    "get_live_receiver",
    "get_polling_interval",
    "get_polling_timeout",
    "get_setting_or_raise",
    "is_embed",
]


def get_live_page_model() -> type:
    """Return the live page model: ``WAGTAIL_LIVE_PAGE_MODEL``, or the only one there is."""
    path = get_setting("PAGE_MODEL")
    if path:
        model = import_string(path)
        if not issubclass(model, LivePageMixin):
            raise ImproperlyConfigured(
                f"The live page model {path} doesn't inherit from "
                "wagtail_live_admin.models.LivePageMixin."
            )
        return model
    models = live_page_models()
    if len(models) != 1:
        found = ", ".join(model._meta.label for model in models) or "none"
        raise ImproperlyConfigured(
            f"Set WAGTAIL_LIVE_PAGE_MODEL: there is not one live page model but {found}."
        )
    return models[0]


def get_live_receiver() -> type | None:
    """Return the receiver class named by ``WAGTAIL_LIVE_RECEIVER``, or None when unset."""
    path = get_setting("RECEIVER")
    if not path:
        return None
    receiver = import_string(path)
    from .receivers.base import BaseMessageReceiver  # only a site that names a receiver needs it

    if not issubclass(receiver, BaseMessageReceiver):
        raise ImproperlyConfigured(
            f"The receiver {path} doesn't inherit from "
            "wagtail_live_admin.receivers.base.BaseMessageReceiver."
        )
    return receiver


def get_live_publisher() -> type:
    """Return the publisher class named by ``WAGTAIL_LIVE_PUBLISHER`` (it has a default)."""
    publisher = get_publisher_class()
    if publisher is None:
        raise ImproperlyConfigured(
            "WAGTAIL_LIVE_PUBLISHER is None: publishing is switched off, there is no publisher."
        )
    return publisher


def get_polling_timeout() -> int:
    """Return ``WAGTAIL_LIVE_POLLING_TIMEOUT``: seconds a long poll waits (default 60)."""
    return get_setting("POLLING_TIMEOUT")


def get_polling_interval() -> int:
    """Return ``WAGTAIL_LIVE_POLLING_INTERVAL``: milliseconds between polls (default 3000)."""
    return get_setting("POLLING_INTERVAL")
