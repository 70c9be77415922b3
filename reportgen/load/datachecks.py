"""Load stage: checks of activity data that the schema cannot express.

The schema (``schema.py``) checks each value on its own; this module checks
values against each other and against the period: breakdown parts against
their total, dates against the period, repeated events and memoranda, online
events against their city, and YAML's implicit typing in the free-form
``extra`` values, where no schema says that text was meant. It only records
problems; it never changes the data.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from reportgen.errors import Problems
from reportgen.load.schema import ActivityData, Period
from reportgen.load.yamlsrc import Located, Path_, dotted

#: Words YAML 1.1 (PyYAML) reads as booleans although people mean text by them.
_BOOL_WORDS = {"yes", "no", "on", "off", "y", "n"}
#: What people write as the city of an event held online.
_ONLINE_WORDS = {"online", "on-line", "онлайн", "он-лайн", "онлайн-формат", "virtual",
                 "виртуально", "дистанционно", "zoom"}


def check_activity(data: ActivityData, doc: Located, period: Period, problems: Problems) -> None:
    """Sums, dates against ``period`` and repeated entries of one period's data."""
    _check_breakdowns(data, doc, problems)
    _check_dates(data, doc, period, problems)
    _check_repeats(data, doc, problems)
    _check_online(data, doc, problems)


def _check_breakdowns(data: ActivityData, doc: Located, problems: Problems) -> None:
    for name, breakdown in data.breakdowns.items():
        parts = sum(p.value for p in breakdown.parts.values())
        if parts != breakdown.total:
            shown = " + ".join(f"{p.value} ({k})" for k, p in breakdown.parts.items())
            problems.error(
                doc.loc(("breakdowns", name, "total")),
                f"breakdowns.{name}: the parts add up to {parts} ({shown}), "
                f"but the total is {breakdown.total}",
            )


def _check_dates(data: ActivityData, doc: Located, period: Period, problems: Problems) -> None:
    dated: list[tuple[str, int, str, dt.date | None]] = []
    for i, event in enumerate(data.events):
        dated += [("events", i, "date", event.date), ("events", i, "end", event.end)]
        if event.date and event.end and event.end < event.date:
            problems.error(doc.loc(("events", i, "end")),
                           f"events[{i}]: ends ({event.end}) before it starts ({event.date})")
    dated += [("memoranda", i, "date", memo.date) for i, memo in enumerate(data.memoranda)]
    for kind, i, key, day in dated:
        if day is not None and not period.start <= day <= period.end:
            problems.warning(
                doc.loc((kind, i, key)),
                f"{kind}[{i}].{key}: {day} is outside the period '{period.id}' "
                f"({period.start} – {period.end})",
            )


def _check_repeats(data: ActivityData, doc: Located, problems: Problems) -> None:
    """The same event or memorandum twice would be counted twice by ``| length``."""
    keys: dict[str, list[tuple[Any, ...]]] = {
        "events": [(e.kind, _same(e.title), e.date, e.end, _same(e.city), e.online)
                   for e in data.events],
        "memoranda": [(_same(mo.partner), mo.date, _same(mo.title)) for mo in data.memoranda],
    }
    what = {"events": "kind, title, dates and city", "memoranda": "partner, date and title"}
    for kind, rows in keys.items():
        first: dict[tuple[Any, ...], int] = {}
        for i, key in enumerate(rows):
            if key not in first:
                first[key] = i
                continue
            j = first[key]
            problems.error(
                doc.loc((kind, i)),
                f"{kind}[{i}] repeats {kind}[{j}] (line {doc.loc((kind, j)).line}): the same "
                f"{what[kind]}; remove one, or tell them apart (e.g. by their dates)",
            )


def _same(text: str | dict[str, Any] | None) -> Any:
    """A text of the data as compared for repeats: case aside, in every language given."""
    if isinstance(text, dict):
        return tuple(sorted((k, _same(v)) for k, v in text.items()))
    return text.casefold() if isinstance(text, str) else text


def _texts(text: str | dict[str, Any] | None) -> list[str]:
    """Every language's text of a text of the data."""
    if isinstance(text, dict):
        return [t for v in text.values() for t in _texts(v)]
    return [text] if isinstance(text, str) else []


def _check_online(data: ActivityData, doc: Located, problems: Problems) -> None:
    """An online event has no city, and a city is not 'online'."""
    for i, event in enumerate(data.events):
        if event.online and event.city is not None:
            problems.error(doc.loc(("events", i, "city")),
                           f"events[{i}].city: an online event (online: true) has no city; leave "
                           "city out, or leave out online: true for an event held there")
            continue
        word = next((t for t in _texts(event.city) if t.casefold() in _ONLINE_WORDS), None)
        if word is not None:
            problems.error(doc.loc(("events", i, "city")),
                           f"events[{i}].city: '{word}' is not a city; write online: true "
                           "instead (tables show the edition's word for it, charts and tables "
                           "by city leave it out of the cities)")


def check_yaml_traps(doc: Located, problems: Problems) -> None:
    """Warn where YAML silently changed a free-form ``extra`` value from what was typed.

    ``no`` becomes false, ``1.10`` becomes 1.1, ``010`` becomes 8: the narrative would
    print something else than the file shows. Fields of the schema need no such check:
    there, a value of the wrong type is already an error that explains the typing.
    """
    for path, typed in doc.plain_text.items():
        if not path or path[0] != "extra":
            continue
        value = _value_at(doc.data, path)
        if _changes_text(typed, value):
            problems.warning(
                doc.loc(path),
                f"{dotted(path)}: YAML reads the unquoted {typed!r} as {_shown(value)}; "
                f"quote it (\"{typed}\") if it is meant as text",
            )


def _value_at(data: Any, path: Path_) -> Any:
    for part in path:
        data = data[part]
    return data


def _changes_text(typed: str, value: Any) -> bool:
    if isinstance(value, bool):
        return typed.lower() in _BOOL_WORDS
    if isinstance(value, int | float):
        return str(value) != typed
    return False  # dates keep their text: '2018-09-21' prints as it is typed


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"the number {value}"
