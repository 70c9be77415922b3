"""Assemble stage: one section, as the load stage read it, into a ``model.Section``.

The parts of a section that hold expressions (``{{ }}``, ``{% %}``) are rendered
against the period's data first: the title, the front matter's ``lead`` and
``cut``, and the body (its lines marked, ``mark_lines``, so that every later
problem points at the line as typed). The body is then read by ``blocks`` with
the report's own blocks (``{indicators}``, ``{chart}``, ``{table}``); a first
paragraph that is bold throughout is the lead, as on the Jekyll pages. Captions
of charts are rendered and read the same way (``SectionContext.caption_inlines``).
Nothing here reads a file (``load.sections`` did) or knows about HTML output,
PDF or Word.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportgen.assemble.assets import AssetError, Assets
from reportgen.assemble.blocks import Directive, SectionReader
from reportgen.assemble.charts import Charts
from reportgen.assemble.dataviews import BreakdownView, Count, PeriodView, data_context
from reportgen.assemble.expressions import Expressions, mark_lines, unmark_lines
from reportgen.assemble.inlines import read_inlines
from reportgen.assemble.narrative import Counters
from reportgen.assemble.tables import TableContext, table_block
from reportgen.cache.signed import CodeCache
from reportgen.errors import Problems, SourceLoc
from reportgen.load.editions import SectionSource
from reportgen.load.schema import ActivityData, Report
from reportgen.load.sections import SectionFile
from reportgen.model import nodes as m
from reportgen.text.formats import format_number


class ExpressionViews:
    """The expressions over one period's data: a view per language, made when first needed."""

    def __init__(self, data: ActivityData | None, period: PeriodView, report: Report,
                 codes: CodeCache | None) -> None:
        """``data`` None: it could not be read, and texts are left as they are. ``codes``: the
        expressions compiled by the last build (``cache.signed``)."""
        self.data = data
        self.period = period
        self.report = report
        self.codes = codes
        self._views: dict[str, Expressions] = {}

    def __call__(self, lang: str) -> Expressions:
        if lang not in self._views:
            context = data_context(self.data, self.period, lang, self.report) if self.data else None
            self._views[lang] = Expressions(context, lang, self.codes)
        return self._views[lang]


@dataclass(slots=True)
class SectionContext:
    """What every section of one edition is assembled with. ``charts`` and ``tables`` are
    None when the period's data could not be read."""

    lang: str  # the edition's
    assets: Assets
    counters: Counters
    strings: dict[str, str]
    problems: Problems
    expressions: ExpressionViews
    charts: Charts | None = None
    tables: TableContext | None = None

    def caption_inlines(self, text: str, loc: SourceLoc) -> tuple[m.Inline, ...]:
        """A caption in the edition's language, typed at ``loc``, as inlines."""
        return render_inlines(text, loc, self.expressions(self.lang), self.counters, self.problems)


def render_inlines(text: str, loc: SourceLoc, expressions: Expressions, counters: Counters,
                   problems: Problems) -> tuple[m.Inline, ...]:
    """A text typed at ``loc`` with its expressions rendered, read as inline Markdown."""
    return read_inlines(expressions.render(text, loc, problems), loc, counters, problems)


def assemble_section(read: SectionFile, source: SectionSource, lang: str,
                     ctx: SectionContext) -> m.Section:
    """The section ``read`` from the file of ``source``, written in ``lang``."""
    front, front_doc, problems = read.front, read.front_doc, ctx.problems
    expressions = ctx.expressions(lang)
    section_id = front.id or source.default_id
    title = expressions.render(front.title, front_doc.loc(("title",)), problems)
    marked = expressions.render(mark_lines(read.body), SourceLoc(read.file, read.body_line + 1),
                                problems)
    body, line_map = unmark_lines(marked)
    reader = SectionReader(read.file, read.body_line, ctx.assets, ctx.counters, problems,
                           ctx.strings, section_id, title,
                           directives=_directives(ctx, expressions.context, lang), line_map=line_map)
    blocks, lead = _lead(reader.read(body), _front_inlines(read, "lead", expressions, ctx), problems)
    if not body.strip() and not lead and not front.empty_ok and not source.stand_in:
        problems.warning(front_doc.loc(("title",)), "the section has no text, only its front "
                         "matter: it prints as an empty page listed in the contents; write its "
                         "text, take it out of report.yaml, or say it is empty on purpose: "
                         "empty_ok: true")
    cover = None
    if front.cover:
        try:
            cover = ctx.assets.image(front.cover, read.file.parent, front.title)
        except AssetError as exc:
            problems.error(front_doc.loc(("cover",)), str(exc))
    if source.stand_in:
        marker = m.Paragraph((m.Strong((m.Text(ctx.strings["draft_missing"]),)),),
                             source.loc, role="draft-missing")
        blocks = [marker, *blocks]
    return m.Section(
        id=section_id,
        title=title,
        lang=lang,
        blocks=tuple(blocks),
        source=read.file,
        lead=lead,
        summary=_front_inlines(read, "cut", expressions, ctx),
        cover=cover,
        appendix=source.appendix,
        source_text=read.text,
    )


def _front_inlines(read: SectionFile, key: str, expressions: Expressions,
                   ctx: SectionContext) -> tuple[m.Inline, ...]:
    """The front matter's text ``key`` (lead, cut) as inlines; none if it has none."""
    value = getattr(read.front, key)
    if not value:
        return ()
    return render_inlines(value, read.front_doc.loc((key,)), expressions, ctx.counters,
                          ctx.problems)


def _directives(ctx: SectionContext, context: dict[str, object] | None,
                lang: str) -> dict[str, Directive]:
    """The report's own fenced blocks, for a section in ``lang``."""
    problems, charts, tables = ctx.problems, ctx.charts, ctx.tables
    return {
        "indicators": lambda text, loc: _indicators(text, loc, context, problems, lang),
        # without valid data a chart or table cannot be made; the data's problems are reported
        "chart": (lambda text, loc: charts.place(text, loc, lang)) if charts
        else lambda text, loc: [],
        "table": (lambda text, loc: table_block(text, loc, tables, lang)) if tables
        else lambda text, loc: [],
    }


def _lead(blocks: list[m.Block], lead: tuple[m.Inline, ...],
          problems: Problems) -> tuple[list[m.Block], tuple[m.Inline, ...]]:
    """The blocks and the lead: the Jekyll convention makes a first paragraph that is bold
    throughout the lead (unless the front matter has one)."""
    if blocks and isinstance(blocks[0], m.Paragraph) and _all_strong(blocks[0].children):
        if lead:
            problems.warning(blocks[0].loc, "the section has both a bold lead paragraph and "
                             "'lead' in its front matter; the front matter one is used")
        else:
            return blocks[1:], _unwrap_strong(blocks[0].children)
    return blocks, lead


def _all_strong(children: tuple[m.Inline, ...]) -> bool:
    meaningful = [c for c in children if not (isinstance(c, m.Text) and not c.text.strip())]
    return len(meaningful) == 1 and isinstance(meaningful[0], m.Strong)


def _unwrap_strong(children: tuple[m.Inline, ...]) -> tuple[m.Inline, ...]:
    for c in children:
        if isinstance(c, m.Strong):
            return c.children
    return children  # pragma: no cover - guarded by _all_strong


def _indicators(
    text: str, loc: SourceLoc, context: dict[str, object] | None, problems: Problems, lang: str
) -> list[m.Block]:
    """A ```{indicators} block: one indicator or breakdown name a line, as figure tiles."""
    if context is None:
        return []  # no valid data: its problems are reported already
    indicators = context["indicators"]
    breakdowns = context["breakdowns"]
    assert isinstance(indicators, dict) and isinstance(breakdowns, dict)
    metrics: list[m.Metric] = []
    for n, line in enumerate(text.splitlines()):
        name = line.strip()
        if not name or name.startswith("#"):
            continue
        where = loc.shifted(n)
        item = indicators.get(name) or breakdowns.get(name)
        if isinstance(item, Count):
            metrics.append(m.Metric(str(item), item.label))
        elif isinstance(item, BreakdownView):
            detail = ", ".join(f"{format_number(p.value, lang)} {p.label}"
                               for p in item.parts.values())
            metrics.append(m.Metric(str(item.total), item.label, detail))
        else:
            known = ", ".join(sorted([*indicators, *breakdowns])) or "none"
            problems.error(where, f"no indicator or breakdown '{name}' in the data of this "
                           f"period (known: {known})")
    if not metrics:
        problems.error(loc, "an {indicators} block names no indicator")
        return []
    return [m.MetricGrid(tuple(metrics), loc)]
