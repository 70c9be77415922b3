"""Check stage: the prose of a section as it was typed, with the place of every character.

The release gate's checks of dates and names read what an editor typed: the
front matter's ``title``, ``lead`` and ``cut`` and the Markdown body, with
everything that is not prose blanked out (``{{ }}``, ``{% %}`` and ``{# #}``,
fenced blocks such as ``{table}``, code, HTML tags and comments, link targets,
addresses, cross-reference roles), so that a date in a file name or a value
printed from the data is not read as typed text. Blanking keeps every other
character where it was, so an offset gives the file's line and column.

Editors tell the checks that something is right on purpose with a Jinja comment,
which prints nothing: ``{# reportgen: dates-ok #}`` (the dates of its paragraph)
and ``{# reportgen: names-ok Name1 Name2 #}`` (these spellings are different
names). Nothing here records problems.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from pathlib import Path

from reportgen.assemble.document import SectionText
from reportgen.check.consistency import FRONT_MATTER_TEXTS
from reportgen.errors import SourceLoc

#: A note to the checks: ``{# reportgen: dates-ok #}``, ``{# reportgen: names-ok A B #}``.
MARKER = re.compile(r"\{#-?\s*reportgen:\s*(?P<what>[a-z-]+)(?P<args>[^#]*?)\s*-?#\}")
_NOT_PROSE = re.compile(
    r"""
     ^[ \t]*(?P<fence>```|~~~)[^\n]*\n[\s\S]*?(?:^[ \t]*(?P=fence)[ \t]*$|\Z)  # fenced blocks
    |\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}|\{\#[\s\S]*?\#\}      # expressions, statements, comments
    |<!--[\s\S]*?-->|</?[A-Za-z][^>]*>                     # HTML
    |`[^`\n]*`                                             # code
    |\]\([^)\n]*\)|^\[\^?[^\]\n]+\]:                        # link targets, note labels
    |\{(?:numref|ref)\}`[^`]*`|^\([\w-]+\)=                # cross-references and labels
    |\b(?:https?|mailto|ftp):[^\s)>\]]+|\bwww\.[^\s)>\]]+  # addresses
    """,
    re.M | re.X,
)

_BLANK = re.compile(r"[^\n]")


@dataclass(frozen=True, slots=True)
class Typed:
    """A section's file with all but its typed prose blanked (the same length as the file)."""

    file: Path
    lang: str
    text: str  # the file as it is
    prose: str  # the same, with what is not prose replaced by spaces (newlines kept)
    lines: tuple[int, ...]  # where each line starts

    def loc(self, offset: int) -> SourceLoc:
        line = bisect.bisect_right(self.lines, offset)
        return SourceLoc(self.file, line, offset - self.lines[line - 1] + 1)

    def paragraph(self, offset: int) -> tuple[int, int]:
        """The span of the paragraph (lines between blank ones) around ``offset``."""
        starts = [m.end() for m in re.finditer(r"\n[ \t]*\n", self.text[:offset])]
        start = starts[-1] if starts else 0
        after = re.search(r"\n[ \t]*\n", self.text[offset:])
        return start, offset + after.start() if after else len(self.text)

    def markers(self, what: str) -> list[tuple[int, str]]:
        """The offsets and arguments of the notes ``{# reportgen: <what> ... #}``."""
        return [(m.start(), m.group("args").strip()) for m in MARKER.finditer(self.text)
                if m.group("what") == what]


def typed(section: SectionText) -> Typed:
    """The typed prose of ``section``: its front matter texts and its body."""
    text = section.text
    lines = tuple([0] + [m.end() for m in re.finditer("\n", text)])
    keep = bytearray(len(text))  # 1 where a character is typed prose
    for start, end in _regions(section, lines):
        keep[start:end] = b"\1" * (end - start)
    for m in _NOT_PROSE.finditer(text, lines[section.body_line] if section.body_line < len(lines)
                                 else len(text)):
        keep[m.start():m.end()] = bytes(m.end() - m.start())
    for start, end in _regions(section, lines, front_only=True):
        for m in _NOT_PROSE.finditer(text, start, end):
            keep[m.start():m.end()] = bytes(m.end() - m.start())
    parts, at = [], 0
    for run in re.finditer(rb"\x00+", bytes(keep)):
        parts += [text[at:run.start()], _BLANK.sub(" ", text[run.start():run.end()])]
        at = run.end()
    prose = "".join([*parts, text[at:]])
    return Typed(section.file, section.lang, text, prose, lines)


def _regions(section: SectionText, lines: tuple[int, ...], front_only: bool = False
             ) -> list[tuple[int, int]]:
    """The spans of the file that hold typed text: the front matter's texts, then the body."""
    front = section.front
    body = lines[section.body_line] if section.body_line < len(lines) else len(section.text)
    keys = sorted((loc.line or 0, loc.col or 0) for path, loc in front.key_locs.items()
                  if len(path) == 1)
    spans = []
    for key in FRONT_MATTER_TEXTS:
        if (key,) not in front.key_locs or not isinstance(front.data.get(key), str):
            continue
        at = front.value_locs[(key,)]
        start = lines[(at.line or 1) - 1] + (at.col or 1) - 1
        later = [k for k in keys if k > (at.line or 0, at.col or 0)]
        end = lines[later[0][0] - 1] + later[0][1] - 1 if later else lines[section.body_line - 1]
        spans.append((start, min(end, body)))
    return spans if front_only else [*spans, (body, len(section.text))]
