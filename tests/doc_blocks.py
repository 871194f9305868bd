"""The docs' code blocks: the tutorial's, applied to a site as a reader would, and commands.

A block that goes into a file has an HTML comment just above its fence:
``<!-- apply: replace <file> -->``, ``<!-- apply: append <file> -->`` or
``<!-- apply: insert <file> before <line> -->`` (before the first line that reads ``<line>``).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TUTORIAL = ROOT / "docs" / "tutorial" / "live-blog.md"

FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.M | re.S)
APPLY = re.compile(
    r"^<!-- apply: (replace|append|insert) (\S+)(?: before (.+?))? -->\n```\w*\n(.*?)^```",
    re.M | re.S,
)


@dataclass(frozen=True)
class Block:
    mode: str
    path: str
    before: str | None
    code: str

    def apply(self, project: Path) -> None:
        target = project / self.path
        if self.mode == "replace":
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(self.code)
            return
        text = target.read_text()
        if self.mode == "append":
            target.write_text(f"{text.rstrip()}\n\n\n{self.code}")
            return
        lines = text.splitlines(keepends=True)
        at = next((i for i, line in enumerate(lines) if line.strip() == self.before), None)
        assert at is not None, f"{self.path} has no line {self.before!r} to insert before"
        target.write_text("".join([*lines[:at], self.code, "\n", *lines[at:]]))


def applied_blocks(doc: Path = TUTORIAL) -> list[Block]:
    """The blocks of ``doc`` marked to go into a file, in order."""
    return [Block(*match.groups()) for match in APPLY.finditer(doc.read_text())]


def code_blocks(doc: Path, language: str) -> list[str]:
    return [code for lang, code in FENCE.findall(doc.read_text()) if lang == language]


def block_with(doc: Path, language: str, needle: str) -> str:
    """The one ``language`` block of ``doc`` that contains ``needle``."""
    found = [code for code in code_blocks(doc, language) if needle in code]
    assert len(found) == 1, f"{doc.name}: {len(found)} {language} blocks contain {needle!r}"
    return found[0]


def command(doc: Path, start: str) -> list[str]:
    """The command of ``doc``'s console blocks that starts with ``start``, split.

    The same command may appear more than once; two different ones are an error.
    """
    lines = {
        line
        for code in code_blocks(doc, "console")
        for line in code.splitlines()
        if line.startswith(start)
    }
    assert len(lines) == 1, f"{doc.name}: commands starting with {start!r}: {sorted(lines)}"
    return shlex.split(lines.pop())
