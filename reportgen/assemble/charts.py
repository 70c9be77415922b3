"""Assemble stage: chart specs declared in the project -> ``model.Chart`` nodes.

``Charts.place``: a section's ```` ```{chart} ```` block names a chart of
``report.yaml`` or holds one inline; its data is resolved and it becomes a numbered
``Chart`` (or indicator tiles), named by the digest its cached files will carry
(``cache.charts``). Drawing the files is the render stage's (``render.chartfiles``);
nothing here draws or imports matplotlib.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from reportgen.assemble.chartdata import Resolver, Source, Table
from reportgen.assemble.narrative import Counters
from reportgen.cache.charts import cache_dir, chart_digest
from reportgen.errors import InputError, Problems, SourceLoc, did_you_mean
from reportgen.load.schema import ActivityData, ChartSpec, Period
from reportgen.load.validate import validate
from reportgen.load.yamlsrc import Located, Path_, load_yaml, parse_yaml
from reportgen.model import nodes as m
from reportgen.resources import chart_style
from reportgen.text.formats import format_number

#: Bump to invalidate every cached chart (the drawing code's own text is hashed as well).
DRAW_VERSION = "1"
WIDTH_MM = 160.0
HEIGHTS_MM = {"bar": 78.0, "stacked_bar": 82.0, "line": 72.0, "donut": 70.0, "pie": 70.0}


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
    layout: str
    caption_inlines: Callable[[str, SourceLoc], tuple[m.Inline, ...]]
    placed: dict[str, SourceLoc] = field(default_factory=dict)

    def place(self, text: str, loc: SourceLoc) -> list[m.Block]:
        """The blocks of one ```` ```{chart} ```` block: an id of report.yaml, or an inline spec."""
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
            return self._blocks(spec, body, loc,
                                lambda path: self.report_source.loc(("charts", body, *path)))
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
        return self._blocks(spec, chart_id, loc, lambda path: located.loc(path))

    def unplaced(self) -> Iterator[tuple[str, SourceLoc]]:
        for chart_id in self.specs:
            if chart_id not in self.placed:
                yield chart_id, self.report_source.loc(("charts", chart_id), key=True)

    def _blocks(self, spec: ChartSpec, chart_id: str, loc: SourceLoc,
                where: Callable[[Path_], SourceLoc]) -> list[m.Block]:
        table = Resolver(self.source, self.problems).table(spec, where)
        if table is None:
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
        lang = self.source.lang
        height = spec.height or HEIGHTS_MM.get(spec.type, 12.0 + 9.0 * len(table.categories))
        if spec.type == "hbar" and spec.height is None:
            height = max(40.0, 14.0 + 8.5 * len(table.categories) * max(1, len(table.series)) ** 0.5)
        drawing = {
            "v": DRAW_VERSION, "kind": spec.type, "categories": table.categories,
            "series": table.series, "highlight": table.highlight, "x": spec.x_label,
            "y": spec.y_label, "size": [WIDTH_MM, height], "lang": lang,
        }
        digest = chart_digest(drawing, chart_style(self.layout))
        folder = cache_dir(self.root)
        self.counters.figure += 1
        caption_text = spec.caption or spec.title
        return [m.Chart(
            kind=spec.type, categories=table.categories, series=table.series,
            highlight=table.highlight, x_label=spec.x_label, y_label=spec.y_label,
            width_mm=WIDTH_MM, height_mm=height, lang=lang,
            caption=self.caption_inlines(caption_text, where(("caption",) if spec.caption else ("title",))),
            alt=spec.alt or self._alt(spec, table), number=self.counters.figure, id=chart_id,
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
        return [m.MetricGrid(tuple(m.Metric(format_number(v, lang), label)
                                   for label, v in zip(table.categories, values, strict=True)), loc)]

    def _alt(self, spec: ChartSpec, table: Table) -> str:
        """Alternative text from the title and the data: what a reader of the picture gets."""
        lang = self.source.lang
        kind = self.strings.get(f"chart_{spec.type}", spec.type)
        parts = []
        for name, values in table.series:
            pairs = ", ".join(f"{c} — {format_number(v, lang)}"
                              for c, v in zip(table.categories, values, strict=True))
            parts.append(f"{name}: {pairs}" if name and len(table.series) > 1 else pairs)
        return f"{kind}. {spec.title}. " + "; ".join(parts) + "."


def make_source(periods: list[Period], current: Period, data: ActivityData,
                load: Callable[[Period], ActivityData | None], data_file: Callable[[Period], Path],
                lang: str, unspecified: str) -> Source:
    """A chart data source over the report's periods; other periods' data is read on demand."""
    loaded: dict[str, ActivityData | None] = {current.id: data}
    located: dict[str, Located] = {}

    def data_of(period: Period) -> ActivityData | None:
        if period.id not in loaded:
            loaded[period.id] = load(period)
        return loaded[period.id]

    def data_loc(period: Period, path: Path_) -> SourceLoc:
        if period.id not in located:  # only read again when an error must be placed
            located[period.id] = load_yaml(data_file(period))
        return located[period.id].loc(path)

    return Source(periods, current, data_of, data_loc, lang, unspecified)
