"""The HTTP side of a receiver: a source app calls it, it verifies and dispatches the event.

wagtail-live's name for it is ``receivers.base.WebhookReceiverMixin``, which re-exports it.
"""

import json

from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.urls import path
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from ..exceptions import RequestVerificationError


@method_decorator(csrf_exempt, name="dispatch")
class WebhookReceiverMixin(View):
    """A receiver that a source app calls over HTTP: verify, dispatch, acknowledge."""

    url_path = ""
    url_name = ""
    http_method_names = ["post"]

    def verify_request(self, request, body, *args, **kwargs):
        """Raise ``RequestVerificationError`` unless the request comes from the source."""
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        """Verify the request, dispatch its event and answer ``OK``; a clear 4xx otherwise."""
        try:
            body = request.body.decode("utf-8")
        except UnicodeDecodeError:
            return HttpResponseBadRequest(_("The body is not UTF-8 text."))
        try:
            self.verify_request(request, body, *args, **kwargs)
        except RequestVerificationError as error:
            return HttpResponseForbidden(str(error) or _("Request verification failed."))
        try:
            event = json.loads(body)
        except ValueError:
            return HttpResponseBadRequest(_("The body is not JSON."))
        try:
            response = self.dispatch_event(event=event)
        except (KeyError, TypeError, AttributeError, IndexError) as error:
            message = _("The event is not shaped as documented (%(error)s).") % {
                "error": repr(error)
            }
            return HttpResponseBadRequest(message)
        return response if isinstance(response, HttpResponse) else HttpResponse("OK")

    @classmethod
    def webhook_connection_set(cls):
        """Return whether the source already sends its events to this site."""
        raise NotImplementedError

    @classmethod
    def set_webhook(cls):
        """Ask the source to send its events here (``WebhookSetupError`` on failure)."""
        raise NotImplementedError

    @classmethod
    def get_urls(cls):
        """Return the webhook's URL pattern. Unlike wagtail-live, this sets up nothing:
        ``manage.py live_setup_webhook`` does, so importing a URLconf makes no network call."""
        return [path(cls.url_path, cls.as_view(), name=cls.url_name)]
