"""The delivery spine: every update is recorded, committed, then sent through the publisher.

Publishes, the Python API, re-publishes and re-syncs all become an ``Update`` submitted
here, and privacy rechecks pass here too: each reaches ``WAGTAIL_LIVE_PUBLISHER`` after
its transaction commits, and no update is sent without its entry in the publish log.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from functools import partial

from django.db import transaction
from django.utils import timezone

from ..conf import get_publisher
from .models import PublishLogEntry
from .refusals import DeliveryOff

logger = logging.getLogger(__name__)

Status = PublishLogEntry.Status


@dataclass
class Update:
    """One update of a channel, before it is recorded: what readers get, and who asked."""

    channel_id: str
    renders: dict  # post id: {"show", "content"}, rendered (live.blocks.render_posts)
    removals: list
    page: object = None
    trigger: str = PublishLogEntry.Trigger.PUBLISH
    user: object = None
    republish_of: PublishLogEntry | None = None

    @property
    def empty(self) -> bool:
        return not self.renders and not self.removals


def publisher_or_refuse():
    """Return the configured publisher, or raise ``DeliveryOff`` (a re-push asked for)."""
    publisher = get_publisher()
    if publisher is None:
        raise DeliveryOff()
    return publisher


def record(update: Update) -> PublishLogEntry:
    """Write ``update`` to the publish log with its channel's next seq, in this transaction.

    Taking the seq locks the channel's sequence row until commit: updates of one
    channel are numbered, and sent, in the order their transactions commit.
    """
    return PublishLogEntry.objects.record(
        update.channel_id,
        update.renders,
        update.removals,
        page=update.page,
        trigger=update.trigger,
        user=update.user,
        republish_of=update.republish_of,
    )


def send_on_commit(entry: PublishLogEntry, publisher) -> None:
    """Send ``entry`` once the transaction commits (at once outside one); never on a rollback."""
    transaction.on_commit(partial(send, entry, publisher), robust=True)


def submit(update: Update, *, publisher=None) -> PublishLogEntry | None:
    """Record ``update`` and send it after commit; return its entry.

    None, with nothing recorded, when delivery is off (no publisher) or the update is
    empty. ``publisher`` defaults to the configured one.
    """
    publisher = publisher or get_publisher()
    if publisher is None or update.empty:
        return None
    # One transaction even when the caller has none: the seq and its entry commit together
    # (the channel's row stays locked until then), and the frame waits for one commit.
    # Inside the caller's, a savepoint: a failure here leaves its transaction usable.
    with transaction.atomic():
        entry = record(update)
        send_on_commit(entry, publisher)
    return entry


def send(entry: PublishLogEntry, publisher) -> bool:
    """Send a recorded entry through ``publisher`` and record how it went; return whether it went.

    A failure is recorded and logged, never raised: the publish that made the entry
    has succeeded, and the entry stays in the log to be sent again.
    """
    started = time.perf_counter()
    try:
        publisher.publish_entry(entry)
    except Exception as exc:
        logger.warning(
            "Could not send update #%s of channel %r: %r", entry.seq, entry.channel_id, exc
        )
        entry.mark(Status.FAILED, error=f"{type(exc).__name__}: {exc}")
        return False
    entry.mark(
        Status.SENT,
        error="",
        sent_at=timezone.now(),
        duration_ms=(time.perf_counter() - started) * 1000,
        subscribers=publisher.subscriber_count(entry.channel_id),
    )
    return True


def recheck(channel_ids) -> None:
    """Once the transaction commits, ask the readers of these channels to be admitted again.

    Nothing is recorded: a recheck carries no content. A failure is logged, never raised.
    """
    publisher = get_publisher()
    channel_ids = sorted(set(channel_ids))
    if publisher is not None and channel_ids:
        transaction.on_commit(partial(_recheck, publisher, channel_ids), robust=True)


def _recheck(publisher, channel_ids: list[str]) -> None:
    try:
        publisher.recheck(channel_ids)
    except Exception as exc:
        # Updates travel the same way: while it is down, nobody receives them either.
        logger.warning("Could not ask readers of %s to be admitted again: %r", channel_ids, exc)
