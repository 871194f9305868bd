"""Who receives a live page's updates: admission, and admission again when privacy changes.

The websocket and the catch-up endpoint follow one rule (``access.refusal``): the
page must be live and its view restrictions (login, groups, password, its own or
an ancestor's) must pass for the reader's user and session. A page that becomes
private, is unpublished, moved or deleted while readers are connected stops
sending to those who no longer pass.
"""

import json
import uuid
from dataclasses import dataclass

import pytest
from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django.db import transaction
from django.test import Client, override_settings
from wagtail.models import Page, PageViewRestriction

from tests.asgi import application
from tests.posts import publish_new_post
from tests.services import free_port
from tests.settings import redis_layer
from tests.testapp.models import LiveBlogPage
from wagtail_live_admin.realtime.presence import get_presence
from wagtail_live_admin.realtime.routing import websocket_urlpatterns

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HEADERS = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
PASSED = PageViewRestriction.passed_view_restrictions_session_key
# The route as sites composed it before the consumer read the session itself: Channels
# then puts the user and session in the scope when the socket opens.
WITH_AUTH_STACK = AuthMiddlewareStack(URLRouter(websocket_urlpatterns))


# Readers: each is a session (or none), made the way Django and Wagtail make them.


def logged_in_session(username: str, *, group: str | None = None) -> str:
    user = get_user_model().objects.create_user(username, f"{username}@example.com", "pw")
    if group:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def password_session(*restriction_ids: int) -> str:
    # What Wagtail's password form stores once the reader enters the page's password.
    session = SessionStore()
    session[PASSED] = list(restriction_ids)
    session.create()
    return session.session_key


def restrict(page, restriction_type: str, *, groups=()) -> PageViewRestriction:
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=restriction_type, password="secret"
    )
    restriction.groups.set(Group.objects.get_or_create(name=name)[0] for name in groups)
    return restriction


def restrict_at_once(page, restriction_type: str, *, groups=()) -> PageViewRestriction:
    """``restrict`` in one transaction: readers are admitted again once, after both writes."""
    with transaction.atomic():
        return restrict(page, restriction_type, groups=groups)


@dataclass(frozen=True)
class Case:
    restriction: str  # login, groups or password
    reader: str  # anonymous, logged_in, member, password_passed or other_password
    admitted: bool
    on_parent: bool = False  # the restriction is on the page's parent, not the page

    def __str__(self):
        where = " on the parent" if self.on_parent else ""
        verdict = "admitted" if self.admitted else "refused"
        return f"{self.restriction}{where}, {self.reader}: {verdict}"


CASES = [
    Case("login", "anonymous", admitted=False),
    Case("login", "logged_in", admitted=True),
    Case("groups", "anonymous", admitted=False),
    Case("groups", "logged_in", admitted=False),
    Case("groups", "member", admitted=True),
    Case("password", "anonymous", admitted=False),
    Case("password", "logged_in", admitted=False),
    Case("password", "other_password", admitted=False),
    Case("password", "password_passed", admitted=True),
    Case("login", "anonymous", admitted=False, on_parent=True),
    Case("login", "logged_in", admitted=True, on_parent=True),
    Case("password", "password_passed", admitted=True, on_parent=True),
]


def set_up(make_live_page, home, case: Case) -> tuple[str, str | None]:
    """Make a live page restricted as ``case`` says; return its channel and the reader's session."""
    parent = home.add_child(instance=Page(title="Section", slug=f"s-{uuid.uuid4().hex[:6]}"))
    channel_id = f"private-{uuid.uuid4().hex[:8]}"
    page = make_live_page(parent=parent, title=f"Private {channel_id}", channel_id=channel_id)
    restriction = restrict(parent if case.on_parent else page, case.restriction, groups=["Crew"])
    other = restrict(
        home.add_child(instance=Page(title="Other", slug=f"o-{channel_id}")), "password"
    )
    session = {
        "anonymous": lambda: None,
        "logged_in": lambda: logged_in_session(f"reader-{channel_id}"),
        "member": lambda: logged_in_session(f"member-{channel_id}", group="Crew"),
        "password_passed": lambda: password_session(restriction.pk),
        "other_password": lambda: password_session(other.pk),
    }[case.reader]()
    return channel_id, session


async def subscribe(channel_id: str, session: str | None = None, *, app=application):
    headers = [*HEADERS, (b"cookie", f"sessionid={session}".encode())] if session else HEADERS
    communicator = WebsocketCommunicator(app, f"/ws/channel/{channel_id}/", headers)
    connected, _ = await communicator.connect(timeout=5)
    assert connected  # accepted even when refused, so that the close code reaches the reader
    return communicator


async def assert_open(communicator) -> None:
    await communicator.send_to(text_data='{"type": "ping"}')
    assert json.loads(await communicator.receive_from(timeout=5)) == {"type": "pong"}


async def assert_closed(communicator, code: int) -> None:
    assert await communicator.receive_output(timeout=5) == {"type": "websocket.close", "code": code}


@pytest.mark.parametrize("app", [application, WITH_AUTH_STACK], ids=["route", "auth_stack"])
@pytest.mark.parametrize("case", CASES, ids=str)
async def test_websocket_admission_follows_view_restrictions(make_live_page, home, case, app):
    channel_id, session = await database_sync_to_async(set_up)(make_live_page, home, case)
    reader = await subscribe(channel_id, session, app=app)
    if case.admitted:
        await assert_open(reader)
    else:
        await assert_closed(reader, 4403)
    await reader.disconnect()


@pytest.mark.parametrize("case", CASES, ids=str)
def test_catch_up_admission_follows_view_restrictions(make_live_page, client, home, case):
    channel_id, session = set_up(make_live_page, home, case)
    if session:
        client.cookies["sessionid"] = session
    response = client.get(f"/live/{channel_id}/updates/", {"since": "0"})
    if case.admitted:
        assert response.status_code == 200 and response.json()["channel_id"] == channel_id
    else:
        assert response.status_code == 403 and channel_id not in response.content.decode()


# Admission again: readers who no longer pass are closed and sent nothing more.


@dataclass
class Readers:
    page: LiveBlogPage
    anonymous: WebsocketCommunicator
    logged_in: WebsocketCommunicator
    member: WebsocketCommunicator


async def connect_readers(make_live_page) -> Readers:
    @database_sync_to_async
    def make():
        channel_id = f"open-{uuid.uuid4().hex[:8]}"
        page = make_live_page(title=f"Open {channel_id}", channel_id=channel_id)
        return (
            page,
            logged_in_session(f"r-{channel_id}"),
            logged_in_session(f"m-{channel_id}", group="Crew"),
        )

    page, logged_in, member = await make()
    readers = Readers(
        page,
        await subscribe(page.channel_id),
        await subscribe(page.channel_id, logged_in),
        await subscribe(page.channel_id, member),
    )
    for reader in (readers.anonymous, readers.logged_in, readers.member):
        await assert_open(reader)
    return readers


async def publish_post(page, text: str) -> None:
    await database_sync_to_async(publish_new_post)(page, text)


async def assert_receives_post(reader, text: str) -> None:
    frame = json.loads(await reader.receive_from(timeout=5))
    assert text in json.dumps(frame["renders"])


async def assert_told_nothing_more(reader) -> None:
    assert await reader.receive_nothing(timeout=0.3)


def count(channel_id: str) -> int:
    return get_presence().counts([channel_id])[channel_id]


async def test_a_login_restriction_closes_anonymous_readers_only(
    channel_layer_name, make_live_page
):
    readers = await connect_readers(make_live_page)
    await database_sync_to_async(restrict)(readers.page, "login")
    await assert_closed(readers.anonymous, 4403)
    # Uncounted at once, before the browser answers the close.
    assert count(readers.page.channel_id) == 2
    await publish_post(readers.page, "For members only")
    await assert_receives_post(readers.logged_in, "For members only")
    await assert_receives_post(readers.member, "For members only")
    await assert_told_nothing_more(readers.anonymous)
    for reader in (readers.anonymous, readers.logged_in, readers.member):
        await reader.disconnect()
    await get_presence().aclose()


async def test_a_reader_who_logged_out_meanwhile_is_closed_when_the_page_turns_private(
    channel_layer_name, make_live_page
):
    # The route reads the session again at each admission, not once when the socket opened.
    readers = await connect_readers(make_live_page)
    session_key = dict(readers.logged_in.scope["headers"])[b"cookie"].split(b"=")[1].decode()
    await database_sync_to_async(SessionStore(session_key).delete)()
    await database_sync_to_async(restrict)(readers.page, "login")
    await assert_closed(readers.anonymous, 4403)
    await assert_closed(readers.logged_in, 4403)
    await assert_open(readers.member)
    for reader in (readers.anonymous, readers.logged_in, readers.member):
        await reader.disconnect()
    await get_presence().aclose()


async def test_a_group_restriction_keeps_only_the_group(channel_layer_name, make_live_page):
    readers = await connect_readers(make_live_page)

    await database_sync_to_async(restrict_at_once)(readers.page, "groups", groups=["Crew"])
    await assert_closed(readers.anonymous, 4403)
    await assert_closed(readers.logged_in, 4403)
    await publish_post(readers.page, "Crew only")
    await assert_receives_post(readers.member, "Crew only")
    await assert_told_nothing_more(readers.anonymous)
    await assert_told_nothing_more(readers.logged_in)
    for reader in (readers.anonymous, readers.logged_in, readers.member):
        await reader.disconnect()
    await get_presence().aclose()


async def crew_page_with_member(make_live_page):
    """A page restricted to Crew and Editors, with one Crew member reading it."""

    @database_sync_to_async
    def make():
        channel_id = f"crew-{uuid.uuid4().hex[:8]}"
        page = make_live_page(title=f"Crew {channel_id}", channel_id=channel_id)
        restriction = restrict(page, "groups", groups=["Crew", "Editors"])
        return page, restriction, logged_in_session(f"m-{channel_id}", group="Crew")

    # Restricted before anyone connects: no admission-again event is still on its way.
    page, restriction, session = await make()
    member = await subscribe(page.channel_id, session)
    await assert_open(member)
    return page, restriction, member


@pytest.mark.parametrize("change", ["remove", "reverse-remove", "reverse-clear"])
async def test_taking_the_readers_group_off_a_restriction_closes_them(
    channel_layer_name, make_live_page, change
):
    page, restriction, member = await crew_page_with_member(make_live_page)

    @database_sync_to_async
    def take_crew_off():
        crew = Group.objects.get(name="Crew")
        if change == "remove":
            restriction.groups.remove(crew)
        elif change == "reverse-remove":  # from the group's side
            crew.pageviewrestriction_set.remove(restriction)
        else:
            crew.pageviewrestriction_set.clear()

    await take_crew_off()
    await assert_closed(member, 4403)
    await member.disconnect()


async def test_a_password_closes_every_reader_who_has_not_entered_it(
    channel_layer_name, make_live_page
):
    readers = await connect_readers(make_live_page)
    await database_sync_to_async(restrict)(readers.page, "password")
    for reader in (readers.anonymous, readers.logged_in, readers.member):
        await assert_closed(reader, 4403)
        await reader.disconnect()


async def test_a_restriction_on_an_ancestor_closes_readers_below(
    make_live_page, channel_layer_name, home
):
    readers = await connect_readers(make_live_page)
    await database_sync_to_async(restrict)(home, "login")
    await assert_closed(readers.anonymous, 4403)
    await assert_open(readers.logged_in)
    for reader in (readers.anonymous, readers.logged_in, readers.member):
        await reader.disconnect()


async def test_moving_the_page_under_a_private_section_closes_who_does_not_pass(
    make_live_page, channel_layer_name, home
):
    readers = await connect_readers(make_live_page)

    @database_sync_to_async
    def move_under_private_section():
        section = home.add_child(instance=Page(title="Members", slug=f"m-{uuid.uuid4().hex[:6]}"))
        restrict(section, "login")
        Page.objects.get(pk=readers.page.pk).move(section, pos="last-child")

    await move_under_private_section()
    await assert_closed(readers.anonymous, 4403)
    await assert_open(readers.logged_in)
    for reader in (readers.anonymous, readers.logged_in, readers.member):
        await reader.disconnect()


async def test_unpublishing_the_page_closes_its_readers_with_4404(
    channel_layer_name, make_live_page
):
    readers = await connect_readers(make_live_page)
    await database_sync_to_async(lambda: LiveBlogPage.objects.get(pk=readers.page.pk).unpublish())()
    for reader in (readers.anonymous, readers.logged_in, readers.member):
        await assert_closed(reader, 4404)
        await reader.disconnect()


async def test_deleting_the_page_closes_its_readers_with_4404(channel_layer_name, make_live_page):
    readers = await connect_readers(make_live_page)
    await database_sync_to_async(lambda: LiveBlogPage.objects.get(pk=readers.page.pk).delete())()
    for reader in (readers.anonymous, readers.logged_in, readers.member):
        await assert_closed(reader, 4404)
        await reader.disconnect()


async def test_lifting_a_restriction_closes_nobody(channel_layer_name, make_live_page):
    readers = await connect_readers(make_live_page)
    restriction = await database_sync_to_async(restrict)(readers.page, "login")
    await assert_closed(readers.anonymous, 4403)
    await database_sync_to_async(restriction.delete)()
    await publish_post(readers.page, "Public again")
    await assert_receives_post(readers.logged_in, "Public again")
    await assert_receives_post(readers.member, "Public again")
    for reader in (readers.anonymous, readers.logged_in, readers.member):
        await reader.disconnect()


def test_privacy_saves_when_the_channel_layer_is_down(make_live_page, caplog):
    page = make_live_page(title="Down", channel_id="down")
    gone = redis_layer(f"redis://127.0.0.1:{free_port()}/0", prefix="gone")
    with override_settings(CHANNEL_LAYERS={"default": gone}):
        restrict(page, "login")
    assert PageViewRestriction.objects.filter(page=page).exists()
    assert any("Could not ask readers of ['down']" in r.getMessage() for r in caplog.records)


async def test_deleting_an_ancestor_closes_readers_below_with_4404(make_live_page, home):
    @database_sync_to_async
    def make():
        section = home.add_child(instance=Page(title="Section", slug=f"s-{uuid.uuid4().hex[:6]}"))
        channel_id = f"below-{uuid.uuid4().hex[:8]}"
        make_live_page(parent=section, title=f"Below {channel_id}", channel_id=channel_id)
        return section, channel_id

    section, channel_id = await make()
    reader = await subscribe(channel_id)
    await assert_open(reader)
    await database_sync_to_async(lambda: Page.objects.get(pk=section.pk).delete())()
    await assert_closed(reader, 4404)
    await reader.disconnect()
