"""Assemble stage: a ```{table} block of a section, a list from the data as a ``model.Table``.

The block's body is YAML (``schema.TableSpec``), located at its lines inside the
Markdown file. A list table picks items of ``events``, ``memoranda`` or a list
under ``extra``, filters, sorts and groups them, and formats each value for the
edition's language with ``formats`` (the same dates and numbers as in the
text); ``data: indicators`` is the comparison table of ``comparison``. Values
are never typed by hand here: every cell comes from the data. A text in another
language than the section's is a span in its language (hyphenation,
spell-check); a date is a span of role ``date``, never hyphenated; an online
event's city is the edition's word for it, and it is in no city's group. The
block's own texts (titles, labels, caption) are written like the data's
(``load.texts``), a text given once in the section's language. Knows nothing
about HTML or Word.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from reportgen.assemble.cells import (
    IDENT_FIELDS,
    Formatter,
    capital,
    date_inlines,
    get,
    said,
    table_widths,
)
from reportgen.assemble.narrative import Counters
from reportgen.errors import InputError, Problems, SourceLoc, did_you_mean
from reportgen.load.schema import ActivityData, Column, Event, Memorandum, TableSpec
from reportgen.load.texts import Place, Texts
from reportgen.load.validate import validate
from reportgen.load.yamlsrc import Located, parse_yaml
from reportgen.model import nodes as m
from reportgen.text.formats import format_month, same

#: Lists of the activity data that a table can show, and the fields of their items.
LISTS: dict[str, type[BaseModel]] = {"events": Event, "memoranda": Memorandum}
#: The group of the events held online in a table grouped by city.
_ONLINE = ("online",)


@dataclass(frozen=True, slots=True)
class TableContext:
    """What every table of one document is built from."""

    data: ActivityData
    lang: str
    strings: dict[str, str]
    counters: Counters
    problems: Problems
    #: Builds the table of ``data: indicators`` (see ``comparison``), for a section in a language.
    indicators: Callable[[TableSpec, Located, int, str, SourceLoc, str], m.Table | None]
    texts: Texts  # the block's own texts, as the edition shows them


def read_spec(text: str, loc: SourceLoc, problems: Problems) -> tuple[TableSpec, Located] | None:
    """The YAML body of a block whose first line is at ``loc``, validated."""
    try:
        # Blank lines in front, so that the YAML's line numbers are the Markdown file's.
        doc = parse_yaml("\n" * ((loc.line or 1) - 1) + text, loc.file)
    except InputError as exc:
        problems.extend(exc.problems)
        return None
    if not isinstance(doc.data, dict) or not doc.data:
        problems.error(loc, "a {table} block needs YAML keys (at least 'data: events' and "
                       "'columns:')")
        return None
    spec = validate(TableSpec, doc, problems)
    return None if spec is None else (spec, doc)


def table_block(text: str, loc: SourceLoc, ctx: TableContext,
                lang: str | None = None) -> list[m.Block]:
    """The blocks of one ```{table} (a table, or nothing when its spec has problems), in a
    section written in ``lang`` (default: the edition's language)."""
    lang = lang or ctx.lang
    read = read_spec(text, loc, ctx.problems)
    if read is None:
        return []
    spec, doc = read
    before = len(ctx.problems.errors)
    number = ctx.counters.table + 1
    anchor = spec.id or f"tab-{number}"
    if spec.data == "indicators":
        table = ctx.indicators(spec, doc, number, anchor, loc, lang)
    else:
        table = _list_table(spec, doc, ctx, number, anchor, loc, lang)
    if table is None or len(ctx.problems.errors) > before:
        return []
    if not any(row.role is None for row in table.body):  # a header alone
        if spec.empty is not None:
            empty = ctx.texts.text(spec.empty, Place(doc, ("empty",)), lang)
            return [m.Paragraph(said(empty, lang) if empty else (), loc)]
        ctx.problems.warning(loc, f"the table has no rows in this period ({_why_empty(spec)}): it "
                             "prints as its header alone; write what to print instead, "
                             "empty: \"...\" (e.g. empty: \"Мероприятий не было\"), or leave "
                             "the table out")
    ctx.counters.table = number
    return [table]


def _why_empty(spec: TableSpec) -> str:
    if spec.data == "indicators":
        return "no indicator to show"
    return f"no item of {spec.data} passes its filter" if spec.filter else \
        f"the data has no {spec.data}"


# ------------------------------------------------------------- list tables


def _items(spec: TableSpec, doc: Located, ctx: TableContext) -> tuple[list[Any], list[str]] | None:
    """The items of the list the table shows, and the fields they may have."""
    where = doc.loc(("data",))
    if spec.data in LISTS:
        return list(getattr(ctx.data, spec.data)), list(LISTS[spec.data].model_fields)
    name = spec.data.removeprefix("extra.")
    value = ctx.data.extra.get(name)
    lists = [f"extra.{k}" for k, v in ctx.data.extra.items() if isinstance(v, list)]
    known = [*LISTS, "indicators", *lists]
    if value is None:
        ctx.problems.error(where, f"data: no list '{spec.data}' in the data of this period"
                           f"{did_you_mean(spec.data, known)} (known: {', '.join(known)})")
        return None
    if not isinstance(value, list) or not all(isinstance(i, dict) for i in value):
        ctx.problems.error(where, f"data: extra.{name} is not a list of mappings "
                           "(each item with its fields: '- {title: ..., date: ...}')")
        return None
    fields = list(dict.fromkeys(k for item in value for k in item))
    return list(value), fields



def _list_table(spec: TableSpec, doc: Located, ctx: TableContext, number: int, anchor: str,
                loc: SourceLoc, lang: str) -> m.Table | None:
    problems = ctx.problems
    for key in ("compare", "rows"):
        if getattr(spec, key) is not None:
            problems.error(doc.loc((key,), key=True),
                           f"{key}: only a table of 'data: indicators' has {key}")
    if spec.columns is None:
        problems.error(doc.loc(("data",)), "columns: missing: name the fields to show "
                       "(e.g. columns: [n, title, date, city])")
        return None
    found = _items(spec, doc, ctx)
    if found is None:
        return None
    items, fields = found
    checked = _checked_fields(spec, spec.columns, doc, [*fields, "n"], problems)
    if checked is None:
        return None
    columns, sort_keys = checked

    titles: list[str] = []
    for i, col in enumerate(columns):
        written = ctx.texts.text(col.title, Place(doc, ("columns", i, "title")), lang)
        title = written or ctx.strings.get(f"field.{col.field}")
        if title is None:
            problems.error(doc.loc(("columns", i)), f"columns[{i}]: the field '{col.field}' has "
                           f"no usual title; give one: {{field: {col.field}, title: ...}}")
        titles.append(title or col.field)

    kept = _selected(items, spec, sort_keys, doc, problems)
    if kept is None:
        return None
    fmt = Formatter(ctx.lang, ctx.strings, ctx.texts, ctx.problems, spec, doc, lang)
    groups = _groups(kept, spec, fmt) if spec.group_by else [(None, kept)]
    body: list[m.Row] = []
    n = 0
    for heading, members in groups:
        if heading is not None:
            body.append(m.Row((m.Cell(heading),), role="group"))
        for item in members:
            n += 1
            body.append(m.Row(tuple(
                m.Cell((m.Text(str(n)),) if c.field == "n" else fmt.value(item, c.field))
                for c in columns)))
    if fmt.failed:
        return None
    head = (m.Row(tuple(m.Cell(said(t, lang)) for t in titles)),)
    align = tuple(c.align or ("right" if c.field == "n" or _numeric(items, c.field) else "left")
                  for c in columns)
    widths = table_widths(head, tuple(body), [c.width for c in columns], lang, spec.landscape,
                          doc, problems)
    if widths is None:
        return None
    caption = ctx.texts.text(spec.caption, Place(doc, ("caption",)), lang)
    return m.Table(
        caption=said(caption, lang) if caption else (),
        number=number, id=anchor, loc=loc, head=head, body=tuple(body), align=align,
        widths=widths, role="landscape" if spec.landscape else None,
    )


def _checked_fields(spec: TableSpec, typed: Sequence[str | Column], doc: Located,
                    known: list[str], problems: Problems
                    ) -> tuple[list[Column], list[str]] | None:
    """The columns and sort keys of a list table, once every field they name (and the
    filter and group_by name) is one of ``known``; None when one is not."""

    def check(name: str, path: tuple[str | int, ...], key: bool = False, extra: Sequence[str] = ()
              ) -> bool:
        if name in known or name in extra:
            return True
        problems.error(doc.loc(path, key=key), f"{'.'.join(str(p) for p in path)}: "
                       f"{spec.data} have no field '{name}'"
                       f"{did_you_mean(name, [*known, *extra])} (fields: {', '.join(known)})")
        return False

    columns = [c if isinstance(c, Column) else Column.model_validate({"field": c}) for c in typed]
    ok = all([check(c.field, ("columns", i) if isinstance(typed[i], str)
                    else ("columns", i, "field")) for i, c in enumerate(columns)])
    for name in spec.filter:
        ok = check(name, ("filter", name), key=True) and ok
        if name == "n":
            problems.error(doc.loc(("filter", name), key=True), "filter: 'n' is the row number "
                           "of the table, not a field of the data")
            ok = False
    sort_keys = [spec.sort] if isinstance(spec.sort, str) else list(spec.sort or [])
    for i, key in enumerate(sort_keys):
        path: tuple[str | int, ...] = ("sort",) if isinstance(spec.sort, str) else ("sort", i)
        ok = check(key.lstrip("-"), path) and ok
    if spec.group_by is not None:
        ok = check(spec.group_by, ("group_by",), extra=["month"] if "date" in known else ()) and ok
    return (columns, sort_keys) if ok else None


def _selected(items: list[Any], spec: TableSpec, sort_keys: list[str], doc: Located,
              problems: Problems) -> list[Any] | None:
    """The items a list table keeps (its filter), in its order (its sort keys)."""
    conditions = {k: _condition(v, ("filter", k), doc, problems) for k, v in spec.filter.items()}
    if any(c is None for c in conditions.values()):
        return None
    kept = [item for item in items
            if all(_matches(get(item, k), c) for k, c in conditions.items() if c is not None)]
    for key in reversed(sort_keys):  # stable sorts, last key first
        field = key.lstrip("-")
        present = [i for i in kept if get(i, field) is not None]
        absent = [i for i in kept if get(i, field) is None]
        try:
            present.sort(key=_sort_key(field), reverse=key.startswith("-"))
        except TypeError:
            problems.error(doc.loc(("sort",)), f"sort: the values of '{field}' cannot be compared "
                           "(they mix numbers, dates and text)")
            return None
        kept = present + absent  # items without the value go last either way
    return kept


Condition = tuple[bool, list[Any]]  # (keep when equal?, the values)


def _condition(value: Any, path: tuple[str, ...], doc: Located, problems: Problems
               ) -> Condition | None:
    """A filter value: 'x', '[x, y]' or '{not: x}' / '{not: [x, y]}'."""
    name = ".".join(path)
    keep = True
    if isinstance(value, dict):
        unknown = [k for k in value if k != "not"]
        if unknown or not value:
            key = unknown[0] if unknown else ""
            problems.error(doc.loc((*path, key), key=True) if unknown else doc.loc(path),
                           f"{name}: unknown key '{key}'{did_you_mean(key, ['not'])} (a filter "
                           "is a value, a list of values, or {not: value or list})")
            return None
        keep, value = False, value["not"]
    values = value if isinstance(value, list) else [value]
    for v in values:
        if isinstance(v, dict | list) or v is None:
            problems.error(doc.loc(path), f"{name}: expected a value or a list of values, "
                           f"got {'nothing' if v is None else 'a nested ' + type(v).__name__}")
            return None
    return keep, values


def _matches(value: Any, condition: Condition) -> bool:
    keep, wanted = condition
    values = value if isinstance(value, list) else [value]  # partners: when one is wanted
    hit = any(same(v, w) for v in values for w in wanted)
    return hit == keep


def _sort_key(field: str) -> Callable[[Any], Any]:
    def key(item: Any) -> Any:
        value = get(item, field)
        return value.casefold() if isinstance(value, str) else value
    return key


def _numeric(items: list[Any], field: str) -> bool:
    values = [get(i, field) for i in items if get(i, field) is not None]
    return bool(values) and all(isinstance(v, int | float) and not isinstance(v, bool)
                                for v in values)


def _groups(items: list[Any], spec: TableSpec, fmt: Formatter
            ) -> list[tuple[tuple[m.Inline, ...], list[Any]]]:
    field = spec.group_by
    assert field is not None
    groups: dict[Any, list[Any]] = {}
    for item in items:
        value = get(item, "date" if field == "month" else field)
        if field == "month" and isinstance(value, dt.date):
            value = (value.year, value.month)
        if field == "city" and get(item, "online") is True:
            value = _ONLINE  # held online: in no city's group
        key = tuple(value) if isinstance(value, list) else value
        groups.setdefault(key, []).append(item)
    keys = list(groups)
    if field == "month":
        keys.sort(key=lambda k: (k is None, k or (0, 0)))
    elif field in IDENT_FIELDS and spec.labels:
        order = list(spec.labels)
        keys.sort(key=lambda k: order.index(k) if k in order else len(order))
    else:  # first appearance; online ones after the cities, the ones without a value last
        keys.sort(key=lambda k: (k is None, k == _ONLINE))
    out = []
    for key in keys:
        heading: tuple[m.Inline, ...]
        if key is None:
            heading = (m.Text(fmt.strings["undated"] if field == "month"
                              else fmt.strings["no_value"]),)
        elif key == _ONLINE:
            heading = (m.Text(capital(fmt.strings["online"])),)
        elif field == "month":
            heading = date_inlines(capital(format_month(dt.date(key[0], key[1], 1),
                                                         fmt.edition)))
        else:
            heading = fmt.format(field, list(key) if isinstance(key, tuple) else key, None)
        out.append((heading, groups[key]))
    return out
