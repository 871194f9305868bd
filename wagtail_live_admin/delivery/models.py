"""The publish log: every update pushed to a channel, numbered, with what became of it."""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..conf import page_model_label, user_model_label
from .frames import encode_frame

PAGE_MODEL = page_model_label()


class ChannelSequence(models.Model):
    """The last ``seq`` handed out for a channel: the row that serialises publishers."""

    channel_id = models.CharField(_("channel ID"), max_length=255, unique=True)
    last_seq = models.PositiveBigIntegerField(_("last sequence number"), default=0)

    class Meta:
        verbose_name = _("channel sequence")
        verbose_name_plural = _("channel sequences")

    def __str__(self):
        return f"{self.channel_id} #{self.last_seq}"

    @classmethod
    def next_seq(cls, channel_id: str) -> int:
        """Return the next number for ``channel_id``, in the caller's transaction.

        The UPDATE locks the channel's row until the transaction ends, so two
        publishers of one channel take turns: numbers are never shared, and a
        rolled-back publish gives its number back (no gaps).
        """
        with transaction.atomic():
            rows = cls._default_manager.filter(channel_id=channel_id)
            if rows.update(last_seq=F("last_seq") + 1):
                return rows.values_list("last_seq", flat=True).get()
            try:
                with transaction.atomic():
                    cls._default_manager.create(channel_id=channel_id, last_seq=1)
                    return 1
            except IntegrityError:
                # Another publisher made the row first: take a number after theirs.
                rows.update(last_seq=F("last_seq") + 1)
                return rows.values_list("last_seq", flat=True).get()


class PublishLogEntryQuerySet(models.QuerySet):
    def served_by_catch_up(self) -> int:
        """Count one catch-up for each failed entry of these: a reader got it after all."""
        return self.filter(status=PublishLogEntry.Status.FAILED).update(
            caught_up=F("caught_up") + 1
        )

    def record(self, channel_id: str, renders: dict, removals: list, **fields) -> PublishLogEntry:
        """Write a pending entry with the channel's next ``seq``, in the caller's transaction."""
        seq = ChannelSequence.next_seq(channel_id)
        fields.setdefault("created_at", timezone.now())
        return self.create(
            channel_id=channel_id,
            seq=seq,
            renders=renders,
            removals=list(removals),
            history=[history_event(PublishLogEntry.Status.PENDING, fields["created_at"])],
            **fields,
        )


def history_event(status: str, at, error: str = "") -> dict:
    """One step of an entry's status history, as stored in ``history``."""
    return {"status": str(status), "at": at.isoformat(), "error": error}


class PublishLogEntry(models.Model):
    """One update of a channel: what was sent, why, by whom, and whether it went out."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    class Trigger(models.TextChoices):
        PUBLISH = "publish", pgettext_lazy("what triggered an update", "Publish")
        API = "api", _("API")
        COMPOSER = "composer", _("Composer")
        REPUBLISH = "republish", _("Re-publish")
        RESYNC = "resync", _("Re-sync")
        # Receivers: posts that came in from a source app.
        SLACK = "slack", _("Slack")
        TELEGRAM = "telegram", _("Telegram")
        JSON_API = "json_api", _("JSON API")
        RECEIVER = "receiver", _("Receiver")

    page = models.ForeignKey(
        PAGE_MODEL,
        verbose_name=_("page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    channel_id = models.CharField(_("channel ID"), max_length=255)
    seq = models.PositiveBigIntegerField(_("sequence number"))
    renders = models.JSONField(_("renders"), default=dict, encoder=DjangoJSONEncoder)
    removals = models.JSONField(_("removals"), default=list, encoder=DjangoJSONEncoder)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    trigger = models.CharField(
        _("trigger"), max_length=16, choices=Trigger.choices, default=Trigger.PUBLISH
    )
    user = models.ForeignKey(
        user_model_label(),
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    republish_of = models.ForeignKey(
        "self",
        verbose_name=_("re-publish of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="republishes",
    )
    subscribers = models.PositiveIntegerField(_("subscribers at send"), null=True, blank=True)
    duration_ms = models.FloatField(_("send duration (ms)"), null=True, blank=True)
    # A failed update's readers may still get it: from the catch-up endpoint, when they
    # reconnect or see the gap. Each catch-up that serves it counts one (readers/answers.py).
    caught_up = models.PositiveIntegerField(_("catch-ups that served it"), default=0)
    created_at = models.DateTimeField(_("published at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # Each attempt's outcome in order (pending, then sent or failed with its error),
    # so the entry page can tell its story; ``status`` is the last of them.
    history = models.JSONField(_("status history"), default=list, blank=True)

    objects = PublishLogEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("publish log entry")
        verbose_name_plural = _("publish log entries")
        # What Wagtail's group editor offers: see the Live dashboard and its log,
        # and re-push updates. Entries are written by the publisher, never by hand.
        default_permissions = ("view",)
        permissions = [("republish_publishlogentry", _("Can re-publish live updates"))]
        constraints = [
            models.UniqueConstraint(fields=["channel_id", "seq"], name="wla_unique_channel_seq"),
        ]
        indexes = [
            # The catch-up endpoint and a channel's log: by channel, newest first.
            models.Index(fields=["channel_id", "-seq"], name="wla_log_channel_seq"),
            # The log list and the dashboard's failure counts: by status and time.
            models.Index(fields=["status", "-created_at"], name="wla_log_status_created"),
            models.Index(fields=["-created_at"], name="wla_log_created"),
        ]

    def __str__(self):
        return f"{self.channel_id} #{self.seq} ({self.status})"

    @property
    def render_count(self) -> int:
        return len(self.renders)

    @property
    def removal_count(self) -> int:
        return len(self.removals)

    @property
    def rendered_post_ids(self) -> str:
        return " ".join(self.renders)

    @property
    def removed_post_ids(self) -> str:
        return " ".join(self.removals)

    def frame(self, *, renders: dict | None = None) -> str:
        """The frame readers receive for this entry: as stored, or with other ``renders``."""
        return encode_frame(
            channel_id=self.channel_id,
            renders=self.renders if renders is None else renders,
            removals=self.removals,
            seq=self.seq,
            published_at=self.created_at,
        )

    def mark(self, status: str, **fields) -> None:
        """Record the outcome of one attempt to send this entry."""
        event = history_event(status, timezone.now(), fields.get("error", ""))
        fields.update(status=status, attempts=F("attempts") + 1, history=[*self.history, event])
        # The row may be gone (live_prune_log --days 0 between publish and send):
        # then there is nothing left to record the outcome on.
        if type(self)._default_manager.filter(pk=self.pk).update(**fields):
            self.refresh_from_db(fields=list(fields))
