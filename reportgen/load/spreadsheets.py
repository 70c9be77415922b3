"""Load stage: the lists of the activity data given by a spreadsheet, as located YAML values.

An organization keeps its lists (events, memoranda, publications) in spreadsheets. In a
period's activity file a list may name one instead of listing its items::

    events:
      from: lists/events-2019.xlsx    # relative to this file; '/...' from the project folder
      sheet: Мероприятия              # XLSX: default the first sheet
      header: 1                       # the header row (default 1)
      columns: {Наименование: title}  # header text -> field, for other headers
      ignore: [Примечание]            # columns that are not data

``read_lists`` replaces each such reference (``events``, ``memoranda``, a list under
``extra``) by the list of its rows, one item a row, with the location of every cell
(``events.xlsx:Мероприятия!B12``, ``events.csv:12``), so that validation (``validate``)
and the checks across values (``datachecks``) report on a cell as they do on a YAML value.
A header is a field's name (``title``), its usual column title in any language of the
catalogs ('Название', 'Атауы', 'Title'), or a name given in ``columns``; ``field.sub``
makes a mapping (``title.kk``: the Kazakh text of a text per edition; ``status.date``).

Spreadsheet cells are typed by the field they fill (a spreadsheet has no YAML to say it):
a date field takes a date cell or the text 2018-09-21 or 21.09.2018, a number field a
number or digits ('1 004'), a yes/no field a boolean or true/false, yes/no, да/нет,
иә/жоқ, 1/0, a list field its items separated by ';' or new lines; a value that is none
of these is left as it is, for validation to say what was expected. A list under
``extra`` has no schema: its headers must be names (``[A-Za-z0-9_]+``), its cells keep
their types (CSV: whole numbers, decimals with '.', ISO dates, else text). The file must
be inside the project (``resources.World``); reading it is ``sheetfiles``'.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from reportgen.errors import Problems, SourceLoc, did_you_mean
from reportgen.load.schema import Event, Memorandum
from reportgen.load.sheetfiles import Cell, Sheet, read_sheet
from reportgen.load.validate import validate
from reportgen.load.yamlsrc import Located, Path_, dotted
from reportgen.resources import OutsideWorld, World
from reportgen.text.strings import languages, strings_for

#: The lists with a schema, and the class of their items.
LISTS: dict[str, type[BaseModel]] = {"events": Event, "memoranda": Memorandum}
SUFFIXES = (".xlsx", ".csv")
_NAME = re.compile(r"[A-Za-z0-9_]+")
_TRUE = {"true", "yes", "да", "иә", "1", "x", "✓"}
_FALSE = {"false", "no", "нет", "жоқ", "0"}
_DIGITS = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?\d+[.,]\d+")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DMY = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_SPACES = re.compile(r"[ \u00a0\u202f\u2009]")


class ListSource(BaseModel):
    """A list of the activity data read from a spreadsheet: ``events: {from: ..., sheet: ...}``."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)

    from_: Annotated[str, StringConstraints(min_length=1)] = Field(
        alias="from", description="The spreadsheet, .xlsx or .csv: relative to the data file, "
        "or to the project folder when it starts with '/'.")
    sheet: Annotated[str, StringConstraints(min_length=1)] | None = Field(
        None, description="The sheet of an XLSX workbook; default: the first.")
    header: Annotated[int, Field(ge=1)] = Field(1, description="The row of the column titles.")
    columns: dict[str, str] = Field(
        default_factory=dict, description="Column titles that are not a field's name or usual "
        "title, mapped to the field they hold ('Наименование': title).")
    ignore: list[str] = Field(default_factory=list, description="Columns that are not data.")


def is_reference(value: Any) -> bool:
    return isinstance(value, dict) and "from" in value


def read_lists(doc: Located, root: Path, problems: Problems) -> Located:
    """``doc`` (a period's activity data) with every list that names a spreadsheet replaced by
    its rows, located at their cells; a list that cannot be read becomes empty, its problems
    recorded."""
    data = doc.data if isinstance(doc.data, dict) else {}
    paths: list[Path_] = [(key,) for key in LISTS if is_reference(data.get(key))]
    extra = data.get("extra")
    if isinstance(extra, dict):
        paths += [("extra", key) for key, value in extra.items() if is_reference(value)]
    if not paths:
        return doc
    out = Located(doc.file, dict(data), dict(doc.value_locs), dict(doc.key_locs),
                  dict(doc.plain_text))
    if isinstance(extra, dict):
        out.data["extra"] = dict(extra)
    for path in paths:
        rows = _read_list(doc, path, root, problems)
        for table in (out.value_locs, out.key_locs, out.plain_text):
            for key in [k for k in table if k[:len(path)] == path and len(k) > len(path)]:
                del table[key]  # the reference's own keys: the rows stand in their place
        target = out.data if len(path) == 1 else out.data["extra"]
        target[path[-1]] = [item for _, item, _, _ in rows]
        for i, (row_loc, _, locs, key_locs) in enumerate(rows):
            out.value_locs[(*path, i)] = row_loc
            out.value_locs.update({(*path, i, *k): v for k, v in locs.items()})
            out.key_locs.update({(*path, i, *k): v for k, v in key_locs.items()})
    return out


#: A row read: its place, its values, the places of its values and of their column titles.
_Item = tuple[SourceLoc, dict[str, Any], dict[Path_, SourceLoc], dict[Path_, SourceLoc]]


def _read_list(doc: Located, path: Path_, root: Path, problems: Problems) -> list[_Item]:
    name = dotted(path)
    source = validate(ListSource, doc, problems, prefix=path)
    if source is None:
        return []
    file = _file(source.from_, doc, path, root, problems)
    if file is None:
        return []
    sheet_loc = doc.loc((*path, "sheet")) if source.sheet else doc.loc((*path, "from"))
    sheet = read_sheet(file, source.sheet, sheet_loc, source.header, problems)
    if sheet is None:
        return []
    if not sheet.rows or sheet.rows[0][0] != source.header or not any(
            c.value is not None for c in sheet.rows[0][1]):
        problems.error(sheet.row_loc(source.header), f"{name}: expected the column titles in "
                       f"row {source.header} (the 'header' of {name}), got an empty row")
        return []
    model = LISTS.get(str(path[0])) if len(path) == 1 else None
    fields = _fields(model, path, sheet, source, doc, problems)
    if fields is None:
        return []
    return [_item(model, cells, row, sheet, fields) for row, cells in sheet.rows[1:]]


def _file(ref: str, doc: Located, path: Path_, root: Path, problems: Problems) -> Path | None:
    """The spreadsheet a reference names, once it is known to be a file of the project."""
    where = doc.loc((*path, "from"))
    name = f"{dotted(path)}.from"
    if "\0" in ref or "://" in ref or ref.startswith(("\\\\", "//")) or re.match(r"[a-z]+:", ref):
        problems.error(where, f"{name}: expected a file of the report project, got {ref!r} (a "
                       "report reads no URLs)")
        return None
    file = root / ref.lstrip("/") if ref.startswith("/") else doc.file.parent / ref
    if file.suffix.lower() not in SUFFIXES:
        problems.error(where, f"{name}: expected a .xlsx or .csv file, got '{file.name}': save "
                       "it as an Excel workbook (.xlsx) or as CSV UTF-8 (.csv)")
        return None
    try:
        real = World.of(root).in_project(file)
    except OutsideWorld as exc:
        problems.error(where, f"{name}: '{ref}' is {exc.reason}")
        return None
    if not real.is_file():  # a folder, a pipe or a device is no spreadsheet either
        problems.error(where, f"{name}: no file '{ref}' ({real})")
        return None
    return real


# ------------------------------------------------------------------ columns

#: A column: the path it fills in an item (('title',), ('title', 'kk')) and its header cell.
_Column = tuple[tuple[str, ...], Cell] | None


def _fields(model: type[BaseModel] | None, path: Path_, sheet: Sheet, source: ListSource,
            doc: Located, problems: Problems) -> list[_Column] | None:
    """What each column of the header row holds (None: ignored), or None with the problems."""
    name = dotted(path)
    known = list(model.model_fields) if model else []
    titles = _titles(known)
    given = {_norm(k): v for k, v in source.columns.items()}
    ignored = {_norm(k) for k in source.ignore}
    columns: list[_Column] = []
    seen: dict[tuple[str, ...], Cell] = {}
    ok = True
    for cell in sheet.rows[0][1]:
        text = "" if cell.value is None else str(cell.value).strip()
        if not text or _norm(text) in ignored:
            columns.append(None)
            continue
        head, _, sub = text.partition(".") if _norm(text) not in given else (text, "", "")
        field = given.get(_norm(text)) or given.get(_norm(head)) or titles.get(_norm(head))
        field = field or (head if head in known or (model is None and _NAME.fullmatch(head))
                          else None)
        if field is not None and "." in field:
            field, _, sub = field.partition(".")
        if field is None or (model is not None and field not in known):
            ok = False
            choices = [*known, *(t for t in titles if titles[t] in known)]
            hint = did_you_mean(head.casefold(), choices) if model else ""
            what = (f"the fields of {name}: {', '.join(known)}, or their usual titles"
                    if model else "a name of latin letters, digits and '_'")
            problems.error(cell.loc, f"{name}: unknown column '{text}'{hint} (a column's title "
                           f"is {what}); name its field in the data file, columns: "
                           f"{{{text}: <field>}}, or leave it out: ignore: [{text}]")
            continue
        target: tuple[str, ...] = (field, sub) if sub else (field,)
        clash = next((p for p in seen if p == target or p == target[:1] or p[:1] == target), None)
        if clash is not None:
            problems.error(cell.loc, f"{name}: the column '{text}' fills {dotted(target)}, and so "
                           f"does the column at {seen[clash].loc}")
            ok = False
            continue
        seen[target] = cell
        columns.append((target, cell))
    if model is not None:
        for field, info in model.model_fields.items():
            if info.is_required() and not any(p[0] == field for p in seen):
                problems.error(sheet.row_loc(sheet.rows[0][0]), f"{name}: no column for the "
                               f"required field '{field}' in the header row")
                ok = False
    return columns if ok else None


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _titles(fields: list[str]) -> dict[str, str]:
    """The usual column titles of ``fields`` in every catalog (normalized) -> field; a title
    two fields share in some language is left out."""
    found: dict[str, set[str]] = {}
    for lang in languages():
        strings = strings_for(lang)
        for field in fields:
            title = strings.get(f"field.{field}")
            if title:
                found.setdefault(_norm(title), set()).add(field)
    return {title: next(iter(names)) for title, names in found.items() if len(names) == 1}


# ------------------------------------------------------------------ cells

def _item(model: type[BaseModel] | None, cells: list[Cell], row: int, sheet: Sheet,
          columns: list[_Column]) -> _Item:
    item: dict[str, Any] = {}
    locs: dict[Path_, SourceLoc] = {}
    key_locs: dict[Path_, SourceLoc] = {}
    for column, cell in zip(columns, cells, strict=False):
        if column is None:
            continue
        target, header = column
        kind = _kind(model, target[0])
        value = _typed(cell.value, kind)
        if value is None:
            continue
        if len(target) == 2:  # ('title', 'kk'): no column fills ('title',) (_fields)
            item.setdefault(target[0], {})[target[1]] = value
            locs.setdefault((target[0],), cell.loc)
            key_locs.setdefault((target[0],), header.loc)
        else:
            item[target[0]] = value
        locs[target] = cell.loc
        key_locs[target] = header.loc
    # The row's place is where a required value is missing, if one is (validation says
    # 'missing required key' at the item's place), else its first cell.
    required = [f for f, info in model.model_fields.items() if info.is_required()] if model else []
    blank = next((i for i, col in enumerate(columns)
                  if col is not None and col[0][0] in required and col[0][0] not in item), 0)
    return sheet.row_loc(row, blank + 1), item, locs, key_locs


def _kind(model: type[BaseModel] | None, field: str) -> str:
    """How a cell of ``field`` is typed: date, bool, int, number, list, text, or any (no
    schema: the cell's own type)."""
    if model is None or field not in model.model_fields:
        return "any"
    found = _types(model.model_fields[field].annotation)
    for kind, tp in (("list", list), ("date", dt.date), ("bool", bool), ("number", float),
                     ("int", int)):
        if tp in found:
            return kind
    return "text"


def _types(tp: Any) -> set[Any]:
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _types(typing.get_args(tp)[0])
    if origin in (typing.Union, types.UnionType):
        return {t for arg in typing.get_args(tp) for t in _types(arg)}
    if origin is list:
        return {list}
    return {origin or tp}


def _typed(value: Any, kind: str) -> Any:
    """A cell's value for a field of ``kind``; None for a blank cell. A value that is not of
    the kind is returned as it is, for validation to say what was expected."""
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None
    if value is None:
        return None
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        value = value.date()
    if isinstance(value, float) and value.is_integer() and kind != "number":
        value = int(value)
    if kind == "any":
        return _inferred(value) if isinstance(value, str) else value
    if kind == "text":
        return str(value) if isinstance(value, int | float) and not isinstance(value, bool) \
            else value
    if kind == "list":
        if isinstance(value, str):
            return [part.strip() for part in re.split(r"[;\n]", value) if part.strip()]
        return [_typed(value, "text")]
    if not isinstance(value, str):
        if kind == "bool" and isinstance(value, int) and value in (0, 1):
            return bool(value)
        return value
    if kind == "date":
        return _date(value) or value
    if kind == "bool":
        word = value.casefold()
        return True if word in _TRUE else False if word in _FALSE else value
    digits = _SPACES.sub("", value)
    if _DIGITS.fullmatch(digits):
        return int(digits)
    if kind == "number" and _DECIMAL.fullmatch(digits):
        return float(digits.replace(",", "."))
    return value


def _date(text: str) -> dt.date | None:
    for pattern, order in ((_ISO, (0, 1, 2)), (_DMY, (2, 1, 0))):
        match = pattern.fullmatch(text)
        if match:
            parts = [int(p) for p in match.groups()]
            try:
                return dt.date(parts[order[0]], parts[order[1]], parts[order[2]])
            except ValueError:
                return None
    return None


def _inferred(text: str) -> Any:
    """A CSV cell of a list without a schema: a whole number, a decimal, an ISO date, or text."""
    if _DIGITS.fullmatch(text):
        return int(text)
    if re.fullmatch(r"[+-]?\d+\.\d+", text):
        return float(text)
    if _ISO.fullmatch(text):
        return _date(text) or text
    return text
