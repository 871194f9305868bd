"""Wagtail's ``{% human_readable_date %}`` ("2 hours ago", the date as a tooltip), in Python.

The tag includes a template: about 0.5 ms a call, on each row of the dashboard. The
markup is the tag's own (tests/admin/test_markup.py compares them). What does not
depend on the time now is made once: a polled dashboard shows the same dates again.
"""

from datetime import datetime, tzinfo
from functools import lru_cache

from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.formats import get_format
from django.utils.html import avoid_wrapping
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.timesince import TIME_STRINGS, timesince
from django.utils.translation import get_language, gettext

from .tables import format_cell


def human_readable_date(value: datetime) -> SafeString:
    language = get_language()
    tooltip = _tooltip(
        value, timezone.get_current_timezone(), get_format("DATETIME_FORMAT"), language
    )
    return format_cell("{}{}</time></button>", tooltip, _time_since(value, language))


@lru_cache(maxsize=1024)
def _tooltip(value: datetime, zone: tzinfo, date_format: str, language: str | None) -> SafeString:
    # As the template's ``date`` filter does: in the admin user's time zone. The language
    # is in the key for format_date's words (month names, "a.m.").
    local = timezone.localtime(value, zone) if timezone.is_aware(value) else value
    return format_cell(
        '<button type="button" class="w-human-readable-date" data-controller="w-tooltip" '
        'data-w-tooltip-content-value="{}" data-w-tooltip-placement-value="top">'
        '<time class="w-human-readable-date__date" datetime="{}">',
        format_date(local, date_format or "N j, Y, P"),
        local.isoformat(),  # the date filter's "c"
    )


def _time_since(value: datetime, language: str | None) -> str:
    """Wagtail's ``timesince_simple(value)``, capitalised: Django's ``timesince``, its words
    translated once per language and number (they were half its time)."""
    period = timesince(value, time_strings=_units(language)).split(",")[0]
    return _ago(period, language)


class _Unit:
    """A ``TIME_STRINGS`` value: ``unit % {"num": 3}`` gives "3 hours" in ``language``."""

    def __init__(self, name: str, language: str | None):
        self.name, self.language = name, language

    def __mod__(self, values: dict) -> str:
        return _unit(self.name, values["num"], self.language)


@lru_cache(maxsize=64)
def _units(language: str | None) -> dict[str, _Unit]:
    return {name: _Unit(name, language) for name in TIME_STRINGS}


@lru_cache(maxsize=1024)
def _unit(name: str, num: int, language: str | None) -> str:
    return TIME_STRINGS[name] % {"num": num}


@lru_cache(maxsize=1024)
def _ago(period: str, language: str | None) -> str:
    # wagtailadmin_tags.timesince_simple, from its first unit on.
    if period == avoid_wrapping(gettext("0 minutes")):
        return capfirst(gettext("just now"))
    return capfirst(gettext("%(time_period)s ago") % {"time_period": period})
