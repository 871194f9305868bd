"""What a test server process holds for a channel's readers, for tests that run it."""

from channels.layers import get_channel_layer
from django.http import JsonResponse

from wagtail_live_admin.realtime import fanout
from wagtail_live_admin.realtime.connection_limit import open_sockets
from wagtail_live_admin.realtime.groups import live_group_name
from wagtail_live_admin.realtime.presence import get_presence

from .queries import queries as query_count
from .queries import requests as request_count


async def readers(request, channel_id):
    """This process's readers of ``channel_id``: counted, in its group, per client address.

    An async view: it runs on the server's event loop, where the fan-out keeps its groups.
    """
    addresses = request.GET.getlist("address")
    return JsonResponse(
        {
            "presence": get_presence().counts([channel_id])[channel_id],
            "local_readers": fanout.local_readers(get_channel_layer(), live_group_name(channel_id)),
            "open_sockets": {address: open_sockets.count(address) for address in addresses},
        }
    )


def queries(request):
    """How many database queries and Django requests this server process has run
    (tests/testapp/queries.py)."""
    return JsonResponse({"queries": query_count(), "requests": request_count()})
