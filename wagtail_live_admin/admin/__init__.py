"""The Live admin in Wagtail: dashboard, channel pages, publish log, re-push, panels and menu."""
