"""The Live admin's URLs, under the Wagtail admin at ``live/`` (namespace ``live_admin``)."""

from django.urls import path

from .views.log import PublishLogEntryView, PublishLogView
from .views.republish import RepublishFailedView, RepublishRowView, RepublishView, ResyncView

app_name = "live_admin"

urlpatterns = [
    path("log/", PublishLogView.as_view(), name="log"),
    path("log/results/", PublishLogView.as_view(results_only=True), name="log_results"),
    path("log/<int:pk>/", PublishLogEntryView.as_view(), name="entry"),
    # Re-push (wagtail_live_admin.republish): GET shows what would be sent, POST sends.
    path("log/<int:pk>/republish/", RepublishView.as_view(), name="republish"),
    path("log/<int:pk>/republish/row/", RepublishRowView.as_view(), name="republish_row"),
    path("log/republish-failed/", RepublishFailedView.as_view(), name="republish_failed"),
    path("channels/<str:channel_id>/resync/", ResyncView.as_view(), name="resync"),
]
