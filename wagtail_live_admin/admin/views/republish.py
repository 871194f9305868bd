"""Re-push from the admin: one update, or a channel's (or every) failed update.

Each view needs the "republish" permission. GET shows what would be sent and changes
nothing; POST (with CSRF) sends, through ``delivery.republish``, and writes the audit log.
"""

from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import TemplateView
from django_htmx.http import trigger_client_event
from wagtail.admin import messages
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from ...delivery.models import PublishLogEntry
from ...delivery.refusals import RepublishRefused
from ...delivery.republish import plan_failed, republish, republish_failed
from ..log_actions import log_republished
from ..log_table import log_row_response
from ..permissions import REPUBLISH
from ..preview import post_previews
from ..recovery import leave_out_recovered
from ..republish_plans import republish_plan_context
from .base import LiveViewMixin, log_url
from .log import PublishLogView

Status = PublishLogEntry.Status


def report_sent(request, entry: PublishLogEntry, *, sent: str, failed: str, names: dict) -> None:
    """Tell the user whether a re-push went out, with a link to its entry (Wagtail's messages).

    ``sent`` and ``failed`` are the two texts; ``failed`` gets the error as ``%(error)s``.
    """
    buttons = [messages.button(reverse("live_admin:entry", args=[entry.pk]), _("View"))]
    if entry.status == Status.FAILED:
        messages.error(request, failed % {**names, "error": entry.error}, buttons=buttons)
    else:
        messages.success(request, sent % names, buttons=buttons)


def report_republished(request, new: PublishLogEntry) -> None:
    original = new.republish_of
    report_sent(
        request,
        new,
        sent=_("Update #%(seq)s of “%(channel_id)s” was re-published as #%(new_seq)s."),
        failed=_(
            "Update #%(seq)s of “%(channel_id)s” was re-published as #%(new_seq)s, but it "
            "could not be sent: %(error)s. It stays in the publish log as failed."
        ),
        names={"seq": original.seq, "channel_id": original.channel_id, "new_seq": new.seq},
    )


def republish_and_log(entry: PublishLogEntry, user) -> PublishLogEntry:
    new = republish(entry, user)
    log_republished(user, [new])
    return new


class RepublishView(LiveViewMixin, WagtailAdminTemplateMixin, TemplateView):
    """GET: what re-publishing an update sends, to confirm; POST: re-publish it."""

    permission_required = REPUBLISH
    template_name = "wagtail_live_admin/republish/confirm.html"
    header_icon = "resubmit"

    def get_entry(self):
        # Looked up after the permission check: no 404-or-403 probing of ids.
        return get_object_or_404(PublishLogEntry, pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        self.entry = self.get_entry()
        return super().get(request, *args, **kwargs)

    def get_page_title(self):
        return _("Re-publish update #%(seq)s of %(channel_id)s") % {
            "seq": self.entry.seq,
            "channel_id": self.entry.channel_id,
        }

    def get_breadcrumbs_items(self):
        entry_label = f"{self.entry.channel_id} #{self.entry.seq}"
        return self.live_breadcrumbs(
            {"url": reverse("live_admin:log"), "label": _("Publish log")},
            {"url": reverse("live_admin:entry", args=[self.entry.pk]), "label": entry_label},
            {"url": "", "label": _("Re-publish")},
        )

    def get_context_data(self, **kwargs):
        context = {"entry": self.entry, **republish_plan_context(self.entry)}
        plan = context["plan"]
        context["previews"] = post_previews(plan.renders, self.request) if plan else []
        return super().get_context_data(**context, **kwargs)

    def post(self, request, *args, **kwargs):
        entry = self.get_entry()
        try:
            new = republish_and_log(entry, request.user)
        except RepublishRefused as exc:
            messages.error(request, str(exc))
        else:
            report_republished(request, new)
        return redirect("live_admin:entry", entry.pk)


class RepublishRowView(LiveViewMixin, View):
    """POST from a publish log row (htmx): re-publish, and answer with the row as it now stands.

    A refusal (a double click, the rate, nothing left to send) comes back in the
    row too, as 409 or 429: admin.js lets htmx swap those in.
    """

    permission_required = REPUBLISH
    http_method_names = ["post"]

    def post(self, request, pk):
        entry = get_object_or_404(PublishLogEntry, pk=pk)
        try:
            new = republish_and_log(entry, request.user)
        except RepublishRefused as exc:
            return log_row_response(
                request, entry.pk, PublishLogView.columns, message=str(exc), status=exc.status_code
            )
        response = log_row_response(request, entry.pk, PublishLogView.columns)
        # Other views showing this update (the dashboard) may listen and refresh.
        detail = {"entry": entry.pk, "republish": new.pk, "seq": new.seq, "status": new.status}
        return trigger_client_event(response, "live:republished", detail)


class RepublishFailedView(LiveViewMixin, WagtailAdminTemplateMixin, TemplateView):
    """GET: every failed update still to re-push (of one channel, or all); POST: re-push them."""

    permission_required = REPUBLISH
    template_name = "wagtail_live_admin/republish/confirm_failed.html"
    header_icon = "resubmit"
    page_title = gettext_lazy("Re-push failed updates")

    def get_channel_id(self, data) -> str | None:
        return data.get("channel_id") or None

    def get_page_subtitle(self):
        return self.get_channel_id(self.request.GET) or _("All channels")

    def get_breadcrumbs_items(self):
        return self.live_breadcrumbs(
            {"url": reverse("live_admin:log"), "label": _("Publish log")},
            {"url": "", "label": self.page_title},
        )

    def get_context_data(self, **kwargs):
        channel_id = self.get_channel_id(self.request.GET)
        channels = plan_failed(channel_id)
        # Listed, not sent: the form posts only the updates to send.
        leave_out_recovered(channels)
        return super().get_context_data(
            channel_id=channel_id,
            channels=channels,
            to_send=sum(len(channel.plans) for channel in channels),
            cancel_url=log_url(channel_id, status=Status.FAILED),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        channel_id = self.get_channel_id(request.POST)
        # Exactly the updates the confirmation listed, less any re-pushed meanwhile.
        ids = [int(pk) for pk in request.POST.getlist("entry") if pk.isdigit()]
        try:
            outcomes = republish_failed(channel_id, user=request.user, ids=ids)
        except RepublishRefused as exc:
            messages.error(request, str(exc))
            return redirect(log_url(channel_id))
        log_republished(request.user, [o.new for o in outcomes if o.new is not None])
        self.report(outcomes)
        return redirect(log_url(channel_id))

    def report(self, outcomes) -> None:
        request = self.request
        sent = [o for o in outcomes if o.new is not None and o.new.status != Status.FAILED]
        failed = [o for o in outcomes if o.new is not None and o.new.status == Status.FAILED]
        if sent:
            messages.success(
                request,
                ngettext(
                    "%(count)s update was re-published.",
                    "%(count)s updates were re-published.",
                    len(sent),
                )
                % {"count": len(sent)},
            )
        if failed:
            text = ngettext(
                "%(count)s re-published update could not be sent: %(error)s. It stays in the "
                "publish log as failed.",
                "%(count)s re-published updates could not be sent: %(error)s. They stay in the "
                "publish log as failed.",
                len(failed),
            )
            messages.error(request, text % {"count": len(failed), "error": failed[0].new.error})
        refusals = {}  # (channel, reason): seqs, so that a reason is said once
        for outcome in outcomes:
            if outcome.refused:
                key = (outcome.original.channel_id, outcome.refused)
                refusals.setdefault(key, []).append(f"#{outcome.original.seq}")
        for (channel, reason), seqs in refusals.items():
            text = _("Not re-pushed: %(seqs)s of “%(channel_id)s”. %(reason)s")
            messages.warning(
                request, text % {"seqs": ", ".join(seqs), "channel_id": channel, "reason": reason}
            )
        if not outcomes:
            messages.warning(request, _("There was no failed update to re-push."))
