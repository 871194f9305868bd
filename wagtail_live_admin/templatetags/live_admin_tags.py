"""The Live admin's template tags."""

from django import template

from ..admin.statuses import status_html

register = template.Library()


@register.simple_tag
def live_status(entry):
    """An update's delivery status as a tag: sent, failed (with its error), recovered..."""
    return status_html(entry)
