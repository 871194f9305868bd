"""Settings of the sandbox: a demo Wagtail site that uses wagtail-live-admin.

For trying the package out on one machine only. SQLite and the in-memory
channel layer by default; ``DATABASE_URL`` switches to PostgreSQL and
``REDIS_URL`` to channels-redis (which ``manage.py live_simulate`` needs, as it
publishes from another process).
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent  # sandbox/
REPO_ROOT = BASE_DIR.parent

# SANDBOX ONLY: a published key and DEBUG on. Never deploy these settings.
SECRET_KEY = "django-insecure-wagtail-live-admin-sandbox-only"
DEBUG = os.environ.get("DJANGO_DEBUG", "1") != "0"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    # First, so that its runserver (which serves websockets too) replaces Django's.
    "daphne",
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
    "wagtail_live_admin",
    "liveblog",
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
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "sandbox.urls"
ASGI_APPLICATION = "sandbox.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The package's templates stand at the repository root in a source checkout
        # (the wheel maps them into the package, where APP_DIRS finds them).
        "DIRS": [REPO_ROOT / "templates"],
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

DATABASES = {"default": dj_database_url.config(default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The admin's autosave and its Publish write from threads of their own: BEGIN
    # IMMEDIATE makes them wait for each other instead of failing ("database is locked").
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Wagtail's database search backend indexes with GinIndex on PostgreSQL.
    INSTALLED_APPS.append("django.contrib.postgres")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py 8's default 5 s read timeout kills idle consumers: wait forever.
                "hosts": [{"address": REDIS_URL, "socket_timeout": None, "max_connections": 1000}],
            },
        }
    }
else:
    # One process only: enough for daphne alone, not for live_simulate beside it.
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Like templates/, the package's static files stand at the repository root in a
# source checkout. whitenoise serves them through the finders, so no collectstatic.
STATICFILES_DIRS = [REPO_ROOT / "static"]
STATIC_ROOT = BASE_DIR / "static-collected"
WHITENOISE_USE_FINDERS = True

# The admin's post previews load the site's stylesheet: a preview looks as readers see it.
WAGTAIL_LIVE_PREVIEW_STYLESHEETS = ["liveblog/site.css", "wagtail_live_admin/css/live.css"]

MEDIA_URL = "/media/"
# The demo images land here; tests point it at a temporary folder.
MEDIA_ROOT = Path(os.environ.get("SANDBOX_MEDIA_ROOT", BASE_DIR / "media"))

WAGTAIL_SITE_NAME = "wagtail-live-admin sandbox"
WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# The page editor posts about 13 form fields per live post: past some 75 posts, Django's
# default (1,000 fields) refuses its Save and Publish (docs/how-to/newsroom.md).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20_000

# One handler, on the root logger, in daphne's format. Django's "django" logger has a
# console handler of its own while DEBUG is on, and daphne gives the root logger one:
# without this, every warning (a 404, a Redis outage) was printed twice.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"daphne": {"format": "%(asctime)-15s %(levelname)-8s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "daphne"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django": {"handlers": [], "level": "INFO"},
        # "Listening on TCP address ...", and the like.
        "daphne": {"level": "INFO"},
    },
}
