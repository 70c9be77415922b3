"""Assemble stage: the indicator summary table, this period beside another, with the change.

A ```{table} block with ``data: indicators`` lists indicators (and breakdown
totals or parts) of the period being built next to those of the period it is
compared with (``compare: previous``, the one before it in ``periods`` of
report.yaml, or a period id), with the absolute change and the change in per
cent. Every figure is read from the two periods' data and the changes are
computed here, never typed; the other period's data comes from the load stage
(``load.project.PeriodData``, as the edition shows it), never read here. A row's
title is its own, or the label's plural form, in its language; the periods'
names are dates, never hyphenated. Knows nothing about HTML or Word.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from reportgen.assemble.cells import date_inlines, said, table_widths
from reportgen.errors import Problems, SourceLoc, did_you_mean
from reportgen.load.editions import period_text
from reportgen.load.project import Project
from reportgen.load.schema import ActivityData, IndicatorRow, Period, TableSpec
from reportgen.load.texts import Place, Texts, shown
from reportgen.load.yamlsrc import Located, Path_, dotted
from reportgen.model import nodes as m
from reportgen.text.formats import Said, choose_form, format_number

MINUS = "\u2212"


@dataclass(frozen=True, slots=True)
class Figure_:
    """One row's figure in one period: its value, label and unit."""

    value: float | int
    label: str | Mapping[str, str]
    path: Path_  # of the label in the period's data
    unit: str | None = None


def figures(data: ActivityData) -> dict[str, Figure_]:
    """Every figure of one period's data by name: indicators, breakdowns, 'breakdown.part'."""
    out = {k: Figure_(v.value, v.label, ("indicators", k, "label"), shown(v.unit))
           for k, v in data.indicators.items()}
    for name, b in data.breakdowns.items():
        out[name] = Figure_(b.total, b.label, ("breakdowns", name, "label"))
        out.update({f"{name}.{k}": Figure_(p.value, p.label,
                                           ("breakdowns", name, "parts", k, "label"))
                    for k, p in b.parts.items()})
    return out


def signed(value: float | int, lang: str, pattern: str = "#,##0") -> str:
    """'+7', '−3' (a true minus sign), '0': a change, formatted by the Babel ``pattern``."""
    text = format_number(abs(value), lang, pattern)
    if not any(ch in "123456789" for ch in text):
        return text
    return ("+" if value > 0 else MINUS) + text


class Comparison:
    """Builds the tables of ``data: indicators`` for one period of one project."""

    def __init__(self, project: Project, period: Period, data: ActivityData, lang: str,
                 strings: dict[str, str], problems: Problems,
                 other_data: Callable[[Period], ActivityData | None], texts: Texts) -> None:
        self.project = project
        self.period = period
        self.data = data
        self.lang = lang
        self.strings = strings
        self.problems = problems
        #: Another period's data (None: not readable, its problems recorded).
        self.other_data = other_data
        self.texts = texts  # the block's own texts (row titles, caption)

    def other_period(self, spec: TableSpec, doc: Located) -> Period | None:
        periods = self.project.report.periods
        wanted = spec.compare or "previous"
        where = doc.loc(("compare",)) if spec.compare else doc.loc(("data",))
        if wanted == "previous":
            index = next(i for i, p in enumerate(periods) if p.id == self.period.id)
            if index == 0:
                self.problems.error(where, f"compare: '{self.period.id}' is the first period in "
                                    "report.yaml, so it has no previous one; name a period: "
                                    "compare: <id>")
                return None
            return periods[index - 1]
        for p in periods:
            if p.id == wanted:
                if p.id == self.period.id:
                    self.problems.error(where, f"compare: '{wanted}' is the period being built")
                    return None
                return p
        ids = [p.id for p in periods]
        self.problems.error(where, f"compare: no period '{wanted}'{did_you_mean(wanted, ids)} "
                            f"(periods: previous, {', '.join(ids)})")
        return None

    def __call__(self, spec: TableSpec, doc: Located, number: int, anchor: str,
                 loc: SourceLoc, lang: str | None = None) -> m.Table | None:
        """The table of ``spec``, in a section written in ``lang`` (default: the edition's)."""
        lang = lang or self.lang
        for key in ("columns", "filter", "group_by", "sort", "labels"):
            if getattr(spec, key):
                self.problems.error(doc.loc((key,), key=True), f"{key}: a table of 'data: "
                                    "indicators' has fixed columns; use 'rows:' to choose rows")
        other = self.other_period(spec, doc)
        if other is None:
            return None
        other_data = self.other_data(other)
        if other_data is None:
            return None
        now, before = figures(self.data), figures(other_data)
        rows = spec.rows or list(now)
        body: list[m.Row] = []
        for i, row in enumerate(rows):
            name, title = (row.name, row.title) if isinstance(row, IndicatorRow) else (row, None)
            where = doc.loc(("rows", i))
            missing = [p.id for p, f in ((self.period, now), (other, before)) if name not in f]
            if missing:
                known = sorted(now)
                self.problems.error(where, f"rows[{i}]: no indicator '{name}' in the data of "
                                    f"{' and '.join(missing)}{did_you_mean(name, known)}")
                continue
            own = self.texts.text(title, Place(doc, ("rows", i, "title")), lang)
            made = self.row(own, now[name], before[name], lang, where)
            if made is not None:
                body.append(made)
        head = m.Row((
            m.Cell((m.Text(self.strings["indicator"]),)),
            m.Cell(date_inlines(period_text(other, self.lang))),
            m.Cell(date_inlines(period_text(self.period, self.lang))),
            m.Cell((m.Text(self.strings["change"]),)),
            m.Cell((m.Text(self.strings["change_pct"]),))))
        widths = table_widths((head,), tuple(body), [None] * 5, lang, spec.landscape, doc,
                              self.problems)
        if widths is None:
            return None
        caption = self.texts.text(spec.caption, Place(doc, ("caption",)), lang)
        return m.Table(
            caption=said(caption, lang) if caption else (),
            number=number, id=anchor, loc=loc,
            head=(head,), body=tuple(body), align=("left", "right", "right", "right", "right"),
            widths=widths,
            role="landscape" if spec.landscape else None,
        )

    def row(self, title: Said | None, now: Figure_, before: Figure_, section_lang: str,
            where: SourceLoc) -> m.Row | None:
        """A row: ``title`` (default: the label's plural form, in its language) and the
        figures; None when the label has no plural form (an error at the row)."""
        lang = self.lang
        if title is None:
            try:
                label = choose_form(now.label, 5, lang)  # the form that goes with 'many'
            except ValueError as exc:
                self.problems.error(where, f"the row's title is the plural form of "
                                    f"{dotted(now.path)} (for 5): {exc}; or give the row a "
                                    "title: {name: ..., title: ...}")
                return None
            title = Said(label[:1].upper() + label[1:], getattr(label, "lang", lang))
        unit = f"\u00a0{now.unit}" if now.unit else ""
        change = now.value - before.value
        whole = all(float(v).is_integer() for v in (now.value, before.value))
        percent = (self.strings["no_value"] if before.value == 0
                   else signed(change / before.value * 100, lang, "#,##0.0"))
        cells = (format_number(before.value, lang) + unit, format_number(now.value, lang) + unit,
                 signed(change, lang, "#,##0" if whole else "#,##0.###") + unit, percent)
        return m.Row((m.Cell(said(title, section_lang)), *(m.Cell((m.Text(c),)) for c in cells)))
