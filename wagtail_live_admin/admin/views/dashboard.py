"""The Live dashboard: every live page, who watches it now, and how its updates went."""

from django.contrib.admin.utils import quote
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.generic import BaseListingView

from ...conf import get_setting
from ...live.pages import live_pages
from .. import dashboard_table as cells
from ..menu import LIVE_ADMIN
from ..stats import channel_stats
from ..tables import CellColumn, CellTable, row_urls
from .base import LiveViewMixin, RefreshingResultsMixin


class DashboardView(LiveViewMixin, RefreshingResultsMixin, BaseListingView):
    template_name = "wagtail_live_admin/dashboard/index.html"
    results_template_name = "wagtail_live_admin/dashboard/index_results.html"
    page_title = LIVE_ADMIN
    header_icon = "view"
    index_url_name = "live_admin:dashboard"
    index_results_url_name = "live_admin:dashboard_results"
    paginate_by = 50
    table_class = CellTable
    is_searchable = True
    # Search the title and channel in the database (the annotation is not indexed).
    search_backend_name = None
    search_fields = ["title", "channel"]
    default_ordering = "title"
    breadcrumbs_items = LiveViewMixin.breadcrumbs_items[:1]  # the dashboard is the top

    columns = [
        CellColumn("title", cells.page_title, label=_("Page"), sort_key="title"),
        CellColumn("channel", cells.channel, label=_("Channel"), sort_key="channel"),
        CellColumn("subscribers", cells.subscribers, label=_("Watching now")),
        CellColumn("peak", cells.peak, label=_("Peak (24 h)")),
        CellColumn("trend", cells.trend, label=_("Trend")),
        CellColumn("last_entry", cells.last_publish, label=_("Last publish")),
        CellColumn("failures", cells.failures, label=_("Not delivered (24 h)")),
    ]

    @cached_property
    def no_results_message(self):
        if self.is_searching:
            # Wagtail's own words for a search without results.
            return _("No %(model_name)s match your query.") % {"model_name": _("live pages")}
        return _("No page is live with a channel yet.")

    def get_base_queryset(self):
        return live_pages().only("pk", "title", "url_path", "live", "depth", "path")

    def paginate_queryset(self, queryset, page_size):
        paginator, page, rows, is_paginated = super().paginate_queryset(queryset, page_size)
        rows = list(rows)
        # One batch for the whole page of rows: presence, trend, last publish, failures.
        stats = channel_stats(row.channel for row in rows)
        channel_url, edit_url, entry_url = map(
            row_urls, ["live_admin:channel", "wagtailadmin_pages:edit", "live_admin:entry"]
        )
        for row in rows:
            row.stats = stats[row.channel]
            row.channel_url = channel_url(row.channel)  # for 2 cells
            row.edit_url = edit_url(quote(row.pk))
            entry = row.stats.last_entry
            row.entry_url = entry_url(entry.pk) if entry else None
        return paginator, page, rows, is_paginated

    def get_context_data(self, *args, **kwargs):
        poll_interval = get_setting("DASHBOARD_POLL_INTERVAL")
        return super().get_context_data(*args, poll_interval=poll_interval, **kwargs)
