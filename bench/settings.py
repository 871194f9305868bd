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

# The page editor posts a field per part of each post: a page of 1,000 posts sends some
# 12,000 (Django refuses more than 1,000 by default). See docs/how-to/newsroom.md.
DATA_UPLOAD_MAX_NUMBER_FIELDS = None
