"""One row of the publish log: its re-publish cell, and the row alone for an htmx swap."""

from django.db.models import F, Prefetch
from django.middleware.csrf import get_token
from django.template.response import TemplateResponse
from wagtail.admin.ui.tables import Column, Table

from ...delivery.models import PublishLogEntry
from ..permissions import can_republish

Status = PublishLogEntry.Status


def log_entries():
    """Entries with all that a row shows, in a fixed number of queries for any number of rows."""
    republishes = PublishLogEntry.objects.only(
        "pk", "seq", "status", "error", "republish_of_id"
    ).order_by("-seq")
    return (
        PublishLogEntry.objects.select_related("page", "user", "user__wagtail_userprofile")
        .defer("history")
        .annotate(original_seq=F("republish_of__seq"))
        .prefetch_related(Prefetch("republishes", queryset=republishes, to_attr="republish_list"))
    )


def delivery(entry: PublishLogEntry) -> str:
    """Whether the update reached readers, counting its re-publishes: sent, pending or failed."""
    republishes = getattr(entry, "republish_list", [])
    statuses = {entry.status, *(republish.status for republish in republishes)}
    for status in (Status.SENT, Status.PENDING):
        if status in statuses:
            return status
    return Status.FAILED


class PublishLogTable(Table):
    def get_row_attrs(self, instance):
        # An id for htmx to swap the row by; the update's delivery for styles and tests.
        return {
            **super().get_row_attrs(instance),
            "id": f"live-log-entry-{instance.pk}",
            "data-live-entry": instance.pk,
            "data-live-delivery": delivery(instance),
        }


class RepublishColumn(Column):
    """The latest re-publish of the update, and a button to re-publish it (with the permission)."""

    cell_template_name = "wagtail_live_admin/log/republish_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context.get("request")
        # A re-publish is an attempt at its original: the original's row re-publishes.
        attempt = instance.trigger == PublishLogEntry.Trigger.REPUBLISH and instance.republish_of_id
        allowed = request is not None and not attempt and can_republish(request.user)
        republishes = getattr(instance, "republish_list", [])
        context.update(
            latest=republishes[0] if republishes else None,
            can_republish=allowed,
            # The cell renders apart from the page's context: it brings its own token.
            csrf_token=get_token(request) if allowed else "",
        )
        return context


def log_row_response(request, entry_pk: int, columns, *, message="", status=200):
    """The log's row for one entry, alone (an htmx swap replaces the row it came from)."""
    entry = log_entries().get(pk=entry_pk)
    table = PublishLogTable(columns, [entry])
    context = {"table": table, "message": message, "entry_pk": entry_pk}
    return TemplateResponse(request, "wagtail_live_admin/log/row.html", context, status=status)
