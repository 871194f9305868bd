"""A socket's reader is who Django would say they are, read from the handshake's cookie."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client, override_settings

from wagtail_live_admin.realtime.identity import reader_identity

pytestmark = pytest.mark.django_db


def signed_in(password="pw"):
    user = get_user_model().objects.create_user("reader", "reader@example.com", password)
    client = Client()
    client.force_login(user)
    return user, client.cookies[settings.SESSION_COOKIE_NAME].value


def scope(session_key=None):
    cookie = f"theme=dark; {settings.SESSION_COOKIE_NAME}={session_key}" if session_key else ""
    return {"type": "websocket", "headers": [(b"cookie", cookie.encode())] if cookie else []}


def test_a_signed_in_reader_is_their_user():
    user, key = signed_in()
    reader, session = reader_identity(scope(key))
    assert reader.pk == user.pk and session.session_key == key


def test_a_reader_without_a_session_is_anonymous():
    reader, session = reader_identity(scope())
    assert reader.is_anonymous and session.session_key is None


def test_a_changed_password_signs_the_socket_out():
    user, key = signed_in()
    user.set_password("new")
    user.save()
    reader, _ = reader_identity(scope(key))
    assert reader.is_anonymous


def test_a_session_signed_with_a_fallback_key_is_accepted_and_kept():
    with override_settings(SECRET_KEY="old-" + "k" * 50):
        user, key = signed_in()
    with override_settings(SECRET_KEY="new-" + "k" * 50, SECRET_KEY_FALLBACKS=["old-" + "k" * 50]):
        reader, _ = reader_identity(scope(key))
        assert reader.pk == user.pk
    # Not renewed: the browser keeps the only key it was given.
    assert SessionStore().exists(key)


def test_the_scope_channels_made_is_used_as_it_is():
    made = {"user": object(), "session": object()}
    assert reader_identity(made) == (made["user"], made["session"])
