"""``NchanPresence``: reader counts from Nchan's channel info, when nginx serves the readers.

nginx counts its own websocket subscribers (in Redis, across every nginx that shares it),
so this backend keeps no members: joining and leaving are nothing to it. Nchan keeps no
history of the counts, so there is no trend: the dashboard shows the count now.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from .. import nchan
from .base import PresenceBackend


class NchanPresence(PresenceBackend):
    def counts(self, channel_ids: Iterable[str]) -> dict[str, int]:
        # One GET per channel: the dashboard shows a page of channels at a time.
        return {channel_id: nchan.subscribers(channel_id) for channel_id in channel_ids}

    def trend(
        self, channel_ids: Iterable[str], *, since: datetime
    ) -> dict[str, list[tuple[datetime, int]]]:
        return {channel_id: [] for channel_id in channel_ids}

    async def join(self, channel_id: str, member: str) -> None:
        """Nothing: Nchan counts the readers of nginx, and LiveConsumer has none to add."""

    def discard(self, channel_id: str, member: str):
        return None
