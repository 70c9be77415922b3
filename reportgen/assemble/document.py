"""Assemble stage: project + one period's data + narrative sections -> ``model.Document``.

Parses everything once; writers only ever see the resulting model. All input
problems of every file are collected together (``collect``), so that ``check``
and ``build`` report them at once; ``assemble`` raises them as ``InputError``.
The files are read by the load stage (``load.project``, ``load.sections``), the
data's texts as the edition shows them (``load.texts``); each section is
assembled by ``section``. Nothing here reads a file itself or knows
about HTML output, PDF or Word.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from reportgen.assemble.assets import AssetError, Assets
from reportgen.assemble.charts import Charts, make_source
from reportgen.assemble.comparison import Comparison
from reportgen.assemble.dataviews import PeriodView
from reportgen.assemble.narrative import Counters
from reportgen.assemble.references import resolve
from reportgen.assemble.section import ExpressionViews, SectionContext, assemble_section
from reportgen.assemble.sectionmemo import SectionMemo
from reportgen.assemble.tables import TableContext
from reportgen.assemble.typography import typeset, typeset_section
from reportgen.cache.pictures import Decoded
from reportgen.cache.signed import CodeCache, SignedStore
from reportgen.errors import InputError, Problems, SourceLoc
from reportgen.load.editions import SectionSource, period_text, section_sources, text_in
from reportgen.load.project import Activity, PeriodData, Project
from reportgen.load.schema import Period, Report
from reportgen.load.sections import SectionFile, read_section
from reportgen.load.texts import Texts
from reportgen.load.yamlsrc import Located
from reportgen.model import nodes as m
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
            draft: bool = False, codes: CodeCache | None = None,
            pictures: Decoded | None = None, memo: SectionMemo | None = None) -> Assembly:
    """Assemble the ``lang`` edition of ``period`` as far as the input allows, recording every
    problem in ``problems``. The document is complete only when no error was recorded.
    ``codes``: the expressions compiled by the last build (``codecache``); ``pictures``: what
    decoding each picture gave (``cache.pictures.Decoded``), shared by a build's editions;
    ``memo``: the sections assembled before, valid while only section texts changed
    (``sectionmemo``: the preview's)."""
    report = project.report
    lang = lang or report.language
    if lang not in report.editions:
        raise InputError.single(project.source.loc(("languages",)),
                                f"no '{lang}' edition in this report (languages: "
                                f"{', '.join(report.editions)})")
    result = Assembly(lang)
    strings = strings_for(lang)
    assets = Assets(project.root, pictures)

    texts = Texts(lang, report.language, problems, draft)
    # Every period's data as this edition shows it, each read once (charts, comparisons).
    periods = PeriodData(project, problems, texts)
    result.activity = periods.activity(period)
    # Without valid data the sections are still read, for every problem that needs no data.
    data = result.activity.data if result.activity else None
    label = period_text(period, lang)
    views = ExpressionViews(data, PeriodView(period.id, period.start, period.end, label),
                            report, codes)
    logo = _logo(project, assets, lang, problems)
    ctx = SectionContext(lang, assets, Counters(), strings, problems, views)
    if data is not None:
        ctx.charts = _charts(project, period, periods, ctx, texts)
        ctx.tables = TableContext(data, lang, strings, ctx.counters, problems, Comparison(
            project, period, data, lang, strings, problems, periods, texts), texts)
    assemble_one = _memoized(memo, (lang, period.id), ctx, (codes, pictures))
    sections = _sections(project, draft, ctx, result.sections, assemble_one)
    if memo is not None:
        memo.sweep((lang, period.id))

    if ctx.charts is None:  # no valid data: no document
        return result
    if lang == report.language:  # the other editions may well leave out the charts' sections
        for chart_id, where in ctx.charts.unplaced():
            problems.warning(where, f"chart '{chart_id}' is declared but no section places it "
                             f"(add a ```{{chart}} block with '{chart_id}' to a section)")
    doc = result.document = m.Document(_meta(report, period, lang, label, logo, strings),
                                       tuple(sections))
    if not problems.errors:
        # Typeset once the references are spelled, so their words read with the sentence.
        doc = resolve(doc, problems)
        result.document = replace(doc, sections=tuple(typeset_section(s, problems)
                                                      for s in doc.sections))
    return result


def _logo(project: Project, assets: Assets, lang: str, problems: Problems) -> m.Image | None:
    organization = project.report.organization
    if not organization.logo:
        return None
    try:
        return assets.image(organization.logo, project.root, text_in(organization.name, lang) or "")
    except AssetError as exc:
        problems.error(project.source.loc(("organization", "logo")), str(exc))
        return None


def _charts(project: Project, period: Period, periods: PeriodData, ctx: SectionContext,
            texts: Texts) -> Charts:
    """The charts of the edition; other periods' data is read (by the load stage) on demand."""
    report = project.report
    return Charts(
        root=project.root, report_source=project.source, specs=report.charts,
        source=make_source(report.periods, period, periods, ctx.lang, ctx.strings["unspecified"]),
        counters=ctx.counters, problems=ctx.problems, strings=ctx.strings, layout=project.layout,
        caption_inlines=ctx.caption_inlines, texts=texts,
    )


_Assemble = Callable[[SectionFile, SectionSource, str, SectionContext], m.Section]


def _memoized(memo: SectionMemo | None, scope: object, ctx: SectionContext,
              stores: tuple[SignedStore | None, ...]) -> _Assemble:
    """``assemble_section``, through ``memo`` if there is one."""
    if memo is None:
        return assemble_section

    def assemble_one(read: SectionFile, source: SectionSource, lang: str,
                     ctx: SectionContext) -> m.Section:
        placed = ctx.charts.placed if ctx.charts is not None else None
        return memo.assemble(read, source, lang, scope, ctx.counters, placed, stores,
                             ctx.problems.items,
                             lambda: assemble_section(read, source, lang, ctx))

    return assemble_one


def _sections(project: Project, draft: bool, ctx: SectionContext,
              texts: list[SectionText], assemble_one: _Assemble) -> list[m.Section]:
    """The sections, then the appendices, of the edition, in order; each section as typed is
    added to ``texts``."""
    problems = ctx.problems
    sections: list[m.Section] = []
    seen_ids: dict[str, SourceLoc] = {}
    for source in section_sources(project.report, project.root, project.source, ctx.lang, draft,
                                  problems):
        read = read_section(source, project.root, problems)
        if read is None:
            continue
        lang = read.front.lang or source.lang
        texts.append(SectionText(read.file, read.text, read.front_doc, read.body_line, lang))
        section = assemble_one(read, source, lang, ctx)
        if section.id in seen_ids:
            problems.error(source.loc, f"section id '{section.id}' is used twice "
                           f"(also by {seen_ids[section.id]})")
        seen_ids[section.id] = SourceLoc(read.file, 1)
        sections.append(section)
    return sections


def _meta(report: Report, period: Period, lang: str, label: str, logo: m.Image | None,
          strings: dict[str, str]) -> m.Meta:
    title, organization = _text(report, ("title",), lang), _text(report, ("organization", "name"), lang)
    assert title is not None and organization is not None  # required by the schema
    return m.Meta(
        title=title,
        subtitle=_text(report, ("subtitle",), lang),
        organization=organization,
        organization_short=_text(report, ("organization", "short_name"), lang) or organization,
        addressee=_text(report, ("addressee",), lang),
        lang=lang,
        period_id=period.id,
        period_label=typeset(label, lang),
        city=_text(report, ("city",), lang),
        date=report.date,
        logo=logo,
        strings=strings,
        list_of_figures=report.list_of_figures,
    )


def _text(report: Report, path: tuple[str, ...], lang: str) -> str | None:
    """A text of report.yaml in the edition's language, typeset."""
    value: object = report
    for part in path:
        value = getattr(value, part)
    found = text_in(value, lang)  # type: ignore[arg-type]
    return typeset(found, lang) if found else None
