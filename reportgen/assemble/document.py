"""Assemble stage: project + one period's data + narrative sections -> ``model.Document``.

Parses everything once; writers only ever see the resulting model. All input
problems of every file are collected together (``collect``), so that ``check``
and ``build`` report them at once; ``assemble`` raises them as ``InputError``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from reportgen.assemble.assets import AssetError, Assets
from reportgen.assemble.charts import Charts, make_source
from reportgen.assemble.comparison import Comparison
from reportgen.assemble.expressions import (
    BreakdownView,
    Count,
    Expressions,
    PeriodView,
    data_context,
    mark_lines,
    unmark_lines,
)
from reportgen.assemble.narrative import Counters, SectionReader, markdown_parser, split_front_matter
from reportgen.assemble.references import resolve
from reportgen.assemble.tables import TableContext, table_block
from reportgen.assemble.typography import typeset, typeset_section
from reportgen.cache.signed import CodeCache
from reportgen.errors import InputError, Problems, SourceLoc
from reportgen.load.editions import SectionSource, period_text, section_sources, text_in
from reportgen.load.project import Activity, Project, load_activity
from reportgen.load.schema import ActivityData, FrontMatter, Period
from reportgen.load.validate import validate
from reportgen.load.yamlsrc import Located, parse_yaml
from reportgen.model import nodes as m
from reportgen.text.formats import format_number
from reportgen.text.strings import strings_for

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SectionText:
    """A section as typed, kept for the checks of hand-written text (``consistency``)."""

    file: Path
    text: str  # the whole file
    front: Located  # its front matter, with lines and columns as in the file
    body_line: int  # lines before the body
    lang: str


@dataclass(slots=True)
class Assembly:
    """What the assemble stage made of one edition: the document and what it was made from."""

    lang: str
    document: m.Document | None = None  # None when the period's data could not be read
    activity: Activity | None = None
    sections: list[SectionText] = field(default_factory=list)


def assemble(project: Project, period: Period, strict: bool = False, lang: str | None = None,
             draft: bool = False) -> m.Document:
    """The ``lang`` edition (default: the main language) of ``period``.

    Raises ``InputError`` listing every problem found. ``draft`` lets a section missing from
    the edition stand in with its main-language text, marked as such.
    """
    problems = Problems()
    document = collect(project, period, problems, lang, draft).document
    problems.raise_if_errors(strict=strict)
    for warning in problems.warnings:
        log.warning("%s", warning)
    assert document is not None  # no data is an error
    return document


def collect(project: Project, period: Period, problems: Problems, lang: str | None = None,
            draft: bool = False, codes: CodeCache | None = None) -> Assembly:
    """Assemble the ``lang`` edition of ``period`` as far as the input allows, recording every
    problem in ``problems``. The document is complete only when no error was recorded.
    ``codes``: the expressions compiled by the last build (``codecache``)."""
    report = project.report
    lang = lang or report.language
    if lang not in report.editions:
        raise InputError.single(project.source.loc(("languages",)),
                                f"no '{lang}' edition in this report (languages: "
                                f"{', '.join(report.editions)})")
    result = Assembly(lang)
    strings = strings_for(lang)
    assets = Assets(project.root)

    result.activity = load_activity(project, period, problems)
    # Without valid data the sections are still read, for every problem that needs no data.
    data = result.activity.data if result.activity else None
    label = period_text(period, lang)
    period_view = PeriodView(period.id, period.start, period.end, label)
    views: dict[str, Expressions] = {}

    def expressions_for(section_lang: str) -> Expressions:
        if section_lang not in views:
            context = data_context(data, period_view, section_lang, report) if data else None
            views[section_lang] = Expressions(context, section_lang, codes)
        return views[section_lang]

    logo = None
    if report.organization.logo:
        try:
            logo = assets.image(report.organization.logo, project.root,
                                text_in(report.organization.name, lang) or "")
        except AssetError as exc:
            problems.error(project.source.loc(("organization", "logo")), str(exc))

    counters = Counters()

    def caption_inlines(text: str, loc: SourceLoc) -> tuple[m.Inline, ...]:
        rendered = expressions_for(lang).render(text, loc, problems)
        reader = SectionReader(loc.file, 0, assets, counters, problems, strings, "")
        return reader._inlines(markdown_parser().parseInline(rendered)[0], loc)

    def load_other(other: Period) -> ActivityData | None:
        activity = load_activity(project, other, problems)
        return activity.data if activity else None

    charts = None if data is None else Charts(
        root=project.root, report_source=project.source, specs=report.charts,
        source=make_source(report.periods, period, data, load_other, project.data_file,
                           lang, strings["unspecified"]),
        counters=counters, problems=problems, strings=strings, layout=report.layout,
        caption_inlines=caption_inlines,
    )
    tables = None if data is None else TableContext(
        data, lang, strings, counters, problems,
        Comparison(project, period, data, lang, strings, problems))
    sections: list[m.Section] = []
    seen_ids: dict[str, SourceLoc] = {}
    for source in section_sources(report, project.root, project.source, lang, draft, problems):
        file = source.file.resolve()
        if not file.is_relative_to(project.root):
            what = "section" if source.appendix is None else "appendix"
            problems.error(source.loc, f"{what} '{source.ref}' is outside the report project")
            continue
        section = _read_section(file, source, lang, assets, counters, expressions_for, strings,
                                problems, charts, tables, result.sections)
        if section is None:
            continue
        if section.id in seen_ids:
            problems.error(source.loc, f"section id '{section.id}' is used twice "
                           f"(also by {seen_ids[section.id]})")
        seen_ids[section.id] = SourceLoc(file, 1)
        sections.append(section)

    if charts is None:  # no valid data: no document
        return result
    if lang == report.language:  # the other editions may well leave out the charts' sections
        for chart_id, where in charts.unplaced():
            problems.warning(where, f"chart '{chart_id}' is declared but no section places it "
                             f"(add a ```{{chart}} block with '{chart_id}' to a section)")

    def text(path: tuple[str, ...]) -> str | None:
        value: object = report
        for part in path:
            value = getattr(value, part)
        found = text_in(value, lang)  # type: ignore[arg-type]
        return typeset(found, lang) if found else None

    title, organization = text(("title",)), text(("organization", "name"))
    assert title is not None and organization is not None  # required by the schema
    meta = m.Meta(
        title=title,
        subtitle=text(("subtitle",)),
        organization=organization,
        organization_short=text(("organization", "short_name")) or organization,
        addressee=text(("addressee",)),
        lang=lang,
        period_id=period.id,
        period_label=typeset(label, lang),
        city=text(("city",)),
        date=report.date,
        logo=logo,
        strings=strings,
        list_of_figures=report.list_of_figures,
    )
    doc = result.document = m.Document(meta, tuple(sections))
    if not problems.errors:
        # Typeset once the references are spelled, so their words read with the sentence.
        doc = resolve(doc, problems)
        doc = result.document = replace(
            doc, sections=tuple(typeset_section(s) for s in doc.sections))
    return result


def _read_section(
    file: Path,
    source: SectionSource,
    lang: str,
    assets: Assets,
    counters: Counters,
    expressions_for: Callable[[str], Expressions],
    strings: dict[str, str],
    problems: Problems,
    charts: Charts | None,
    tables: TableContext | None,
    sources: list[SectionText],
) -> m.Section | None:
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problems.error(SourceLoc(file), f"not UTF-8 text (byte {exc.start}): save it as UTF-8")
        return None
    front_text, body, offset = split_front_matter(text)
    if front_text is None:
        problems.error(SourceLoc(file, 1), "expected YAML front matter between '---' lines "
                       "at the top (at least a title)")
        return None
    try:
        # One leading newline stands for the opening '---', so lines match the file.
        front_doc = parse_yaml("\n" + front_text, file)
    except InputError as exc:
        problems.extend(exc.problems)
        return None
    if not isinstance(front_doc.data, dict):
        problems.error(SourceLoc(file, 2), "expected front matter keys (title: ...)")
        return None
    front = validate(FrontMatter, front_doc, problems)
    if front is None:
        return None
    section_lang = front.lang or source.lang
    sources.append(SectionText(file, text, front_doc, offset, section_lang))
    expressions = expressions_for(section_lang)
    context = expressions.context

    def field_inlines(key: str) -> tuple[m.Inline, ...]:
        value = getattr(front, key)
        if not value:
            return ()
        rendered = expressions.render(value, front_doc.loc((key,)), problems)
        tokens = markdown_parser().parseInline(rendered)
        reader = SectionReader(file, 0, assets, counters, problems, strings, "")
        return reader._inlines(tokens[0], front_doc.loc((key,)))

    section_id = front.id or source.default_id
    title = expressions.render(front.title, front_doc.loc(("title",)), problems)
    marked = expressions.render(mark_lines(body), SourceLoc(file, offset + 1), problems)
    body, line_map = unmark_lines(marked)
    reader = SectionReader(
        file, offset, assets, counters, problems, strings, section_id, title,
        directives={
            "indicators": lambda text, loc: _indicators(text, loc, context, problems,
                                                        section_lang),
            # without valid data a chart or table cannot be made; the data's problems are reported
            "chart": charts.place if charts else lambda text, loc: [],
            "table": (lambda text, loc: table_block(text, loc, tables)) if tables
            else lambda text, loc: [],
        },
        line_map=line_map,
    )
    blocks = reader.read(body)
    lead = field_inlines("lead")
    # The Jekyll convention: a first paragraph that is bold throughout is the lead.
    if blocks and isinstance(blocks[0], m.Paragraph) and _all_strong(blocks[0].children):
        if lead:
            problems.warning(blocks[0].loc, "the section has both a bold lead paragraph and "
                             "'lead' in its front matter; the front matter one is used")
        else:
            lead = _unwrap_strong(blocks[0].children)
            blocks = blocks[1:]
    cover = None
    if front.cover:
        try:
            cover = assets.image(front.cover, file.parent, front.title)
        except AssetError as exc:
            problems.error(front_doc.loc(("cover",)), str(exc))
    if source.stand_in:
        marker = m.Paragraph((m.Strong((m.Text(strings["draft_missing"]),)),),
                             source.loc, role="draft-missing")
        blocks = [marker, *blocks]
    return m.Section(
        id=section_id,
        title=title,
        lang=section_lang,
        blocks=tuple(blocks),
        source=file,
        lead=lead,
        summary=field_inlines("cut"),
        cover=cover,
        appendix=source.appendix,
    )


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
