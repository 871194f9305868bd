"""``load_demo``: live blogs published through the package, so the Live admin has history.

It runs in the sandbox (its own settings and SQLite file), in a subprocess.
"""

import pytest

from tests.sandbox import manage, sandbox_env, shell_json

pytestmark = pytest.mark.slow  # two sandbox databases, migrated and loaded in subprocesses

BLOGS = {  # channel id: (url, posts, restricted)
    "city-marathon": ("/live-blog/", 12, False),
    "election-night": ("/election-night/", 128, False),
    "council-budget": ("/council-budget/", 6, True),
}

# What a sandbox shell prints about the demo content (as JSON on its last line).
SNAPSHOT = """
import json
from django.contrib.auth import get_user_model
from wagtail.images import get_image_model
from wagtail.models import Page, Site
from liveblog.models import LiveBlogPage

blogs = LiveBlogPage.objects.order_by("pk")
admin = get_user_model().objects.get(username="admin")
print(json.dumps({
    "blogs": {
        b.channel_id: {
            "url": b.url, "live": b.live, "restricted": b.get_view_restrictions().exists(),
            "revisions": b.revisions.count(), "last_updated_at": b.last_updated_at.isoformat(),
            "posts": [(p.id, p.value["message_id"], p.value["created"].isoformat(),
                       [block.block_type for block in p.value["content"]])
                      for p in b.live_posts],
        }
        for b in blogs
    },
    "site_root": Site.objects.get(is_default_site=True).root_page.specific_class.__name__,
    "pages": Page.objects.count(),
    "images": sorted(get_image_model().objects.values_list("title", "file")),
    "admin": [admin.is_superuser, admin.check_password("changeme"), admin.password],
}))
"""

# The publish log and the Live admin as the sandbox's admin user sees them.
LIVE_ADMIN = """
import json
from django.contrib.auth import get_user_model
from django.test import Client
from wagtail_live_admin.models import PublishLogEntry

admin = get_user_model().objects.get(username="admin")
client = Client(HTTP_HOST="localhost")
client.force_login(admin)
dashboard = client.get("/admin/live/")
log = {
    channel_id: client.get("/admin/live/log/", {"channel_id": channel_id})
    for channel_id in PublishLogEntry.objects.values_list("channel_id", flat=True).distinct()
}
print(json.dumps({
    "entries": [
        [e.channel_id, e.seq, e.status, e.trigger, e.user_id == admin.pk, bool(e.renders)]
        for e in PublishLogEntry.objects.order_by("channel_id", "seq")
    ],
    "dashboard": [dashboard.status_code, dashboard.content.decode()],
    "log": {c: [r.status_code, r.content.decode()] for c, r in log.items()},
    "newest": {
        c: f"/admin/live/log/{PublishLogEntry.objects.filter(channel_id=c).latest('seq').pk}/"
        for c in log
    },
    "counts": client.get("/admin/live/counts/").json(),
}))
"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """Load the demo twice into a fresh SQLite file; return both runs' output and state."""
    tmp = tmp_path_factory.mktemp("sandbox")
    env = sandbox_env(
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}", SANDBOX_MEDIA_ROOT=str(tmp / "media")
    )
    manage("migrate", "--noinput", env=env)
    first_output = manage("load_demo", env=env)
    first = shell_json(SNAPSHOT, env=env)
    second_output = manage("load_demo", env=env)
    return {
        "first": first,
        "second": shell_json(SNAPSHOT, env=env),
        "outputs": [first_output, second_output],
        "admin": shell_json(LIVE_ADMIN, env=env),
    }


def test_load_demo_publishes_three_live_blogs_one_of_them_restricted(demo):
    blogs = demo["second"]["blogs"]
    assert {
        channel_id: (blog["url"], blog["live"], len(blog["posts"]), blog["restricted"])
        for channel_id, blog in blogs.items()
    } == {
        channel_id: (url, True, posts, restricted)
        for channel_id, (url, posts, restricted) in BLOGS.items()
    }


def test_load_demo_makes_the_marathons_posts_newest_first_some_with_images(demo):
    posts = demo["second"]["blogs"]["city-marathon"]["posts"]
    assert len({message_id for _, message_id, _, _ in posts}) == 12
    created = [created for _, _, created, _ in posts]
    assert created == sorted(created, reverse=True)
    assert sum("image" in blocks for *_, blocks in posts) == 3
    assert len(demo["second"]["images"]) == 3


def test_load_demo_publishes_every_post_through_the_publish_log(demo):
    entries = demo["admin"]["entries"]
    for channel_id, (_, posts, _) in BLOGS.items():
        mine = [entry for entry in entries if entry[0] == channel_id]
        # One update per post, numbered from 1, sent, by the admin from the composer.
        assert [seq for _, seq, *_ in mine] == list(range(1, posts + 1))
        assert {tuple(entry[2:]) for entry in mine} == {("sent", "composer", True, True)}


def test_after_load_demo_the_live_admin_shows_each_blog_and_its_log(demo):
    status, dashboard = demo["admin"]["dashboard"]
    assert status == 200
    for channel_id in BLOGS:
        assert channel_id in dashboard
        status, log = demo["admin"]["log"][channel_id]
        assert status == 200
        # The newest update of the channel is on the first page of its log.
        assert f'href="{demo["admin"]["newest"][channel_id]}"' in log
    counts = demo["admin"]["counts"]
    assert {channel["channel_id"] for channel in counts["channels"]} == set(BLOGS)


def test_load_demo_replaces_wagtails_welcome_page_with_the_home_page(demo):
    assert demo["second"]["site_root"] == "HomePage"
    assert demo["second"]["pages"] == 5  # the tree root, the home page and three live blogs


def test_load_demo_sets_up_the_sandbox_admin_login(demo):
    assert demo["second"]["admin"][:2] == [True, True]


def test_load_demo_run_twice_changes_nothing(demo):
    assert demo["second"] == demo["first"]
    assert demo["outputs"][1].count("unchanged") == 5, demo["outputs"][1]
    assert demo["admin"]["entries"] == sorted(demo["admin"]["entries"])
    assert len(demo["admin"]["entries"]) == sum(posts for _, posts, _ in BLOGS.values())
