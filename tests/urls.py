from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls

from tests.testapp import views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    # What the test server holds for a channel's readers (tests/testapp/views.py).
    path("__tests__/readers/<str:channel_id>/", views.readers),
    path("__tests__/queries/", views.queries),
    path("", include("wagtail_live_admin.urls")),
    path("", include("wagtail_live_admin.receivers.urls")),
    path("", include(wagtail_urls)),
]
