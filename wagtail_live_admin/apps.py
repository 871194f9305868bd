from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WagtailLiveAdminAppConfig(AppConfig):
    label = "wagtail_live_admin"
    name = "wagtail_live_admin"
    verbose_name = _("Wagtail live")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
        from .delivery.handlers import register_signal_handlers

        register_signal_handlers()
