"""What every Live admin view shares: its permission, its breadcrumbs, links to the log."""

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.generic import PermissionCheckedMixin

from ..menu import LIVE_ADMIN
from ..permissions import VIEW, live_permission_policy


def admin_url(name: str, *args, **query) -> str:
    """Reverse the URL ``name``, with the non-empty ``query`` values as its query string."""
    query = {key: value for key, value in query.items() if value}
    return reverse(name, args=args) + (f"?{urlencode(query)}" if query else "")


def log_url(channel_id: str | None = None, **query) -> str:
    """The publish log's URL, filtered to ``channel_id`` (and ``query``) when given."""
    return admin_url("live_admin:log", channel_id=channel_id, **query)


def forbidden(request) -> TemplateResponse:
    """A refusal in the admin's look (403), not Wagtail's redirect to the dashboard."""
    return TemplateResponse(
        request,
        "wagtail_live_admin/forbidden.html",
        {"page_title": _("Permission denied")},
        status=403,
    )


class LiveViewMixin(PermissionCheckedMixin):
    """Check the view's permission on the publish log; start breadcrumbs at the dashboard.

    Wagtail's admin gate only checks access to the admin: every Live view checks its
    own permission. A refusal is a 403 page in the admin's look, not Wagtail's
    redirect to the dashboard, so monitoring scripts and htmx partials see it for
    what it is.
    """

    permission_policy = live_permission_policy
    permission_required = VIEW
    breadcrumbs_items = [
        {"url": reverse_lazy("wagtailadmin_home"), "label": _("Home")},
        {"url": reverse_lazy("live_admin:dashboard"), "label": LIVE_ADMIN},
    ]

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except PermissionDenied:
            return forbidden(request)

    def live_breadcrumbs(self, *items) -> list[dict]:
        """The dashboard's breadcrumbs, then ``items`` (``{"url", "label"}``; the last: url "")."""
        return [*self.breadcrumbs_items, *items]


class RefreshingResultsMixin:
    """Give the results template the URL that refreshes it, with the current query.

    The results partial keeps the filters, search, sorting and page it was shown
    with, so a refresh never jumps to other rows.
    """

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        query = self.request.GET.urlencode()
        url = self.index_results_url
        context["refresh_url"] = f"{url}?{query}" if query else url
        return context
