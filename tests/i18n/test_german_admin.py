"""Every Live admin page and partial, with the admin in German: no English of ours is left."""

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings

from tests.i18n.catalogs import LOCALE_DIR, read_po
from tests.i18n.conftest import client_in

HTMX = {"HTTP_HX_REQUEST": "true"}
# The admin's requests commit as they go, and deliver on commit.
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("fresh_cache"),
]


class VisibleText(HTMLParser):
    """The text a reader of the page meets: text, and the attributes read out or shown."""

    SKIPPED = {"script", "style", "code", "pre", "textarea"}
    READ = {"title", "aria-label", "alt", "placeholder"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks, self.skipping = [], []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self.skipping.append(tag)
        for name, value in attrs:
            if value and (name in self.READ or name.startswith("data-label-")):
                self.chunks.append(value)

    def handle_endtag(self, tag):
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.chunks.append(data)


def visible_text(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return [" ".join(chunk.split()) for chunk in parser.chunks]


PO = LOCALE_DIR / "de" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]|%[sdr]")


def english_pattern(msgid: str) -> re.Pattern | None:
    """Match ``msgid``'s words as a page shows them; None where it has no words of its own."""
    text = re.sub(r"<[^>]+>", " ", msgid)
    parts = [" ".join(part.split()) for part in PLACEHOLDER.split(text)]
    parts = [part for part in parts if re.search(r"[A-Za-z]{2}", part)]
    if not parts:
        return None
    body = r".{0,200}?".join(re.escape(part) for part in parts)
    return re.compile(rf"(?<![\w-]){body}(?![\w-])")


def english_messages() -> dict[str, re.Pattern]:
    """Our msgids whose German differs: their English on a German page is left untranslated."""
    patterns = {}
    for message in read_po(PO):
        for english, german in zip([message.msgid, message.plural], message.msgstr, strict=False):
            pattern = english and english != german and english_pattern(english)
            if pattern:
                patterns[english] = pattern
    return patterns


def pages(marathon) -> dict[str, tuple]:
    """Every Live admin page and partial: name -> (method, URL, data, headers)."""
    page, sent, failed = marathon["page"], marathon["sent"], marathon["failed"]
    channel = f"/admin/live/channels/{page.channel_id}"
    post = f"{channel}/posts/{page.get_live_post_by_message_id('m2').id}"
    return {
        "dashboard": ("get", "/admin/live/", {}, {}),
        "dashboard results": ("get", "/admin/live/results/", {}, HTMX),
        "dashboard search without match": ("get", "/admin/live/", {"q": "zzz"}, {}),
        "channel": ("get", f"{channel}/", {}, {}),
        "watching": ("get", f"{channel}/watching/", {}, HTMX),
        "composer list": ("get", f"{channel}/posts/", {}, HTMX),
        "composer row": ("get", f"{post}/", {}, HTMX),
        "composer edit": ("get", f"{post}/edit/", {}, HTMX),
        "composer delete": ("get", f"{post}/delete/", {}, HTMX),
        "composer post nothing": ("post", f"{channel}/posts/new/", {}, HTMX),
        "log": ("get", "/admin/live/log/", {}, {}),
        "log results": ("get", "/admin/live/log/results/", {}, HTMX),
        "log filtered without match": ("get", "/admin/live/log/", {"status": "pending"}, {}),
        "log csv": ("get", "/admin/live/log/", {"export": "csv"}, {}),
        "sent entry": ("get", f"/admin/live/log/{sent.pk}/", {}, {}),
        "failed entry": ("get", f"/admin/live/log/{failed.pk}/", {}, {}),
        "republish": ("get", f"/admin/live/log/{failed.pk}/republish/", {}, {}),
        "republish failed": ("get", "/admin/live/log/republish-failed/", {}, {}),
        "resync": ("get", f"{channel}/resync/", {}, {}),
        "api tokens": ("get", "/admin/live/api-tokens/", {}, {}),
        "new api token": ("get", "/admin/live/api-tokens/new/", {}, {}),
        "home panel": ("get", "/admin/", {}, {}),
        "page editor panel": ("get", f"/admin/pages/{page.pk}/edit/", {}, {}),
        # Last: a re-publish changes the log. The row, and its refusal of a second one.
        "republish row": ("post", f"/admin/live/log/{failed.pk}/republish/row/", {}, HTMX),
        "republish row refused": ("post", f"/admin/live/log/{failed.pk}/republish/row/", {}, HTMX),
    }


def render(client, method, url, data, headers) -> str:
    response = getattr(client, method)(url, data, **headers)
    assert response.status_code in (200, 403, 409, 422, 429), (url, response.status_code)
    if response.streaming:  # an export
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def test_every_live_admin_page_is_german(marathon, german, english):
    patterns = english_messages()
    left = {}
    for name, request in pages(marathon).items():
        html = render(german, *request)
        # A failed send's error is the exception's own text, in English wherever it shows.
        # So is the test app's page model's name ("Live blog page").
        text = " ¶ ".join(visible_text(html)).replace(marathon["failed"].error, "")
        text = re.sub(re.escape(marathon["page"]._meta.verbose_name), "", text, flags=re.I)
        found = [english for english, pattern in patterns.items() if pattern.search(text)]
        if found:
            left[name] = found
    assert left == {}, left


def untranslated(client_de, client_en, request) -> set[str]:
    """Text a page shows alike in German and in English."""
    same = set(visible_text(render(client_de, *request))) & set(
        visible_text(render(client_en, *request))
    )
    return {chunk for chunk in same if re.search(r"[A-Za-z]{3}", chunk)}


def test_no_page_shows_english_that_no_catalog_holds(marathon, german, english):
    # Strings never marked for translation are in no catalog: they show alike in both
    # languages. Beside them, only data, and words that German spells the same.
    page = marathon["page"]
    data = {page.title, page.channel_id, marathon["failed"].error, "Root"}
    data |= {f"{page.channel_id} #{seq}" for seq in range(1, 4)}
    page.refresh_from_db()
    data |= {item["id"] for item in page.live_posts.raw_data}
    data |= {"“Startschuss gefallen”", "“Erste Zwischenzeit”"}
    data |= {message.msgid for message in read_po(PO) if [message.msgid] == message.msgstr}
    # Wagtail's own admin, around our pages: what it leaves untranslated, and its home page.
    for url in (
        "/admin/pages/",
        f"/admin/pages/{page.get_parent().pk}/",
        "/admin/reports/site-history/",
    ):
        data |= untranslated(german, english, ("get", url, {}, {}))
    left = {}
    for name, request in pages(marathon).items():
        if name.startswith("republish row"):
            continue  # a POST: it changes what the second language would see
        words = untranslated(german, english, request) - data
        parts = {part for chunk in words for part in re.split(r": | - | \(|\)$", chunk)}
        parts -= data | {"", "Wagtail", settings.WAGTAIL_SITE_NAME, "Dashboard"}
        parts -= {str(page._meta.verbose_name).capitalize()}
        if parts:
            left[name] = sorted(parts)
    assert left == {}, left


def test_the_permission_refusal_is_german(marathon):
    text = " ".join(visible_text(render(client_in("de", "editor"), "get", "/admin/live/", {}, {})))
    assert "Sie haben leider keine Berechtigung" in text
