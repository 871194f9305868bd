"""A new Wagtail site built from docs/tutorial/live-blog.md alone, on the installed wheel.

``wagtail start``, then the tutorial's code blocks applied as a reader would
(tests/doc_blocks.py) and its commands; then a post published in the real page editor
reaches a reader's open page: under ``runserver``, then under uvicorn with ``DEBUG`` off,
WhiteNoise and Redis, as the tutorial's step 9 runs it.
"""

import os
import re
import secrets
import urllib.request
import uuid

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.chromium import (
    PUBLISH_TIMEOUT_MS,
    Editor,
    Reader,
    explained_failure,
    launch_chromium,
    new_context,
)
from tests.doc_blocks import TUTORIAL, applied_blocks, command
from tests.servers import CommandServer
from tests.services import free_port, require_chromium, require_redis
from tests.wheel_install import CLEAN_ENV, outside_repo, run

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.server, pytest.mark.redis]

ADMIN, PASSWORD = "admin", "tutorial-only-3xq"
NO_ISSUES = "System check identified no issues (0 silenced)."
HOME_ID = (
    "from wagtail.models import Site; print(Site.objects.get(is_default_site=True).root_page_id)"
)


class Site:
    """The tutorial's project, its virtualenv on PATH as if activated."""

    def __init__(self, installed, directory):
        self.directory = directory
        self.project = directory / "mysite"
        self.env = {
            "PATH": f"{installed.venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
            "VIRTUAL_ENV": str(installed.venv),
        }

    def do(self, argv, *, env=None, cwd=None) -> str:
        """Run one of the tutorial's commands; return what it printed."""
        result = run(*argv, cwd=cwd or self.project, env={**self.env, **(env or {})})
        return result.stdout + result.stderr

    def check(self, env=None) -> None:
        output = self.do(command(TUTORIAL, "python manage.py check"), env=env)
        assert output.strip() == NO_ISSUES, output

    def serve(self, argv, *, port, ready, env=None) -> CommandServer:
        # Unbuffered: the test waits for what the server prints.
        env = {**CLEAN_ENV, **self.env, **(env or {}), "PYTHONUNBUFFERED": "1"}
        return CommandServer(argv, port=port, cwd=self.project, env=env, ready=ready)


def exported(name: str) -> str:
    """The value the tutorial's ``export NAME=...`` gives."""
    [line] = command(TUTORIAL, f"export {name}=")[1:]
    return line.partition("=")[2]


def create_live_page(page: Page, base_url: str, home_id: int, title: str) -> int:
    """Step 7: Home, Add child page, Live blog page, a title, Publish; return the page's id."""
    page.goto(f"{base_url}/admin/pages/{home_id}/add_subpage/")
    page.get_by_role("link", name="Live blog page", exact=True).click()
    page.locator("#id_title").fill(title)
    page.locator("#id_title").press("Tab")  # the slug follows the title
    page.get_by_role("button", name="More actions", exact=True).click()
    page.get_by_role("button", name="Publish", exact=True).click()
    message = page.locator(".messages .success")
    expect(message).to_contain_text("created and published", timeout=PUBLISH_TIMEOUT_MS)
    edit_url = message.get_by_role("link", name="Edit").get_attribute("href")
    return int(re.search(r"/pages/(\d+)/edit/", edit_url)[1])


def publish_and_watch(browser, server, tmp_path, page_url, page_id, text) -> Reader:
    """Step 8: a reader has the page open; the editor publishes a post; the reader sees it."""
    reader = Reader(new_context(browser), page_url)
    editor = Editor(new_context(browser, viewport={"width": 1400, "height": 1000}), server.url)
    with explained_failure(server, tmp_path, reader=reader.page, editor=editor.page):
        reader.expect_status("live")
        editor.log_in(ADMIN, PASSWORD)
        editor.open(page_id)
        post_id = editor.add_text_post(text)
        editor.publish()
        expect(reader.post(post_id)).to_contain_text(text)
        reader.assert_not_reloaded()
    return reader


def test_a_site_built_from_the_tutorial_delivers_live_posts(installed_wheel, tmp_path_factory):
    chromium, redis_url = require_chromium(), require_redis()
    site = Site(installed_wheel, outside_repo(tmp_path_factory.mktemp("tutorial")))
    site.do(command(TUTORIAL, "wagtail start"), cwd=site.directory)
    site.do(command(TUTORIAL, "python manage.py startapp"))
    for block in applied_blocks():
        block.apply(site.project)
    site.do(command(TUTORIAL, "python manage.py makemigrations"))
    site.do(command(TUTORIAL, "python manage.py migrate"))
    site.check()
    site.do(
        [*command(TUTORIAL, "python manage.py createsuperuser"), "--noinput"],
        env={
            "DJANGO_SUPERUSER_USERNAME": ADMIN,
            "DJANGO_SUPERUSER_EMAIL": "admin@example.com",
            "DJANGO_SUPERUSER_PASSWORD": PASSWORD,
        },
    )
    home_id = int(site.do(["python", "manage.py", "shell", "-c", HOME_ID]).split()[-1])
    tmp_path = site.directory

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, chromium)

        # Steps 6 to 8: runserver (daphne's), the in-memory layer.
        port = free_port()
        runserver = [*command(TUTORIAL, "python manage.py runserver"), f"127.0.0.1:{port}"]
        with site.serve([*runserver, "--noreload"], port=port, ready="Starting ASGI/Daphne") as dev:
            admin = new_context(browser)
            editor = Editor(admin, dev.url)
            editor.log_in(ADMIN, PASSWORD)
            with explained_failure(dev, tmp_path, admin=editor.page):
                page_id = create_live_page(editor.page, dev.url, home_id, "Match day")
                # The Live admin renders (it needs django_htmx's template tags).
                dashboard = editor.page.goto(f"{dev.url}/admin/live/")
                assert dashboard.status == 200
                expect(editor.page.get_by_text("Match day").first).to_be_visible()
            publish_and_watch(browser, dev, tmp_path, f"{dev.url}/match-day/", page_id, "Kick-off!")

        # Step 9: production settings, uvicorn with two workers, WhiteNoise, Redis.
        production = site.project / "mysite" / "settings" / "production.py"
        prefix = f"wla-tutorial-{uuid.uuid4().hex[:8]}"
        with production.open("a") as settings:
            settings.write(
                "\n# tests/test_tutorial.py: the test's own layer prefix on the shared Redis.\n"
                f'CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = {prefix!r}\n'
            )
        assert redis_url == "redis://127.0.0.1:6379/0"  # the address the tutorial gives
        env = {name: exported(name) for name in ["DJANGO_SETTINGS_MODULE", "DJANGO_ALLOWED_HOSTS"]}
        env["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
        site.do(command(TUTORIAL, "python manage.py collectstatic"), env=env)
        site.check(env)
        uvicorn = command(TUTORIAL, "uvicorn ")
        port = free_port()
        uvicorn[uvicorn.index("--port") + 1] = str(port)
        with site.serve(uvicorn, port=port, ready="Uvicorn running on", env=env) as prod:
            reader = publish_and_watch(
                browser, prod, tmp_path, f"{prod.url}/match-day/", page_id, "Goal!"
            )
            # live.js, under the hashed name ManifestStaticFilesStorage gives it.
            script = reader.page.locator("script[src*='wagtail_live_admin/js/live']")
            src = script.get_attribute("src")
            assert re.fullmatch(r"/static/wagtail_live_admin/js/live\.\w+\.js", src), src
            with urllib.request.urlopen(prod.url + src, timeout=10) as response:
                assert response.status == 200
                assert "javascript" in response.headers["Content-Type"]
                assert "data-live-page" in response.read().decode()
        browser.close()
