"""The sandbox: ``load_demo`` is idempotent, and ``make demo`` serves a fresh clone."""

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.servers import ROOT
from tests.services import free_port, port_open

# Settings, database and layer of the sandbox's own, not the test run's.
FOREIGN_ENV = {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "VIRTUAL_ENV", "PYTHONPATH"}
DEMO_TEXTS = [
    "Good morning from Riverside Avenue, where 18,000 runners are warming up.",
    "The lead group reaches the bridge at halfway in 1:03:12.",
    "Kimani wins in 2:07:48, a new course record!",
]
# What a sandbox shell prints about the demo content (as JSON on its last line).
SNAPSHOT = """
import json
from django.contrib.auth import get_user_model
from wagtail.images import get_image_model
from wagtail.models import Page, Site
from liveblog.models import LiveBlogPage

blogs = LiveBlogPage.objects.all()
admin = get_user_model().objects.get(username="admin")
print(json.dumps({
    "blogs": [
        {"url": b.url, "live": b.live, "channel_id": b.channel_id,
         "revisions": b.revisions.count(), "last_updated_at": b.last_updated_at.isoformat(),
         "posts": [(p.id, p.value["message_id"], p.value["created"].isoformat(),
                    [block.block_type for block in p.value["content"]])
                   for p in b.live_posts]}
        for b in blogs
    ],
    "site_root": Site.objects.get(is_default_site=True).root_page.specific_class.__name__,
    "pages": Page.objects.count(),
    "images": sorted(get_image_model().objects.values_list("title", "file")),
    "admin": [admin.is_superuser, admin.check_password("changeme"), admin.password],
}))
"""


def sandbox_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in FOREIGN_ENV}
    return {**env, **extra}


def manage(*args, env) -> str:
    result = subprocess.run(
        [sys.executable, "sandbox/manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"manage.py {args[0]} failed:\n{result.stdout}{result.stderr}"
    return result.stdout


def snapshot(env) -> dict:
    return json.loads(manage("shell", "-c", SNAPSHOT, env=env).strip().splitlines()[-1])


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """Load the demo twice into a fresh SQLite file; return both runs' output and state."""
    tmp = tmp_path_factory.mktemp("sandbox")
    env = sandbox_env(
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}", SANDBOX_MEDIA_ROOT=str(tmp / "media")
    )
    manage("migrate", "--noinput", env=env)
    first_output = manage("load_demo", env=env)
    first = snapshot(env)
    second_output = manage("load_demo", env=env)
    return {
        "first": first,
        "second": snapshot(env),
        "outputs": [first_output, second_output],
        "env": env,
    }


def test_load_demo_makes_one_published_live_blog_at_live_blog(demo):
    [blog] = demo["second"]["blogs"]
    assert (blog["url"], blog["live"], blog["channel_id"]) == ("/live-blog/", True, "city-marathon")


def test_load_demo_makes_twelve_posts_newest_first_some_with_images(demo):
    posts = demo["second"]["blogs"][0]["posts"]
    assert len(posts) == 12
    assert len({message_id for _, message_id, _, _ in posts}) == 12
    created = [created for _, _, created, _ in posts]
    assert created == sorted(created, reverse=True)
    assert sum("image" in blocks for *_, blocks in posts) == 3
    assert len(demo["second"]["images"]) == 3


def test_load_demo_replaces_wagtails_welcome_page_with_the_home_page(demo):
    assert demo["second"]["site_root"] == "HomePage"
    assert demo["second"]["pages"] == 3  # the tree root, the home page and the live blog


def test_load_demo_sets_up_the_sandbox_admin_login(demo):
    assert demo["second"]["admin"][:2] == [True, True]


def test_load_demo_run_twice_changes_nothing(demo):
    assert demo["second"] == demo["first"]
    assert demo["outputs"][1].count("unchanged") == 3, demo["outputs"][1]


FAVICON = """
from django.test import Client
response = Client(HTTP_HOST="localhost").get("/favicon.ico", follow=True)
print(response.status_code, response.redirect_chain[-1][0], response["Content-Type"])
"""


def test_the_sandbox_serves_a_favicon(demo):
    output = manage("shell", "-c", FAVICON, env=demo["env"])
    status, url, content_type = output.strip().splitlines()[-1].split()
    assert (status, url) == ("200", "/static/wagtailadmin/images/favicon.ico")
    assert content_type.startswith("image/")


def stop_process_group(process: subprocess.Popen) -> None:
    """Stop the process and everything it started; a group already gone is fine."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
    process.wait()


@pytest.mark.slow
def test_make_demo_on_a_fresh_clone_serves_the_live_blog(tmp_path):
    # A clone holds what is committed: the demo must not rely on anything untracked.
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    port = free_port()
    log_path = tmp_path / "make-demo.log"
    with log_path.open("w") as log:
        # Its own process group, so that make, daphne and anything else go together.
        make = subprocess.Popen(
            ["make", "demo", f"PORT={port}"],
            cwd=clone,
            env=sandbox_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        # It makes its own virtualenv and installs into it first: minutes, not seconds.
        deadline = time.monotonic() + 8 * 60
        while not port_open("127.0.0.1", port) and time.monotonic() < deadline:
            assert make.poll() is None, f"make demo exited:\n{log_path.read_text()}"
            time.sleep(1)
        assert port_open("127.0.0.1", port), f"nothing on port {port}:\n{log_path.read_text()}"
        base = f"http://127.0.0.1:{port}"
        assert f"Live blog: {base}/live-blog/" in log_path.read_text()
        with urllib.request.urlopen(f"{base}/live-blog/", timeout=30) as response:
            assert response.status == 200
            html = response.read().decode()
        assert 'id="live-posts"' in html
        for text in DEMO_TEXTS:
            assert text in html
        [script] = re.findall(r'<script src="([^"]*/live\.js)"', html)
        with urllib.request.urlopen(base + script, timeout=30) as response:
            assert response.status == 200
    finally:
        stop_process_group(make)
        shutil.rmtree(clone, ignore_errors=True)  # half a gigabyte, with its virtualenv
