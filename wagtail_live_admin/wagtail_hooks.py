from wagtail import hooks

from .admin_feedback import warn_about_failed_update

hooks.register("after_publish_page", warn_about_failed_update)
