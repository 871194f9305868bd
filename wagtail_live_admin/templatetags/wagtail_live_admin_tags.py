from django import template
from django.urls import NoReverseMatch, reverse

from ..conf import publisher_class_or_none
from ..delivery.snapshot import LiveState, current_state
from ..live.blocks import render_live_post as _render_live_post
from ..live.pins import pinned_post_ids
from ..realtime.routing import websocket_url

register = template.Library()


@register.simple_tag
def render_live_post(post, pinned=()) -> str:
    """Render a bound live post exactly as the publisher sends it (``pinned``: pinned ids)."""
    return _render_live_post(post, pinned=post.id in pinned)


@register.simple_tag(takes_context=True)
def live_state(context, page) -> LiveState:
    """Return what the page shows readers now: its posts and the seq they stand at.

    A preview shows the page it is given (a draft) and does not follow the live
    channel.
    """
    request = context.get("request")
    if (
        getattr(request, "is_preview", False)
        or not page.channel_id
        or not getattr(page, "pk", None)
    ):
        return LiveState(posts=page.get_shown_live_posts(), pinned=pinned_post_ids(page))
    return current_state(page)


@register.simple_tag
def live_websocket_path(page) -> str:
    """Return the websocket the page's readers open: a path, or a URL on another host.

    "" when the page has no channel id yet. ``WAGTAIL_LIVE_WEBSOCKET_URL`` names the URL.
    """
    return websocket_url(page.channel_id) if page.channel_id else ""


@register.simple_tag
def live_catches_up_on_socket() -> bool:
    """Whether readers' sockets catch up as they open (the publisher's are ``LiveConsumer``'s)."""
    publisher = publisher_class_or_none()
    return bool(getattr(publisher, "catches_up_on_socket", False))


@register.simple_tag
def live_updates_url(page) -> str:
    """Return the catch-up URL of the page's channel ("" when the site did not include it)."""
    if not page.channel_id:
        return ""
    try:
        return reverse("wagtail_live_admin:updates", args=[page.channel_id])
    except NoReverseMatch:
        return ""
