"""Admin users at each level the Live admin tells apart."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

# An editor: Wagtail's "Editors" group (admin access, page editing), nothing of ours.
EDITOR = "editor"
VIEWER = "viewer"  # an editor who may also view the Live dashboard and log
REPUBLISHER = "republisher"  # ... and re-push updates
SUPERUSER = "superuser"
LEVELS = [EDITOR, VIEWER, REPUBLISHER, SUPERUSER]  # the Live admin's own permissions
# Beside them: Wagtail's "Moderators" group, who may publish pages (so post with the
# composer) and hold nothing of ours.
REPORTER = "reporter"

_CODENAMES = {
    EDITOR: [],
    REPORTER: [],
    VIEWER: ["view_publishlogentry"],
    REPUBLISHER: ["view_publishlogentry", "republish_publishlogentry"],
}


def make_staff(level: str, username: str | None = None):
    username = username or level
    User = get_user_model()
    if level == SUPERUSER:
        return User.objects.create_superuser(username, f"{username}@example.com", "password")
    user = User.objects.create_user(username, f"{username}@example.com", "password")
    user.groups.add(Group.objects.get(name="Moderators" if level == REPORTER else "Editors"))
    if _CODENAMES[level]:
        group, _ = Group.objects.get_or_create(name=f"Live {level}s")
        group.permissions.set(
            Permission.objects.filter(
                content_type__app_label="wagtail_live_admin", codename__in=_CODENAMES[level]
            )
        )
        user.groups.add(group)
    return user
