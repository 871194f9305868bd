"""Which sources feed a channel (Slack, Telegram, API integrations) and when each last posted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..delivery.models import PublishLogEntry
from ..sources.models import ChannelSource, Integration


@dataclass(frozen=True)
class Feed:
    label: str
    last_posted_at: datetime | None
    changes: int
    integration: Integration | None = None


def channel_feeds(channel_id: str) -> list[Feed]:
    """The sources that changed posts of ``channel_id``, latest first, then its unused tokens."""
    labels = dict(PublishLogEntry.Trigger.choices)
    rows = ChannelSource.objects.filter(channel_id=channel_id).select_related("integration")
    feeds = [
        Feed(
            str(row.integration or labels.get(row.source, row.source)),
            row.last_posted_at,
            row.changes,
            row.integration,
        )
        for row in rows.order_by("-last_posted_at")
    ]
    used = {feed.integration.pk for feed in feeds if feed.integration}
    unused = Integration.objects.filter(channel_id=channel_id).exclude(pk__in=used)
    return feeds + [Feed(str(integration), None, 0, integration) for integration in unused]
