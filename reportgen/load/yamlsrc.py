"""Load stage: YAML text to plain Python values, remembering where each value came from.

PyYAML's safe loader is used (no Python tags), duplicate keys are reported
(PyYAML silently keeps the last one) and alias expansion is capped against
"billion laughs" documents. Files are read as every input is (``text.chars``:
UTF-8 located, a BOM dropped, control characters refused), and so are the strings
an escape writes ("\0"). Nothing here knows the report's schema.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from reportgen.errors import InputError, Problem, Problems, SourceLoc
from reportgen.load.yamlsyntax import syntax_problems
from reportgen.recent import recent
from reportgen.text.chars import character_problems, first_bad, message, read_text

Path_ = tuple[str | int, ...]

#: More nodes than this in one file is treated as an alias bomb, not as data.
MAX_NODES = 200_000
MAX_DEPTH = 64
_MERGE = "tag:yaml.org,2002:merge"
#: The tags of plain data; anything else (!!python/..., !!binary, custom tags) is refused.
_PLAIN_TAGS = frozenset(f"tag:yaml.org,2002:{t}" for t in (
    "str", "int", "float", "bool", "null", "timestamp", "seq", "map", "merge"))


@dataclass(slots=True)
class Located:
    """A YAML document as plain values plus the location of every value and key."""

    file: Path
    data: Any
    value_locs: dict[Path_, SourceLoc] = field(default_factory=dict)
    key_locs: dict[Path_, SourceLoc] = field(default_factory=dict)
    #: Plain (unquoted) scalars that YAML typed as bool, float, int or date: their source text.
    plain_text: dict[Path_, str] = field(default_factory=dict)

    def loc(self, path: Path_, key: bool = False) -> SourceLoc:
        """The nearest known location of ``path`` (walking up to its parents)."""
        table = self.key_locs if key else self.value_locs
        probe = tuple(path)
        while probe:
            if probe in table:
                return table[probe]
            if probe in self.value_locs:
                return self.value_locs[probe]
            probe = probe[:-1]
        return self.value_locs.get((), SourceLoc(self.file, 1, 1))


def dotted(path: Path_) -> str:
    """'periods[0].id' for ('periods', 0, 'id'): a path as messages show it."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _mark_loc(file: Path, mark: yaml.Mark | None) -> SourceLoc:
    if mark is None:
        return SourceLoc(file)
    return SourceLoc(file, mark.line + 1, mark.column + 1)


class _Converter:
    def __init__(self, file: Path, problems: Problems) -> None:
        self.file = file
        self.problems = problems
        self.constructor = yaml.SafeLoader("")  # only its scalar constructors are used
        self.nodes = 0
        self.out = Located(file, None)

    def convert(self, node: yaml.Node, path: Path_, depth: int = 0) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES or depth > MAX_DEPTH:
            raise InputError.single(
                _mark_loc(self.file, node.start_mark),
                f"the YAML document expands to more than {MAX_NODES} values or nests deeper "
                f"than {MAX_DEPTH} levels (recursive or repeated aliases?)",
            )
        loc = _mark_loc(self.file, node.start_mark)
        self.out.value_locs[path] = loc
        if node.tag not in _PLAIN_TAGS:
            shown = node.tag.replace("tag:yaml.org,2002:", "!!")
            self.problems.error(loc, f"YAML: unknown tag {shown} (a report holds plain data only)")
            return None
        if isinstance(node, yaml.ScalarNode):
            try:
                value = self.constructor.construct_object(node, deep=True)
            except ValueError as exc:  # e.g. 2018-13-01 looks like a date but is none
                self.problems.error(loc, f"{dotted(path)}: {node.value!r} is not a valid "
                                    f"{node.tag.rsplit(':', 1)[-1]} ({exc})")
                return node.value
            if isinstance(value, str) and (ch := first_bad(value)):  # written as an escape
                self.problems.error(loc, message(ch, dotted(path)))
            # A plain scalar's style is None (PyYAML) or '' (libyaml).
            if not node.style and not isinstance(value, str) and value is not None:
                self.out.plain_text[path] = node.value
            return value
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            explicit = [pair for pair in node.value if pair[0].tag != _MERGE]
            self.constructor.flatten_mapping(node)  # resolves '<<' merge keys in place
            merged = [pair for pair in node.value if pair not in explicit]
            result: dict[str, Any] = {}
            explicit_seen: dict[str, SourceLoc] = {}
            for key_node, value_node in merged + explicit:
                key = self.constructor.construct_object(key_node, deep=True)
                key_loc = _mark_loc(self.file, key_node.start_mark)
                if not isinstance(key, str | int) or isinstance(key, bool):
                    self.problems.error(key_loc, f"expected a text key, got {key!r}")
                    continue
                key = str(key)
                if ch := first_bad(key):
                    self.problems.error(key_loc, message(ch, f"{dotted(path)} (a key)" if path
                                                         else "a key"))
                    continue
                if (key_node, value_node) in explicit:
                    # A merged ('<<') key may be overridden; an explicit one may not repeat.
                    if key in explicit_seen:
                        self.problems.error(
                            key_loc,
                            f"duplicate key '{key}' (first defined at line "
                            f"{explicit_seen[key].line}); YAML would silently keep the last one",
                        )
                        continue
                    explicit_seen[key] = key_loc
                self.out.key_locs[(*path, key)] = key_loc
                result[key] = self.convert(value_node, (*path, key), depth + 1)
            return result
        raise TypeError(f"unknown YAML node {node!r}")  # pragma: no cover


#: libyaml's parser when PyYAML was built with it (ten times faster), else PyYAML's own.
_FAST_LOADER = getattr(yaml, "CSafeLoader", None)


class _TooDeep(Exception):
    """The document nests deeper than the parser's recursion can follow."""


def _compose(text: str) -> yaml.Node | None:
    """The node tree of ``text``. A document libyaml refuses is parsed again by PyYAML's own
    parser, whose error messages (and judgement) are the ones reported. PyYAML composes by
    recursion: a document nested thousands deep ('[[[[...') is ``_TooDeep``."""
    try:
        if _FAST_LOADER is not None:
            try:
                return yaml.compose(text, Loader=_FAST_LOADER)
            except yaml.YAMLError:
                pass
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError:
        raise _TooDeep from None


def _too_deep(text: str, file: Path) -> Problem:
    """The error for a document too deeply nested, at the line where it first nests deeper
    than ``MAX_DEPTH`` in brackets or indentation."""
    depth = 0
    for n, line in enumerate(text.split("\n"), 1):
        indent = (len(line) - len(line.lstrip(" "))) // 2
        for ch in line:
            depth += 1 if ch in "[{" else -1 if ch in "]}" else 0
            if max(depth, indent) > MAX_DEPTH:
                return Problem(SourceLoc(file, n), f"the YAML document nests deeper than "
                               f"{MAX_DEPTH} levels")
    return Problem(SourceLoc(file, 1), f"the YAML document nests deeper than {MAX_DEPTH} levels")


def parse_yaml(text: str, file: Path) -> Located:
    """Parse ``text`` (the contents of ``file``) into a ``Located`` document.

    Raises ``InputError`` with every duplicate key, or with the syntax errors (``yamlsyntax``:
    each one the parser can get past).
    An empty document gives ``{}``.

    A text parsed before in this process is not parsed again (the preview reads every data
    file and front matter after each save): its values are a copy of the first parse's,
    the caller's own to change.
    """
    data, values, keys, plain = _parsed(text, file)
    return Located(file, pickle.loads(data), dict(values), dict(keys), dict(plain))


@recent(maxsize=256)
def _parsed(text: str, file: Path) -> tuple[bytes, dict[Path_, SourceLoc],
                                             dict[Path_, SourceLoc], dict[Path_, str]]:
    """``parse_yaml``'s document, its values pickled (an error is raised, not kept)."""
    problems = Problems()
    if bad := character_problems(text, file):  # the text of a file not read by load_yaml
        raise InputError(bad)
    try:
        try:
            node = _compose(text)
        except yaml.MarkedYAMLError as exc:  # every error the parser can get past, at once
            raise InputError(syntax_problems(text, file, exc, _compose)) from None
    except _TooDeep:
        raise InputError([_too_deep(text, file)]) from None
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML always marks its errors
        raise InputError.single(SourceLoc(file), f"YAML error: {exc}") from None
    converter = _Converter(file, problems)
    data = {} if node is None else converter.convert(node, ())
    if node is None:
        converter.out.value_locs[()] = SourceLoc(file, 1, 1)
    problems.raise_if_errors()
    out = converter.out
    return (pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL), out.value_locs, out.key_locs,
            out.plain_text)


def load_yaml(file: Path) -> Located:
    """Read and parse a YAML file; a missing or unreadable file is an ``InputError``."""
    return parse_yaml(read_text(file), file)
