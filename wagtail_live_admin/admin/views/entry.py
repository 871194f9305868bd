"""One update of the publish log: what it sent, its status history, and its re-pushes."""

import json

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from ...delivery.models import PublishLogEntry
from ..permissions import can_republish
from ..preview import post_previews
from ..recovery import mark_recovered
from ..republish_plans import republish_plan_context
from .base import LiveViewMixin, log_url


class PublishLogEntryView(LiveViewMixin, WagtailAdminTemplateMixin, TemplateView):
    """One update: what it sent, its status history, and its re-pushes."""

    template_name = "wagtail_live_admin/log/entry.html"
    header_icon = "history"

    def get(self, request, *args, **kwargs):
        # Looked up after the permission check: no 404-or-403 probing of ids.
        self.entry = get_object_or_404(
            PublishLogEntry.objects.select_related("page", "user", "republish_of"),
            pk=kwargs["pk"],
        )
        return super().get(request, *args, **kwargs)

    def get_page_title(self):
        return _("Update %(seq)s of %(channel_id)s") % {
            "seq": f"#{self.entry.seq}",
            "channel_id": self.entry.channel_id,
        }

    def get_breadcrumbs_items(self):
        return self.live_breadcrumbs(
            {"url": reverse("live_admin:log"), "label": _("Publish log")},
            {"url": "", "label": f"{self.entry.channel_id} #{self.entry.seq}"},
        )

    def get_context_data(self, **kwargs):
        entry = self.entry
        mark_recovered([entry])
        history = [
            {
                **event,
                "at": parse_datetime(event["at"]),
                "label": PublishLogEntry.Status(event["status"]).label,
            }
            for event in entry.history
        ]
        payload = {"renders": entry.renders, "removals": entry.removals}
        return super().get_context_data(
            entry=entry,
            # Shown escaped in <pre>: post HTML is never rendered in the admin's origin.
            payload_json=json.dumps(payload, indent=2, ensure_ascii=False, sort_keys=True),
            history=history,
            republishes=entry.republishes.order_by("seq").select_related("user"),
            log_url=log_url(entry.channel_id),
            # Each post in a sandboxed iframe of its own (see wagtail_live_admin.admin.preview).
            previews=post_previews(entry.renders, self.request),
            **self.republish_context(entry),
            **kwargs,
        )

    def republish_context(self, entry) -> dict:
        """What a re-publish of the entry would send now, for users who may re-publish."""
        if not can_republish(self.request.user):
            return {"can_republish": False}
        return {"can_republish": True, **republish_plan_context(entry)}
