"""The publish log's CSV and XLSX exports: labels, not codes, in the admin's language."""

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ...delivery.models import PublishLogEntry

# What makes a spreadsheet read a CSV cell as a formula (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Return a CSV cell that no spreadsheet runs: text that starts like a formula gets a ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def labelled(choices):
    """The label of a choice's code, as the admin shows it (the code where it is unknown)."""
    labels = dict(choices)
    return lambda value: str(labels.get(value, value))


class PublishLogExportMixin:
    """Export every entry that matches the filters, as the log's table shows them."""

    list_export = [
        "created_at",
        "channel_id",
        "seq",
        "page_id",
        "page_title",
        "status",
        "trigger",
        "attempts",
        "error",
        "subscribers",
        "duration_ms",
        "sent_at",
        "user",
        "rendered_post_ids",
        "removed_post_ids",
        "republish_of_id",
    ]
    export_headings = {
        "created_at": pgettext_lazy("when an update was published", "Published"),
        "channel_id": _("Channel"),
        "seq": _("Sequence number"),
        "page_id": _("Page ID"),
        "page_title": _("Page"),
        "duration_ms": _("Send duration (ms)"),
        "rendered_post_ids": _("Rendered posts"),
        "removed_post_ids": _("Removed posts"),
        "republish_of_id": _("Re-publish of"),
    }
    export_value = {
        "status": labelled(PublishLogEntry.Status.choices),
        "trigger": labelled(PublishLogEntry.Trigger.choices),
        # Timings to the millisecond: the clock's last digits are noise.
        "duration_ms": lambda value: None if value is None else round(value),
    }

    def get_filename(self):
        return "live-publish-log"

    def preprocess_field_value(self, field, value, export_format):
        if field in self.export_value:
            value = self.export_value[field](value)
        value = super().preprocess_field_value(field, value, export_format)
        # Titles, errors and ids come from editors and from outside. Wagtail already
        # makes XLSX cells text; in CSV a cell's first character decides.
        return neutralise(value) if export_format == self.FORMAT_CSV else value

    def stream_csv(self, queryset):
        # The response streams after the view has returned, and with it the admin's
        # language: each row is written in the language the view ran in.
        language = translation.get_language()
        rows = super().stream_csv(queryset)

        def in_language():
            while True:
                with translation.override(language):
                    row = next(rows, None)
                if row is None:
                    return
                yield row

        return in_language()

    def write_xlsx(self, queryset, output):
        from openpyxl import Workbook

        # Wagtail's own, with the sheet named after the log rather than "Sheet1".
        workbook = Workbook(write_only=True, iso_dates=True)
        worksheet = workbook.create_sheet(title=str(_("Publish log"))[:31])
        worksheet.append(self.get_heading(queryset, field) for field in self.list_export)
        date_format = self.xlsx_date_format()
        for item in queryset:
            worksheet.append(
                self.generate_xlsx_row(worksheet, self.to_row_dict(item), date_format=date_format)
            )
        workbook.save(output)

    def xlsx_date_format(self):
        from wagtail.admin.views.mixins import ExcelDateFormatter

        return ExcelDateFormatter().get()
