"""A date's text, made once per language and time zone, is Wagtail's in each of them."""

from datetime import timedelta

from django.utils import timezone, translation

from tests.admin.test_markup import squeezed, wagtail
from wagtail_live_admin.admin.dates import human_readable_date


def test_a_date_shown_in_english_then_in_german_elsewhere_is_wagtails_each_time():
    now = timezone.now()
    dates = [now - timedelta(seconds=5), now - timedelta(hours=3), now - timedelta(days=400)]
    for language, zone in [("en", "UTC"), ("de", "Europe/Berlin"), ("en", "America/New_York")]:
        with translation.override(language), timezone.override(zone):
            for when in dates:
                expected = wagtail("{% human_readable_date when %}", when=when)
                assert squeezed(human_readable_date(when)) == squeezed(expected)
    with translation.override("de"), timezone.override("Europe/Berlin"):
        html = human_readable_date(dates[1])
        berlin = timezone.localtime(dates[1]).isoformat()
    assert ">3\xa0Stunden<" in html and f'datetime="{berlin}"' in html
