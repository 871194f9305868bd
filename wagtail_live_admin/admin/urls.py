"""The Live admin's URLs, under the Wagtail admin at ``live/`` (namespace ``live_admin``)."""

from django.urls import path, re_path

from ..live.models import CHANNEL_ID_PATTERN
from .views import composer
from .views.channel import ChannelView, CountsView, WatchingView
from .views.dashboard import DashboardView
from .views.entry import PublishLogEntryView
from .views.log import PublishLogView
from .views.republish import RepublishFailedView, RepublishRowView, RepublishView
from .views.resync import ResyncView

app_name = "live_admin"

CHANNEL = rf"channels/(?P<channel_id>{CHANNEL_ID_PATTERN})"
POST = rf"{CHANNEL}/posts/(?P<post_id>[\w-]+)"

urlpatterns = [
    path("", DashboardView.as_view(), name="dashboard"),
    path("results/", DashboardView.as_view(results_only=True), name="dashboard_results"),
    path("counts/", CountsView.as_view(), name="counts"),
    re_path(rf"^{CHANNEL}/$", ChannelView.as_view(), name="channel"),
    re_path(rf"^{CHANNEL}/watching/$", WatchingView.as_view(), name="watching"),
    # The composer (htmx partials): whoever may publish the channel's page may use it.
    re_path(rf"^{CHANNEL}/posts/$", composer.PostsView.as_view(), name="composer_posts"),
    re_path(rf"^{CHANNEL}/posts/new/$", composer.PostNowView.as_view(), name="composer_post"),
    re_path(
        rf"^{CHANNEL}/posts/changes/$", composer.ChangesView.as_view(), name="composer_changes"
    ),
    re_path(rf"^{POST}/$", composer.RowView.as_view(), name="composer_row"),
    re_path(rf"^{POST}/edit/$", composer.EditView.as_view(), name="composer_edit"),
    re_path(rf"^{POST}/delete/$", composer.DeleteView.as_view(), name="composer_delete"),
    re_path(
        rf"^{POST}/(?P<action>hide|show|pin|unpin)/$",
        composer.ActionView.as_view(),
        name="composer_action",
    ),
    path("log/", PublishLogView.as_view(), name="log"),
    path("log/results/", PublishLogView.as_view(results_only=True), name="log_results"),
    path("log/<int:pk>/", PublishLogEntryView.as_view(), name="entry"),
    # Re-push (wagtail_live_admin.delivery.republish): GET shows what would be sent, POST sends.
    path("log/<int:pk>/republish/", RepublishView.as_view(), name="republish"),
    path("log/<int:pk>/republish/row/", RepublishRowView.as_view(), name="republish_row"),
    path("log/republish-failed/", RepublishFailedView.as_view(), name="republish_failed"),
    path("channels/<str:channel_id>/resync/", ResyncView.as_view(), name="resync"),
]
