"""Admins who read the Wagtail admin in German or English, and a channel with some history."""

import pytest
from django.test import Client
from wagtail.users.models import UserProfile

from tests.staff import SUPERUSER, make_staff
from tests.updates import add_post, hide_post


def client_in(language: str, level: str = SUPERUSER) -> Client:
    """A logged-in client whose admin language (Wagtail's user profile) is ``language``."""
    user = make_staff(level, username=f"{level}-{language}")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def german(db):
    return client_in("de")


@pytest.fixture
def english(db):
    return client_in("en")


@pytest.fixture
def marathon(make_live_page, capture, watch):
    """A live page whose channel has a sent, a failed and a hidden update, and two readers.

    Titles and posts are German, so that English left on a page is ours.
    """
    page = make_live_page(title="Stadtlauf", channel_id="stadtlauf")
    sent = add_post(page, capture, "Startschuss gefallen", "m1")
    failed = add_post(page, capture, "Erste Zwischenzeit", "m2", fail=True)
    hidden = hide_post(page, capture, "m1")
    watch("stadtlauf", 2)
    page.refresh_from_db()
    return {"page": page, "sent": sent, "failed": failed, "hidden": hidden}
