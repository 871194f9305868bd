"""Admission for readers whose websockets nginx serves with Nchan (``nchan_authorize_request``).

nginx asks this view, before it accepts a reader's handshake, with the reader's own
headers (cookies, ``Origin``) and the channel id in ``X-Live-Channel-Id``. It applies
the rule ``LiveConsumer`` applies (``realtime.admission.admit``) and the same origin
check: 204 admits; 403 and 404 refuse, and nginx answers the handshake with that status.
"""

from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET

from ..realtime.admission import FORBIDDEN, NOT_LIVE, admit
from ..realtime.origins import request_origin_allowed

CHANNEL_HEADER = "X-Live-Channel-Id"

# The HTTP status for each reason admission gives; LiveConsumer closes with 4403 and 4404.
_STATUSES = {NOT_LIVE: 404, FORBIDDEN: 403}


def _channel_id(request) -> str:
    # nginx sends the id's UTF-8 bytes as they are; Django reads header bytes as Latin-1.
    raw = request.headers.get(CHANNEL_HEADER, "")
    try:
        return raw.encode("latin-1").decode()
    except UnicodeError:
        return ""


@require_GET
def nchan_admission(request) -> HttpResponse:
    """Answer nginx: may this reader subscribe to the channel in ``X-Live-Channel-Id``?"""
    channel_id = _channel_id(request)
    if not request_origin_allowed(request):
        status = 403  # another site's page, with its visitor's cookies
    elif not channel_id:
        status = 404
    else:
        reason, _ = admit(channel_id, request.user, request.session)
        status = _STATUSES.get(reason, 204)
    response = HttpResponse(status=status)
    add_never_cache_headers(response)
    return response
