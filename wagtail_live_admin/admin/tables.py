"""Wagtail's admin tables with their rows built in Python, for the dashboard and the log.

Wagtail renders a template per cell and includes one per row: with 7-10 cells on each
of 50 rows that costs 2-4 ms a row. A ``CellColumn``'s cell is a function that returns
the same markup; ``CellTable`` joins them into the table's body (one template for the
table, none per row). tests/admin/test_markup.py compares the cells with Wagtail's.
"""

import html
from collections.abc import Callable
from functools import cache
from urllib.parse import quote

from django.forms.utils import flatatt
from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils.formats import localize
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from wagtail.admin.ui.tables import Column, Table, TitleColumn


def format_cell(template: str, *args, **kwargs) -> SafeString:
    """``format_html()`` for the many cells of a table: the same escaping, without the lazy
    wrapper around each argument's escape (half its time; a row makes a dozen calls)."""
    args = [_escaped(arg) for arg in args]
    if kwargs:
        kwargs = {name: _escaped(value) for name, value in kwargs.items()}
    return SafeString(template.format(*args, **kwargs))


def localized(count: int) -> str:
    """``localize(count)``: a count under 1,000 has no separator in any language, and a
    dashboard row shows four (``localize`` looks up three formats each time)."""
    return str(count) if -1000 < count < 1000 else localize(count)


def _escaped(value) -> str:
    # As conditional_escape(): markup as it is, anything else as escape() makes it.
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


class CellColumn(Column):
    """A column whose cell is ``cell(instance, request)``: a ``<td>``, without a template."""

    def __init__(self, name, cell, **kwargs):
        super().__init__(name, **kwargs)
        self.cell = cell

    def render_cell_html(self, instance, parent_context):
        return self.cell(instance, parent_context.get("request"))


class CellTable(Table):
    """Wagtail's table, its body one string: no template render per row or cell."""

    template_name = "wagtail_live_admin/shared/table.html"

    def row_html(self, instance, request) -> SafeString:
        cells = "".join(column.cell(instance, request) for column in self.columns.values())
        return SafeString(f"<tr{flatatt(self.get_row_attrs(instance))}>{cells}</tr>")

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        request = context["request"]
        context["body"] = SafeString("".join(self.row_html(row, request) for row in self.data))
        return context


def title_cell(url: str, title: str, extra: SafeString | str = "") -> SafeString:
    """Wagtail's title cell (wagtailadmin/tables/title_cell.html): a link, then ``extra``."""
    return format_cell(
        '<td class="title"><div class="title-wrapper"><a href="{}">{}</a>{}</div></td>',
        url,
        title or TitleColumn.empty_value_display,
        extra,
    )


def value_cell(value, **attrs) -> SafeString:
    """Wagtail's plain cell (wagtailadmin/tables/cell.html): the value, or nothing for None."""
    return format_cell(
        "<td{}>{}</td>", flatatt(attrs) if attrs else "", "" if value is None else value
    )


_ARGUMENT = "7302958164"  # a stand-in that both a pk and a channel id pattern accept


def row_url(name: str, argument) -> str:
    """``reverse(name, args=[argument])`` for a table's rows: the URL is reversed once, and
    each row's argument put in its place, quoted as ``reverse()`` quotes it (which took
    up to 47 µs a call: it matches the argument against the pattern's regex)."""
    return row_urls(name)(argument)


def row_urls(name: str) -> Callable[[object], str]:
    """``row_url(name, ...)`` for many rows: what the URL depends on is looked up once."""
    prefix, suffix = _url_around_argument(
        name, get_resolver(get_urlconf()), get_script_prefix(), get_language()
    )
    return lambda argument: f"{prefix}{quote(str(argument), safe=_SAFE)}{suffix}"


_SAFE = RFC3986_SUBDELIMS + "/~:@"  # what reverse() leaves unquoted


@cache
def _url_around_argument(name, resolver, script_prefix, language) -> tuple[str, str]:
    # Keyed by what reverse() depends on: the URLconf, the script prefix, the language.
    prefix, suffix = reverse(name, urlconf=resolver.urlconf_name, args=[_ARGUMENT]).split(_ARGUMENT)
    return prefix, suffix
