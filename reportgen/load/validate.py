"""Load stage: check a located YAML document against a schema class, with file:line errors.

Pydantic does the checking; this module turns its errors into messages that
say where, what was expected and what came, suggests the closest known key
for a misspelt one, and explains YAML's implicit typing when it bit.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections import defaultdict
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from reportgen.errors import Problems, did_you_mean
from reportgen.load import datatext
from reportgen.load.yamlsrc import Located, Path_, dotted

M = TypeVar("M", bound=BaseModel)

_EXPECTED = {
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "string_type": "text",
    "bool_type": "true or false",
    "date_type": "a date (YYYY-MM-DD)",
    "date_parsing": "a date (YYYY-MM-DD)",
    "date_from_datetime_inexact": "a date without a time (YYYY-MM-DD)",
    "list_type": "a list",
    "dict_type": "a mapping of keys to values",
    "model_type": "a mapping of keys to values",
    "model_attributes_type": "a mapping of keys to values",
    "string_too_short": "non-empty text",
}


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    return repr(value)


def _data_path(data: Any, loc: tuple[Any, ...]) -> Path_:
    """Keep the parts of a pydantic error location that index the data (drop union tags)."""
    out: list[str | int] = []
    node = data
    for at, part in enumerate(loc):
        indexes_dict = isinstance(node, dict) and isinstance(part, str) and part in node
        indexes_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        following = loc[at + 1] if at + 1 < len(loc) else None
        if indexes_dict or indexes_list:
            out.append(part)
            node = node[part]
        elif isinstance(node, dict) and isinstance(following, str) and following in node:
            continue  # a union's branch named by its class ('Column'), then a key of the mapping
        elif isinstance(node, dict) and isinstance(part, str) and not _is_tag(part):
            out.append(part)  # a missing or unknown key: the path ends here
            node = None
    return tuple(out)


def _is_tag(part: str) -> bool:
    tags = {"str", "int", "float", "bool", "constrained-str", "constrained-int", "dict", "list"}
    return any(ch in part for ch in "[]()") or part in tags


def _unwrap(tp: Any) -> list[Any]:
    """The classes a field annotation may hold (through Optional, Annotated, list, dict)."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(tp) for t in _unwrap(arg)]
    if origin in (list, dict):
        return _unwrap(typing.get_args(tp)[-1])
    return [tp]


def _known_keys(model: type[BaseModel], path: Path_) -> list[str]:
    """Field names of the schema class that ``path`` (a mapping) is validated against."""
    classes: list[Any] = [model]
    for part in path:
        nxt: list[Any] = []
        for cls in classes:
            if isinstance(cls, type) and issubclass(cls, BaseModel):
                if isinstance(part, str) and part in cls.model_fields:
                    nxt.extend(_unwrap(cls.model_fields[part].annotation))
                else:  # the key of a dict[...] field, or a list index
                    nxt.append(cls)
            # for dict/list containers _unwrap already stepped to the item type
        classes = nxt or classes
    for cls in classes:
        if isinstance(cls, type) and issubclass(cls, BaseModel):
            return list(cls.model_fields)
    return []


def validate(model: type[M], doc: Located, problems: Problems, prefix: Path_ = ()) -> M | None:
    """Validate ``doc.data`` (or the part of it at ``prefix``) against ``model``.

    Every problem is added to ``problems``; returns the instance, or None if invalid.
    """
    data = doc.data
    for part in prefix:
        data = data[part]
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        _report(model, doc, exc, problems, prefix, data)
        return None


def _report(
    model: type[BaseModel],
    doc: Located,
    exc: ValidationError,
    problems: Problems,
    prefix: Path_,
    data: Any,
) -> None:
    grouped: dict[Path_, list[dict[str, Any]]] = defaultdict(list)
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        if err["type"] == datatext.ERROR:  # a text's own check knows the path under it
            loc += tuple(err["ctx"]["path"])
        grouped[_data_path(data, loc)].append(dict(err))
    for path, errs in grouped.items():
        if any(len(other) > len(path) and other[:len(path)] == path for other in grouped) and all(
                e["type"] in _EXPECTED for e in errs):
            continue  # a union's plain branch ('expected text') where a mapping's key is wrong
        full = (*prefix, *path)
        name = dotted(full)
        types_ = {e["type"] for e in errs}
        if datatext.ERROR in types_:
            ctx = next(e for e in errs if e["type"] == datatext.ERROR)["ctx"]
            msg = f"{name}: {ctx['message']}"
            if "value" in ctx:
                msg += f", got {_describe(ctx['value'])}{_typed(doc, full, ctx['value'])}"
            problems.error(doc.loc(full), msg)
            continue
        if "extra_forbidden" in types_:
            key = str(path[-1])
            known = _known_keys(model, path[:-1])
            problems.error(
                doc.loc(full, key=True),
                f"{name}: unknown key '{key}'{did_you_mean(key, known)}",
            )
            continue
        if "missing" in types_:
            problems.error(doc.loc(full[:-1]), f"{name}: missing required key '{path[-1]}'")
            continue
        value = errs[0].get("input")
        expected = [_EXPECTED[e["type"]] for e in errs if e["type"] in _EXPECTED]
        others = [e for e in errs if e["type"] not in _EXPECTED]
        if isinstance(value, dict | list) and len(expected) < len(errs):
            # A union where a structured branch came close: its own message is more useful.
            expected = []
        if expected and not others or expected and len(expected) >= len(others):
            wanted = " or ".join(dict.fromkeys(expected))
            msg = f"{name}: expected {wanted}, got {_describe(value)}"
            if "text" in wanted:
                msg += _typed(doc, full, value)
            problems.error(doc.loc(full), msg)
            continue
        prefix_ = f"{name}: " if name else ""
        for message in dict.fromkeys(_message(err) for err in others or errs):
            problems.error(doc.loc(full), f"{prefix_}{message}")


def _typed(doc: Located, path: Path_, value: Any) -> str:
    """Where text was expected: how YAML read an unquoted value that looks like text."""
    plain = doc.plain_text.get(path)
    if plain is None:
        return ""
    typed = f"the number {value}" if isinstance(value, int | float) \
        and not isinstance(value, bool) else _describe(value)
    return f" (YAML reads the unquoted {plain!r} as {typed}; quote it: \"{plain}\")"


def _message(err: dict[str, Any]) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    value = err.get("input")
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    if kind == "greater_than_equal":
        return f"expected a number ≥ {ctx.get('ge'):g}, got {_describe(value)}"
    if kind == "string_pattern_mismatch":
        return (
            "expected an identifier (latin letters, digits, '_' or '-'), "
            f"got {_describe(value)}"
        )
    if kind == "too_short":
        return "expected at least one item"
    if kind == "literal_error":
        return f"expected {ctx.get('expected')}, got {_describe(value)}"
    return f"{err['msg'][0].lower()}{err['msg'][1:]}, got {_describe(value)}"
