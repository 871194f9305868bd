"""Post operations: atomic, logged, merged into drafts, and safe when run side by side."""

import random
import threading

import pytest
from django.db import connection
from wagtail.models import PageLogEntry

from tests.posts import draft_of, editor_adds, post_value
from tests.testapp.models import LiveBlogPage
from wagtail_live_admin.live import operations
from wagtail_live_admin.live.versions import post_version
from wagtail_live_admin.models import PinnedPost, PublishLogEntry

TEXT = [{"type": "text", "value": "<p>Corrected</p>"}]


def fresh(page):
    return LiveBlogPage.objects.get(pk=page.pk)


def last_entry():
    return PublishLogEntry.objects.order_by("-seq").first()


@pytest.fixture
def reporter(django_user_model):
    return django_user_model.objects.create_superuser("reporter", "r@example.com", "pw")


@pytest.fixture
def posted(live_page, reporter):
    """A post added through the composer; returns its raw form as saved."""
    outcome = operations.add_post(
        live_page, post_value("Kick-off"), user=reporter, trigger=operations.COMPOSER
    )
    return outcome.post


@pytest.mark.django_db
def test_add_post_is_published_with_its_trigger_and_user(posted, reporter):
    entry = last_entry()
    assert list(entry.renders) == [posted["id"]]
    assert (entry.trigger, entry.user) == ("composer", reporter)


@pytest.mark.django_db
def test_an_operation_is_written_to_the_pages_history(live_page, posted, reporter):
    entry = PageLogEntry.objects.filter(page=live_page).order_by("-timestamp").first()
    assert entry.action == "wagtail_live_admin.add_post"
    assert (entry.user, entry.data["post_id"], entry.data["excerpt"]) == (
        reporter,
        posted["id"],
        "Kick-off",
    )
    assert "Added live post “Kick-off” (composer)" in entry.message


@pytest.mark.django_db
def test_an_operation_with_a_revision_makes_it_the_live_revision(live_page, reporter):
    outcome = operations.add_post(live_page, post_value("Goal"), user=reporter, revision=True)
    page = fresh(live_page)
    assert page.live_revision == outcome.revision
    assert outcome.revision.user == reporter
    assert [p.id for p in outcome.revision.as_object().live_posts] == [outcome.post["id"]]
    assert not page.has_unpublished_changes


@pytest.mark.django_db
def test_a_pending_draft_keeps_its_changes_and_gains_what_went_live(live_page, reporter):
    draft = draft_of(live_page)
    draft.title = "Match day: the draft's title"
    editor_adds(draft, "The draft's post")
    draft.save_revision()
    outcome = operations.add_post(live_page, post_value("Goal"), user=reporter, revision=True)
    page = fresh(live_page)
    assert page.has_unpublished_changes
    opened = draft_of(live_page)
    assert opened.title == "Match day: the draft's title"
    texts = [post.value["content"][0].value.source for post in opened.live_posts]
    assert sorted(texts) == ["<p>Goal</p>", "<p>The draft's post</p>"]
    assert page.title == "Match day"  # the draft's title is not live
    assert outcome.post["id"] in {post.id for post in opened.live_posts}


@pytest.mark.django_db
def test_edit_post_replaces_content_and_stamps_modified(live_page, posted):
    operations.edit_post(live_page, post_id=posted["id"], content=TEXT)
    post = fresh(live_page).live_posts[0]
    assert post.value["content"][0].value.source == "<p>Corrected</p>"
    assert post.value["modified"] > post.value["created"]
    assert "Corrected" in last_entry().renders[posted["id"]]["content"]


@pytest.mark.django_db
def test_edit_post_over_someone_elses_edit_wins_and_keeps_theirs_in_a_revision(live_page, posted):
    opened = post_version(posted)
    other = [{"type": "text", "value": "<p>Their fix</p>"}]
    operations.edit_post(live_page, post_id=posted["id"], content=other)
    outcome = operations.edit_post(
        live_page, post_id=posted["id"], content=TEXT, base_version=opened
    )
    assert outcome.overridden
    kept = [
        post.value["content"][0].value.source
        for revision in fresh(live_page).revisions.all()
        for post in revision.as_object().live_posts
    ]
    assert "<p>Their fix</p>" in kept


@pytest.mark.django_db
def test_hide_sends_a_removal_and_show_a_render(live_page, posted):
    operations.set_shown(live_page, False, post_id=posted["id"])
    assert (last_entry().renders, last_entry().removals) == ({}, [posted["id"]])
    operations.set_shown(live_page, True, post_id=posted["id"])
    assert list(last_entry().renders) == [posted["id"]]


@pytest.mark.django_db
def test_delete_post_by_message_id_sends_a_removal_and_unpins(live_page, reporter):
    outcome = operations.add_post(live_page, post_value("Mistake", message_id="slack-9"))
    operations.set_pinned(live_page, True, post_id=outcome.post["id"], user=reporter)
    operations.delete_post(live_page, message_id="slack-9")
    assert last_entry().removals == [outcome.post["id"]]
    assert len(fresh(live_page).live_posts) == 0
    assert not PinnedPost.objects.exists()


@pytest.mark.django_db
def test_an_operation_on_a_missing_post_says_so(live_page):
    with pytest.raises(operations.PostNotFound, match="no live post 'nope'"):
        operations.set_shown(live_page, False, message_id="nope")


@pytest.mark.django_db
def test_pin_sends_the_post_again_marked_pinned_and_unpin_unmarked(live_page, posted):
    operations.set_pinned(live_page, True, post_id=posted["id"])
    assert "data-pinned" in last_entry().renders[posted["id"]]["content"]
    operations.set_pinned(live_page, False, post_id=posted["id"])
    assert "data-pinned" not in last_entry().renders[posted["id"]]["content"]


@pytest.mark.django_db
def test_pinned_posts_come_first_for_readers(live_page, posted):
    newer = operations.add_post(live_page, post_value("Goal")).post
    operations.set_pinned(live_page, True, post_id=posted["id"])
    page = fresh(live_page)
    assert [post.id for post in page.get_shown_live_posts()] == [posted["id"], newer["id"]]


@pytest.mark.django_db
def test_the_callers_page_holds_what_is_live_after_an_operation(live_page):
    other = fresh(live_page)
    operations.add_post(other, post_value("From another process"))
    operations.add_post(live_page, post_value("From here"))
    assert len(live_page.live_posts) == 2


class Simulation:
    """What a thread's operations must leave: its posts (message id -> text, shown)."""

    def __init__(self, thread: int, seed: int):
        self.thread, self.random = thread, random.Random(seed)
        self.posts: dict[str, tuple[str, bool]] = {}
        self.pinned: set[str] = set()
        self.sends = 0  # operations readers hear of

    def steps(self, count: int):
        for number in range(count):
            mine = sorted(self.posts)
            kind = (
                "add"
                if not mine
                else self.random.choice(["add", "add", "edit", "hide", "show", "delete", "pin"])
            )
            message_id = f"t{self.thread}-{number}" if kind == "add" else self.random.choice(mine)
            yield kind, message_id

    def apply(self, kind: str, message_id: str) -> None:
        text, shown = self.posts.get(message_id, ("", True))
        if kind == "add":
            self.posts[message_id] = (f"{message_id} first", True)
            self.sends += 1
        elif kind == "edit":
            self.posts[message_id] = (f"{message_id} edited", shown)
            self.sends += shown and text != f"{message_id} edited"
        elif kind in ("hide", "show"):
            self.posts[message_id] = (text, kind == "show")
            self.sends += shown != (kind == "show")
        elif kind == "delete":
            del self.posts[message_id]
            self.sends += shown
        else:
            self.sends += shown and message_id not in self.pinned
            self.pinned.add(message_id)


def run_operations(page_pk: int, simulation: Simulation, count: int, errors: list) -> None:
    try:
        for kind, message_id in simulation.steps(count):
            page = LiveBlogPage.objects.get(pk=page_pk)  # each operation as a request would
            if kind == "add":
                operations.add_post(page, post_value(f"{message_id} first", message_id=message_id))
            elif kind == "edit":
                content = [{"type": "text", "value": f"<p>{message_id} edited</p>"}]
                operations.edit_post(page, message_id=message_id, content=content)
            elif kind in ("hide", "show"):
                operations.set_shown(page, kind == "show", message_id=message_id)
            elif kind == "delete":
                operations.delete_post(page, message_id=message_id)
            else:
                operations.set_pinned(page, True, message_id=message_id)
            simulation.apply(kind, message_id)
    except Exception as error:  # reported by the test, with the thread's number
        errors.append((simulation.thread, repr(error)))
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ten_threads_of_twenty_operations_lose_nothing_and_number_updates_without_gaps(
    fresh_live_page,
):
    """On PostgreSQL (make test's second pass) the row lock is what makes them take turns."""
    simulations = [Simulation(thread, seed=thread) for thread in range(10)]
    errors = []
    threads = [
        threading.Thread(target=run_operations, args=(fresh_live_page.pk, sim, 20, errors))
        for sim in simulations
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert errors == []
    expected = {}
    for simulation in simulations:
        expected.update(simulation.posts)
    page = fresh(fresh_live_page)
    actual = {
        post.value["message_id"]: (
            post.value["content"][0].value.source.removeprefix("<p>").removesuffix("</p>"),
            post.value["show"],
        )
        for post in page.live_posts
    }
    assert actual == expected
    seqs = list(
        PublishLogEntry.objects.filter(channel_id=page.channel_id)
        .order_by("seq")
        .values_list("seq", flat=True)
    )
    assert seqs == list(range(1, sum(sim.sends for sim in simulations) + 1))
