"""What the Wagtail admin tells an editor about the live update of their publish."""

from django.contrib import messages
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.admin import messages as admin_messages
from wagtail.models import PageLogEntry

from ..delivery.models import PublishLogEntry
from ..live.history import MERGE
from .log_actions import merge_message
from .permissions import can_republish, can_view_live


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
    if failed is None:
        return
    # The error itself (an exception's text) is for the log's entry page, not for
    # every editor: the message says what happened and leads to the entry and its re-push.
    buttons = []
    if can_view_live(request.user):
        url = reverse("live_admin:entry", args=[failed.pk])
        buttons.append(admin_messages.button(url, _("See the update")))
    if can_republish(request.user):
        url = reverse("live_admin:republish", args=[failed.pk])
        buttons.append(admin_messages.button(url, _("Re-push it")))
    admin_messages.warning(
        request,
        _(
            "The page was published, but its live update #%(seq)s did not reach readers. "
            "The publish log keeps it, so it can be sent again."
        )
        % {"seq": failed.seq},
        buttons=buttons,
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
