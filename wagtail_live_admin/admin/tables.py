"""Wagtail's admin tables with their rows built in Python, for the dashboard and the log.

Wagtail renders a template per cell and includes one per row: with 7-10 cells on each
of 50 rows that costs 2-4 ms a row. A ``CellColumn``'s cell is a function that returns
the same markup; ``CellTable`` joins them into the table's body (one template for the
table, none per row). tests/admin/test_markup.py compares the cells with Wagtail's.
"""

from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString
from wagtail.admin.ui.tables import Column, Table, TitleColumn


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
    return format_html(
        '<td class="title"><div class="title-wrapper"><a href="{}">{}</a>{}</div></td>',
        url,
        title or TitleColumn.empty_value_display,
        extra,
    )


def value_cell(value, **attrs) -> SafeString:
    """Wagtail's plain cell (wagtailadmin/tables/cell.html): the value, or nothing for None."""
    return format_html("<td{}>{}</td>", flatatt(attrs), "" if value is None else value)
