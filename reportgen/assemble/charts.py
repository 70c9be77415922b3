"""Assemble stage: chart specs declared in the project -> ``model.Chart`` nodes.

``Charts.place``: a section's ```` ```{chart} ```` block names a chart of
``report.yaml`` or holds one inline; its texts are resolved for the edition
(``load.texts``: one text is the main language's, or the section's for an inline
spec), its data is resolved and it becomes a numbered ``Chart`` (or indicator
tiles), named by the digest its cached files will carry (``cache.charts``).
Drawing the files is the render stage's (``render.chartfiles``); nothing here
draws or imports matplotlib.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportgen.assemble.cells import said
from reportgen.assemble.chartdata import Resolver, Source, Table
from reportgen.assemble.chartshape import WIDTH_MM, drawn_kind, height_mm
from reportgen.assemble.narrative import Counters
from reportgen.cache.charts import cache_dir, chart_digest, chart_environment
from reportgen.errors import InputError, Problems, SourceLoc, did_you_mean
from reportgen.layout import Layout
from reportgen.load.project import PeriodData
from reportgen.load.schema import ChartSpec, Period
from reportgen.load.texts import Place, Texts
from reportgen.load.validate import validate
from reportgen.load.yamlsrc import Located, Path_, parse_yaml
from reportgen.model import nodes as m
from reportgen.text.formats import Said, format_number

#: Bump to invalidate every cached chart (the drawing code's own text is hashed as well).
DRAW_VERSION = "2"


@dataclass(frozen=True, slots=True)
class ChartWords:
    """The texts of a chart as one edition shows them."""

    title: Said
    caption: Said | None
    alt: Said | None
    x_label: Said | None
    y_label: Said | None
    labels: dict[str, Said]


@dataclass
class Charts:
    """Places the charts of one edition of one period; numbering shared with the figures."""

    root: Path
    report_source: Located
    specs: dict[str, ChartSpec]
    source: Source
    counters: Counters
    problems: Problems
    strings: dict[str, str]
    layout: Layout
    caption_inlines: Callable[[str, SourceLoc], tuple[m.Inline, ...]]
    texts: Texts
    placed: dict[str, SourceLoc] = field(default_factory=dict)
    _environment: bytes | None = None  # cache.charts.chart_environment, made once

    def place(self, text: str, loc: SourceLoc, lang: str | None = None) -> list[m.Block]:
        """The blocks of one ```` ```{chart} ```` block: an id of report.yaml, or an inline spec.
        ``lang``: the language of the section it stands in (default: the edition's)."""
        lang = lang or self.source.lang
        body = text.strip()
        if body and "\n" not in body and ":" not in body:
            spec = self.specs.get(body)
            if spec is None:
                known = ", ".join(sorted(self.specs)) or "none"
                self.problems.error(loc, f"no chart '{body}' in report.yaml's charts"
                                    f"{did_you_mean(body, self.specs)} (charts: {known})")
                return []
            if body in self.placed:
                self.problems.error(loc, f"chart '{body}' is placed twice (also at {self.placed[body]})")
                return []
            self.placed[body] = loc
            return self._blocks(spec, body, loc, Place(self.report_source, ("charts", body)),
                                None, lang)
        try:
            located = parse_yaml("\n" * ((loc.line or 1) - 1) + text, loc.file)
        except InputError as exc:
            self.problems.extend(exc.problems)
            return []
        if not isinstance(located.data, dict):
            self.problems.error(loc, "a {chart} block holds a chart id of report.yaml, or a chart "
                                "spec (type:, title:, data:)")
            return []
        spec = validate(ChartSpec, located, self.problems)
        if spec is None:
            return []
        chart_id = spec.id or f"chart-{self.counters.figure + 1}"
        return self._blocks(spec, chart_id, loc, Place(located, ()), lang, lang)

    def unplaced(self) -> Iterator[tuple[str, SourceLoc]]:
        for chart_id in self.specs:
            if chart_id not in self.placed:
                yield chart_id, self.report_source.loc(("charts", chart_id), key=True)

    def words(self, spec: ChartSpec, at: Place, own: str | None) -> ChartWords:
        """The texts of ``spec`` for the edition (``own``: the language of a text given once,
        when not the main language's)."""
        def text(value: str | Mapping[str, Any] | None, *path: str) -> Said | None:
            return self.texts.text(value, Place(at.doc, (*at.path, *path)), own)

        title = text(spec.title, "title")
        assert title is not None
        labels = {k: text(v, "data", "labels", k) for k, v in spec.data.labels.items()}
        return ChartWords(title, text(spec.caption, "caption"), text(spec.alt, "alt"),
                          text(spec.x_label, "x_label"), text(spec.y_label, "y_label"),
                          {k: v for k, v in labels.items() if v is not None})

    def _blocks(self, spec: ChartSpec, chart_id: str, loc: SourceLoc, at: Place,
                own: str | None, lang: str) -> list[m.Block]:
        """The blocks of ``spec``, written at ``at`` and placed in a section in ``lang``."""
        words = self.words(spec, at, own)

        def where(path: Path_) -> SourceLoc:
            return at.loc(*path)

        table = Resolver(self.source, self.problems).table(spec, where, words.labels)
        if table is None:
            return []
        if not table.categories or not table.series:
            if spec.empty is not None:
                text = self.texts.text(spec.empty, Place(at.doc, (*at.path, "empty")), own)
                return [m.Paragraph(said(text, lang) if text else (), loc)]
            self.problems.warning(loc, f"the chart '{chart_id}' has no data in this period: it is "
                                  "left out; write what to print instead, empty: \"...\" (e.g. "
                                  "empty: \"Мероприятий не было\"), or leave the chart out")
            return []
        if spec.type == "tiles":
            return self._tiles(spec, table, loc, where)
        if spec.type in ("donut", "pie"):
            (_, values), *more = table.series
            if more:
                self.problems.error(where(("type",)), f"a {spec.type} shows one series; this data "
                                    f"has {len(table.series)} (use stacked_bar or bar)")
                return []
            if any(v < 0 for v in values) or sum(values) <= 0:
                self.problems.error(where(("data",)), f"a {spec.type} needs values that are not "
                                    "negative and not all zero")
                return []
        edition = self.source.lang  # the language numbers on the chart are written in
        categories = tuple(map(str, table.categories))
        series = tuple((str(name), values) for name, values in table.series)
        # Many or long category names turn a bar chart's bars (chartshape), in both writers.
        timeline = spec.data.across is not None or spec.data.group_by in ("month", "year")
        kind = drawn_kind(spec.type, categories, timeline)
        height = spec.height or height_mm(kind, categories, len(series))
        x_label = str(words.x_label) if words.x_label else None
        y_label = str(words.y_label) if words.y_label else None
        drawing = {
            "v": DRAW_VERSION, "kind": kind, "categories": categories,
            "series": series, "highlight": table.highlight, "x": x_label,
            "y": y_label, "size": [WIDTH_MM, height], "lang": edition,
        }
        if self._environment is None:  # the style and fonts, read once for the edition
            self._environment = chart_environment(self.layout)
        digest = chart_digest(drawing, self.layout, self._environment)
        folder = cache_dir(self.root)
        self.counters.figure += 1
        caption_text = words.caption or words.title
        caption = self.caption_inlines(caption_text, where(("caption",) if spec.caption
                                                           else ("title",)))
        if caption_text.lang and caption_text.lang != lang:
            caption = (m.Span(caption, lang=caption_text.lang),)
        return [m.Chart(
            kind=kind, categories=categories, series=series,
            highlight=table.highlight, x_label=x_label, y_label=y_label,
            width_mm=WIDTH_MM, height_mm=height, lang=edition, caption=caption,
            alt=str(words.alt) if words.alt else self._alt(words.title, kind, table),
            number=self.counters.figure, id=chart_id,
            loc=loc, digest=digest, svg=folder / f"chart-{digest[:20]}.svg",
            png=folder / f"chart-{digest[:20]}.png",
        )]

    def _tiles(self, spec: ChartSpec, table: Table, loc: SourceLoc,
               where: Callable[[Path_], SourceLoc]) -> list[m.Block]:
        if spec.data.across or len(table.series) != 1:
            self.problems.error(where(("type",)), "tiles show the values of one period "
                                "(not across periods)")
            return []
        (_, values), = table.series
        lang = self.source.lang
        return [m.MetricGrid(tuple(m.Metric(format_number(v, lang), str(label))
                                   for label, v in zip(table.categories, values, strict=True)), loc)]

    def _alt(self, title: str, kind: str, table: Table) -> str:
        """Alternative text from the title and the data: what a reader of the picture gets
        (every value, those the picture leaves out for want of room too)."""
        lang = self.source.lang
        kind = self.strings.get(f"chart_{kind}", kind)
        parts = []
        for name, values in table.series:
            pairs = ", ".join(f"{c} — {format_number(v, lang)}"
                              for c, v in zip(table.categories, values, strict=True))
            parts.append(f"{name}: {pairs}" if name and len(table.series) > 1 else pairs)
        return f"{kind}. {title}. " + "; ".join(parts) + "."


def make_source(periods: list[Period], current: Period, data: PeriodData, lang: str,
                unspecified: str) -> Source:
    """A chart data source over the report's periods (``data``: their activity data as the
    edition shows it, each read when first needed)."""

    def data_loc(period: Period, path: Path_) -> SourceLoc:
        activity = data.activity(period)
        assert activity is not None  # its data was drawn on
        return activity.source.loc(path)

    return Source(periods, current, data, data_loc, lang, unspecified)
