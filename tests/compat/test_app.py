"""wagtail-live's ``VERSION`` and ``apps.WagtailLiveConfig``, kept."""

import os
import subprocess
import sys
from pathlib import Path

from django.utils.version import get_version
from packaging.version import Version

import wagtail_live_admin
from wagtail_live_admin.apps import WagtailLiveAdminAppConfig

ROOT = Path(__file__).resolve().parents[2]

# A project whose INSTALLED_APPS names wagtail-live's config class, as some sites do.
SETUP_WITH_WAGTAIL_LIVE_CONFIG = """
from tests import settings
settings.INSTALLED_APPS = [
    "wagtail_live_admin.apps.WagtailLiveConfig" if app == "wagtail_live_admin" else app
    for app in settings.INSTALLED_APPS
]
import django
django.setup()
from django.apps import apps
from wagtail_live_admin.signals import live_page_update
config = apps.get_app_config("wagtail_live_admin")
print(type(config).__name__, config.label, live_page_update.has_listeners())
"""


def test_version_is_wagtail_lives_tuple_of_this_release():
    assert len(wagtail_live_admin.VERSION) == 5
    assert Version(get_version(wagtail_live_admin.VERSION)) == Version(
        wagtail_live_admin.__version__
    )


def test_installed_apps_may_name_wagtail_live_config():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    result = subprocess.run(
        [sys.executable, "-c", SETUP_WITH_WAGTAIL_LIVE_CONFIG],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    # The same app (label, models, signal handlers) under wagtail-live's class name.
    assert result.stdout.split() == ["WagtailLiveConfig", "wagtail_live_admin", "True"]


def test_the_app_name_alone_still_picks_this_packages_config():
    from django.apps import apps

    assert type(apps.get_app_config("wagtail_live_admin")) is WagtailLiveAdminAppConfig
