"""Our own server in the fan-out bench: the test project, on the layer the bench chose."""

from bench.layers import layer_from_environment
from tests.settings import *  # noqa: F403

CHANNEL_LAYERS = {"default": layer_from_environment()}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    # channels-redis says at INFO when a group send skipped channels over capacity.
    "loggers": {
        "wagtail_live_admin": {"handlers": ["console"], "level": "WARNING"},
        "channels_redis": {"handlers": ["console"], "level": "INFO"},
    },
}
