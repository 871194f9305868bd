"""The Wagtail admin home page's panel: live pages and everyone watching them."""

from wagtail.admin.ui.components import Component

from ..live.pages import live_channels
from ..realtime.presence import counts_or_none
from .permissions import can_view_live


class LiveHomePanel(Component):
    name = "live_pages"
    template_name = "wagtail_live_admin/home/live_pages.html"
    order = 150

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        channels = live_channels()
        counts = counts_or_none(channel.channel_id for channel in channels)
        context["page_count"] = len(channels)
        if counts is None:  # presence cannot answer: say so, list no numbers
            context.update(total=None, busiest=[])
            return context
        busiest = sorted(channels, key=lambda channel: -counts[channel.channel_id])[:5]
        context.update(
            total=sum(counts.values()),
            busiest=[(channel, counts[channel.channel_id]) for channel in busiest],
        )
        return context


def add_live_home_panel(request, panels):
    if can_view_live(request.user):
        panels.append(LiveHomePanel())
