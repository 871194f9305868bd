"""JSON API integrations with their tokens, and the sources that feed each channel.

A token is shown once, when it is made; only its SHA-256 is stored (it carries 256
random bits, so a plain hash is enough to look it up and not enough to recover it).
"""

from __future__ import annotations

import hashlib
import secrets

from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..conf import user_model_label

TOKEN_PREFIX = "wla_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Integration(models.Model):
    """A source that posts to one channel through the JSON API, with its token."""

    name = models.CharField(_("name"), max_length=100, help_text=_("Who or what posts with it."))
    channel_id = models.CharField(
        _("channel ID"), max_length=255, help_text=_("The one channel this token may post to.")
    )
    token_start = models.CharField(_("token starts with"), max_length=16, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        user_model_label(),
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API integration")
        verbose_name_plural = _("API integrations")
        ordering = ["name", "pk"]
        default_permissions = ("add", "change", "view")

    def __str__(self):
        return self.name

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    def new_token(self) -> str:
        """Give the integration a new token (the old one stops working); return it."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        self.token_start = token[:12]
        self.token_hash = hash_token(token)
        return token

    def revoke(self) -> None:
        self.revoked_at = timezone.now()
        type(self)._default_manager.filter(pk=self.pk).update(revoked_at=self.revoked_at)

    @classmethod
    def for_token(cls, token: str) -> Integration | None:
        """Return the integration that holds ``token`` (revoked or not), or None."""
        return cls._default_manager.filter(token_hash=hash_token(token)).first()


class ChannelSource(models.Model):
    """A source that feeds a channel (Slack, Telegram, an integration ...): when it last posted."""

    channel_id = models.CharField(_("channel ID"), max_length=255)
    # "slack", "telegram", "json_api", "receiver": the trigger its posts are logged with.
    source = models.CharField(_("source"), max_length=16)
    integration = models.ForeignKey(
        Integration,
        verbose_name=_("integration"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="channels",
    )
    # ``source``, or ``source:<integration id>``: one row per source and channel.
    key = models.CharField(max_length=40, editable=False)
    last_posted_at = models.DateTimeField(_("last posted at"))
    changes = models.PositiveIntegerField(_("changes"), default=0)

    class Meta:
        verbose_name = _("channel source")
        verbose_name_plural = _("channel sources")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["channel_id", "key"], name="wla_unique_channel_source"),
        ]

    def __str__(self):
        return f"{self.channel_id} <- {self.key}"

    @classmethod
    def note(cls, channel_id: str, source: str, integration: Integration | None = None) -> None:
        """Record that ``source`` just changed a post of ``channel_id``."""
        key = f"{source}:{integration.pk}" if integration is not None else source
        now = timezone.now()
        rows = cls._default_manager.filter(channel_id=channel_id, key=key)
        if not rows.update(last_posted_at=now, changes=F("changes") + 1):
            cls._default_manager.get_or_create(
                channel_id=channel_id,
                key=key,
                defaults={
                    "source": source,
                    "integration": integration,
                    "last_posted_at": now,
                    "changes": 1,
                },
            )
        if integration is not None:
            Integration._default_manager.filter(pk=integration.pk).update(last_used_at=now)
