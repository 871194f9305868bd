"""The page editor's "N watching now", for pages that mix in ``LivePageMixin``.

Add it to a live page model's panels: ``LivePageMixin.panels + [LiveWatchersPanel()]``.
"""

import re

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import Panel

from ..conf import get_setting
from ..live.models import CHANNEL_ID_PATTERN
from ..realtime.presence import counts_or_none
from .permissions import can_view_live


class LiveWatchersPanel(Panel):
    """ "N watching now" in the editor of a live page, refreshed like the dashboard.

    Shown to users who may view the Live dashboard, on pages that are live.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("heading", _("Readers"))
        super().__init__(**kwargs)

    class BoundPanel(Panel.BoundPanel):
        template_name = "wagtail_live_admin/panels/watchers.html"

        def is_shown(self):
            page = self.instance
            channel_id = getattr(page, "channel_id", None)
            return bool(
                getattr(page, "live", False)
                and channel_id
                # A form shown again with errors holds what the editor typed, valid or not.
                and re.fullmatch(CHANNEL_ID_PATTERN, channel_id)
                and can_view_live(self.request.user)
            )

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            channel_id = self.instance.channel_id
            context.update(
                channel_id=channel_id,
                live=True,
                count=(counts_or_none([channel_id]) or {}).get(channel_id),
                watching_url=reverse("live_admin:watching", args=[channel_id]),
                channel_url=reverse("live_admin:channel", args=[channel_id]),
                poll_interval=get_setting("DASHBOARD_POLL_INTERVAL"),
            )
            return context
