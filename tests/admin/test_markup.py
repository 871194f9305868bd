"""The admin's pieces built in Python give the markup of the Wagtail tags they stand for."""

import re
from datetime import timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from wagtail_live_admin.admin.dates import human_readable_date
from wagtail_live_admin.admin.statuses import status_html
from wagtail_live_admin.models import PublishLogEntry

Status = PublishLogEntry.Status


def squeezed(html: str) -> str:
    """The markup without the whitespace templates leave between and inside tags."""
    return re.sub(r"\s*(<|>)\s*", r"\1", re.sub(r"\s+", " ", str(html))).strip()


def wagtail(source: str, **context) -> str:
    return Template("{% load wagtailadmin_tags %}" + source).render(Context(context))


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("ago", [timedelta(seconds=5), timedelta(hours=3), timedelta(days=40)])
def test_human_readable_date_is_wagtails(language, ago):
    when = timezone.now() - ago
    with translation.override(language):
        expected = wagtail("{% human_readable_date when %}", when=when)
        assert squeezed(human_readable_date(when)) == squeezed(expected)


@pytest.mark.parametrize("status", [Status.SENT, Status.PENDING])
def test_a_status_is_wagtails_status_tag(status):
    entry = PublishLogEntry(status=status)
    primary = "w-status--primary" if status == Status.SENT else None
    expected = wagtail(
        "{% status label classname=primary %}", label=entry.get_status_display(), primary=primary
    )
    assert squeezed(status_html(entry)) == squeezed(expected)


def test_a_failure_shows_its_error_with_wagtails_warning_icon():
    entry = PublishLogEntry(status=Status.FAILED, error='ConnectionError: <down> & "out"')
    icon = wagtail('{% icon name="warning" classname="w-w-4 w-h-4" %}')
    assert squeezed(status_html(entry)) == squeezed(
        '<span class="w-status w-status--label w-text-critical-200" '
        'title="ConnectionError: &lt;down&gt; &amp; &quot;out&quot;">' + icon + "Failed</span>"
    )


def test_a_recovered_failure_says_so_to_screen_readers_too():
    entry = PublishLogEntry(status=Status.FAILED, error="ConnectionError")
    entry.recovered = True
    html = status_html(entry)
    assert "data-live-recovered" in html and ">Recovered<" in html
    assert '<span class="w-sr-only">: The push failed, but every reader caught up' in html
