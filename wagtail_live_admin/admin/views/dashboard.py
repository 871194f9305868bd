"""The Live dashboard: every live page, who watches it now, and how its updates went."""

from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import BaseListingView

from ...conf import get_setting
from ...live.pages import live_pages
from ..chart import Chart
from ..menu import LIVE_ADMIN
from ..stats import channel_stats
from .base import LiveViewMixin, RefreshingResultsMixin


class StatsColumn(Column):
    """A column whose value comes from the row's ``ChannelStats``, in its own cell template."""

    def __init__(self, name, template, **kwargs):
        super().__init__(name, accessor=lambda page: getattr(page.stats, name), **kwargs)
        self.cell_template_name = f"wagtail_live_admin/dashboard/{template}"


class PageTitleColumn(TitleColumn):
    """The page's title, linking to its editor, and a link to the page as readers see it."""

    cell_template_name = "wagtail_live_admin/dashboard/title_cell.html"


class TrendColumn(StatsColumn):
    """The subscriber trend as a small line, with its highest and latest value as text."""

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        values = context["raw_value"]
        context.update(chart=Chart(values, width=96, height=24), latest=values[-1] if values else 0)
        return context


class DashboardView(LiveViewMixin, RefreshingResultsMixin, BaseListingView):
    template_name = "wagtail_live_admin/dashboard/index.html"
    results_template_name = "wagtail_live_admin/dashboard/index_results.html"
    page_title = LIVE_ADMIN
    header_icon = "view"
    index_url_name = "live_admin:dashboard"
    index_results_url_name = "live_admin:dashboard_results"
    paginate_by = 50
    is_searchable = True
    # Search the title and channel in the database (the annotation is not indexed).
    search_backend_name = None
    search_fields = ["title", "channel"]
    default_ordering = "title"
    breadcrumbs_items = LiveViewMixin.breadcrumbs_items[:1]  # the dashboard is the top

    columns = [
        PageTitleColumn(
            "title", label=_("Page"), sort_key="title", url_name="wagtailadmin_pages:edit"
        ),
        TitleColumn(
            "channel",
            label=_("Channel"),
            sort_key="channel",
            get_url=lambda page: reverse("live_admin:channel", args=[page.channel]),
        ),
        StatsColumn("subscribers", "subscribers_cell.html", label=_("Watching now")),
        StatsColumn("peak", "peak_cell.html", label=_("Peak (24 h)")),
        TrendColumn("trend", "trend_cell.html", label=_("Trend")),
        StatsColumn("last_entry", "last_publish_cell.html", label=_("Last publish")),
        StatsColumn("failures", "failures_cell.html", label=_("Not delivered (24 h)")),
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
        for row in rows:
            row.stats = stats[row.channel]
        return paginator, page, rows, is_paginated

    def get_context_data(self, *args, **kwargs):
        poll_interval = get_setting("DASHBOARD_POLL_INTERVAL")
        return super().get_context_data(*args, poll_interval=poll_interval, **kwargs)
