"""The JSON API's tokens in the admin (Settings → Live API tokens): add, revoke, replace.

A token is shown once, on the page that made it; the site keeps only its hash.
Permissions are the integration model's own (add, change, view), which Wagtail's
group editor grants.
"""

from __future__ import annotations

from django import forms
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View
from wagtail.admin import messages
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button

from ..live.models import CHANNEL_ID_PATTERN
from ..sources.models import Integration
from .permissions import can_manage_tokens
from .views.base import forbidden


class IntegrationForm(WagtailAdminModelForm):
    channel_id = forms.RegexField(
        regex=rf"\A{CHANNEL_ID_PATTERN}\Z",
        max_length=255,
        label=gettext_lazy("Channel ID"),
        help_text=gettext_lazy("The one channel this token may post to."),
    )

    class Meta:
        model = Integration
        fields = ["name", "channel_id"]


def _token_page(request, integration, token):
    """The one page that shows a new token (never stored, never sent again)."""
    context = {
        "page_title": _("Token of %(name)s") % {"name": integration.name},
        "header_icon": "key",
        "integration": integration,
        "token": token,
        "index_url": reverse("live_api_tokens:index"),
    }
    response = TemplateResponse(request, "wagtail_live_admin/tokens/token.html", context)
    response["Cache-Control"] = "no-store"
    return response


class CreateView(generic.CreateView):
    def save_instance(self):
        integration = self.form.instance
        self.token = integration.new_token()
        integration.created_by = self.request.user
        integration.save()
        return integration

    def save_action(self):
        return _token_page(self.request, self.object, self.token)


class EditView(generic.EditView):
    @cached_property
    def header_more_buttons(self):
        buttons = super().header_more_buttons
        for action, label, icon in (
            ("new_token", _("New token"), "key"),
            ("revoke", _("Revoke"), "cross"),
        ):
            if action == "revoke" and self.object.revoked:
                continue
            url = reverse(f"live_api_tokens:{action}", args=[self.object.pk])
            buttons.append(Button(label, url=url, icon_name=icon, priority=20))
        return buttons


class TokenActionView(View):
    """Revoke a token, or replace it with a new one: GET asks, POST (with CSRF) does it."""

    action = ""  # "revoke" or "new_token"

    def dispatch(self, request, pk):
        if not can_manage_tokens(request.user):
            return forbidden(request)
        self.integration = get_object_or_404(Integration, pk=pk)
        return super().dispatch(request, pk)

    def get(self, request, pk):
        revoke = self.action == "revoke"
        question = (
            _("Revoke the token of %(name)s? Requests with it are refused from now on.")
            if revoke
            else _("Give %(name)s a new token? The current one stops working.")
        )
        context = {
            "page_title": _("Revoke the token") if revoke else _("New token"),
            "header_icon": "key",
            "question": question % {"name": self.integration.name},
            "submit_label": _("Yes, revoke") if revoke else _("Yes, make a new token"),
            "cancel_url": reverse("live_api_tokens:edit", args=[pk]),
        }
        return TemplateResponse(request, "wagtail_live_admin/tokens/confirm.html", context)

    def post(self, request, pk):
        integration = self.integration
        if self.action == "revoke":
            integration.revoke()
            messages.success(
                request, _("The token of '%(name)s' was revoked.") % {"name": integration}
            )
            return redirect("live_api_tokens:index")
        token = integration.new_token()
        integration.revoked_at = None
        integration.save(update_fields=["token_start", "token_hash", "revoked_at"])
        return _token_page(request, integration, token)


class IntegrationViewSet(ModelViewSet):
    model = Integration
    name = "live_api_tokens"
    url_prefix = "live/api-tokens"
    icon = "key"
    menu_label = gettext_lazy("Live API tokens")
    add_to_settings_menu = True
    copy_view_enabled = False
    add_view_class = CreateView
    edit_view_class = EditView
    list_display = [
        "name",
        "channel_id",
        Column("token_start", label=gettext_lazy("Token starts with")),
        Column(
            "status",
            label=gettext_lazy("Status"),
            accessor=lambda integration: _("Revoked") if integration.revoked else _("Active"),
        ),
        DateColumn("last_used_at", label=gettext_lazy("Last used")),
    ]

    def get_form_class(self, for_update=False):
        return IntegrationForm

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(
                "<int:pk>/revoke/",
                TokenActionView.as_view(action="revoke"),
                name="revoke",
            ),
            path(
                "<int:pk>/new-token/",
                TokenActionView.as_view(action="new_token"),
                name="new_token",
            ),
        ]


integration_viewset = IntegrationViewSet()
