"""Where in a section file the text of a block was typed, when it is not the block's own
lines: the front matter's ``title``, ``lead`` and ``cut``, a bold lead paragraph, a
picture's caption (its alt text), a table's or an inline chart's ``caption:``, a
footnote's text after its ``[^label]:``.

Pull stage. A ``Place`` is the lines of the base text that hold the text, split into
what stays (``head``, ``tail``: a key, quotes, markers) and the text itself as the
build read it (``text``: a YAML scalar decoded), with the way to write a new text back
(``encode``: quoted as the scalar was, or plain when YAML allows it). A text that cannot
be found as typed gives None, and the caller reports where it comes from instead.
Reads only the texts it is given.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import yaml

from reportgen.load.sections import FRONT_MATTER
from reportgen.pull import merge


@dataclass(frozen=True, slots=True)
class Place:
    """Lines ``start``..``end`` (1-based) of ``file``'s base text: ``head`` + the text as
    written + ``tail``."""

    file: str
    start: int
    end: int
    head: str
    text: str
    tail: str
    encode: Callable[[str], str] = str

    def lines(self, text: str) -> tuple[str, ...]:
        return tuple(f"{self.head}{self.encode(text)}{self.tail}".split("\n"))


def block(file: str, base: str, start: int, end: int) -> Place:
    """A block's own lines, a list item's marker kept apart."""
    lines = base.split("\n")
    source = "\n".join(lines[start - 1:end])
    stripped = source.lstrip()
    for marker in ("- ", "* ", "+ "):
        if stripped.startswith(marker):
            head = source[:len(source) - len(stripped)] + marker
            return Place(file, start, end, head, stripped[len(marker):], "")
    return Place(file, start, end, "", source, "")


def front_matter(file: str, base: str, key: str) -> Place | None:
    """The front matter's scalar ``key``, or None when it has none."""
    match = FRONT_MATTER.match(base)
    if not match or not match.group(1):
        return None
    return yaml_scalar(file, base, 2, base[:match.end(1)].count("\n"), (key,))


def bold_lead(file: str, base: str) -> Place | None:
    """The body's first paragraph when it is bold throughout (the Jekyll lead)."""
    match = FRONT_MATTER.match(base)
    lines = base.split("\n")
    first = base[:match.end()].count("\n") if match else 0
    while first < len(lines) and not lines[first].strip():
        first += 1
    last = first
    while last + 1 < len(lines) and lines[last + 1].strip():
        last += 1
    text = "\n".join(lines[first:last + 1])
    for fence in ("**", "__"):
        if text.startswith(fence) and text.endswith(fence) and len(text) > 4:
            return Place(file, first + 1, last + 1, fence, text[2:-2], fence)
    return None


def footnote(file: str, base: str, start: int, end: int) -> Place:
    """A footnote's paragraph: its first one after ``[^label]: ``, a later one indented."""
    place = block(file, base, start, end)
    head = re.match(r"\s*\[\^[^\]]+\]:[ \t]*|\s*", place.text)
    cut = head.end() if head else 0
    return Place(file, start, end, place.head + place.text[:cut], place.text[cut:], "")


_ALTS = (re.compile(r"!\[((?:[^\]\\]|\\.)*)\]\("), re.compile(r"""\balt=(["'])(.*?)\1"""),
         re.compile(r"""\bcaption=(["'])(.*?)\1"""))


def picture_caption(file: str, base: str, line: int, caption: str) -> Place | None:
    """A picture's caption typed on ``line``: the alt text of ``![alt](…)`` or of an
    ``<img alt="…">``, or a ``caption="…"``, whichever reads as ``caption``."""
    lines = base.split("\n")
    if not 0 < line <= len(lines):
        return None
    text = lines[line - 1]
    for pattern in _ALTS:
        for found in pattern.finditer(text):
            group = found.lastindex or 1
            value = found.group(group)
            if merge.same(value, caption):
                a, b = found.span(group)
                quote = found.group(1) if group == 2 else None
                return Place(file, line, line, text[:a], value, text[b:],
                             _attribute(quote) if quote else _bracketed)
    return None


def fenced(file: str, base: str, line: int, keys: Sequence[tuple[str, ...]],
           caption: str) -> Place | None:
    """The scalar at one of ``keys`` in the YAML of the fenced block (a ```{table} or
    ```{chart}) that opens on ``line`` or whose content starts there, or in its language's
    entry, that reads as ``caption``."""
    lines = base.split("\n")
    opening = next((i for i in (line, line - 1) if 0 < i <= len(lines)
                    and lines[i - 1].lstrip().startswith(("```", "~~~"))), None)
    if opening is None:
        return None
    fence = lines[opening - 1].lstrip()[:3]
    last = opening
    while last < len(lines) and not lines[last].lstrip().startswith(fence):
        last += 1
    for path in keys:
        place = yaml_scalar(file, base, opening + 1, last, path, caption)
        if place is not None:
            return place
    return None


def yaml_scalar(file: str, base: str, first: int, last: int, path: tuple[str, ...],
                same_as: str | None = None) -> Place | None:
    """The scalar at ``path`` in the YAML on lines ``first``..``last`` of ``base``; when it
    is a mapping (texts per language), its entry that reads as ``same_as``."""
    lines = base.split("\n")
    text = "\n" * (first - 1) + "\n".join(lines[first - 1:last])
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    for key in path:
        node = _child(node, key)
    if isinstance(node, yaml.MappingNode) and same_as is not None:
        node = next((v for _, v in node.value if isinstance(v, yaml.ScalarNode)
                     and merge.same(v.value, same_as)), None)
    if not isinstance(node, yaml.ScalarNode) or node.tag != "tag:yaml.org,2002:str":
        return None
    if same_as is not None and not merge.same(node.value, same_as):
        return None
    s, e = node.start_mark, node.end_mark
    start, end = s.line + 1, e.line + 1
    if node.style in ("|", ">"):  # a block scalar: written back double-quoted on its key's line
        end = e.line if e.column == 0 else e.line + 1
        head = lines[start - 1][:s.column]
        return Place(file, start, end, head, node.value.rstrip("\n"), "", _double)
    head, tail = lines[start - 1][:s.column], lines[end - 1][e.column:]
    encode = {'"': _double, "'": _single}.get(node.style or "", _plain)
    return Place(file, start, end, head, node.value, tail, encode)


def _child(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    return next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key),
                None)


def _double(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _single(text: str) -> str:
    return "'" + text.replace("'", "''").replace("\n", " ") + "'"


def _plain(text: str) -> str:
    """``text`` as a plain scalar when YAML reads it back as the same string, else quoted."""
    try:
        same = yaml.safe_load(f"k: {text}") == {"k": text}
    except yaml.YAMLError:
        same = False
    return text if same and "\n" not in text else _double(text)


def _bracketed(text: str) -> str:
    return re.sub(r"(?<!\\)([\[\]])", r"\\\1", text)


def _attribute(quote: str) -> Callable[[str], str]:
    return lambda text: text.replace(quote, "&quot;" if quote == '"' else "&#39;")
