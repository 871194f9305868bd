from django.urls import include, path
from wagtail import hooks

from .admin import log_actions
from .admin import urls as admin_urls
from .admin.feedback import tell_what_was_merged, warn_about_failed_update
from .admin.home_panel import add_live_home_panel
from .admin.menu import live_menu_item
from .admin.permissions import group_editor_permissions
from .admin.tokens import integration_viewset

hooks.register("after_publish_page", warn_about_failed_update)
hooks.register("after_publish_page", tell_what_was_merged)
hooks.register("register_log_actions", log_actions.register_log_actions)
hooks.register("register_permissions", group_editor_permissions)
hooks.register("register_admin_menu_item", live_menu_item)
hooks.register("construct_homepage_panels", add_live_home_panel)
hooks.register("register_admin_viewset", lambda: integration_viewset)


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("live/", include(admin_urls))]
