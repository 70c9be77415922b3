"""The build orchestrator: runs load -> assemble -> checks -> writers in order.

``build`` runs the check step first (``checking.check``: every problem of the input of
every edition, collected at once, re-exported here) and renders nothing if it found an
error. Outputs are written atomically and all together (``outputs``), so a failed or
killed build leaves the previous files intact; the next build removes leftovers of a
killed one. Timestamps come from ``SOURCE_DATE_EPOCH`` or the report's date, never from
the clock, so the same input gives the same bytes. Prints nothing: the CLI reports;
warnings that do not stop a build go through ``logging``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportgen.assemble.references import rewrite_refs
from reportgen.atomic import recover, remove_leftovers, write_all_atomic, write_atomic
from reportgen.cache import outputs as outcache
from reportgen.cache.outputs import PartCache
from reportgen.checking import CheckResult, EditionCheck, Timed, check
from reportgen.errors import InputError
from reportgen.layout import Layout
from reportgen.load.project import load_project
from reportgen.model import walk
from reportgen.model.nodes import Chart, CrossRef, Document, PageRef
from reportgen.render.chartfiles import DrawStats, draw_all
from reportgen.render.pdf.plan import split_unsupported
from reportgen.render.pdf.variant import DEFAULT_VARIANT
from reportgen.rendering import (
    FORMATS,
    Edition,
    OutputPlan,
    Progress,
    RenderRun,
    Settings,
    plan_outputs,
)
from reportgen.workers import (
    charts_to_draw,
    pool_size,
    usable_cores,
    warm_up,
    workers,
)

__all__ = ["FORMATS", "BuildResult", "CheckResult", "Edition", "EditionCheck", "build", "check",
           "source_date", "write_atomic"]

log = logging.getLogger(__name__)


@dataclass
class BuildResult(Timed):
    editions: dict[str, Edition] = field(default_factory=dict)
    charts: DrawStats | None = None  # over all editions built
    reused: list[Path] = field(default_factory=list)  # outputs taken from the cache, unrendered
    #: Per edition whose PDF was made: its parts, and how many of them were typeset.
    parts: dict[str, tuple[int, int]] = field(default_factory=dict)

    def edition(self, lang: str | None = None) -> Edition:
        """The edition in ``lang``; without it, the only edition built."""
        if lang is None:
            (only,) = self.editions.values()
            return only
        return self.editions[lang]


def source_date(report_date: dt.date | None, environ: dict[str, str] | None = None
                ) -> dt.datetime:
    """The time the outputs say they were made: SOURCE_DATE_EPOCH if set (the reproducible-builds
    convention), else the report's date at 00:00 UTC, else 2000-01-01. Never the clock."""
    env = os.environ if environ is None else environ
    raw = env.get("SOURCE_DATE_EPOCH", "").strip()
    if raw:
        if not raw.isdigit() or int(raw) > 253402300799:  # 9999-12-31T23:59:59Z
            raise InputError.single(None, "SOURCE_DATE_EPOCH: expected a whole number of "
                                    f"seconds since 1970-01-01 UTC, got {raw!r}")
        return dt.datetime.fromtimestamp(int(raw), dt.UTC)
    day = report_date or dt.date(2000, 1, 1)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def has_page_refs(doc: Document) -> bool:
    """Whether any cross-reference of ``doc`` shows a page number."""
    found: list[PageRef] = []

    def look(ref: CrossRef) -> CrossRef:
        found.extend(c for c in ref.children if isinstance(c, PageRef))
        return ref

    rewrite_refs(doc.sections, look)
    return bool(found)


def _warm_up(project_dir: Path, langs: Sequence[str] | None, variant: str,
             formats: tuple[str, ...]) -> tuple[Callable[..., None], tuple[object, ...]] | tuple[()]:
    """The workers' warm-up for a build of ``project_dir`` (``parallel.workers``): nothing if
    no PDF is wanted or the project does not load (the check says why)."""
    if "pdf" not in formats:
        return ()
    try:
        project = load_project(project_dir)
    except InputError:
        return ()
    return warm_up, (project.root, project.layout, variant,
                     list(langs or project.report.editions))


def build(
    project_dir: Path,
    out_dir: Path,
    period_id: str | None = None,
    formats: tuple[str, ...] = FORMATS,
    strict: bool = False,
    reference_docx: Path | None = None,
    langs: Sequence[str] | None = None,
    draft: bool = False,
    pdf_variant: str = DEFAULT_VARIANT,
    jobs: int | None = None,
    use_cache: bool = True,
    split: bool = True,
    progress: Progress | None = None,
    docx_pages: bool = False,
) -> BuildResult:
    """Build the editions ``langs`` (default: all the report's) of one period into ``out_dir``.

    The input is checked first (``check``): an error, or with ``strict`` a warning, stops
    the build before anything is rendered. Every edition is rendered before any file is
    written, so a failure writes nothing. Charts and outputs are rendered in ``jobs`` worker
    processes (default: one per usable core); an output whose inputs did not change since
    the last build comes from the cache (``cache.outputs``) unless ``use_cache`` is false.
    With ``split`` (and a layout that allows it) each PDF is typeset in parts, in
    parallel, and joined (``render.pdf.plan``); without it, in one WeasyPrint pass.
    ``progress(task, done, total)`` is told how far each task is (the CLI shows it).
    With ``docx_pages`` each DOCX gets its own page numbers from LibreOffice (the
    page-number pass, docs/docx.md); without it, its contents has none.
    """
    result = BuildResult()
    report = progress or _silent
    size = pool_size(jobs, usable_cores())
    # 0. What a killed build left in the output folder is finished first: its journal's
    #    renames done, or its temporary files deleted (atomic.recover).
    recover(out_dir)
    # 1. The workers start first and warm up (imports, stylesheets, fonts) while this
    #    process reads and checks the input.
    with workers(jobs, size, *_warm_up(project_dir, langs, pdf_variant, formats)) as pool:
        # 2. Check: every problem of every edition at once; an error (with ``strict``, a
        #    warning too) stops the build before anything is rendered.
        checked = _checked_input(project_dir, period_id, strict, langs, draft, use_cache, result, report)
        project = checked.project
        assert project is not None and checked.period_id is not None
        settings = Settings(project.root, project.layout, reference_docx, pdf_variant,
                            checked.period_id, len(project.report.editions) > 1, docx_pages)
        # 3. Each edition's document, dated by SOURCE_DATE_EPOCH or the report (not the clock).
        editions = _dated_editions(checked, result)
        # 4. An output whose inputs did not change comes from the cache; the rest is rendered.
        with result.stage("cache"):
            plan = plan_outputs(editions, formats, out_dir, settings, use_cache, has_page_refs)
        result.reused = plan.reused
        single_pass = _single_pass(settings.layout, split)
        # A part's key covers the documents' own files it shows; nothing its text says is read.
        parts = (PartCache(project.root, settings.layout, pdf_variant,
                           files=[p for e in editions for p in walk.paths(e.doc)])
                 if use_cache and not single_pass else None)
        # 5. Charts: the cached ones are checked now; the others are drawn by this process
        #    in a thread while the workers typeset what shows none (a serial build draws
        #    them here, first).
        missing = _draw_cached_charts(editions, settings.layout, size, result)
        # 6. Render: the jobs go to the workers as they become known (``rendering``).
        run = RenderRun(pool, size, plan, settings, parts, single_pass, missing, report)
        with result.stage("render"):
            run.run()
        result.parts = run.parts
        if run.charts_drawn is not None and result.charts is not None:
            result.charts = DrawStats(run.charts_drawn, result.charts.cached)
    # 7. Write every output atomically and all together: a failure leaves the old files.
    with result.stage("write"):
        for target in plan.rendered:
            remove_leftovers(target)
        write_all_atomic(plan.rendered)
    # 8. Keep what was made, only once the outputs are written: a failed build leaves no
    #    cache entry behind.
    with result.stage("store cache"):
        _store_caches(project.root, plan, parts, checked, use_cache)
    return result


def _silent(task: str, done: int, total: int) -> None:
    pass


def _checked_input(project_dir: Path, period_id: str | None, strict: bool,
                   langs: Sequence[str] | None, draft: bool, use_cache: bool,
                   result: BuildResult, report: Progress) -> CheckResult:
    """``check``, its timings kept; raises ``InputError`` on an error, logs the warnings."""
    report("checking the input", 0, 0)
    checked = check(project_dir, period_id, strict, langs, draft, cache=use_cache)
    report("checking the input", 1, 1)
    result.timings += checked.timings
    if checked.errors:
        raise InputError(checked.problems)
    for warning in checked.warnings:
        log.warning("%s", warning)
    return checked


def _dated_editions(checked: CheckResult, result: BuildResult) -> list[Edition]:
    for lang, assembly in checked.assemblies.items():
        doc = assembly.document
        assert doc is not None  # no error, so every edition is complete
        result.editions[lang] = Edition(lang, document=dataclasses.replace(
            doc, meta=dataclasses.replace(doc.meta, created=source_date(doc.meta.date))))
    return list(result.editions.values())


def _single_pass(layout: Layout, split: bool) -> bool:
    """Whether each PDF is typeset in one WeasyPrint pass (asked for, or the layout needs it)."""
    unsupported = split_unsupported(layout) if split else "a single pass was asked for"
    if split and unsupported:
        log.warning("the PDF is typeset in one pass, not in parts: %s (see 'The print "
                    "layout' in docs/project-format.md)", unsupported)
    return bool(unsupported)


def _draw_cached_charts(editions: list[Edition], layout: Layout, size: int, result: BuildResult
                        ) -> list[Chart]:
    """Check the charts in the cache (and, in a serial build, draw the others); the charts
    left for the render step's drawing thread."""
    docs = [e.doc for e in editions]
    missing = charts_to_draw(docs) if size > 1 else []
    with result.stage("charts"):
        stats = [draw_all(doc, layout, frozenset(c.digest for c in missing)) for doc in docs]
        result.charts = DrawStats(sum(s.drawn for s in stats),
                                  sum(s.cached for s in stats) - len(missing))
    return missing


def _store_caches(root: Path, plan: OutputPlan, parts: PartCache | None, checked: CheckResult,
                  use_cache: bool) -> None:
    for name, key, data, pages in plan.keep if use_cache else []:
        outcache.store(root, name, key, data, pages)
    if parts is not None:
        parts.prune()
    for store in (checked.codes, checked.checks, checked.pictures):
        if store is not None:
            store.save()
