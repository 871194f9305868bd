"""System checks of the configuration: a clear message at ``manage.py check``.

The realtime part checks its own (presence backend, origin checks) in ``realtime.checks``.
"""

import sys

from django.apps import apps
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError, connections, router
from django.db.migrations.executor import MigrationExecutor

from .conf import (
    APP_LABEL,
    IN_MEMORY_LAYER,
    PREFIX,
    debug,
    default_channel_layer,
    get_publisher_class,
    get_setting,
    is_shared_between_processes,
    publisher_class_or_none,
)
from .publishers.websocket import BaseWebsocketPublisher


@register(Tags.compatibility)
def check_publisher(app_configs, **kwargs):
    path = get_setting("PUBLISHER")
    if not path:
        return [
            Warning(
                f"{PREFIX}PUBLISHER is empty: live page updates are not sent to readers.",
                hint="Remove the setting to use the Django Channels publisher.",
                id="wagtail_live_admin.W001",
            )
        ]
    try:
        publisher_class = get_publisher_class()
    except ImportError as exc:
        return [
            Error(
                f"{PREFIX}PUBLISHER = {path!r} cannot be imported: {exc}",
                hint="Give the dotted path of a BaseWebsocketPublisher subclass.",
                id="wagtail_live_admin.E001",
            )
        ]
    if not (
        isinstance(publisher_class, type) and issubclass(publisher_class, BaseWebsocketPublisher)
    ):
        return [
            Error(
                f"{PREFIX}PUBLISHER = {path!r} is not a BaseWebsocketPublisher subclass.",
                hint="Subclass wagtail_live_admin.publishers.websocket.BaseWebsocketPublisher.",
                id="wagtail_live_admin.E002",
            )
        ]
    return []


@register(Tags.compatibility)
def check_django_htmx_installed(app_configs, **kwargs):
    # The Live admin, the editor's LiveWatchersPanel and the publish log load django-htmx's
    # template tags and its vendored htmx: both come from the app, not the package alone.
    if apps.is_installed("django_htmx"):
        return []
    return [
        Error(
            "'django_htmx' is not in INSTALLED_APPS: the Live admin, the page editor of live "
            "pages and the publish log fail with TemplateSyntaxError "
            "(\"'django_htmx' is not a registered tag library\").",
            hint='Add "django_htmx" to INSTALLED_APPS (django-htmx is installed with '
            "wagtail-live-admin).",
            id="wagtail_live_admin.E006",
        )
    ]


@register(Tags.compatibility)
def check_channel_layer(app_configs, **kwargs):
    # A publisher whose readers are served elsewhere (nginx with Nchan) needs no layer.
    if not getattr(publisher_class_or_none(), "uses_channel_layer", True):
        return []
    default = default_channel_layer()
    if default is None:
        return [
            Error(
                "CHANNEL_LAYERS has no 'default' layer: live updates cannot reach readers.",
                hint="Use channels_redis.core.RedisChannelLayer (or, for development only, "
                f"{IN_MEMORY_LAYER}).",
                id="wagtail_live_admin.E003",
            )
        ]
    if not is_shared_between_processes(default) and not debug():
        return [
            Warning(
                "The default channel layer is InMemoryChannelLayer, which works within one "
                "process only: readers served by another process miss every update.",
                hint="Use channels_redis.core.RedisChannelLayer in production.",
                id="wagtail_live_admin.W002",
            )
        ]
    return []


def _run_by_migrate() -> bool:
    """Whether ``migrate`` runs the checks, about to apply what W004 would report."""
    from django.core.management.commands.migrate import Command as Migrate

    frame = sys._getframe(1)
    while frame is not None:
        if isinstance(frame.f_locals.get("self"), Migrate):
            return True
        frame = frame.f_back
    return False


@register(Tags.database)
def check_migrations_applied(app_configs, databases=None, **kwargs):
    # A database check: it runs with `manage.py check --database <alias>`, and reads the
    # django_migrations table (it writes nothing). `migrate` runs it too, first.
    if not databases or _run_by_migrate():
        return []
    label = APP_LABEL
    messages = []
    for alias in databases or []:
        if not router.allow_migrate(alias, label):
            continue
        try:
            executor = MigrationExecutor(connections[alias])
            plan = executor.migration_plan(executor.loader.graph.leaf_nodes(label))
        except DatabaseError:
            continue  # Django reports a database it cannot reach
        missing = [migration.name for migration, _ in plan if migration.app_label == label]
        if missing:
            messages.append(
                Warning(
                    f"{len(missing)} migration(s) of {label} are not applied to database "
                    f"{alias!r}: {', '.join(missing)}. Publishing a live page fails until "
                    "they are.",
                    hint="Run manage.py migrate.",
                    id="wagtail_live_admin.W004",
                )
            )
    return messages
