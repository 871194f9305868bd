from django import template

from ..blocks import render_live_post as _render_live_post
from ..routing import websocket_path

register = template.Library()


@register.simple_tag
def render_live_post(post) -> str:
    """Render a bound live post exactly as the publisher sends it."""
    return _render_live_post(post)


@register.simple_tag
def live_websocket_path(page) -> str:
    """Return the websocket path of the page's channel ("" when it has none yet)."""
    return websocket_path(page.channel_id) if page.channel_id else ""
