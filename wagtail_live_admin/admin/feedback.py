"""What the Wagtail admin tells an editor about the live update of their publish."""

from django.contrib import messages
from django.utils.translation import gettext as _
from wagtail.models import PageLogEntry

from ..delivery.models import PublishLogEntry
from ..live.history import MERGE
from .log_actions import merge_message


def warn_about_failed_update(request, page) -> None:
    """Warn the editor when their publish saved the page but its live update failed."""
    if page.last_published_at is None:
        return
    failed = (
        PublishLogEntry.objects.filter(
            page_id=page.pk,
            status=PublishLogEntry.Status.FAILED,
            created_at__gte=page.last_published_at,
        )
        .order_by("-seq")
        .first()
    )
    if failed is not None:
        messages.warning(
            request,
            _(
                "The page was published, but its live update (#%(seq)s) did not reach "
                "readers: %(error)s. The update is kept in the publish log and can be sent "
                "again."
            )
            % {"seq": failed.seq, "error": failed.error},
        )


def tell_what_was_merged(request, page) -> None:
    """Tell the editor which posts their publish merged with what others published."""
    if not page.live_revision_id:
        return
    entry = PageLogEntry.objects.filter(
        page_id=page.pk, action=MERGE, revision_id=page.live_revision_id
    ).first()
    if entry is not None:
        data = entry.data or {}
        messages.info(request, merge_message(data.get("kept") or [], data.get("overridden") or []))
