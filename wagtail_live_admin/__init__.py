"""wagtail-live-admin: live blog pages for Wagtail, pushed to readers, and the Live admin."""

# wagtail-live's form: (major, minor, patch, release, number). A test keeps it in step
# with __version__, which the build reads.
VERSION = (0, 1, 0, "final", 0)
__version__ = "0.1.0"
