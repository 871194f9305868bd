"""The publish log in the admin: every update, filterable and exportable."""

import re

from django.db import connections
from django.db.models import F
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.views.reports import ReportView
from wagtail.admin.widgets import HeaderButton

from ...delivery.models import PublishLogEntry
from ...live.models import CHANNEL_ID_PATTERN
from .. import log_table as cells
from ..filters import PublishLogFilterSet
from ..log_table import PublishLogTable, log_entries
from ..permissions import can_republish
from ..recovery import mark_recovered
from ..tables import CellColumn
from .base import LiveViewMixin, RefreshingResultsMixin, admin_url
from .log_export import PublishLogExportMixin

# A column heading: when the update was published (Wagtail's "Published" is a page's state).
PUBLISHED = pgettext_lazy("when an update was published", "Published")


def estimated_rows(queryset) -> int | None:
    """PostgreSQL's estimate of an unfiltered queryset's rows (None where there is none)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql" or queryset.query.where.children:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
            [connection.ops.quote_name(queryset.model._meta.db_table)],
        )
        row = cursor.fetchone()
    return row[0] if row else None


class PublishLogPaginator(WagtailPaginator):
    """Count a long unfiltered log from PostgreSQL's estimate, and any other list exactly.

    An exact ``COUNT(*)`` reads every entry: 50 ms at 1,000,000 entries (docs/performance.md),
    and more as the log grows. Past ``estimate_above`` entries the unfiltered log's page
    count comes from the table statistics that autovacuum keeps; a filter makes it exact.
    """

    estimate_above = 100_000
    estimated = False

    @cached_property
    def count(self):
        estimate = estimated_rows(self.object_list)
        if estimate is not None and estimate > self.estimate_above:
            self.estimated = True
            return estimate
        return super().count

    @cached_property
    def items_count_label(self):
        if self.estimated:
            return _("about %(count)s %(items)s") % {
                "count": self.count,
                "items": self.verbose_name_plural,
            }
        return super().items_count_label


class PublishLogView(LiveViewMixin, RefreshingResultsMixin, PublishLogExportMixin, ReportView):
    """Every update of every channel, newest first; ``?channel_id=`` narrows it to one."""

    template_name = "wagtail_live_admin/log/index.html"
    results_template_name = "wagtail_live_admin/log/index_results.html"
    page_title = _("Publish log")
    header_icon = "history"
    index_url_name = "live_admin:log"
    index_results_url_name = "live_admin:log_results"
    filterset_class = PublishLogFilterSet
    model = PublishLogEntry
    table_class = PublishLogTable
    paginate_by = 50
    paginator_class = PublishLogPaginator
    default_ordering = "-created_at"

    columns = [
        CellColumn("update", cells.update, label=pgettext_lazy("a live update", "Update")),
        CellColumn("page", cells.page, label=_("Page")),
        CellColumn("status", cells.status, label=_("Status")),
        CellColumn("trigger", cells.trigger, label=_("Trigger")),
        CellColumn("render_count", cells.number("render_count"), label=_("Renders")),
        CellColumn("removal_count", cells.number("removal_count"), label=_("Removals")),
        CellColumn("subscribers", cells.number("subscribers"), label=_("Subscribers")),
        CellColumn("user", cells.user, label=_("User")),
        CellColumn("created_at", cells.published, label=PUBLISHED),
        CellColumn("republish", cells.republish, label=_("Re-publish")),
    ]

    @cached_property
    def no_results_message(self):
        if self.is_filtering:
            # Wagtail's own words for a filtered listing without results.
            return _("No %(model_name)s match your query.") % {"model_name": _("updates")}
        return _("No updates have been published yet.")

    def get_base_queryset(self):
        # Everything a row shows comes with the rows: the query count stays flat. The
        # title for exports: empty, not an error, once the page is deleted.
        return log_entries().annotate(page_title=F("page__title"))

    def get_header_buttons(self):
        buttons = super().get_header_buttons()
        if not can_republish(self.request.user):
            return buttons
        channel_id = self._filtered_channel_id()
        buttons.append(
            HeaderButton(
                _("Re-push failed updates"),
                url=admin_url("live_admin:republish_failed", channel_id=channel_id),
                icon_name="resubmit",
            )
        )
        if channel_id and re.fullmatch(CHANNEL_ID_PATTERN, channel_id):
            buttons.append(
                HeaderButton(
                    _("Re-sync channel"),
                    url=reverse("live_admin:resync", args=[channel_id]),
                    icon_name="rotate",
                )
            )
        return buttons

    def _filtered_channel_id(self) -> str:
        form = self.filters.form if self.filters is not None else None
        return (form.is_valid() and form.cleaned_data.get("channel_id")) or ""

    def get_ordering(self):
        if self._filtered_channel_id():
            # A channel's updates are numbered in the order they were committed: its
            # (channel, seq) index gives the newest at once. By time, PostgreSQL walks
            # the whole log's time index until it has found a page of this channel's
            # (24 ms at 1,000,000 entries, and more as the log grows).
            return ("-seq",)
        return ("-created_at", "-pk")

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        mark_recovered(context["object_list"])
        # While an entry on this page is pending, its partial asks again (see index_results.html).
        context["has_pending"] = any(
            entry.status == PublishLogEntry.Status.PENDING for entry in context["object_list"]
        )
        return context
