"""The catch-up endpoint: what a reader missed, from the publish log or as a snapshot."""

import functools

from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.views.decorators.http import require_GET

from . import answers, asgi, crowd


@require_GET
async def updates(request, channel_id: str) -> HttpResponse:
    """Return the frames after ``?since=<seq>``, or a snapshot when the log no longer has them.

    Readers of this endpoint are held to the same rule as the websocket: the page
    must be live and pass its view restrictions. Only the updates of the page that
    has the channel now are served: those of a page that had it before are not.
    A public page's answer may be cached, briefly, by anyone (``answers``), and is
    kept in memory for the crowd that asks the same after a restart (``crowd``).
    """
    try:
        since = answers.parse_since(request.GET.get("since"))
    except ValueError:
        return answers.since_error()
    read = functools.partial(answers.read, request.user, request.session, channel_id, since)
    response, public = await crowd.answer(channel_id, since, read)
    if not public:
        return response
    if scope := getattr(request, "scope", None):  # under ASGI: readers/asgi.py may keep it
        scope[asgi.CATCH_UP] = (channel_id, since)
    return get_conditional_response(request, etag=response.headers["ETag"], response=response)
