"""A catch-up answer: what a reader missed after a seq, from the publish log or as a snapshot.

Read for the catch-up endpoint (``views``) and for a socket that catches up as it opens
(``socket``): the same rule, and the same answer, on both paths.
"""

import json

from django.http import HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control, set_response_etag
from django.utils.translation import gettext as _

from ..conf import get_setting
from ..delivery.models import PublishLogEntry
from ..delivery.snapshot import current_state, last_seq, render_shown_posts, shown_post_ids
from ..realtime.admission import FORBIDDEN, NOT_LIVE, judge


def parse_since(value: str | None) -> int:
    """Return ``?since=`` as a seq; ValueError unless it is a whole number from 0."""
    since = int(value if value is not None else "")
    if since < 0:
        raise ValueError(value)
    return since


def since_error() -> HttpResponse:
    return error(_("Give ?since= the last seq you applied, a whole number from 0."), 400)


def error(message: str, status: int) -> JsonResponse:
    response = JsonResponse({"error": message}, status=status)
    add_never_cache_headers(response)
    return response


def _snapshot(page) -> dict:
    """Every post readers should see now, and the seq it stands at."""
    state = current_state(page)
    return {"renders": render_shown_posts(state), "seq": state.seq, "channel_id": page.channel_id}


def _frames(entries: list, page) -> str:
    """The entries' frames as sent, less what the page has taken down since.

    A post is served only if the page shows it now, and only in the last of these
    frames that renders it: a hidden or deleted post is in none, and an edited one
    only in its newest version. A reader who applies the frames in order ends where
    one who received them all did.
    """
    shown, served, frames = shown_post_ids(page), set(), []
    for entry in reversed(entries):
        renders = {
            post_id: render
            for post_id, render in entry.renders.items()
            if post_id in shown and post_id not in served
        }
        served.update(renders)
        # Each entry encodes its frame as it was sent; join those rather than re-encode.
        frames.append(entry.frame() if renders == entry.renders else entry.frame(renders=renders))
    return ",".join(reversed(frames))


def read(user, session, channel_id: str, since: int) -> tuple[HttpResponse, bool, bool]:
    """Read the answer from the database: the response, whether anyone may have it, and
    whether readers asking the same may share it (``crowd``)."""
    latest = last_seq(channel_id)
    verdict = judge(channel_id, user, session)
    if verdict.reason == NOT_LIVE:
        return error(_("No live page has this channel."), 404), False, False
    if verdict.reason == FORBIDDEN:
        return error(_("You may not view this page."), 403), False, False
    page = verdict.page
    limit = get_setting("CATCH_UP_MAX_FRAMES")
    missed = PublishLogEntry.objects.filter(
        channel_id=channel_id, page_id=page.pk, seq__gt=since, seq__lte=latest
    )
    entries = list(
        missed.order_by("seq").only(
            "channel_id", "seq", "renders", "removals", "created_at", "status"
        )[: limit + 1]
    )
    # Another page's updates in the gap (it had the channel before) make it incomplete.
    complete = since <= latest and len(entries) == latest - since <= limit
    # A failed update that this reader now gets (in its frame, or in the snapshot) has
    # reached one more reader: the admin tells a failure that readers recovered from.
    failed = [entry.pk for entry in entries if entry.status == PublishLogEntry.Status.FAILED]
    counted = 0
    if failed or (not complete and since < latest):
        counted = (missed.filter(pk__in=failed) if complete else missed).served_by_catch_up()
    if complete:
        body = (
            f'{{"channel_id":{json.dumps(channel_id)},"seq":{latest},'
            f'"frames":[{_frames(entries, page)}]}}'
        )
        response = HttpResponse(body, content_type="application/json")
    else:
        response = JsonResponse({"snapshot": _snapshot(page)})
    if not verdict.public:
        add_never_cache_headers(response)
        return response, False, False
    # An answer that counted its reader's catch-up is each reader's own: shared by a
    # crowd, it would count one reader where all of them recovered.
    return _cacheable(response), True, not counted


def _cacheable(response: HttpResponse) -> HttpResponse:
    """Let browsers and shared caches keep a public page's answer (304 when theirs is current).

    After a server restart, thousands of readers ask for the same ``?since=``: a CDN then
    answers all but one. The ETag is the answer's own hash, so it changes with anything
    that changes the answer.
    """
    patch_cache_control(response, public=True, max_age=get_setting("CATCH_UP_MAX_AGE"))
    set_response_etag(response)
    return response
