"""Load stage: every syntax error of a YAML file the parser can get past, not only the first.

PyYAML stops at the first error. ``syntax_problems`` finds the others by parsing again:

- the common one first, all at once: a plain value holding ': ' (``title: Азия: будущее``),
  which YAML reads as a second mapping. Every line of that shape (outside block scalars) is
  quoted in a copy, which is parsed again; a line the copy shows to be a quoted value is
  reported, with the quoted line to write (``quote it: title: "Азия: будущее"``), and one it
  shows to be something else (a line of a block scalar) is restored;
- any other error: its line, and the lines indented under it, are made comments in the copy,
  and the copy is parsed again, up to ``MAX_RECOVERIES`` times and only while the errors move
  down the file (an error above the last one is the cut's own doing, and is not reported).

Nothing here converts values: a file with a syntax error gives problems only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import yaml

from reportgen.errors import Problem, SourceLoc

MAX_RECOVERIES = 30
_BLOCK = re.compile(r"[|>][0-9+-]*\s*(#.*)?$")
_NOT_PLAIN = tuple("\"'[{|>&*!%@`")


def syntax_problems(text: str, file: Path, first: yaml.MarkedYAMLError,
                    compose: Callable[[str], yaml.Node | None]) -> list[Problem]:
    """The syntax errors of ``text`` (``file``'s), the first being ``first``."""
    lines = text.split("\n")
    colons = dict(_colon_lines(lines))
    problems: list[Problem] = []
    error: yaml.MarkedYAMLError | None = first
    last = -1
    for _ in range(MAX_RECOVERIES):
        if error is None:
            break
        mark = error.problem_mark or error.context_mark
        if mark is None or mark.line < last:
            break
        if _is_colon_error(error) and mark.line in colons:
            confirmed = _quoted_lines(lines, colons, compose)
            for n in sorted(confirmed):
                problems.append(Problem(SourceLoc(file, n + 1, colons[n][0] + 1),
                                        _colon_message(lines[n], confirmed[n])))
                lines[n] = confirmed[n]
            colons = {n: c for n, c in colons.items() if n not in confirmed}
            if mark.line in confirmed:
                last = mark.line
                error = _error_of(lines, compose)
                continue
        problems.append(Problem(_loc(file, mark), f"YAML syntax error: {_what(error)}"))
        line = _line_to_cut(error, mark.line)
        last = line if line < mark.line else mark.line  # errors after the cut are reported
        _comment_out(lines, line)
        error = _error_of(lines, compose)
    return problems or [Problem(_loc(file, first.problem_mark or first.context_mark),
                                f"YAML syntax error: {_what(first)}")]


def _what(error: yaml.MarkedYAMLError) -> str:
    what = error.problem or "invalid YAML"
    context = error.context_mark
    if what.startswith("found unexpected end of stream") and context is not None:
        what += f" (it opens at line {context.line + 1}, column {context.column + 1}, and is " \
            "never closed)"
    return f"{error.context}, {what}" if error.context else what


def _loc(file: Path, mark: yaml.Mark | None) -> SourceLoc:
    return SourceLoc(file) if mark is None else SourceLoc(file, mark.line + 1, mark.column + 1)


def _error_of(lines: list[str], compose: Callable[[str], yaml.Node | None]
              ) -> yaml.MarkedYAMLError | None:
    try:
        compose("\n".join(lines))
    except yaml.MarkedYAMLError as exc:
        return exc
    except yaml.YAMLError:  # pragma: no cover - PyYAML marks its errors
        return None
    return None


def _is_colon_error(error: yaml.MarkedYAMLError) -> bool:
    return (error.problem or "").startswith("mapping values are not allowed")


# ------------------------------------------------------------ 'key: value: with colon'

def _colon_lines(lines: list[str]) -> Iterator[tuple[int, tuple[int, str]]]:
    """(line index, (index of the offending ':', the line with its value quoted)) for each
    line whose plain value holds ': ' or ends with ':', outside block scalars."""
    block_indent: int | None = None
    for n, line in enumerate(lines):
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if block_indent is not None:
            if not stripped or indent > block_indent:
                continue  # a line of a block scalar ('|' or '>')
            block_indent = None
        if not stripped or stripped.startswith("#"):
            continue
        head = indent
        while line.startswith("- ", head) or line[head:] == "-":
            head += 2
            while line.startswith(" ", head):
                head += 1
        sep = line.find(": ", head)
        if sep < 0 or line[head:head + 1] in _NOT_PLAIN or " #" in line[head:sep]:
            continue
        start = sep + 2
        while line.startswith(" ", start):
            start += 1
        value = line[start:]
        if _BLOCK.match(value):
            block_indent = indent
            continue
        if not value or value.startswith(_NOT_PLAIN) or value.startswith("#"):
            continue
        comment = value.find(" #")
        body, rest = (value, "") if comment < 0 else (value[:comment], value[comment:])
        body = body.rstrip()
        inner = body.find(": ")
        colon = inner if inner >= 0 else (len(body) - 1 if body.endswith(":") else -1)
        if colon < 0:
            continue
        yield n, (start + colon, line[:start] + _quote(body) + rest)


def _quote(text: str) -> str:
    if '"' in text and "'" not in text:
        return f"'{text}'"
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _quoted_lines(lines: list[str], colons: dict[int, tuple[int, str]],
                  compose: Callable[[str], yaml.Node | None]) -> dict[int, str]:
    """The lines of ``colons`` that, quoted, are a quoted value in the copy: line -> quoted."""
    copy = list(lines)
    for n, (_, quoted) in colons.items():
        copy[n] = quoted
    try:
        node = compose("\n".join(copy))
    except yaml.MarkedYAMLError as exc:
        # Another error further down: what comes before it is still a guide.
        mark = exc.problem_mark or exc.context_mark
        limit = mark.line if mark is not None else 0
        try:
            node = compose("\n".join(copy[:limit]))
        except yaml.YAMLError:
            return {n: colons[n][1] for n in colons if n < limit}
    found = set(_quoted_scalar_lines(node))
    return {n: quoted for n, (_, quoted) in colons.items() if n in found}


def _quoted_scalar_lines(node: yaml.Node | None) -> Iterator[int]:
    stack = [node] if node is not None else []
    while stack:
        item = stack.pop()
        if isinstance(item, yaml.ScalarNode):
            if item.style in ('"', "'"):
                yield item.start_mark.line
        elif isinstance(item, yaml.SequenceNode):
            stack.extend(item.value)
        elif isinstance(item, yaml.MappingNode):
            stack.extend(v for pair in item.value for v in pair)


def _colon_message(line: str, quoted: str) -> str:
    return (f"YAML syntax error: mapping values are not allowed here: the value holds ': ', "
            f"which YAML reads as another key; quote it: {quoted.strip().removeprefix('- ')}")


# ------------------------------------------------------------ any other error

def _line_to_cut(error: yaml.MarkedYAMLError, line: int) -> int:
    """The line whose removal lets the parser go on: where an unclosed scalar or collection
    began (the context), else where the error is."""
    context = error.context_mark
    if context is not None and (error.problem or "").startswith(
            ("found unexpected end of stream", "found unexpected end", "found unknown escape")):
        return context.line
    if context is not None and (error.context or "").startswith(("while parsing a flow",
                                                                 "while scanning a quoted")):
        return context.line
    return line


def _comment_out(lines: list[str], n: int) -> None:
    """Line ``n`` and the lines indented under it become comments."""
    if n >= len(lines):
        return
    indent = len(lines[n]) - len(lines[n].lstrip(" "))
    lines[n] = "#" + lines[n]
    for m in range(n + 1, len(lines)):
        stripped = lines[m].lstrip(" ")
        if stripped and len(lines[m]) - len(stripped) <= indent:
            break
        lines[m] = "#" + lines[m]
