"""The build orchestrator: runs load -> assemble -> checks -> writers in order.

The only module that runs the stages in order. ``check`` is the build minus
the writers: every problem of the input of every edition, including the
analyses that only a check makes (hand-typed numbers against the data),
collected at once. ``build`` runs ``check`` first and renders nothing if it
found an error. Outputs are written atomically and all together
(``outputs``), so a failed or killed build leaves the previous files intact;
the next build removes leftovers of a killed one. Timestamps come from
``SOURCE_DATE_EPOCH`` or the report's date, never from the clock, so the same
input gives the same bytes. Prints nothing: the CLI reports; warnings that do
not stop a build go through ``logging``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from reportgen.assemble.document import Assembly, collect
from reportgen.assemble.references import rewrite_refs
from reportgen.atomic import remove_leftovers, write_all_atomic, write_atomic
from reportgen.cache import outputs as outcache
from reportgen.cache.outputs import PartCache, output_key, output_keys
from reportgen.cache.signed import CodeCache, SignedStore
from reportgen.check.consistency import check_narrative, checks_cache
from reportgen.check.glyphs import check_edition
from reportgen.errors import InputError, Problem, Problems, RenderError
from reportgen.load.project import Project, load_project
from reportgen.model import walk
from reportgen.model.nodes import Chart, CrossRef, Document, PageRef
from reportgen.render.chartfiles import DrawStats, draw_all
from reportgen.render.pdf.plan import Job, SinglePass, SplitRender, split_unsupported
from reportgen.render.pdf.variant import DEFAULT_VARIANT
from reportgen.workers import (
    Scheduler,
    charts_to_draw,
    draw_charts,
    pool_size,
    render_docx_job,
    usable_cores,
    warm_up,
    workers,
)

__all__ = ["FORMATS", "BuildResult", "Edition", "build", "check", "source_date", "write_atomic"]

FORMATS = ("pdf", "docx")
log = logging.getLogger(__name__)
#: Told how far each task of a build is: its name, jobs done, jobs known (0: not counted).
Progress = Callable[[str, int, int], None]


@dataclass
class _Timed:
    timings: list[tuple[str, float]] = field(default_factory=list)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings.append((name, time.perf_counter() - start))


@dataclass
class CheckResult(_Timed):
    """Every problem of one period's input, in source order; warnings are errors if strict."""

    problems: list[Problem] = field(default_factory=list)
    project: Project | None = None
    period_id: str | None = None
    #: The assembled editions, by language (complete only when there is no error).
    assemblies: dict[str, Assembly] = field(default_factory=dict)
    #: The compiled expressions, to keep for the next build (when asked to cache).
    codes: CodeCache | None = None
    #: What each section's text gave against the data, likewise.
    checks: SignedStore | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


@dataclass
class Edition:
    """One language's outputs: format -> file, format -> page count, and its document."""

    lang: str
    outputs: dict[str, Path] = field(default_factory=dict)
    pages: dict[str, int] = field(default_factory=dict)
    document: Document | None = None
    charts: DrawStats | None = None


@dataclass
class BuildResult(_Timed):
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


def check(
    project_dir: Path,
    period_id: str | None = None,
    strict: bool = False,
    langs: Sequence[str] | None = None,
    draft: bool = False,
    cache: bool = False,
) -> CheckResult:
    """Everything a build of the editions ``langs`` (default: all) of a period would use,
    checked without rendering anything. With ``cache``, the expressions the last build
    compiled are reused (``codecache``), and so are the problems the texts it checked gave
    (``consistency``); ``result.codes.save()`` and ``result.checks.save()`` keep this check's."""
    result = CheckResult()
    problems = Problems()
    with result.stage("load"):
        try:
            project = load_project(project_dir)
            period = project.period(period_id)
            wanted = _editions(project, langs)
        except InputError as exc:
            result.problems = _ordered(exc.problems, strict)
            return result
    result.project, result.period_id = project, period.id
    result.codes = CodeCache.for_project(project.root) if cache else None
    result.checks = checks_cache(project.root) if cache else None
    suffix = len(project.report.editions) > 1
    for lang in wanted:
        with result.stage("assemble" + (f" {lang}" if suffix else "")):
            assembly = result.assemblies[lang] = collect(project, period, problems, lang, draft,
                                                         result.codes)
        with result.stage("check" + (f" {lang}" if suffix else "")):
            # Glyphs only of a complete document (an error before means the model is partial).
            if assembly.document is not None and not problems.errors:
                check_edition(project, period, assembly.document, problems)
            check_narrative(assembly, problems, result.checks)
    result.problems = _ordered(problems.items, strict)
    return result


def _editions(project: Project, langs: Sequence[str] | None) -> list[str]:
    editions = project.report.editions
    wanted = list(langs) if langs else editions
    unknown = [lang for lang in wanted if lang not in editions]
    if unknown:
        raise InputError.single(
            project.source.loc(("languages",) if project.report.languages else ("language",)),
            f"no {', '.join(unknown)} edition in this report (its languages: "
            f"{', '.join(editions)})")
    return wanted


def _ordered(problems: list[Problem], strict: bool) -> list[Problem]:
    """Each problem once (editions share data and files), grouped by file in the order files
    were first met, then by line and column; with ``strict``, warnings become errors."""
    unique = list(dict.fromkeys(problems))
    files: dict[object, int] = {}
    for p in unique:
        files.setdefault(p.loc.file if p.loc else None, len(files))

    def key(p: Problem) -> tuple[int, int, int]:
        if p.loc is None:
            return (files[None], 0, 0)
        return (files[p.loc.file], p.loc.line or 0, p.loc.col or 0)

    out = sorted(unique, key=key)
    if strict:
        out = list(dict.fromkeys(Problem(p.loc, p.message, "error", p.related) for p in out))
    return out


def _document(edition: Edition) -> Document:
    assert edition.document is not None
    return edition.document


def _size(doc: Document | None) -> int:
    """A rough measure of how long a document takes to render: its blocks and charts."""
    if doc is None:
        return 0
    return sum(len(s.blocks) + 20 * sum(1 for _ in walk.charts(s.blocks)) for s in doc.sections)


def output_name(period_id: str, fmt: str, lang: str | None = None) -> str:
    """'report-2018-9m.pdf'; with several editions, 'report-2018-9m.kk.pdf'."""
    return f"report-{period_id}.{lang}.{fmt}" if lang else f"report-{period_id}.{fmt}"


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
    return warm_up, (project.root, project.report.layout, variant,
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
) -> BuildResult:
    """Build the editions ``langs`` (default: all the report's) of one period into ``out_dir``.

    The input is checked first (``check``): an error, or with ``strict`` a warning, stops
    the build before anything is rendered. Every edition is rendered before any file is
    written, so a failure writes nothing. Charts and outputs are rendered in ``jobs`` worker
    processes (default: one per usable core); an output whose inputs did not change since
    the last build comes from the cache (``outcache``) unless ``use_cache`` is false.
    With ``split`` (and a layout that allows it) each PDF is typeset in parts, in
    parallel, and assembled (``splitpdf``); without it, in one WeasyPrint pass.
    ``progress(task, done, total)`` is told how far each task is (the CLI shows it).
    """
    result = BuildResult()
    report = progress or (lambda task, done, total: None)
    # The workers start first and warm up (imports, stylesheets, fonts) while this process
    # reads and checks the input.
    size = pool_size(jobs, usable_cores())
    with workers(jobs, size, *_warm_up(project_dir, langs, pdf_variant, formats)) as pool:
        report("checking the input", 0, 0)
        checked = check(project_dir, period_id, strict, langs, draft, cache=use_cache)
        report("checking the input", 1, 1)
        result.timings += checked.timings
        if checked.errors:
            raise InputError(checked.problems)
        for warning in checked.warnings:
            log.warning("%s", warning)
        project, period_id = checked.project, checked.period_id
        assert project is not None and period_id is not None
        several = len(project.report.editions) > 1
        for lang, assembly in checked.assemblies.items():
            edition = result.editions[lang] = Edition(lang)
            doc = assembly.document
            assert doc is not None  # no error, so every edition is complete
            edition.document = dataclasses.replace(
                doc, meta=dataclasses.replace(doc.meta, created=source_date(doc.meta.date)))
        docs = [e.document for e in result.editions.values() if e.document is not None]
        layout = project.report.layout
        # Outputs whose inputs did not change come from the cache; the rest are rendered in
        # worker processes, the biggest PDF first. A DOCX whose cross-references show page
        # numbers takes them from its edition's print layout, so it waits for it (a layout
        # without the PDF's bytes when the PDF itself is not wanted or comes from the cache).
        rendered: dict[Path, bytes] = {}
        keep: list[tuple[str, str, bytes, int | None]] = []  # for the cache: name, key, data, pages
        pdfs: list[tuple[Edition, Path | None, str]] = []  # edition, PDF target (None: layout only)
        docxs: list[tuple[Edition, Path, str, bool]] = []  # ..., whether it needs the layout
        with result.stage("cache"):
            for edition in result.editions.values():
                doc = edition.document
                assert doc is not None
                wanted = tuple(f for f in FORMATS if f in formats)
                # With charts still to draw, the keys (which cover them) are made afterwards.
                keys = (output_keys(wanted, doc, layout, reference_docx, pdf_variant)
                        if not charts_to_draw([doc]) else {})
                hits: dict[str, bool] = {}
                for fmt in wanted:
                    target = out_dir / output_name(period_id, fmt, edition.lang if several else None)
                    edition.outputs[fmt] = target
                    key = keys.get(fmt, "")
                    hit = outcache.load(project.root, target.name, key) if key and use_cache else None
                    hits[fmt] = hit is not None
                    if hit is not None:
                        rendered[target] = hit[0]
                        result.reused.append(target)
                        if hit[1] is not None:
                            edition.pages[fmt] = hit[1]
                    elif fmt == "pdf":
                        pdfs.append((edition, target, key))
                    else:
                        docxs.append((edition, target, key, has_page_refs(doc)))
                needs_layout = any(e is edition and refs for e, _, _, refs in docxs)
                if needs_layout and not any(e is edition for e, _, _ in pdfs):
                    pdfs.append((edition, None, ""))
        pdfs.sort(key=lambda job: -_size(job[0].document))
        unsupported = split_unsupported(layout) if split else "a single pass was asked for"
        if split and unsupported:
            log.warning("the PDF is typeset in one pass, not in parts: %s (see 'The print "
                        "layout' in docs/project-format.md)", unsupported)
        parts = PartCache(project.root, layout, pdf_variant) if use_cache and not unsupported else None
        # Charts not in the cache are drawn by this process, in a thread, while the workers
        # typeset what shows none; a part (or a DOCX) that shows one waits for it. A serial
        # build draws them first. The cached ones are checked here and now.
        missing = charts_to_draw(docs) if size > 1 else []
        undrawn = {chart.svg.name for chart in missing}
        undrawn_lock = threading.Lock()  # the drawing thread removes, this one reads
        with result.stage("charts"):
            stats = [draw_all(doc, layout, frozenset(c.digest for c in missing)) for doc in docs]
            result.charts = DrawStats(sum(s.drawn for s in stats),
                                      sum(s.cached for s in stats) - len(missing))
        stop = threading.Event()
        with result.stage("render"), ThreadPoolExecutor(1) as drawer:
            # Jobs go to the workers by edition, the biggest first (its PDF ends the build),
            # so the next round of its parts never waits behind a smaller edition's.
            scheduler = Scheduler(pool, size)
            if missing:
                report("drawing charts", 0, len(missing))

                def drawn_one(chart: Chart) -> None:
                    with undrawn_lock:
                        undrawn.discard(chart.svg.name)
                        left = len(undrawn)
                    report("drawing charts", len(missing) - left, len(missing))

                def all_drawn(count: int) -> None:
                    assert result.charts is not None
                    result.charts = DrawStats(count, result.charts.cached)

                scheduler.watch(drawer.submit(draw_charts, missing, layout, stop, drawn_one),
                                all_drawn)

            def pending() -> frozenset[str]:
                with undrawn_lock:
                    return frozenset(undrawn)

            rank = {e.lang: i for i, (e, _, _) in enumerate(pdfs)}
            counts: dict[str, list[int]] = {}  # task -> [done, launched]

            def launch(job: Job, task: str, edition: Edition) -> None:
                count = counts.setdefault(task, [0, 0])
                count[1] += 1
                report(task, *count)

                def then(value: object) -> None:
                    count[0] += 1
                    report(task, *count)
                    job.then(value)

                scheduler.add((rank.get(edition.lang, len(rank)),), job.fn, job.args, then)

            def docx_job(edition: Edition, target: Path, key: str, pages: dict[str, int]) -> Job:
                def done(data: object) -> None:
                    assert isinstance(data, bytes)
                    rendered[target] = data
                    keep.append((target.name, key or output_key(
                        "docx", _document(edition), layout, reference_docx, pdf_variant),
                        data, None))
                return Job(render_docx_job, (edition.document, project.root, reference_docx,
                                             pages), done)

            machines: list[tuple[Edition, Path | None, str, SinglePass | SplitRender]] = []
            for edition, pdf_target, key in pdfs:
                doc = _document(edition)
                name = (pdf_target or edition.outputs.get("pdf") or Path(output_name(
                    period_id, "pdf", edition.lang if several else None))).name
                machine: SinglePass | SplitRender = (
                    SinglePass(doc, project.root, layout, pdf_variant, pdf_target is not None,
                               pending)
                    if unsupported else
                    SplitRender(doc, project.root, layout, pdf_variant, pdf_target is not None,
                                parts, name, pending))
                machines.append((edition, pdf_target, key, machine))
            def pdf_task(edition: Edition) -> str:
                return f"PDF {edition.lang}" if several else "PDF"

            docx_task = "DOCX"
            finished: set[int] = set()
            laid_out: set[int] = set()
            independent = [(e, target, key) for e, target, key, refs in docxs if not refs]

            def advance() -> None:
                """Launch what the machines ask for; take what they finished. A machine may
                finish without a job (every part from the cache), so this runs first too."""
                for edition, pdf_target, key, machine in machines:
                    if (machine.anchor_pages is not None and id(machine) not in laid_out
                            and not pending()):
                        # The final layout is known before the PDF is assembled: the DOCX
                        # (the longer job) goes first.
                        laid_out.add(id(machine))
                        for e, docx_target, docx_key, refs in docxs:
                            if e is edition and refs:
                                launch(docx_job(edition, docx_target, docx_key,
                                                machine.anchor_pages), docx_task, edition)
                    for job in machine.jobs():
                        launch(job, pdf_task(edition), edition)
                    made = machine.result
                    if made is None or id(machine) in finished:
                        continue
                    finished.add(id(machine))
                    result.parts[edition.lang] = (made.parts, made.typeset)
                    if pdf_target is None:
                        continue
                    rendered[pdf_target] = made.data
                    edition.pages["pdf"] = made.pages
                    keep.append((pdf_target.name, key or output_key(
                        "pdf", _document(edition), layout, reference_docx, pdf_variant),
                        made.data, made.pages))
                while independent and not pending():  # after the PDFs' first jobs (longer)
                    edition, docx_target, key = independent.pop(0)
                    launch(docx_job(edition, docx_target, key, {}), docx_task, edition)

            try:
                scheduler.run(advance)
            finally:
                stop.set()  # the build failed: no more charts
    if len(finished) != len(machines):  # pragma: no cover - a machine that hands out no job
        raise RenderError("a PDF was left unfinished")
    with result.stage("write"):
        for target in rendered:
            remove_leftovers(target)
        write_all_atomic(rendered)
    # Cached only once the outputs are written: a failed build leaves no entry behind.
    with result.stage("store cache"):
        for name, key, data, pages in keep if use_cache else []:
            outcache.store(project.root, name, key, data, pages)
        if parts is not None:
            parts.prune()
        for store in (checked.codes, checked.checks):
            if store is not None:
                store.save()
    return result
