"""The Live dashboard's cells, built in Python (admin/tables.py says why).

A template per cell made the dashboard 3x slower at 1,000 live pages than at 10. The
cells' fixed words are translated once per language (``fixed``). ``page`` is a row of
``live_pages()``, given ``stats`` (its ``ChannelStats``) and its URLs by the view.
"""

from functools import cache
from types import SimpleNamespace

from django.template.defaultfilters import urlencode
from django.urls import reverse
from django.utils.formats import localize
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext, ngettext

from .chart import sparkline_html
from .dates import human_readable_date
from .statuses import status_html
from .tables import format_cell, localized, title_cell


@cache
def fixed(language: str | None) -> SimpleNamespace:
    """The cells' fixed words in ``language``, as HTML: gettext per cell cost 5 µs each."""
    return SimpleNamespace(
        view_live=format_cell(
            '{}<span class="w-sr-only"> {}</span>',
            gettext("View live"),
            gettext("(opens in a new tab)"),
        ),
        write_posts=format_cell("{}", gettext("Write posts")),
        unknown=format_cell(
            '<span title="{}">—<span class="w-sr-only"> {}</span></span>',
            gettext("Unknown: the reader counts cannot be reached (is Redis up?)"),
            gettext("unknown"),
        ),
        never=format_cell("{}", gettext("Never")),
    )


def page_title(page, request) -> SafeString:
    """The title, linking to its editor; links to the page as readers see it and to its posts."""
    words = fixed(get_language())
    # With the request, Wagtail finds the site root paths once per request, not per row.
    live_url = page.get_url(request=request)
    view_live = (
        format_cell(
            '\n<a href="{}" class="w-text-14" target="_blank" rel="noreferrer">{}</a>',
            live_url,
            words.view_live,
        )
        if live_url  # None when not routable: no site holds the page
        else ""
    )
    links = format_cell(
        '{}\n<a href="{}#composer" class="w-text-14">{}</a>',
        view_live,
        page.channel_url,
        words.write_posts,
    )
    return title_cell(page.edit_url, page.title, links)


def channel(page, request) -> SafeString:
    return title_cell(page.channel_url, page.channel)


def count_html(value: int | None) -> SafeString | str:
    """A reader count (the cell escapes it), or a dash that says it is unknown (presence
    cannot answer)."""
    return fixed(get_language()).unknown if value is None else localized(value)


def subscribers(page, request) -> SafeString:
    count = count_html(page.stats.subscribers)
    return format_cell('<td data-live-subscribers="{}">{}</td>', page.channel, count)


def peak(page, request) -> SafeString:
    return format_cell('<td data-live-peak="{}">{}</td>', page.channel, count_html(page.stats.peak))


def trend(page, request) -> SafeString:
    return format_cell("<td>{}</td>", sparkline_html(page.stats.trend))


def last_publish(page, request) -> SafeString:
    entry = page.stats.last_entry
    if entry is None:
        never = fixed(get_language()).never
        return format_cell('<td data-live-last-status="">{}</td>', never)
    return format_cell(
        '<td data-live-last-status="{}"><a href="{}">{}</a>\n{}</td>',
        "recovered" if entry.recovered else entry.status,
        page.entry_url,
        human_readable_date(entry.created_at),
        status_html(entry),
    )


def failures(page, request) -> SafeString:
    stats = page.stats
    count = (
        format_cell(
            '<a href="{}?channel_id={}&amp;status=failed" class="w-text-critical-200">{}</a>',
            reverse("live_admin:log"),
            urlencode(page.channel),
            stats.failures,
        )
        if stats.failures
        else "0"
    )
    # Failed pushes that every reader caught up on: not undelivered, but worth knowing.
    recovered = (
        format_cell(
            '\n<span class="w-block w-help-text" data-live-recovered-count="{}">{}</span>',
            stats.recovered,
            ngettext("%(counter)s recovered", "%(counter)s recovered", stats.recovered)
            % {"counter": localize(stats.recovered)},
        )
        if stats.recovered
        else ""
    )
    return format_cell('<td data-live-failures="{}">{}{}</td>', page.channel, count, recovered)
