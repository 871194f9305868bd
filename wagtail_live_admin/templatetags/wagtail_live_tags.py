"""wagtail-live's ``wagtail_live_tags``: where a reader's websocket connects, from the request.

Readers' sockets connect to the site itself, at wagtail-live's path ``ws/channel/<id>/``;
these tags name its host, port and scheme. PieSocket's tags are not shipped.
"""

from django import template
from django.http.request import split_domain_port

register = template.Library()


def _request(context, tag: str):
    request = context.get("request")
    if request is None:
        raise template.TemplateSyntaxError(
            f"{{% {tag} %}} needs the request in the template context: add "
            "django.template.context_processors.request to the context processors."
        )
    return request


@register.simple_tag(takes_context=True)
def get_server_host(context) -> str:
    """Return the host name readers' sockets connect to: the page's own."""
    return split_domain_port(_request(context, "get_server_host").get_host())[0]


@register.simple_tag(takes_context=True)
def get_server_port(context) -> str:
    """Return the port readers' sockets connect to: the page's own (80 or 443 by default)."""
    request = _request(context, "get_server_port")
    port = split_domain_port(request.get_host())[1]
    return port or ("443" if request.is_secure() else "80")


@register.simple_tag(takes_context=True)
def use_secure_ws_connection(context) -> bool:
    """Return whether readers' sockets use ``wss:``: when the page itself is https."""
    return _request(context, "use_secure_ws_connection").is_secure()
