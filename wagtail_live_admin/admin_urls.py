"""The Live admin's URLs, under the Wagtail admin at ``live/`` (namespace ``live_admin``)."""

from django.urls import path

from .views.log import PublishLogEntryView, PublishLogView

app_name = "live_admin"

urlpatterns = [
    path("log/", PublishLogView.as_view(), name="log"),
    path("log/results/", PublishLogView.as_view(results_only=True), name="log_results"),
    path("log/<int:pk>/", PublishLogEntryView.as_view(), name="entry"),
]
