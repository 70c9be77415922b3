"""The workbook embedded in a native Word chart: the chart's data, which Word opens in Excel
when an editor edits the chart's data (XlsxWriter).

Part of the render stage. Sheet ``Sheet1`` holds the categories in column A from row 2,
each series' name in row 1 and its values below it, in columns B, C, ...; a stacked bar
chart's totals are a last column of SUM formulas (with their values cached), so that an
editor's change of a value changes its total too. The chart's formulas (``ranges``) point
at these cells. The workbook's dates are fixed, so the same chart gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from reportgen.model import nodes as m

SHEET = "Sheet1"
#: The date the workbook says it was made (never the clock: reproducible bytes).
CREATED = dt.datetime(2000, 1, 1)
#: The header of a stacked chart's totals column (its series shows no name anywhere).
TOTAL = "Σ"


@dataclass(frozen=True, slots=True)
class Ranges:
    """The sheet's cells a chart's series read (formulas as a chart part writes them)."""

    categories: str  # Sheet1!$A$2:$A$5
    names: tuple[str, ...]  # Sheet1!$B$1, ...
    values: tuple[str, ...]  # Sheet1!$B$2:$B$5, ...
    totals: tuple[str, str] | None  # (name, values) of the totals column


def _ref(first_row: int, col: int, last_row: int | None = None) -> str:
    cell = xl_rowcol_to_cell(first_row, col, row_abs=True, col_abs=True)
    if last_row is None:
        return f"{SHEET}!{cell}"
    return f"{SHEET}!{cell}:{xl_rowcol_to_cell(last_row, col, row_abs=True, col_abs=True)}"


def number_format(values: tuple[float | int, ...]) -> str:
    """An Excel number format for ``values``: grouped digits, as many decimals as the data
    has (at most 2); the reader's locale gives the separators."""
    decimals = 0
    for value in values:
        if isinstance(value, float) and not value.is_integer():
            text = f"{value:.2f}".rstrip("0")
            decimals = max(decimals, len(text.partition(".")[2]))
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def ranges(chart: m.Chart, totals: bool = False) -> Ranges:
    rows = len(chart.categories)
    count = len(chart.series)
    return Ranges(
        categories=_ref(1, 0, rows),
        names=tuple(_ref(0, 1 + s) for s in range(count)),
        values=tuple(_ref(1, 1 + s, rows) for s in range(count)),
        totals=(_ref(0, 1 + count), _ref(1, 1 + count, rows)) if totals else None,
    )


def totals_of(chart: m.Chart) -> list[float | int]:
    return [sum(values[i] for _, values in chart.series) for i in range(len(chart.categories))]


def workbook(chart: m.Chart, totals: bool = False) -> bytes:
    """The chart's data as an .xlsx file."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.set_properties({"created": CREATED, "author": "reportgen"})
    sheet = book.add_worksheet(SHEET)
    bold = book.add_format({"bold": True})
    numbers = book.add_format({"num_format": number_format(
        tuple(v for _, values in chart.series for v in values))})
    sheet.set_column(0, 0, max([12, *(min(len(c), 60) for c in chart.categories)]))
    for s, (name, values) in enumerate(chart.series):
        sheet.write_string(0, 1 + s, name, bold)
        sheet.set_column(1 + s, 1 + s, max(10, min(len(name), 40)))
        for i, value in enumerate(values):
            sheet.write_number(1 + i, 1 + s, value, numbers)
    for i, category in enumerate(chart.categories):
        sheet.write_string(1 + i, 0, category)
    if totals:
        col = 1 + len(chart.series)
        sheet.write_string(0, col, TOTAL, bold)
        last = xl_col_to_name(col - 1)
        for i, total in enumerate(totals_of(chart)):
            sheet.write_formula(1 + i, col, f"=SUM(B{i + 2}:{last}{i + 2})", numbers, total)
    book.close()
    return buffer.getvalue()
