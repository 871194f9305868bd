"""The docs stay in step with the code and each other: settings, checks, links, install steps.

Settings rule: docs/reference/settings.md has one ``## WAGTAIL_LIVE_<KEY>`` section per key
of ``conf.DEFAULTS``, each with a table whose Default cell is ``repr(default)`` in
backticks (``True``, ``1024``, ``'dotted.path'``) and whose Type and Description cells are
filled in.
"""

import re
from pathlib import Path

import pytest

from tests.doc_blocks import applied_blocks, block_with
from wagtail_live_admin.conf import DEFAULTS, PREFIX
from wagtail_live_admin.realtime import consumers

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SETTINGS_DOC = DOCS / "reference" / "settings.md"
WEBSOCKET_DOC = DOCS / "reference" / "websocket.md"
MARKDOWN_FILES = [ROOT / "README.md", ROOT / "CHANGELOG.md", *sorted(DOCS.rglob("*.md"))]

CLOSE_CODES = {name: value for name, value in vars(consumers).items() if name.startswith("CLOSE_")}

FENCE = re.compile(r"^```[^\n]*\n.*?^```", re.M | re.S)
INLINE_CODE = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)
SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


def without_code(text: str) -> str:
    return INLINE_CODE.sub("", FENCE.sub("", text))


def setting_sections() -> dict[str, str]:
    """Map each ``## WAGTAIL_LIVE_*`` heading of settings.md to its section's text."""
    text = FENCE.sub("", SETTINGS_DOC.read_text())
    parts = re.split(rf"^## ({PREFIX}\w+)\s*$", text, flags=re.M)
    sections = {}
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        assert name not in sections, f"{name} has two sections in {SETTINGS_DOC.name}"
        sections[name] = re.split(r"^#{1,2} ", body, maxsplit=1, flags=re.M)[0]
    return sections


def table_cell(section: str, row: str) -> str | None:
    match = re.search(rf"^\|\s*{row}\s*\|\s*(.*?)\s*\|\s*$", section, re.M)
    return match[1] if match else None


def anchors(path: Path) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens."""
    seen: dict[str, int] = {}
    for heading in HEADING.findall(FENCE.sub("", path.read_text())):
        slug = re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        if count:
            seen[f"{slug}-{count}"] = 1
    return set(seen)


@pytest.mark.parametrize("key", sorted(DEFAULTS))
def test_settings_doc_has_a_table_for_each_setting(key):
    section = setting_sections().get(PREFIX + key)
    assert section is not None, f"{SETTINGS_DOC.name} has no '## {PREFIX}{key}' section"
    assert table_cell(section, "Default") == f"`{DEFAULTS[key]!r}`"
    assert table_cell(section, "Type"), f"{PREFIX}{key} has no Type row"
    assert table_cell(section, "Description"), f"{PREFIX}{key} has no Description row"


def test_settings_doc_documents_no_unknown_setting():
    known = {PREFIX + key for key in DEFAULTS}
    assert set(setting_sections()) <= known
    mentioned = set(re.findall(rf"\b{PREFIX}[A-Z0-9_]+\b", SETTINGS_DOC.read_text()))
    assert mentioned <= known, f"unknown settings in {SETTINGS_DOC.name}: {mentioned - known}"


def test_consumers_define_close_codes():
    assert CLOSE_CODES, "no CLOSE_* constants found in wagtail_live_admin.realtime.consumers"


@pytest.mark.parametrize("name", sorted(CLOSE_CODES))
def test_websocket_doc_lists_each_close_code(name):
    row = re.compile(rf"^\|\s*{CLOSE_CODES[name]}\s*\|\s*`{name}`\s*\|.+\|\s*$", re.M)
    assert row.search(WEBSOCKET_DOC.read_text()), (
        f"{WEBSOCKET_DOC.name} has no table row '| {CLOSE_CODES[name]} | `{name}` | ... |'"
    )


@pytest.mark.parametrize("path", MARKDOWN_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_point_at_existing_files(path):
    broken = []
    for target in LINK.findall(without_code(path.read_text())):
        if SCHEME.match(target):
            continue
        file_part, _, fragment = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        if not linked.exists():
            broken.append(f"{target} (no file {linked})")
        elif fragment and linked.suffix == ".md" and fragment not in anchors(linked):
            broken.append(f"{target} (no heading #{fragment} in {linked.name})")
    assert not broken, f"broken links in {path.relative_to(ROOT)}: {broken}"


def test_docs_index_links_every_page():
    linked = {
        (DOCS / target.partition("#")[0]).resolve()
        for target in LINK.findall(without_code((DOCS / "index.md").read_text()))
        if not SCHEME.match(target)
    }
    pages = {path.resolve() for path in DOCS.rglob("*.md")} - {(DOCS / "index.md").resolve()}
    assert pages <= linked, f"pages missing from docs/index.md: {sorted(pages - linked)}"


# The install docs agree with the tutorial, whose blocks tests/test_tutorial.py applies to a
# new `wagtail start` site and runs.

INSTALL_DOC = DOCS / "how-to" / "install.md"
README = ROOT / "README.md"


def tutorial_block(path: str, needle: str = "") -> str:
    [code] = [b.code for b in applied_blocks() if b.path == path and needle in b.code]
    return code


def without_file_comment(code: str) -> str:
    """A block as the tutorial writes it: without a first line naming its file."""
    first, _, rest = code.partition("\n")
    return rest if re.fullmatch(r"# [\w/]+\.py", first) else code


def quoted_apps(code: str) -> list[str]:
    return re.findall(r'^\s*"([\w.]+)",', code, re.M)


@pytest.mark.parametrize(
    "doc", [README, INSTALL_DOC, DOCS / "how-to" / "migrate-from-wagtail-live.md"]
)
def test_the_asgi_application_is_the_tutorials(doc):
    asgi = without_file_comment(block_with(doc, "python", "ProtocolTypeRouter"))
    assert asgi == tutorial_block("mysite/asgi.py")


@pytest.mark.parametrize("doc", [README, INSTALL_DOC, DOCS / "how-to" / "redis.md"])
def test_the_redis_layer_is_the_tutorials(doc):
    redis = block_with(doc, "python", "RedisChannelLayer")
    assert redis == tutorial_block("mysite/settings/production.py", "RedisChannelLayer")


def test_the_whitenoise_setting_is_the_tutorials():
    whitenoise = block_with(INSTALL_DOC, "python", "WhiteNoiseMiddleware")
    assert whitenoise == tutorial_block("mysite/settings/production.py", "WhiteNoiseMiddleware")


@pytest.mark.parametrize("doc", [README, INSTALL_DOC])
def test_installed_apps_are_the_tutorials(doc):
    tutorial = quoted_apps(tutorial_block("mysite/settings/base.py", "INSTALLED_APPS"))
    site_apps = ["liveblog"]  # the tutorial's own app
    assert quoted_apps(block_with(doc, "python", "INSTALLED_APPS")) == [
        app for app in tutorial if app not in site_apps
    ]
    assert tutorial[0] == "daphne"


def test_each_system_check_has_a_row_in_the_python_api_reference():
    ids = {
        match
        for module in ["checks.py", "realtime/checks.py"]
        for match in re.findall(
            r'id="(wagtail_live_admin\.[EW]\d{3})"',
            (ROOT / "wagtail_live_admin" / module).read_text(),
        )
    }
    table = (DOCS / "reference" / "python-api.md").read_text()
    assert ids, "no check ids found"
    assert {i for i in ids if f"| `{i}` |" not in table} == set()
