"""The "Live" item of the Wagtail admin menu."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import MenuItem

from .permissions import can_view_live


class LiveMenuItem(MenuItem):
    """Shown only to users who may view the Live dashboard."""

    def is_shown(self, request):
        return can_view_live(request.user)


def live_menu_item() -> LiveMenuItem:
    # After Pages, Images, Documents and Snippets (100-300 in Wagtail's own items).
    return LiveMenuItem(
        _("Live"), reverse("live_admin:dashboard"), name="live", icon_name="view", order=350
    )
