"""Load stage: a narrative section's file as read: its text, its front matter, its body.

A section is Markdown with YAML front matter between ``---`` lines at the top (a
Jekyll page's layout). ``read_section`` reads one edition's file (``editions``
says which): UTF-8 text, the front matter located at the file's own lines and
validated (``schema.FrontMatter``), and the body after it. A file outside the
project, not UTF-8, without front matter or with front matter that is not valid
is recorded as a problem at the place it concerns. Nothing here reads the
Markdown body or renders its expressions: that is the assemble stage's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from reportgen.errors import InputError, Problems, SourceLoc
from reportgen.load.editions import SectionSource
from reportgen.load.schema import FrontMatter
from reportgen.load.validate import validate
from reportgen.load.yamlsrc import Located, parse_yaml
from reportgen.resources import OutsideWorld, World
from reportgen.text.chars import read_text

FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?---[ \t]*(\r?\n|\Z)", re.S)


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """(front matter YAML or None, body, number of lines before the body)."""
    match = FRONT_MATTER.match(text)
    if not match:
        return None, text, 0
    front = match.group(1) or ""
    return front, text[match.end():], text[: match.end()].count("\n")


@dataclass(frozen=True, slots=True)
class SectionFile:
    """One section's file, read and its front matter validated."""

    file: Path  # resolved, inside the report project
    text: str  # the whole file
    front_doc: Located  # the front matter, with lines and columns as in the file
    front: FrontMatter
    body: str  # the Markdown after the front matter
    body_line: int  # lines before the body


def read_section(source: SectionSource, root: Path, problems: Problems) -> SectionFile | None:
    """The file of ``source`` (a section of the report project at ``root``), or None with the
    problems recorded."""
    try:
        file = World.of(root).in_project(source.file)
    except OutsideWorld:
        what = "section" if source.appendix is None else "appendix"
        problems.error(source.loc, f"{what} '{source.ref}' is outside the report project")
        return None
    try:
        # UTF-8 located, a BOM dropped, control characters refused (text.chars, issue 23).
        text = read_text(file)
    except InputError as exc:
        problems.extend(exc.problems)
        return None
    front_text, body, offset = split_front_matter(text)
    if front_text is None:
        problems.error(SourceLoc(file, 1), "expected YAML front matter between '---' lines "
                       "at the top (at least a title)")
        return None
    try:
        # One leading newline stands for the opening '---', so lines match the file.
        front_doc = parse_yaml("\n" + front_text, file)
    except InputError as exc:
        problems.extend(exc.problems)
        return None
    if not isinstance(front_doc.data, dict):
        problems.error(SourceLoc(file, 2), "expected front matter keys (title: ...)")
        return None
    front = validate(FrontMatter, front_doc, problems)
    if front is None:
        return None
    return SectionFile(file, text, front_doc, front, body, offset)
