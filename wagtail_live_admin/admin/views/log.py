"""The publish log in the admin: a filterable, exportable report, and one entry's page."""

import json
import re
from urllib.parse import urlencode

from django.db import connections
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn, UserColumn
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.views.reports import ReportView
from wagtail.admin.widgets import HeaderButton

from ...delivery.republish import republish_plan_context
from ...models import CHANNEL_ID_PATTERN, PublishLogEntry
from ..filters import PublishLogFilterSet
from ..permissions import can_republish
from ..preview import post_previews
from .dashboard import dashboard_breadcrumbs
from .log_table import PublishLogTable, RepublishColumn, log_entries
from .permissions import LivePermissionRequiredMixin
from .refresh import RefreshingResultsMixin


class StatusColumn(Column):
    cell_template_name = "wagtail_live_admin/log/status_cell.html"


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


class PublishLogView(LivePermissionRequiredMixin, RefreshingResultsMixin, ReportView):
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
    no_results_message = _("No updates have been published yet.")

    columns = [
        TitleColumn(
            "__str__",
            label=_("Update"),
            accessor=lambda entry: f"{entry.channel_id} #{entry.seq}",
            url_name="live_admin:entry",
        ),
        Column("page", label=_("Page")),
        StatusColumn("status", label=_("Status")),
        Column("get_trigger_display", label=_("Trigger")),
        Column("render_count", label=_("Renders")),
        Column("removal_count", label=_("Removals")),
        Column("subscribers", label=_("Subscribers")),
        UserColumn("user", label=_("User")),
        DateColumn("created_at", label=_("Published")),
        RepublishColumn("republish", label=_("Re-publish")),
    ]

    list_export = [
        "created_at",
        "channel_id",
        "seq",
        "page_id",
        "page.title",
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
        "created_at": _("Published"),
        "channel_id": _("Channel"),
        "seq": _("Sequence number"),
        "page_id": _("Page ID"),
        "page.title": _("Page"),
        "rendered_post_ids": _("Rendered posts"),
        "removed_post_ids": _("Removed posts"),
        "republish_of_id": _("Re-publish of"),
    }

    def get_base_queryset(self):
        # Everything a row shows comes with the rows: the query count stays flat.
        return log_entries()

    def get_header_buttons(self):
        buttons = super().get_header_buttons()
        if not can_republish(self.request.user):
            return buttons
        channel_id = self._filtered_channel_id()
        query = f"?{urlencode({'channel_id': channel_id})}" if channel_id else ""
        buttons.append(
            HeaderButton(
                _("Re-push failed updates"),
                url=reverse("live_admin:republish_failed") + query,
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
        return ("-created_at", "-pk")

    def get_filename(self):
        return "live-publish-log"

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        # While an entry on this page is pending, its partial asks again (see index_results.html).
        context["has_pending"] = any(
            entry.status == PublishLogEntry.Status.PENDING for entry in context["object_list"]
        )
        return context

    def get_breadcrumbs_items(self):
        return dashboard_breadcrumbs({"url": "", "label": self.page_title})


class PublishLogEntryView(LivePermissionRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    """One update: what it sent, its status history, and its re-pushes."""

    template_name = "wagtail_live_admin/log/entry.html"
    header_icon = "history"

    def get(self, request, *args, **kwargs):
        # Looked up after the permission check: no 404-or-403 probing of ids.
        self.entry = get_object_or_404(
            PublishLogEntry.objects.select_related("page", "user", "republish_of"),
            pk=kwargs["pk"],
        )
        return super().get(request, *args, **kwargs)

    def get_page_title(self):
        return _("Update %(seq)s of %(channel_id)s") % {
            "seq": f"#{self.entry.seq}",
            "channel_id": self.entry.channel_id,
        }

    def get_breadcrumbs_items(self):
        return dashboard_breadcrumbs(
            {"url": reverse("live_admin:log"), "label": _("Publish log")},
            {"url": "", "label": f"{self.entry.channel_id} #{self.entry.seq}"},
        )

    def get_context_data(self, **kwargs):
        entry = self.entry
        history = [
            {
                **event,
                "at": parse_datetime(event["at"]),
                "label": PublishLogEntry.Status(event["status"]).label,
            }
            for event in entry.history
        ]
        payload = {"renders": entry.renders, "removals": entry.removals}
        return super().get_context_data(
            entry=entry,
            # Shown escaped in <pre>: post HTML is never rendered in the admin's origin.
            payload_json=json.dumps(payload, indent=2, ensure_ascii=False, sort_keys=True),
            history=history,
            republishes=entry.republishes.order_by("seq").select_related("user"),
            log_url=f"{reverse('live_admin:log')}?{urlencode({'channel_id': entry.channel_id})}",
            # Each post in a sandboxed iframe of its own (see wagtail_live_admin.admin.preview).
            previews=post_previews(entry.renders, self.request),
            **self.republish_context(entry),
            **kwargs,
        )

    def republish_context(self, entry) -> dict:
        """What a re-publish of the entry would send now, for users who may re-publish."""
        if not can_republish(self.request.user):
            return {"can_republish": False}
        return {"can_republish": True, **republish_plan_context(entry)}
