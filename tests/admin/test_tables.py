"""The tables' helpers: a row's URL is the one reverse() gives."""

import pytest
from django.test import override_settings
from django.urls import include, path, reverse, set_script_prefix
from django.utils import translation
from django.utils.formats import localize
from wagtail.admin import urls as wagtailadmin_urls

from wagtail_live_admin.admin.tables import localized, row_url


@pytest.mark.parametrize("channel_id", ["match-day.1", "café.1", "Ünïcödé_2026", "a.b-c"])
def test_a_rows_channel_url_is_reverses(channel_id):
    expected = reverse("live_admin:channel", args=[channel_id])
    assert row_url("live_admin:channel", channel_id) == expected


@pytest.mark.parametrize("name", ["live_admin:entry", "live_admin:republish_row"])
def test_a_rows_entry_url_is_reverses(name):
    assert row_url(name, 12345) == reverse(name, args=[12345])


def test_a_rows_url_follows_the_script_prefix():
    try:
        set_script_prefix("/site/")
        assert row_url("live_admin:entry", 7) == "/site/admin/live/log/7/"
    finally:
        set_script_prefix("/")
    assert row_url("live_admin:entry", 7) == "/admin/live/log/7/"


# This module is a URLconf too: the admin at /cms/, as a site may put it.
urlpatterns = [path("cms/", include(wagtailadmin_urls))]


def test_a_rows_url_follows_the_urlconf():
    assert row_url("live_admin:entry", 7) == "/admin/live/log/7/"
    with override_settings(ROOT_URLCONF=__name__):
        assert row_url("live_admin:entry", 7) == "/cms/live/log/7/"


@pytest.mark.parametrize("language", ["en", "de", "fr"])
@pytest.mark.parametrize("count", [0, 7, 999, -999, 1000, 12345, -1000])
def test_a_localized_count_is_djangos(settings, language, count):
    settings.USE_THOUSAND_SEPARATOR = True
    with translation.override(language):
        assert localized(count) == localize(count)
