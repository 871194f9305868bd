"""One channel in the admin: its page, who watches now, the trend, its recent updates."""

from django.http import Http404, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from django_htmx.http import HttpResponseStopPolling
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.widgets import HeaderButton

from ...conf import get_setting
from ...delivery.models import PublishLogEntry
from ...live.pages import get_live_page, live_channels
from ...realtime.presence import counts_or_none
from ..chart import Chart
from ..feeds import channel_feeds
from ..permissions import can_compose, can_manage_tokens, can_republish, can_view_live
from ..stats import channel_stats, trend_window
from .base import LiveViewMixin, forbidden, log_url
from .composer import composer_context

CHART_BUCKETS = 96


def time_axis(window_hours: float, ticks: int = 5) -> list[str]:
    """Labels under the chart, oldest first, evenly spaced: "24 h ago" ... "now"."""
    labels = []
    for tick in range(ticks - 1, -1, -1):
        hours = window_hours * tick / (ticks - 1)
        if tick == 0:
            labels.append(_("now"))
        elif window_hours >= 4:
            labels.append(_("%(hours)s h ago") % {"hours": f"{hours:g}"})
        else:
            labels.append(_("%(minutes)s min ago") % {"minutes": round(hours * 60)})
    return labels


class ChannelView(LiveViewMixin, WagtailAdminTemplateMixin, TemplateView):
    """The channel's page: who watches, its updates, and the composer.

    Users who may view the Live admin see all of it; whoever may publish the page
    sees the composer (and may be one of them, or not).
    """

    template_name = "wagtail_live_admin/channel.html"
    header_icon = "view"
    permission_required = None  # checked in dispatch(): the Live view permission, or publish

    def dispatch(self, request, *args, channel_id, **kwargs):
        self.channel_id = channel_id
        self.page = get_live_page(channel_id)
        self.can_view = can_view_live(request.user)
        self.can_compose = self.page is not None and can_compose(request.user, self.page)
        if not (self.can_view or self.can_compose):
            return forbidden(request)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        channel_id = self.channel_id
        if self.page is None and not PublishLogEntry.objects.filter(channel_id=channel_id).exists():
            raise Http404(_("No live page or publish log has this channel."))
        return super().get(request, *args, **kwargs)

    def get_page_title(self):
        return self.page.get_admin_display_title() if self.page else self.channel_id

    def get_header_buttons(self):
        buttons = super().get_header_buttons()
        if self.page is not None and can_republish(self.request.user):
            url = reverse("live_admin:resync", args=[self.channel_id])
            buttons.append(HeaderButton(_("Re-sync channel"), url=url, icon_name="rotate"))
        return buttons

    def get_breadcrumbs_items(self):
        return self.live_breadcrumbs({"url": "", "label": self.get_header_title()})

    def get_context_data(self, **kwargs):
        if self.can_compose:
            kwargs["composer"] = composer_context(self.request, self.page)
        kwargs.update(live_page=self.page, channel_id=self.channel_id, can_view=self.can_view)
        if not self.can_view:
            return super().get_context_data(**kwargs)
        stats = channel_stats([self.channel_id], buckets=CHART_BUCKETS)[self.channel_id]
        window_hours = trend_window().total_seconds() / 3600
        return super().get_context_data(
            stats=stats,
            chart=Chart(stats.trend, width=720, height=160, start=stats.trend_start),
            window_hours=window_hours,
            # ngettext counts whole numbers: a fraction of an hour is plural ("0.5 hours").
            window_count=int(window_hours) if window_hours.is_integer() else 2,
            axis=time_axis(window_hours),
            # The chart as text: each span's start in minutes before now, oldest first;
            # None before the first sample (no data, which is not 0 readers).
            trend_rows=[
                (
                    round((CHART_BUCKETS - index) * window_hours * 60 / CHART_BUCKETS),
                    value if index >= stats.trend_start else None,
                )
                for index, value in enumerate(stats.trend)
            ],
            recent_entries=PublishLogEntry.objects.filter(channel_id=self.channel_id)
            .order_by("-seq")
            .only("pk", "channel_id", "seq", "status", "trigger", "created_at", "error")[:10],
            log_url=log_url(self.channel_id),
            feeds=channel_feeds(self.channel_id),
            can_manage_tokens=can_manage_tokens(self.request.user),
            watching_url=reverse("live_admin:watching", args=[self.channel_id]),
            poll_interval=get_setting("DASHBOARD_POLL_INTERVAL"),
            **kwargs,
        )


class WatchingView(LiveViewMixin, View):
    """The "N watching now" fragment that the channel page and the page editor poll.

    Once the channel's page is no longer live it answers 286, and htmx stops asking.
    """

    def get(self, request, channel_id):
        page = get_live_page(channel_id)
        context = {"channel_id": channel_id, "live": page is not None}
        if page is not None:
            context["count"] = (counts_or_none([channel_id]) or {}).get(channel_id)
        response = TemplateResponse(request, "wagtail_live_admin/watching.html", context)
        if page is None:
            response.render()
            return HttpResponseStopPolling(response.content)
        return response


class CountsView(LiveViewMixin, View):
    """Subscriber counts of every live channel as JSON, for monitoring systems."""

    def get(self, request):
        channels = live_channels()
        counts = counts_or_none(channel.channel_id for channel in channels)
        if counts is None:
            return JsonResponse(
                {"error": _("Reader counts are unavailable: presence cannot be reached.")},
                status=503,
            )
        rows = [
            {
                "channel_id": channel.channel_id,
                "page_id": channel.page_id,
                "title": channel.title,
                "subscribers": counts[channel.channel_id],
            }
            for channel in channels
        ]
        return JsonResponse({"total": sum(row["subscribers"] for row in rows), "channels": rows})
