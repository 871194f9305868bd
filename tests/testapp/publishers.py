"""A publisher of a site's own: it implements only wagtail-live's ``publish``."""

from wagtail_live_admin.publishers.websocket import BaseWebsocketPublisher


class RecordingPublisher(BaseWebsocketPublisher):
    """Keep each ``publish`` call, as a hosted service would receive it; fail when told to."""

    calls: list[tuple[str, dict, list]] = []
    failing: str = ""  # an error message: publish raises it

    def publish(self, channel_id, renders, removals):
        if self.failing:
            raise ConnectionError(self.failing)
        self.calls.append((channel_id, renders, list(removals)))
