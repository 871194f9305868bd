"""Template tags of the Live admin views."""

from django import template

from ..admin.chart import Chart

register = template.Library()


@register.inclusion_tag("wagtail_live_admin/includes/sparkline.html")
def live_sparkline(values, *, width: int = 96, height: int = 24):
    """A small line of subscriber counts, with its lowest, highest and latest value as text."""
    chart = Chart(list(values), width, height)
    return {"chart": chart, "latest": chart.values[-1] if chart.values else 0}
