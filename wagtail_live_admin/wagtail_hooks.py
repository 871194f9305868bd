from django.urls import include, path
from wagtail import hooks

from . import admin_urls, log_actions
from .admin_feedback import warn_about_failed_update
from .home_panel import add_live_home_panel
from .menu import live_menu_item
from .permissions import group_editor_permissions

hooks.register("after_publish_page", warn_about_failed_update)
hooks.register("register_log_actions", log_actions.register_log_actions)
hooks.register("register_permissions", group_editor_permissions)
hooks.register("register_admin_menu_item", live_menu_item)
hooks.register("construct_homepage_panels", add_live_home_panel)


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("live/", include(admin_urls))]
