"""Who may see the Live dashboard and its log, who may re-push updates, who may post.

The first two are permissions on ``PublishLogEntry`` (``view_publishlogentry`` and
``republish_publishlogentry``), so Wagtail's group editor grants them like any other.
Access to the Wagtail admin alone grants neither. The composer needs no permission of
its own: whoever may publish a live page may post to it. API tokens have the
integration model's own permissions.
"""

from django.contrib.auth.models import Permission
from wagtail.permission_policies import ModelPermissionPolicy

from ..delivery.models import PublishLogEntry
from ..sources.models import Integration

VIEW = "view"
REPUBLISH = "republish"

live_permission_policy = ModelPermissionPolicy(PublishLogEntry)
# The JSON API's tokens have the integration model's own permissions (admin.tokens).
token_permission_policy = ModelPermissionPolicy(Integration)


def can_view_live(user) -> bool:
    return live_permission_policy.user_has_permission(user, VIEW)


def can_republish(user) -> bool:
    return live_permission_policy.user_has_permission(user, REPUBLISH)


def can_compose(user, page) -> bool:
    """Whether ``user`` may use the composer of ``page``: whoever may publish the page."""
    return page.permissions_for_user(user).can_publish()


def can_manage_tokens(user) -> bool:
    """Whether ``user`` may revoke and replace API tokens (what an integration's page offers)."""
    return token_permission_policy.user_has_permission(user, "change")


def group_editor_permissions():
    """The permissions Wagtail's group editor offers (the ``register_permissions`` hook)."""
    return Permission.objects.filter(
        content_type__app_label=PublishLogEntry._meta.app_label,
        codename__in=[f"{action}_publishlogentry" for action in (VIEW, REPUBLISH)],
    )
