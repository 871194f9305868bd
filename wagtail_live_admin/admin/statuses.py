"""An update's delivery status as the admin shows it: one tag, built in Python.

The dashboard and the log show it on each of their (up to 50) rows, where a template
include per row cost about 0.2 ms. The markup is that of Wagtail's ``{% status %}`` and
``{% icon %}`` tags (tests/admin/test_markup.py compares them).
"""

from functools import lru_cache

from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext, pgettext

from ..delivery.models import PublishLogEntry
from .tables import format_cell

Status = PublishLogEntry.Status
WARNING_ICON = SafeString(
    '<svg class="icon icon-warning w-w-4 w-h-4" aria-hidden="true">'
    '<use href="#icon-warning"></use></svg>'
)


def status_html(entry: PublishLogEntry) -> SafeString:
    if entry.status != Status.FAILED:
        return _status_tag(entry.status, get_language())
    if getattr(entry, "recovered", False):
        # The push failed, but every reader got the update from the catch-up endpoint
        # (admin/recovery.py sets ``recovered``).
        help_text = gettext("The push failed, but every reader caught up on this update.")
        return format_cell(
            '<span class="w-status w-status--primary" title="{}" data-live-recovered>'
            '{}<span class="w-sr-only">: {}</span></span>',
            help_text,
            pgettext("a failed update that readers got anyway", "Recovered"),
            help_text,
        )
    return format_cell(
        '<span class="w-status w-status--label w-text-critical-200" title="{}">{}{}</span>',
        entry.error,
        WARNING_ICON,
        Status.FAILED.label,
    )


@lru_cache(maxsize=64)
def _status_tag(status: str, language: str | None) -> SafeString:
    # Most rows' tag, made once per language (translating the label took half its time).
    primary = " w-status--primary" if status == Status.SENT else ""
    # Not get_status_display(): it builds a dict each call.
    return format_cell('<span class="w-status{}">{}</span>', primary, Status(status).label)
