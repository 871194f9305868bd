"""The "Live" item of the Wagtail admin menu."""

from django.urls import reverse
from django.utils.translation import pgettext_lazy
from wagtail.admin.menu import MenuItem

from .permissions import can_view_live

# The Live admin's name. Wagtail's own msgid "Live" is a page's status ("Veröffentlicht"
# in German): a context keeps the two apart in every catalog.
LIVE_ADMIN = pgettext_lazy("name of the Live admin", "Live")


class LiveMenuItem(MenuItem):
    """Shown only to users who may view the Live dashboard."""

    def is_shown(self, request):
        return can_view_live(request.user)


def live_menu_item() -> LiveMenuItem:
    # After Pages, Images, Documents and Snippets (100-300 in Wagtail's own items).
    return LiveMenuItem(
        LIVE_ADMIN, reverse("live_admin:dashboard"), name="live", icon_name="view", order=350
    )
