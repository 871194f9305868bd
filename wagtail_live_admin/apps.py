from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WagtailLiveAdminAppConfig(AppConfig):
    label = "wagtail_live_admin"
    name = "wagtail_live_admin"
    verbose_name = _("Wagtail live")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported for what they register: the system checks.
        from . import checks  # noqa: F401
        from .delivery.handlers import register_signal_handlers
        from .readers.socket import catch_up
        from .realtime import catch_up as socket_catch_up
        from .realtime import checks as realtime_checks  # noqa: F401

        register_signal_handlers()
        socket_catch_up.answer_with(catch_up)


class WagtailLiveConfig(WagtailLiveAdminAppConfig):
    """wagtail-live's name, for ``INSTALLED_APPS`` entries that name the config class."""

    # Not the default: "wagtail_live_admin" alone still picks WagtailLiveAdminAppConfig.
    default = False
