from django.conf import settings
from django.conf.urls.static import static
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

urlpatterns = [
    # Browsers ask for it on every page without an icon of its own: Wagtail's.
    path(
        "favicon.ico",
        RedirectView.as_view(url=static_url("wagtailadmin/images/favicon.ico"), permanent=True),
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # The catch-up endpoint readers' pages call after a gap or a reconnect.
    path("", include("wagtail_live_admin.urls")),
    # Posts from Slack, Telegram and the JSON API (tokens: Settings > Live API tokens).
    path("", include("wagtail_live_admin.receivers.urls")),
]

if settings.DEBUG:
    # Uploaded images; static files are whitenoise's job (see settings).
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page serving matches every path, so it comes last.
urlpatterns += [path("", include(wagtail_urls))]
