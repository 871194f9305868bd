"""The package's message catalogs: make them (``make messages``) and read them in tests.

The strings live in two trees, ``wagtail_live_admin/`` and the root ``templates/`` (which
the wheel maps into the package), and both go to the one catalog that ships with the
package, ``wagtail_live_admin/locale/<language>/LC_MESSAGES/django.po``.
"""

import ast
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCALE_DIR = ROOT / "wagtail_live_admin" / "locale"
LANGUAGES = ["de"]
# Everything else in the checkout: its strings are not the package's.
IGNORED = ["tests", "sandbox", "bench", "docs", "static", "build", "dist", ".*"]


def make_messages(root: Path = ROOT, locale_dir: Path = LOCALE_DIR) -> None:
    """Extract the strings of ``root``'s package and templates into ``locale_dir``'s catalogs."""
    from django.core.management import call_command
    from django.test import override_settings

    locale_dir.mkdir(parents=True, exist_ok=True)
    cwd = os.getcwd()
    os.chdir(root)
    try:
        # makemessages writes a file's strings to the locale folder beside it, or else to
        # the first of LOCALE_PATHS: templates/ has none, so this sends them to the package's.
        with override_settings(LOCALE_PATHS=[locale_dir]):
            call_command(
                "makemessages",
                locale=LANGUAGES,
                ignore_patterns=IGNORED,
                no_obsolete=True,
                add_location="file",
                verbosity=0,
            )
            call_command("compilemessages", locale=LANGUAGES, verbosity=0)
    finally:
        os.chdir(cwd)


@dataclass
class Message:
    msgid: str
    msgstr: list[str]
    context: str = ""
    plural: str = ""
    flags: set[str] = field(default_factory=set)


def read_po(path: Path) -> list[Message]:
    """The messages of a .po file, without its header."""
    messages, current, key, flags = [], None, None, set()

    def finish():
        if current is not None and current.msgid:
            messages.append(current)

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#,"):
            flags = {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("msgctxt ") or (line.startswith("msgid ") and key != "msgctxt"):
            finish()
            current, flags = Message(msgid="", msgstr=[], flags=flags), set()
        match = re.match(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$', line)
        if match:
            key = match.group(1)
            if key.startswith("msgstr"):
                current.msgstr.append("")
            line = match.group(2)
        if line.startswith('"'):
            text = ast.literal_eval(line)
            if key == "msgctxt":
                current.context += text
            elif key == "msgid":
                current.msgid += text
            elif key == "msgid_plural":
                current.plural += text
            else:
                current.msgstr[-1] += text
    finish()
    return messages


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    django.setup()
    make_messages()
