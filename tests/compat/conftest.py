"""What a site's own ``live_page_update`` receiver, written for wagtail-live, is sent."""

import pytest

from wagtail_live_admin.signals import live_page_update


@pytest.fixture
def signals():
    """Every ``live_page_update`` sent during the test: its keyword arguments, as sent."""
    sent = []

    def receiver(sender, **kwargs):
        sent.append({"sender": sender, **kwargs})

    live_page_update.connect(receiver, weak=False, dispatch_uid="compat-signals")
    yield sent
    live_page_update.disconnect(dispatch_uid="compat-signals")
