"""The wheel works outside the repository (DESIGN.md, "Layout").

templates/ and static/ stand at the repository root; the wheel maps them into the
package. Build the wheel, install it (with its dependencies) into a fresh virtualenv
outside the repository, and check that Django finds the templates through APP_DIRS
and the static files through the app-directories finder.
"""

import json
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.wheel_install import outside_repo, run

pytestmark = pytest.mark.slow

CHECK_SCRIPT = """
import json, django
from django.conf import settings
from django.urls import re_path
from django.contrib.staticfiles.views import serve

urlpatterns = [re_path(r"^static/(?P<path>.*)$", serve)]
settings.configure(
    DEBUG=True, SECRET_KEY="x", ALLOWED_HOSTS=["testserver"], ROOT_URLCONF=__name__,
    STATIC_URL="/static/", DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3",
                                                 "NAME": ":memory:"}},
    CHANNEL_LAYERS={"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}},
    TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates",
                "APP_DIRS": True, "DIRS": []}],
    INSTALLED_APPS=["wagtail_live_admin", "wagtail", "wagtail.images", "wagtail.embeds",
        "wagtail.admin", "wagtail.users", "wagtail.sites", "wagtail.search",
        "wagtail.documents", "wagtail.snippets", "taggit", "modelcluster",
        "django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
        "django.contrib.messages", "django.contrib.staticfiles"],
)
django.setup()

import wagtail_live_admin
from django.contrib.staticfiles import finders
from django.template.loader import get_template, render_to_string
from django.test import Client

class Page:
    channel_id = "demo-1"
    def get_shown_live_posts(self):
        return []

response = Client().get("/static/wagtail_live_admin/js/live.js")
print(json.dumps({
    "package": wagtail_live_admin.__file__,
    "html": render_to_string("wagtail_live_admin/live_posts.html", {"page": Page()}),
    "block_template": get_template("wagtail_live_admin/blocks/live_post.html").origin.name,
    "found": finders.find("wagtail_live_admin/js/live.js"),
    "status": response.status_code,
    "has_marker": "data-live-page" in b"".join(response.streaming_content).decode(),
}))
"""


@pytest.fixture(scope="module")
def wheel(installed_wheel):
    return installed_wheel.wheel


@pytest.fixture(scope="module")
def venv(installed_wheel):
    return installed_wheel.venv


def test_wheel_maps_templates_and_static_into_the_package(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for expected in [
        "wagtail_live_admin/templates/wagtail_live_admin/live_posts.html",
        "wagtail_live_admin/templates/wagtail_live_admin/blocks/live_post.html",
        "wagtail_live_admin/static/wagtail_live_admin/js/live.js",
        # The compiled German catalog: an install needs no gettext to show it.
        "wagtail_live_admin/locale/de/LC_MESSAGES/django.mo",
    ]:
        assert expected in names, f"{expected} missing from {wheel.name}: {names}"
    stray = [n for n in names if n.split("/")[0] in {"tests", "sandbox", "templates", "static"}]
    assert not stray, f"files outside the package in {wheel.name}: {stray}"


def test_wheel_metadata(wheel):
    with zipfile.ZipFile(wheel) as zf:
        (metadata_name,) = [n for n in zf.namelist() if n.endswith(".dist-info/METADATA")]
        metadata = Parser().parsestr(zf.read(metadata_name).decode())
    assert metadata["Requires-Python"] == ">=3.12"
    required = {
        canonicalize_name(Requirement(r).name)
        for r in metadata.get_all("Requires-Dist", [])
        if "extra ==" not in r
    }
    assert {"django", "wagtail", "channels", "channels-redis", "django-htmx"} <= required


def test_installed_wheel_serves_templates_and_static_files(venv, tmp_path_factory):
    workdir = outside_repo(tmp_path_factory.mktemp("work"))
    script = workdir / "check_install.py"
    script.write_text(CHECK_SCRIPT)
    out = run(venv / "bin/python", script, cwd=workdir).stdout
    result = json.loads(out.strip().splitlines()[-1])

    venv_root = venv.resolve()
    for key in ["package", "block_template", "found"]:
        assert result[key], f"{key}: nothing found\n{out}"
        assert Path(result[key]).resolve().is_relative_to(venv_root), f"{key}: {result[key]}"
    html = result["html"]
    assert 'id="live-posts"' in html, html
    assert 'data-live-ws-path="/ws/channel/demo-1/"' in html, html
    assert "/static/wagtail_live_admin/js/live.js" in html, html
    assert result["status"] == 200, out
    assert result["has_marker"], out
