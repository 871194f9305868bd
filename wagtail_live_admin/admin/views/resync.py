"""Re-sync from the admin: what a channel's readers would get, then send the page as it is.

Needs the "republish" permission; GET changes nothing, POST (with CSRF) sends through
``delivery.resync`` and writes the audit log.
"""

from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from ...delivery.refusals import RepublishRefused
from ...delivery.resync import plan_resync, resync
from ..log_actions import log_resynced
from ..permissions import REPUBLISH
from ..preview import post_previews
from .base import LiveViewMixin, log_url
from .republish import report_sent


class ResyncView(LiveViewMixin, WagtailAdminTemplateMixin, TemplateView):
    """GET: what a re-sync of a channel sends, against what readers last received; POST: send it."""

    permission_required = REPUBLISH
    template_name = "wagtail_live_admin/republish/resync.html"
    header_icon = "rotate"

    def get(self, request, *args, channel_id, **kwargs):
        try:
            self.plan = plan_resync(channel_id)
        except RepublishRefused as exc:
            raise Http404(str(exc)) from exc
        return super().get(request, *args, **kwargs)

    def get_page_title(self):
        return _("Re-sync %(channel_id)s") % {"channel_id": self.kwargs["channel_id"]}

    def get_breadcrumbs_items(self):
        channel_id = self.kwargs["channel_id"]
        return self.live_breadcrumbs(
            {"url": reverse("live_admin:log"), "label": _("Publish log")},
            {"url": log_url(channel_id), "label": channel_id},
            {"url": "", "label": _("Re-sync")},
        )

    def get_context_data(self, **kwargs):
        plan = self.plan

        def previews(post_ids, renders):
            return post_previews({post_id: renders[post_id] for post_id in post_ids}, self.request)

        return super().get_context_data(
            plan=plan,
            added=previews(plan.added, plan.renders),
            # ([what readers have], [what the re-sync sends]) for each changed post
            changed=[
                ([before], [after])
                for before, after in zip(
                    previews(plan.changed, plan.readers.posts),
                    previews(plan.changed, plan.renders),
                    strict=True,
                )
            ],
            removed=previews(plan.removed, plan.readers.posts),
            log_url=log_url(self.kwargs["channel_id"]),
            **kwargs,
        )

    def post(self, request, *args, channel_id, **kwargs):
        try:
            entry = resync(channel_id, request.user)
        except RepublishRefused as exc:
            messages.error(request, str(exc))
            return redirect(log_url(channel_id))
        log_resynced(request.user, entry)
        report_sent(
            request,
            entry,
            sent=_("“%(channel_id)s” was re-synced: update #%(seq)s has the page as it is now."),
            failed=_(
                "The re-sync of “%(channel_id)s” (#%(seq)s) could not be sent: %(error)s. It "
                "stays in the publish log as failed."
            ),
            names={"channel_id": channel_id, "seq": entry.seq},
        )
        return redirect(log_url(channel_id))
