"""Settings of the test project.

``DATABASE_URL`` switches it to PostgreSQL and ``REDIS_URL`` to channels-redis (``make test``
runs the suite both ways). A server started by a test (tests/servers.py) is given the test
database in ``WAGTAIL_LIVE_TEST_DB_NAME`` and the test's layer prefix.
"""

import os
from pathlib import Path

import dj_database_url

TESTS_DIR = Path(__file__).resolve().parent
ROOT_DIR = TESTS_DIR.parent

SECRET_KEY = "not-a-secret-tests-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
USE_TZ = True
TIME_ZONE = "UTC"

INSTALLED_APPS = [
    "wagtail_live_admin",
    "tests.testapp",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.embeds",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.sites",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_htmx",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "tests.urls"
ASGI_APPLICATION = "tests.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # A source checkout serves the root templates/ folder; the wheel ships it in the package.
        "DIRS": [ROOT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

# One test database per test run (pytest-xdist adds each worker's id to its name), so that
# two runs side by side never share one. Servers a test starts get the name in use.
os.environ.setdefault("WAGTAIL_LIVE_TEST_DB_SUFFIX", f"{os.getuid()}_{os.getpid()}")
_suffix = os.environ["WAGTAIL_LIVE_TEST_DB_SUFFIX"]
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{TESTS_DIR / 'unused.sqlite3'}", conn_max_age=0
    )
}
DATABASES["default"]["TEST"] = {
    # A file, not memory: servers started in a subprocess must see the test data.
    "NAME": f"/tmp/wagtail_live_admin_test_{_suffix}.sqlite3"
    if DATABASES["default"]["ENGINE"].endswith("sqlite3")
    else f"test_wagtail_live_admin_{_suffix}",
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # BEGIN IMMEDIATE: a server's concurrent writers (the admin's autosave and its
    # Publish run in threads of their own) then wait for each other; a deferred
    # transaction that must upgrade its read lock fails at once ("database is locked").
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
else:
    # Wagtail's database search backend needs it for its PostgreSQL index.
    INSTALLED_APPS.append("django.contrib.postgres")
if os.environ.get("WAGTAIL_LIVE_TEST_DB_NAME"):
    DATABASES["default"]["NAME"] = os.environ["WAGTAIL_LIVE_TEST_DB_NAME"]

REDIS_URL = os.environ.get("REDIS_URL")
# Per run and worker (and given to its servers): runs side by side must not hear each other.
LAYER_PREFIX = os.environ.get("WAGTAIL_LIVE_TEST_LAYER_PREFIX") or f"wla-test-{_suffix}{_worker}"


# More Redis hosts for the layer, spread over by channels-redis (a sharded layer), as
# space-separated URLs (tests/realtime/test_sharded_presence.py).
REDIS_SHARDS = os.environ.get("WAGTAIL_LIVE_TEST_REDIS_SHARDS", "").split()


def redis_layer(url: str, prefix: str = LAYER_PREFIX, *, shards=()) -> dict:
    """The channels-redis layer as the docs recommend it (see docs/how-to/redis.md)."""
    return {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {
            # redis-py 8 times out reads after 5 s by default, which kills idle consumers.
            "hosts": [
                {"address": address, "socket_timeout": None, "max_connections": 1000}
                for address in (url, *shards)
            ],
            "prefix": prefix,
            # Room for a process to fall 1,000 updates behind before a group send skips it.
            "capacity": 1000,
        },
    }


IN_MEMORY_LAYER = {"BACKEND": "channels.layers.InMemoryChannelLayer"}
CHANNEL_LAYERS = {
    "default": redis_layer(REDIS_URL, shards=REDIS_SHARDS) if REDIS_URL else IN_MEMORY_LAYER
}

# Servers that a test starts count readers with a shorter TTL, so that it can wait one
# out (tests/test_presence_processes.py).
if os.environ.get("WAGTAIL_LIVE_TEST_PRESENCE_TTL"):
    WAGTAIL_LIVE_PRESENCE_TTL = float(os.environ["WAGTAIL_LIVE_TEST_PRESENCE_TTL"])

# ... and cap the sockets per client address (tests/test_security_server.py).
if os.environ.get("WAGTAIL_LIVE_TEST_MAX_CONNECTIONS_PER_CLIENT"):
    WAGTAIL_LIVE_MAX_CONNECTIONS_PER_CLIENT = int(
        os.environ["WAGTAIL_LIVE_TEST_MAX_CONNECTIONS_PER_CLIENT"]
    )

# ... and let readers go slowly on SIGTERM (tests/realtime/test_shutdown.py).
if os.environ.get("WAGTAIL_LIVE_TEST_SHUTDOWN_RATE"):
    WAGTAIL_LIVE_SHUTDOWN_RATE = float(os.environ["WAGTAIL_LIVE_TEST_SHUTDOWN_RATE"])

# ... and cap the bytes waiting for each reader (tests/end_to_end/test_slow_readers.py).
if os.environ.get("WAGTAIL_LIVE_TEST_MAX_UNSENT_BYTES"):
    WAGTAIL_LIVE_MAX_UNSENT_BYTES = int(os.environ["WAGTAIL_LIVE_TEST_MAX_UNSENT_BYTES"])

# ... and deliver through nginx with Nchan (tests/publishers/test_nchan.py).
if os.environ.get("WAGTAIL_LIVE_TEST_NCHAN_PUBLISH_URL"):
    WAGTAIL_LIVE_PUBLISHER = "wagtail_live_admin.publishers.nchan.NchanPublisher"
    WAGTAIL_LIVE_NCHAN = {"PUBLISH_URL": os.environ["WAGTAIL_LIVE_TEST_NCHAN_PUBLISH_URL"]}
# ... with readers' pages connecting to nginx on another host (tests/publishers/).
if os.environ.get("WAGTAIL_LIVE_TEST_WEBSOCKET_URL"):
    WAGTAIL_LIVE_WEBSOCKET_URL = os.environ["WAGTAIL_LIVE_TEST_WEBSOCKET_URL"]
    CSRF_TRUSTED_ORIGINS = [os.environ["WAGTAIL_LIVE_TEST_TRUSTED_ORIGIN"]]

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

STATIC_URL = "/static/"
STATICFILES_DIRS = [ROOT_DIR / "static"]
STATIC_ROOT = TESTS_DIR / "static-collected"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
MEDIA_ROOT = os.environ.get("WAGTAIL_LIVE_TEST_MEDIA", "/tmp/wagtail_live_admin_test_media")
MEDIA_URL = "/media/"

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
WAGTAIL_SITE_NAME = "wagtail-live-admin tests"
WAGTAILADMIN_BASE_URL = "http://testserver"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# No handler of its own: the package's lines reach the root logger's (pytest's, or the
# one daphne sets up in a server a test starts) once, not twice.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "loggers": {"wagtail_live_admin": {"level": "WARNING"}},
}

# The tests run with DEBUG off and, by default, the in-memory layer on purpose;
# tests/test_checks.py checks W002 itself.
SILENCED_SYSTEM_CHECKS = ["wagtail_live_admin.W002"]

# The browser tests wait for the Live dashboard to refresh: refresh every second.
WAGTAIL_LIVE_DASHBOARD_POLL_INTERVAL = 1

# Receivers (tests/receivers): secrets the tests sign with; Telegram's Bot API is a
# stand-in server of the test's own when it gives its address.
WAGTAIL_LIVE_SLACK_SIGNING_SECRET = "test-slack-signing-secret"
WAGTAIL_LIVE_SLACK_BOT_TOKEN = "xoxb-test"
WAGTAIL_LIVE_TELEGRAM_BOT_TOKEN = "123456:test-bot-token"
WAGTAIL_LIVE_TELEGRAM_SECRET_TOKEN = "test-telegram-secret"
WAGTAIL_LIVE_TELEGRAM_WEBHOOK_URL = "https://live.example.com"
WAGTAIL_LIVE_TELEGRAM_API_URL = os.environ.get(
    "WAGTAIL_LIVE_TEST_TELEGRAM_API_URL", "http://127.0.0.1:9/telegram-api"
)
