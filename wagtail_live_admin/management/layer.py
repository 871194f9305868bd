"""What a command that sends updates needs: a channel layer that reaches the server."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from ..conf import default_channel_layer, get_publisher, is_shared_between_processes
from ..publishers.django_channels import DjangoChannelsPublisher


def require_a_shared_layer() -> None:
    """Refuse to run when this process's updates could never reach the server's readers.

    With the Channels publisher and the in-memory layer, an update sent by a command
    stays inside the command's own process. Other publishers reach their readers
    from anywhere.
    """
    publisher = get_publisher()
    if isinstance(publisher, DjangoChannelsPublisher) and not is_shared_between_processes(
        default_channel_layer()
    ):
        raise CommandError(
            _(
                "The default channel layer is missing or in-memory: it lives inside one "
                "process, so updates sent by this command would never reach the server's "
                "readers. Set REDIS_URL and use channels-redis (RedisChannelLayer), or make "
                "the change in the admin."
            )
        )
