from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveBlogConfig(AppConfig):
    name = "liveblog"
    verbose_name = _("Live blog (sandbox)")
    default_auto_field = "django.db.models.BigAutoField"
