"""Public URLs: ``path("", include("wagtail_live_admin.urls"))``, before Wagtail's own."""

from django.urls import path, re_path

from .live.models import CHANNEL_ID_PATTERN
from .readers.nchan import nchan_admission
from .readers.views import updates

app_name = "wagtail_live_admin"

urlpatterns = [
    re_path(rf"^live/(?P<channel_id>{CHANNEL_ID_PATTERN})/updates/$", updates, name="updates"),
    # Asked by nginx (nchan_authorize_request) when it serves readers' websockets.
    path("live-admission/nchan/", nchan_admission, name="nchan_admission"),
]
