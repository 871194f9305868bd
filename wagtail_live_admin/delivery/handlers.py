"""Signal handlers, connected once from ``AppConfig.ready()``."""

from ..conf import get_publisher
from ..signals import live_page_update
from .recheck import register_recheck_handlers

# wagtail-live connected its publisher under this uid; code that disconnects it still works.
PUBLISHER_DISPATCH_UID = "live_publisher"


def publish_live_page_update(sender, **kwargs):
    """Hand a live page update to the configured publisher (none: nothing is sent)."""
    publisher = get_publisher()
    if publisher is not None:
        return publisher(sender=sender, **kwargs)
    return None


def register_signal_handlers() -> None:
    live_page_update.connect(
        publish_live_page_update, weak=False, dispatch_uid=PUBLISHER_DISPATCH_UID
    )
    register_recheck_handlers()
