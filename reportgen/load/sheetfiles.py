"""Load stage: a spreadsheet file (XLSX or CSV) read into located cells, safely.

A spreadsheet is a project file like any other (``spreadsheets`` checks where it is): this
module reads its bytes once, bounded (``MAX_BYTES``), and gives the rows of one sheet as
``Cell`` values, each with its place, ``events.xlsx:Events!B12`` (an XLSX cell) or
``events.csv:12`` (the line a CSV record starts on).

An XLSX file is a zip archive of XML parts, read with openpyxl (read-only) only after the
archive itself was checked: at most ``MAX_PARTS`` parts, none unpacking to more than
``MAX_PART_BYTES`` nor all to more than ``MAX_UNPACKED``, none compressed more than
``MAX_RATIO`` times (a zip bomb), no DTD in any XML part (entity expansion), no password.
A sheet is read to at most ``MAX_ROWS`` rows and ``MAX_COLUMNS`` columns whatever its XML
declares, a cell to at most ``MAX_CELL_CHARS`` characters. Formulas are never computed: a
formula cell gives the value the spreadsheet program saved with it, and one saved without
a value is an error. A CSV file is UTF-8 text (``text.chars.decode``), its delimiter the
header line's comma, semicolon or tab. Nothing here knows what the columns mean.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import warnings
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportgen.errors import InputError, Problems, SourceLoc, did_you_mean
from reportgen.text.chars import decode, first_bad, message

MAX_BYTES = 25_000_000
MAX_PARTS = 2_000
MAX_PART_BYTES = 40_000_000
MAX_UNPACKED = 80_000_000
MAX_RATIO = 200
MAX_ROWS = 20_000
MAX_COLUMNS = 100
MAX_CELL_CHARS = 10_000
#: The last row of a sheet in Excel and LibreOffice.
EXCEL_ROWS = 1_048_576
_DTD = tuple(marker.encode(enc) for marker in ("<!DOCTYPE", "<!ENTITY")
             for enc in ("utf-8", "utf-16-le", "utf-16-be"))

Value = str | int | float | bool | dt.date | dt.datetime | dt.time | None


@dataclass(frozen=True, slots=True)
class Cell:
    value: Value
    loc: SourceLoc


@dataclass(frozen=True, slots=True)
class Sheet:
    """The rows of one sheet from its header row on, blank rows left out: (row number, cells
    from the first column; the header row's length)."""

    file: Path
    name: str | None  # None for a CSV file
    rows: list[tuple[int, list[Cell]]]

    def row_loc(self, row: int, col: int = 1) -> SourceLoc:
        return cell_loc(self.file, self.name, row, col)


def cell_loc(file: Path, sheet: str | None, row: int, col: int) -> SourceLoc:
    """Where a cell is: 'Events!B12' in an XLSX file, its line in a CSV file."""
    if sheet is None:
        return SourceLoc(file, row)
    name = sheet if re.fullmatch(r"\w+", sheet) else "'" + sheet.replace("'", "''") + "'"
    return SourceLoc(file, row, col, f"{name}!{column_letter(col)}{row}")


def column_letter(col: int) -> str:
    """1 -> 'A', 27 -> 'AA'."""
    out = ""
    while col > 0:
        col, rest = divmod(col - 1, 26)
        out = chr(65 + rest) + out
    return out


def read_sheet(file: Path, sheet: str | None, sheet_loc: SourceLoc, header: int,
               problems: Problems) -> Sheet | None:
    """The rows of ``sheet`` (XLSX: default the first sheet) of ``file`` from row ``header``
    on, or None with the problems recorded (``sheet_loc``: where the sheet is named)."""
    data = _read_bytes(file, problems)
    if data is None:
        return None
    if file.suffix.lower() == ".csv":
        return _csv(file, data, header, problems)
    return _xlsx(file, data, sheet, sheet_loc, header, problems)


def _read_bytes(file: Path, problems: Problems) -> bytes | None:
    where = SourceLoc(file)
    try:
        if not file.is_file():  # a device or a pipe could never end
            problems.error(where, "expected a spreadsheet file, got a device, pipe or folder")
            return None
        with file.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        problems.error(where, f"cannot be read: {exc.strerror or exc}")
        return None
    if len(data) > MAX_BYTES:
        problems.error(where, f"a spreadsheet of more than {MAX_BYTES // 1_000_000} MB is refused "
                       "(a list of a report's events fits in far less)")
        return None
    return data


# ------------------------------------------------------------------ CSV


def _csv(file: Path, data: bytes, header: int, problems: Problems) -> Sheet | None:
    try:
        text = decode(data, file)
    except InputError as exc:
        if exc.problems and "UTF-8" in exc.problems[0].message:
            problems.error(exc.problems[0].loc, exc.problems[0].message.replace(
                "save the file as UTF-8", "save the file as 'CSV UTF-8'"))
        else:
            problems.extend(exc.problems)
        return None
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[Cell]]] = []
    width = 0
    while True:
        line = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.error(SourceLoc(file, line), f"not CSV the way spreadsheets write it: {exc}")
            return None
        if line < header or not any(field.strip() for field in record):
            continue
        if not rows:
            width = len(record)
            if width > MAX_COLUMNS:
                problems.error(SourceLoc(file, line), f"more than {MAX_COLUMNS} columns are refused")
                return None
        if len(rows) > MAX_ROWS:
            problems.error(SourceLoc(file, line), f"more than {MAX_ROWS:,} rows under the header "
                           "are refused".replace(",", " "))
            return None
        if len(record) > width and any(field.strip() for field in record[width:]):
            problems.error(SourceLoc(file, line), f"this row has {len(record)} fields, the header "
                           f"row {width}: a delimiter ('{delimiter}') in an unquoted value?")
            continue
        cells = [Cell(field, SourceLoc(file, line)) for field in record]
        if _checked(cells, problems):
            rows.append((line, cells))
    return Sheet(file, None, rows)


def _checked(cells: list[Cell], problems: Problems) -> bool:
    """Whether no cell is too long or holds a character no input may hold (each one that
    does is an error at its place)."""
    ok = True
    for cell in cells:
        if isinstance(cell.value, str):
            if len(cell.value) > MAX_CELL_CHARS:
                problems.error(cell.loc, f"a cell of more than {MAX_CELL_CHARS:,} characters is "
                               "refused".replace(",", " "))
                ok = False
            elif ch := first_bad(cell.value):
                problems.error(cell.loc, message(ch))
                ok = False
    return ok


# ------------------------------------------------------------------ XLSX


def _zip_problem(data: bytes) -> str | None:
    """Why the archive of an XLSX file is refused, or None."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_PARTS:
                return f"refused: the workbook has {len(infos)} parts (at most {MAX_PARTS})"
            total = 0
            for info in infos:
                total += info.file_size
                mb = f"{info.file_size / 1e6:.0f} MB"
                if info.flag_bits & 0x1:
                    return "the workbook is protected by a password: save it without one"
                if info.file_size > MAX_PART_BYTES or total > MAX_UNPACKED or (
                        info.file_size > 1_000_000
                        and info.file_size > MAX_RATIO * max(info.compress_size, 1)):
                    return (f"refused: its part '{info.filename}' unpacks to {mb} from "
                            f"{info.compress_size / 1e6:.1f} MB (at most "
                            f"{MAX_PART_BYTES // 1_000_000} MB a part, "
                            f"{MAX_UNPACKED // 1_000_000} MB in all, compressed at most "
                            f"{MAX_RATIO} times): a damaged workbook, or a zip bomb")
            for info in infos:
                if info.filename.endswith((".xml", ".rels", ".vml")):
                    # zipfile stops at the declared size: a part cannot unpack to more.
                    part = archive.read(info)
                    if any(marker in part for marker in _DTD):
                        return (f"refused: its part '{info.filename}' declares a DTD or entities, "
                                "which no spreadsheet program writes (an XML entity attack?)")
    except zipfile.BadZipFile:
        return ("not an XLSX workbook (not a zip archive; an old .xls, or a workbook protected "
                "by a password?): save it as .xlsx")
    except (OSError, EOFError, ValueError, NotImplementedError, RuntimeError, zlib.error) as exc:
        return f"a damaged workbook ({exc}): save it again as .xlsx"
    return None


def _xlsx(file: Path, data: bytes, sheet: str | None, sheet_loc: SourceLoc, header: int,
          problems: Problems) -> Sheet | None:
    if reason := _zip_problem(data):
        problems.error(SourceLoc(file), reason)
        return None
    try:
        name, rows, formulas = _read_xlsx(data, sheet, header, data_only=False)
        if formulas:  # the values the spreadsheet program saved with them
            _, saved, _ = _read_xlsx(data, name, header, data_only=True)
            for row, col in formulas:
                cells = saved.get(row, [])
                value = cells[col - 1] if col <= len(cells) else None
                if value is not None:
                    rows[row][col - 1] = value
    except _TooFar:
        problems.error(SourceLoc(file), "refused: the sheet has rows past the last one a "
                       f"spreadsheet can have ({EXCEL_ROWS:,})".replace(",", " "))
        return None
    except _NoSheet as exc:
        problems.error(sheet_loc, f"no sheet '{sheet}' in {file.name}"
                       f"{did_you_mean(str(sheet), exc.names)} (sheets: {', '.join(exc.names)})")
        return None
    except Exception as exc:  # noqa: BLE001 - openpyxl on a damaged file raises anything at all
        problems.error(SourceLoc(file), f"not a workbook that can be read ({type(exc).__name__}: "
                       f"{exc}): save it again as .xlsx")
        return None
    out: list[tuple[int, list[Cell]]] = []
    ok = True
    for row, values in rows.items():
        if len(values) > MAX_COLUMNS:
            problems.error(cell_loc(file, name, row, len(values)), f"more than {MAX_COLUMNS} "
                           "columns are refused")
            return None
        cells = [Cell(v, cell_loc(file, name, row, col)) for col, v in enumerate(values, 1)]
        for cell in cells:
            if isinstance(cell.value, _Unsaved):
                problems.error(cell.loc, f"a formula ({cell.value.formula[:60]}) saved without "
                               "its value: reportgen never computes formulas; open the file in "
                               "Excel or LibreOffice and save it, or replace the formula by its "
                               "value")
                ok = False
            elif isinstance(cell.value, _ErrorValue):
                problems.error(cell.loc, f"the cell shows the error {cell.value.code}")
                ok = False
        ok = _checked(cells, problems) and ok
        out.append((row, cells))
    if len(rows) and max(rows) > header + MAX_ROWS:
        problems.error(cell_loc(file, name, max(rows), 1), f"more than {MAX_ROWS:,} rows under "
                       "the header are refused".replace(",", " "))
        return None
    return Sheet(file, name, out) if ok else None


class _TooFar(Exception):
    """A row past the last one a spreadsheet program allows: a forged file."""


class _NoSheet(Exception):
    def __init__(self, names: list[str]) -> None:
        super().__init__(names)
        self.names = names


@dataclass(frozen=True, slots=True)
class _Unsaved:
    formula: str


@dataclass(frozen=True, slots=True)
class _ErrorValue:
    code: str


def _read_xlsx(data: bytes, sheet: str | None, header: int, data_only: bool
               ) -> tuple[str, dict[int, list[Any]], list[tuple[int, int]]]:
    """(the sheet's name, its non-blank rows from ``header`` on by number, the (row, column) of
    each formula cell); ``data_only``: a formula cell's saved value instead of its formula."""
    import openpyxl  # only a project with a spreadsheet pays for importing it

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "unknown extension", "no default style": not the user's
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only,
                                      keep_links=False, keep_vba=False)
        try:
            names = [ws.title for ws in book.worksheets]
            if sheet is not None and sheet not in names:
                raise _NoSheet(names)
            ws = book[sheet] if sheet is not None else book.worksheets[0]
            if hasattr(ws, "reset_dimensions"):
                ws.reset_dimensions()  # the size the XML declares may be wrong: read what it has
            rows: dict[int, list[Any]] = {}
            formulas: list[tuple[int, int]] = []
            # Bounded whatever the sheet's XML declares: cells are read up to MAX_COLUMNS + 1,
            # rows past MAX_ROWS only looked at (openpyxl pads a gap with one shared empty row),
            # and none past the last row a spreadsheet can have.
            blank: tuple[Any, ...] | None = None
            for number, cells in enumerate(ws.iter_rows(min_row=header,
                                                        max_col=MAX_COLUMNS + 1), header):
                if number > EXCEL_ROWS:
                    raise _TooFar
                if cells is blank:  # the padding of a gap, one tuple: seen to be blank once
                    continue
                if not any(getattr(cell, "value", None) is not None for cell in cells):
                    blank = cells
                    if number == header:
                        rows[number] = []
                    continue
                values: list[Any] = []
                for cell in cells:
                    value = getattr(cell, "value", None)
                    kind = getattr(cell, "data_type", None)
                    if kind == "f" and not data_only:
                        formulas.append((number, len(values) + 1))
                        value = _Unsaved(str(value))
                    elif kind == "e":
                        value = _ErrorValue(str(value))
                    elif isinstance(value, str) and not value.strip():
                        value = None
                    values.append(value)
                while values and values[-1] is None:
                    values.pop()
                if values or number == header:
                    rows[number] = values
                if number > header + MAX_ROWS:
                    break
            return ws.title, rows, formulas
        finally:
            book.close()
