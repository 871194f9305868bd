"""System checks name the misconfiguration and its fix."""

import importlib.util
import io
import os
import re
import subprocess
import sys

import pytest
from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator, OriginValidator
from django.core.checks import Tags, run_checks
from django.core.management import call_command
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.test import override_settings
from django.urls import re_path

from tests.settings import IN_MEMORY_LAYER, ROOT_DIR
from wagtail_live_admin.realtime.checks import live_route_guards
from wagtail_live_admin.realtime.consumers import LiveConsumer
from wagtail_live_admin.realtime.origins import SameOriginValidator
from wagtail_live_admin.realtime.routing import websocket_urlpatterns

SANDBOX_ASGI = ROOT_DIR / "sandbox" / "sandbox" / "asgi.py"
ASGI_DOCS = [
    ROOT_DIR / "README.md",
    ROOT_DIR / "docs" / "how-to" / "install.md",
    ROOT_DIR / "docs" / "tutorial" / "live-blog.md",
]
ALLOWED_HOSTS_GUARD = None  # set by the tests that need it, under their ALLOWED_HOSTS


# The tags of the package's checks run without a database. Django's models' checks ask the
# database what it supports, which these tests may not do: they passed only after a test
# of their worker had opened it.
CHECK_TAGS = [Tags.compatibility, Tags.security]


def check_ids():
    return {
        message.id
        for message in run_checks(tags=CHECK_TAGS)
        if message.id.startswith("wagtail_live_admin") and not message.is_silenced()
    }


def test_the_test_settings_pass():
    assert check_ids() == set()


@override_settings(WAGTAIL_LIVE_PUBLISHER=None)
def test_no_publisher_is_a_warning():
    assert check_ids() == {"wagtail_live_admin.W001"}


@override_settings(WAGTAIL_LIVE_PUBLISHER="no.such.Publisher")
def test_a_publisher_that_cannot_be_imported_is_an_error():
    [error] = [m for m in run_checks(tags=CHECK_TAGS) if m.id == "wagtail_live_admin.E001"]
    assert "no.such.Publisher" in error.msg


@override_settings(WAGTAIL_LIVE_PUBLISHER="wagtail_live_admin.realtime.groups.live_group_name")
def test_a_publisher_of_the_wrong_kind_is_an_error():
    assert check_ids() == {"wagtail_live_admin.E002"}


@override_settings(WAGTAIL_LIVE_PRESENCE_BACKEND="no.such.Presence")
def test_a_presence_backend_that_cannot_be_imported_is_an_error():
    [error] = [m for m in run_checks(tags=CHECK_TAGS) if m.id == "wagtail_live_admin.E004"]
    assert "no.such.Presence" in error.msg


@override_settings(
    WAGTAIL_LIVE_PRESENCE_BACKEND="wagtail_live_admin.realtime.groups.live_group_name"
)
def test_a_presence_backend_of_the_wrong_kind_is_an_error():
    assert check_ids() == {"wagtail_live_admin.E005"}


@override_settings(
    WAGTAIL_LIVE_PRESENCE_BACKEND="wagtail_live_admin.realtime.presence.memory.MemoryPresence"
)
def test_a_presence_backend_named_by_its_path_passes():
    assert check_ids() == set()


@override_settings(CHANNEL_LAYERS={})
def test_no_channel_layer_is_an_error():
    assert check_ids() == {"wagtail_live_admin.E003"}


@override_settings(
    CHANNEL_LAYERS={"default": IN_MEMORY_LAYER}, DEBUG=False, SILENCED_SYSTEM_CHECKS=[]
)
def test_in_memory_layer_in_production_is_a_warning():
    assert check_ids() == {"wagtail_live_admin.W002"}


@override_settings(
    CHANNEL_LAYERS={"default": IN_MEMORY_LAYER}, DEBUG=True, SILENCED_SYSTEM_CHECKS=[]
)
def test_in_memory_layer_in_development_is_fine():
    assert check_ids() == set()


# W003: the live websocket route must check the Origin header, and the check must not let
# every origin in.

ROUTES = URLRouter(websocket_urlpatterns)
UNGUARDED = ProtocolTypeRouter({"websocket": AuthMiddlewareStack(ROUTES)})
GUARD_INSIDE_AUTH = ProtocolTypeRouter(
    {"websocket": AuthMiddlewareStack(SameOriginValidator(ROUTES))}
)
GUARD_PER_ROUTE = URLRouter(
    [re_path(r"^ws/", OriginValidator(LiveConsumer.as_asgi(), ["https://example.com"]))]
)
ANY_ORIGIN = ProtocolTypeRouter({"websocket": OriginValidator(AuthMiddlewareStack(ROUTES), ["*"])})
NO_WEBSOCKET = ProtocolTypeRouter({})


def allowed_hosts_guard():
    # AllowedHostsOriginValidator reads ALLOWED_HOSTS when asgi.py is imported.
    return ProtocolTypeRouter(
        {"websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(ROUTES))}
    )


async def OPAQUE(scope, receive, send):  # an application of a shape the check does not know
    pass


def w003(path):
    with override_settings(ASGI_APPLICATION=path):
        return [m for m in run_checks(tags=CHECK_TAGS) if m.id == "wagtail_live_admin.W003"]


def test_a_websocket_route_without_origin_checks_is_a_warning():
    [warning] = w003("tests.test_checks.UNGUARDED")
    assert (
        "'tests.test_checks.UNGUARDED'" in warning.msg and "without an origin check" in warning.msg
    )
    assert "wagtail_live_admin.realtime.origins.SameOriginValidator" in warning.hint


@override_settings(ALLOWED_HOSTS=["*"])
def test_allowed_hosts_with_a_wildcard_behind_allowed_hosts_origin_validator_is_a_warning(
    monkeypatch,
):
    # wagtail start's dev.py, with the validator Channels' docs show.
    monkeypatch.setattr("tests.test_checks.ALLOWED_HOSTS_GUARD", allowed_hosts_guard())
    [warning] = w003("tests.test_checks.ALLOWED_HOSTS_GUARD")
    assert "ALLOWED_HOSTS = ['*']" in warning.msg and "every origin" in warning.msg
    assert "without an origin check" not in warning.msg
    assert "SameOriginValidator" in warning.hint and "ALLOWED_HOSTS" in warning.hint


def test_an_origin_validator_that_allows_any_origin_is_a_warning():
    [warning] = w003("tests.test_checks.ANY_ORIGIN")
    assert "the allowed origins ['*']" in warning.msg and "every origin" in warning.msg


@override_settings(ALLOWED_HOSTS=["www.example.com"])
def test_allowed_hosts_origin_validator_with_named_hosts_passes(monkeypatch):
    monkeypatch.setattr("tests.test_checks.ALLOWED_HOSTS_GUARD", allowed_hosts_guard())
    assert w003("tests.test_checks.ALLOWED_HOSTS_GUARD") == []


@override_settings(ALLOWED_HOSTS=["*"])
@pytest.mark.parametrize(
    "path",
    [
        "tests.asgi.application",  # SameOriginValidator, whatever ALLOWED_HOSTS holds
        "tests.test_checks.GUARD_INSIDE_AUTH",
        "tests.test_checks.GUARD_PER_ROUTE",
        # Nothing to tell: no live route, or a shape the check does not know.
        "tests.test_checks.NO_WEBSOCKET",
        "tests.test_checks.OPAQUE",
        "tests.no_such_module.application",
    ],
)
def test_a_websocket_route_behind_an_origin_check_passes(path):
    assert w003(path) == []


def test_the_sandbox_and_the_docs_check_origins():
    sandbox = importlib.util.spec_from_file_location("sandbox_asgi", SANDBOX_ASGI)
    module = importlib.util.module_from_spec(sandbox)
    sandbox.loader.exec_module(module)
    applications = {"sandbox": module.application}
    for doc in ASGI_DOCS:
        [block] = [
            b
            for b in re.findall(r"```python\n(.*?)```", doc.read_text(), re.S)
            if "ProtocolTypeRouter" in b
        ]
        namespace = {}
        exec(block, namespace)  # our own docs' snippet
        applications[doc.name] = namespace["application"]
    for name, application in applications.items():
        [guards] = live_route_guards(application)
        assert [type(guard) for guard in guards] == [SameOriginValidator], name


# E006: django_htmx must be installed.


def test_without_django_htmx_in_installed_apps_check_is_an_error(tmp_path):
    # A process of its own: the app registry cannot lose an app in this one.
    (tmp_path / "without_htmx.py").write_text(
        "from tests.settings import *\n\nINSTALLED_APPS.remove('django_htmx')\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "without_htmx"}
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), str(ROOT_DIR)])
    result = subprocess.run(
        [sys.executable, "-m", "django", "check"], env=env, capture_output=True, text=True
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "wagtail_live_admin.E006" in result.stderr
    assert "'django_htmx' is not in INSTALLED_APPS" in result.stderr
    assert 'Add "django_htmx" to INSTALLED_APPS' in result.stderr


# W004: the package's migrations must be applied (a database check).


def test_applied_migrations_pass(db):
    assert "wagtail_live_admin.W004" not in {m.id for m in run_checks(databases=["default"])}


def last_two_migrations() -> tuple[str, str]:
    """The app's newest migration and the one it depends on."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    [leaf] = graph.leaf_nodes("wagtail_live_admin")
    [parent] = [p for p in graph.node_map[leaf].parents if p[0] == "wagtail_live_admin"]
    return leaf[1], parent[1]


def test_an_unapplied_migration_is_a_warning(db):
    newest, before = last_two_migrations()
    MigrationRecorder.Migration.objects.filter(app="wagtail_live_admin", name=newest).delete()
    [warning] = [m for m in run_checks(databases=["default"]) if m.id == "wagtail_live_admin.W004"]
    assert newest in warning.msg and "'default'" in warning.msg
    assert before not in warning.msg


def test_migrate_does_not_warn_about_the_migrations_it_applies(db):
    newest, _ = last_two_migrations()
    MigrationRecorder.Migration.objects.filter(app="wagtail_live_admin", name=newest).delete()
    out, err = io.StringIO(), io.StringIO()
    # As `manage.py migrate` runs it: checks first (fake: the tables are there already).
    call_command(
        "migrate", "wagtail_live_admin", fake=True, skip_checks=False, stdout=out, stderr=err
    )
    assert f"{newest}... FAKED" in out.getvalue()
    assert "wagtail_live_admin.W004" not in err.getvalue()


def test_the_migrations_check_needs_a_database_alias(db):
    MigrationRecorder.Migration.objects.filter(app="wagtail_live_admin").delete()
    assert "wagtail_live_admin.W004" not in check_ids()  # plain `manage.py check`
