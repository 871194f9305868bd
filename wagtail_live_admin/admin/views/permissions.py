"""The permission check every Live admin view makes."""

from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from ..permissions import VIEW, live_permission_policy


class LivePermissionRequiredMixin:
    """Answer 403 to admin users without the view's permission on the publish log.

    Wagtail's admin gate (``require_admin_access``) only checks access to the
    admin; every Live view checks its own permission here. The answer is a real
    403 page in the admin's look, not Wagtail's redirect to the dashboard, so
    monitoring scripts and htmx partials see the refusal for what it is.
    """

    permission_policy = live_permission_policy
    permission_required = VIEW

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_policy.user_has_permission(request.user, self.permission_required):
            return TemplateResponse(
                request,
                "wagtail_live_admin/forbidden.html",
                {"page_title": _("Permission denied")},
                status=403,
            )
        return super().dispatch(request, *args, **kwargs)
