"""The JSON API: any source posts to one channel with a token of its own, managed in the admin.

``POST live/api/channels/<channel_id>/posts/`` adds a post (once per ``message_id``);
``PUT`` and ``DELETE`` on ``.../posts/<message_id>/`` edit and delete it. Errors are
JSON ``{"error": "..."}`` with a 4xx status that says what is wrong.
"""

from __future__ import annotations

import json

from django.http import HttpResponse, JsonResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from ..delivery.models import PublishLogEntry
from ..sources.models import Integration
from .base import ADDED, NO_PAGE, NO_POST, BaseMessageReceiver


class ApiError(Exception):
    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


class ApiReceiver(BaseMessageReceiver):
    """Messages as the JSON API takes them: ``{"message_id", "text", "show"}`` for a channel."""

    trigger = PublishLogEntry.Trigger.JSON_API

    def __init__(self, integration: Integration):
        self.integration = integration

    def get_channel_id_from_message(self, message):
        return message["channel_id"]

    def get_message_id_from_message(self, message):
        return message["message_id"]

    get_message_id_from_edited_message = get_message_id_from_message

    def get_message_text(self, message):
        return message.get("text", "")

    get_message_text_from_edited_message = get_message_text

    def get_message_files(self, message):
        return []

    get_message_files_from_edited_message = get_message_files

    def prepare_post(self, live_post, message):
        live_post["show"] = message.get("show", True)

    def edited_value(self, message):
        return {"show": message["show"]} if "show" in message else None


def _authenticate(request, channel_id: str) -> Integration:
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(_("Send the integration's token: 'Authorization: Bearer <token>'."), 401)
    integration = Integration.for_token(token.strip())
    if integration is None:
        raise ApiError(_("This token is not known."), 401)
    if integration.revoked:
        raise ApiError(_("This token was revoked."), 403)
    if integration.channel_id != channel_id:
        raise ApiError(
            _("This token may not post to channel %(channel)r.") % {"channel": channel_id}, 403
        )
    return integration


def _read_body(request, *, message_id: str | None) -> dict:
    if request.content_type != "application/json":
        raise ApiError(_("Send the post as JSON (Content-Type: application/json)."), 415)
    try:
        data = json.loads(request.body)
    except ValueError:
        raise ApiError(_("The body is not valid JSON."), 400) from None
    if not isinstance(data, dict):
        raise ApiError(_('Send a JSON object: {"message_id": ..., "text": ...}.'), 400)
    if message_id is not None:
        data.setdefault("message_id", message_id)
    wanted = {"message_id": str, "text": str, "show": bool}
    for key, value in data.items():
        if key not in wanted:
            raise ApiError(
                _("Unknown field %(field)r; known: message_id, text, show.") % {"field": key}, 400
            )
        if not isinstance(value, wanted[key]):
            raise ApiError(
                _("%(field)r must be a %(type)s.") % {"field": key, "type": wanted[key].__name__},
                400,
            )
    if not data.get("message_id", "").strip() or len(data["message_id"]) > 255:
        raise ApiError(_("'message_id' must be a non-empty string of at most 255 characters."), 400)
    if "/" in data["message_id"]:
        # It goes in the URL of the post's edits and deletions.
        raise ApiError(_("'message_id' may not contain '/'."), 400)
    if message_id is not None and data["message_id"] != message_id:
        raise ApiError(_("The body's 'message_id' differs from the URL's."), 400)
    if not data.get("text", "").strip():
        raise ApiError(_("'text' must hold the post's text."), 400)
    return data


def _error(error: ApiError) -> JsonResponse:
    response = JsonResponse({"error": str(error)}, status=error.status)
    if error.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="wagtail-live-admin"'
    return response


def _no_page(channel_id):
    return ApiError(_("No live page has channel %(channel)r.") % {"channel": channel_id}, 404)


def _no_post(message_id):
    return ApiError(_("The channel has no post with message_id %(id)r.") % {"id": message_id}, 404)


def _post_json(receipt, message_id, status=200) -> JsonResponse:
    post = receipt.post or {}
    return JsonResponse({"message_id": message_id, "post_id": post.get("id")}, status=status)


@method_decorator(csrf_exempt, name="dispatch")
class PostsView(View):
    """``POST``: add a post; a ``message_id`` the channel has already is answered 200, not added."""

    http_method_names = ["post"]

    def post(self, request, channel_id):
        try:
            receiver = ApiReceiver(_authenticate(request, channel_id))
            message = {**_read_body(request, message_id=None), "channel_id": channel_id}
            receipt = receiver.add_message(message)
            if receipt.status == NO_PAGE:
                raise _no_page(channel_id)
        except ApiError as error:
            return _error(error)
        if receipt.status == ADDED:
            return _post_json(receipt, message["message_id"], status=201)
        page = receiver.get_live_page_from_channel_id(channel_id)
        existing = page.get_live_post_by_message_id(message["message_id"])
        return JsonResponse({"message_id": message["message_id"], "post_id": existing.id})


@method_decorator(csrf_exempt, name="dispatch")
class PostView(View):
    """``PUT``: replace a post's text (and ``show``); ``DELETE``: delete it."""

    http_method_names = ["put", "delete"]

    def put(self, request, channel_id, message_id):
        try:
            receiver = ApiReceiver(_authenticate(request, channel_id))
            message = {**_read_body(request, message_id=message_id), "channel_id": channel_id}
            receipt = receiver.change_message(message)
            self._check(receipt, channel_id, message_id)
        except ApiError as error:
            return _error(error)
        return _post_json(receipt, message_id)

    def delete(self, request, channel_id, message_id):
        try:
            receiver = ApiReceiver(_authenticate(request, channel_id))
            message = {"channel_id": channel_id, "message_id": message_id}
            self._check(receiver.delete_message(message), channel_id, message_id)
        except ApiError as error:
            return _error(error)
        return HttpResponse(status=204)

    def _check(self, receipt, channel_id, message_id):
        if receipt.status == NO_PAGE:
            raise _no_page(channel_id)
        if receipt.status == NO_POST:
            raise _no_post(message_id)
