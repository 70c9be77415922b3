"""Load stage: the schema of what a section's blocks may say, and of report.yaml's charts:
a chart's spec (``ChartSpec``, under ``charts:`` or in a ```` ```{chart} ```` block) and a
```` ```{table} ```` block's (``TableSpec``). Part of the project format with ``schema``.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    Field,
    PlainValidator,
    StringConstraints,
    model_validator,
)

from reportgen.load.datatext import DataText, Text
from reportgen.load.fieldtypes import Ident, Strict

# ---------------------------------------------------------------------- charts

ChartType = Literal["bar", "hbar", "stacked_bar", "donut", "pie", "line", "tiles"]
Scalar = str | int | bool

#: The keys of which a chart's data names exactly one.
SOURCES = ("indicator", "indicators", "breakdown", "list", "values")


class ChartData(Strict):
    """What a chart shows; exactly one of the sources (``indicator`` ... ``values``)."""

    indicator: Ident | None = Field(None, description="One indicator (usually with across: periods).")
    indicators: list[Ident] | None = Field(
        None, min_length=1, description="Several indicators side by side.")
    breakdown: Ident | None = Field(None, description="A breakdown: its parts are the categories.")
    list_: Annotated[str, StringConstraints(pattern=r"^(events|memoranda|extra\.[A-Za-z0-9_-]+)$")] | None = (
        Field(None, alias="list", description="A list to count: events, memoranda or extra.<name>."))
    values: Annotated[str, StringConstraints(pattern=r"^extra\.[A-Za-z0-9_-]+$")] | None = Field(
        None, description="A mapping of category to number under extra, e.g. extra.media_by_country.")
    where: dict[Ident, Scalar] = Field(
        default_factory=dict, description="Only list items whose fields have these values.")
    group_by: Ident | None = Field(
        None, description="Field to group list items by; 'month' or 'year' group by their date.")
    sum: Ident | None = Field(None, description="Add up this numeric field instead of counting items.")
    across: Literal["periods"] | None = Field(
        None, description="Repeat the data for each reporting period (a trend).")
    periods: list[Ident] | None = Field(
        None, min_length=1,
        description="Periods of the trend; default: all periods up to the one being built.")
    labels: dict[str, DataText] = Field(
        default_factory=dict,
        description="Display names of categories or series by key (indicator, part, period id, "
        "group: a group's key is its text in the main language).")

    @model_validator(mode="after")
    def _one_source(self) -> ChartData:
        named = [key for key in SOURCES if getattr(self, "list_" if key == "list" else key)]
        if len(named) != 1:
            raise ValueError(
                "expected exactly one of: " + ", ".join(SOURCES)
                + (f"; got {', '.join(named)}" if named else "; got none"))
        if (self.group_by or self.where or self.sum) and not self.list_:
            raise ValueError("where, group_by and sum apply to a list (data: {list: events, ...})")
        if self.list_ and not self.group_by:
            raise ValueError("a list needs group_by (e.g. group_by: country) to become categories")
        if self.periods and not self.across:
            raise ValueError("periods needs across: periods")
        return self


class ChartSpec(Strict):
    """One chart: its type, title and data, and how to show them."""

    type: ChartType = Field(description="bar, hbar, stacked_bar, donut, pie, line or tiles.")
    title: DataText = Field(
        description="What the chart shows; also its caption unless caption is given.")
    data: ChartData = Field(description="Which values the chart shows, and across what.")
    id: Ident | None = Field(None, description="Id of an inline chart (for cross-references).")
    caption: DataText | None = Field(
        None, description="Caption under the chart; default: the title.")
    alt: DataText | None = Field(
        None, description="Alternative text; default: made from the title and the data.")
    x_label: DataText | None = Field(None, description="Label of the category axis.")
    y_label: DataText | None = Field(None, description="Label of the value axis.")
    sort: Literal["none", "ascending", "descending"] = Field(
        "none", description="Order of the categories by value; 'none' keeps the data's order.")
    highlight: Text | list[Text] = Field(
        default_factory=list,
        description="Categories drawn in the accent colour (by key, the main language's text, or "
        "by display name); one a period lacks is a warning.")
    height: Annotated[float, Field(gt=20, le=230)] | None = Field(
        None, description="Height of the drawing in millimetres; default depends on the type.")
    empty: DataText | None = Field(
        None, description="What to print instead when the chart has no data in a period "
        "('Мероприятий не было'); without it such a chart is left out, with a warning.")


# ------------------------------------------------------- a ```{table} block


FieldPath = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_]+$")]
SortKey = Annotated[str, StringConstraints(pattern=r"^-?[A-Za-z0-9_]+$")]


_WIDTH = re.compile(r"^\s*[0-9]+(\.[0-9]+)?\s*(%|mm)\s*$")


def _column_width(value: Any) -> float | str:
    """A column's width as written, if it is one: above 0, and at most 100 average columns,
    100% or 2000 mm (the largest page: ``assemble.cssbounds``)."""
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 < value <= 100:
        return float(value)
    if isinstance(value, str) and _WIDTH.match(value):
        number = float(value.strip(" %m"))
        if 0 < number <= (100 if "%" in value else 2000):
            return value
    got = (("true" if value else "false") if isinstance(value, bool) else f"{value!r}"
           if isinstance(value, str | int | float) else "a " + type(value).__name__)
    raise ValueError(f"expected a width: a share of the table ('30%'), a length ('40mm') or "
                     f"a number of average columns (1.5), above 0 and at most 100%, 2000mm or "
                     f"100, got {got}")


#: A column's width: '30%', '40mm' or a number of average columns (``assemble.columns``).
ColumnWidth = Annotated[float | str, PlainValidator(
    _column_width, json_schema_input_type=Annotated[float, Field(gt=0)] | Annotated[
        str, StringConstraints(pattern=_WIDTH.pattern)])]


class Column(Strict):
    field: FieldPath = Field(description="The field shown: 'title', 'date', ... or 'n' (row number).")
    title: DataText | None = Field(
        None, description="Column title; default: the field's usual title.")
    align: Literal["left", "right", "center"] | None = None
    width: ColumnWidth | None = Field(
        None, description="The column's width: '30%' of the table, '40mm', or a number of "
        "average columns (1: the table's width divided by its columns); the other columns "
        "share the rest, measured from their content.")


class IndicatorRow(Strict):
    name: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)?$")] = Field(
        description="An indicator, a breakdown, or a breakdown's part ('media.foreign').")
    title: DataText | None = Field(None, description="Row title; default: the label's plural form.")


class TableSpec(Strict):
    """The body of a ```{table} block in a section."""

    data: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)?$")] = Field(
        description="events, memoranda, indicators, or a list under extra ('extra.visits').")
    columns: list[FieldPath | Column] | None = Field(
        None, min_length=1, description="Columns of a list table, left to right.")
    filter: dict[FieldPath, Any] = Field(
        default_factory=dict,
        description="Keep items whose field equals the value, or one of a list; "
        "{not: value-or-list} keeps the others. Checked by the table builder.")
    group_by: FieldPath | None = Field(
        None, description="'month', or a field ('country', 'kind'): a heading row per group.")
    sort: SortKey | list[SortKey] | None = Field(
        None, description="Sort by these fields ('-date': descending); default: as in the data.")
    labels: dict[Ident, DataText] = Field(
        default_factory=dict,
        description="Names of identifier values ('round_table': 'Круглые столы'), in group order.")
    compare: Ident | None = Field(
        None, description="indicators: the period to compare with: 'previous' or a period id.")
    rows: list[Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)?$")]
               | IndicatorRow] | None = Field(
        None, min_length=1, description="indicators: the rows; default: every indicator.")
    caption: DataText | None = None
    id: Ident | None = Field(None, description="Id for cross-references; default: 'tab-<number>'.")
    landscape: bool = Field(False, description="Put the table on a page of its own, turned.")
    empty: DataText | None = Field(
        None, description="What to print instead when the table has no rows in a period "
        "('Мероприятий не было'); without it such a table is a header alone, with a warning.")
