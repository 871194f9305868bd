"""``LoggedPublisher``: a publisher of whole frames; every update it sends is in the log."""

from ..delivery.models import PublishLogEntry
from ..delivery.spine import Update, submit
from ..live.pages import get_live_page
from .websocket import BaseWebsocketPublisher


class LoggedPublisher(BaseWebsocketPublisher):
    """Send each update as its frame (``publish_entry``), numbered by the publish log.

    A frame needs its ``seq``, which only the log gives, so ``publish`` (a direct call
    from a site's code) records the update and sends it once the transaction commits.
    """

    def publish(self, channel_id, renders, removals):
        """Send an update made outside a page (a direct call): logged, and sent after commit."""
        update = Update(
            channel_id,
            renders,
            list(removals),
            page=get_live_page(channel_id),
            trigger=PublishLogEntry.Trigger.API,
        )
        return submit(update, publisher=self)

    def publish_entry(self, entry):
        raise NotImplementedError
