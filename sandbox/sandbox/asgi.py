"""The sandbox's ASGI application, composed exactly as the README tells sites to.

daphne serves it: ``daphne sandbox.asgi:application`` (``make demo``), or
``manage.py runserver``, which daphne takes over because it is the first app.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sandbox.settings")
# Set Django up before importing anything that touches models (the consumer does).
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from wagtail_live_admin.readers.asgi import CatchUpFromMemory  # noqa: E402
from wagtail_live_admin.realtime.origins import SameOriginValidator  # noqa: E402
from wagtail_live_admin.realtime.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": CatchUpFromMemory(django_asgi_app),
        "websocket": SameOriginValidator(URLRouter(websocket_urlpatterns)),
    }
)
