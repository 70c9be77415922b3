"""The build's render step: which outputs are made, and which job goes to a worker when.

Build layer, called by ``build.build`` only. ``plan_outputs`` decides, per edition and
format, whether the output comes from the cache or is rendered; ``RenderRun`` holds the
state of the render step (what is still to draw, which PDF machines finished, which DOCX
waits for a print layout) and hands jobs to the workers' ``Scheduler``. The rules:

- PDFs go to the workers by edition, the biggest first (its PDF ends the build), so the
  next round of its parts never waits behind a smaller edition's.
- A DOCX whose cross-references show page numbers takes them from its edition's print
  layout: it starts as soon as that layout is final (before the PDF is joined: the DOCX
  is the longer job). When the PDF itself is not wanted, or came from the cache, a layout
  is made without the PDF's bytes.
- A DOCX without page numbers starts after the PDFs' first jobs (they are longer).
- Charts not in the cache are drawn by the build process in a thread meanwhile; a part
  (or a DOCX) that shows one waits for it (``pending``).

Nothing here reads input or writes an output file; rendered bytes are collected in the
plan and written by the build.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from reportgen.cache import outputs as outcache
from reportgen.cache.outputs import PartCache, output_key, output_keys
from reportgen.errors import RenderError
from reportgen.layout import Layout
from reportgen.model import walk
from reportgen.model.nodes import Chart, Document
from reportgen.render.chartfiles import DrawStats
from reportgen.render.pdf.plan import ApartJob, Job, SinglePass, SplitRender
from reportgen.scheduler import Scheduler
from reportgen.workers import charts_to_draw, draw_charts, render_docx_job

FORMATS = ("pdf", "docx")
#: A DOCX at least this long (``walk.size``: blocks and table rows) is made in a process of
#: its own when ``Settings.apart``: python-docx holds the whole document's XML at once
#: (about 90 MiB for 5,000 table rows) on top of what the build process holds (issue 21).
DOCX_APART_SIZE = 1500
#: Told how far each task of a build is: its name, jobs done, jobs known (0: not counted).
Progress = Callable[[str, int, int], None]


@dataclass
class Edition:
    """One language's outputs: format -> file, format -> page count, and its document."""

    lang: str
    outputs: dict[str, Path] = field(default_factory=dict)
    pages: dict[str, int] = field(default_factory=dict)
    document: Document | None = None
    charts: DrawStats | None = None

    @property
    def doc(self) -> Document:
        assert self.document is not None  # set for every edition a build renders
        return self.document


@dataclass(frozen=True, slots=True)
class Settings:
    """What every output of one build is made with."""

    root: Path  # the project
    layout: Layout
    reference_docx: Path | None
    pdf_variant: str
    period_id: str
    several: bool  # several editions: their names carry the language
    #: The DOCX's page-number pass (``render.docx.pagination``: LibreOffice lays it out).
    docx_pages: bool = False
    #: Whether a long report's join and its DOCX run in a process of their own
    #: (``pdf.plan.ApartJob``: its memory goes back when it ends); the preview, whose
    #: workers stay, runs them in its workers.
    apart: bool = True

    def output_name(self, fmt: str, lang: str) -> str:
        return output_name(self.period_id, fmt, lang if self.several else None)


class CacheEntry(NamedTuple):
    """An output to keep in the cache once written: its name, key, bytes and page count."""

    name: str
    key: str
    data: bytes
    pages: int | None


@dataclass(frozen=True, slots=True)
class PdfOutput:
    edition: Edition
    target: Path | None  # None: only the print layout is wanted (a DOCX's page numbers)
    key: str  # '' until the charts it shows are drawn


@dataclass(frozen=True, slots=True)
class DocxOutput:
    edition: Edition
    target: Path
    key: str
    needs_layout: bool  # its cross-references show page numbers


@dataclass
class OutputPlan:
    """What a build renders and what it already has."""

    rendered: dict[Path, bytes] = field(default_factory=dict)  # target -> bytes
    reused: list[Path] = field(default_factory=list)  # taken from the cache
    keep: list[CacheEntry] = field(default_factory=list)  # to store once written
    pdfs: list[PdfOutput] = field(default_factory=list)
    docxs: list[DocxOutput] = field(default_factory=list)


def output_name(period_id: str, fmt: str, lang: str | None = None) -> str:
    """'report-2018-9m.pdf'; with several editions, 'report-2018-9m.kk.pdf'."""
    return f"report-{period_id}.{lang}.{fmt}" if lang else f"report-{period_id}.{fmt}"


def plan_outputs(editions: list[Edition], formats: tuple[str, ...], out_dir: Path,
                 settings: Settings, use_cache: bool, has_page_refs: Callable[[Document], bool]
                 ) -> OutputPlan:
    """Each wanted output of each edition, from the cache or to render (the biggest PDF first)."""
    plan = OutputPlan()
    wanted = tuple(f for f in FORMATS if f in formats)
    for edition in editions:
        doc = edition.doc
        # With charts still to draw, the keys (which cover them) are made afterwards.
        keys = ({} if charts_to_draw([doc]) else
                output_keys(wanted, doc, settings.layout, settings.reference_docx, settings.pdf_variant))
        for fmt in wanted:
            target = edition.outputs[fmt] = out_dir / settings.output_name(fmt, edition.lang)
            key = docx_key(keys.get(fmt, ""), settings) if fmt == "docx" else keys.get(fmt, "")
            hit = outcache.load(settings.root, target.name, key) if key and use_cache else None
            if hit is not None:
                plan.rendered[target] = hit[0]
                plan.reused.append(target)
                if hit[1] is not None:
                    edition.pages[fmt] = hit[1]
            elif fmt == "pdf":
                plan.pdfs.append(PdfOutput(edition, target, key))
            else:
                plan.docxs.append(DocxOutput(edition, target, key, has_page_refs(doc)))
        needs_layout = any(d.edition is edition and d.needs_layout for d in plan.docxs)
        if needs_layout and not any(p.edition is edition for p in plan.pdfs):
            plan.pdfs.append(PdfOutput(edition, None, ""))
    plan.pdfs.sort(key=lambda pdf: -_size(pdf.edition.doc))
    return plan


def docx_key(key: str, settings: Settings) -> str:
    """A DOCX's output key, covering its page-number pass and the LibreOffice that made it
    (another version may paginate differently)."""
    if not key or not settings.docx_pages:
        return key
    from reportgen.render.docx.pagination import engine_version  # python-docx: only then

    return hashlib.sha256(f"{key}\ndocx-pages\n{engine_version()}".encode()).hexdigest()


def _size(doc: Document) -> int:
    """A rough measure of how long a document takes to render: its blocks and charts."""
    return sum(len(s.blocks) + 20 * sum(1 for _ in walk.charts(s.blocks)) for s in doc.sections)


class RenderRun:
    """The render step of one build: its jobs, handed to the workers as they become known."""

    def __init__(self, pool: Executor, size: int, plan: OutputPlan, settings: Settings,
                 parts: PartCache | None, single_pass: bool, missing: list[Chart],
                 progress: Progress,
                 joining: Callable[[Edition, list[Any], bytes | Path | None], None] | None = None
                 ) -> None:
        """``joining``: told, for an edition typeset in parts, its final parts and folios as
        their join goes out (``plan.Joining``)."""
        self.plan, self.settings, self.progress = plan, settings, progress
        self.joining = joining
        self.missing = missing  # charts to draw meanwhile
        self.scheduler = Scheduler(pool, size)
        self.rank = {pdf.edition.lang: i for i, pdf in enumerate(plan.pdfs)}
        self.counts: dict[str, list[int]] = {}  # task -> [done, launched]
        # Known before the machines are made: they plan around the charts not drawn yet.
        self.undrawn = {chart.svg.name for chart in missing}  # files the thread still draws
        self.undrawn_lock = threading.Lock()  # the drawing thread removes, this one reads
        self.machines = [(pdf, self._machine(pdf, parts, single_pass)) for pdf in plan.pdfs]
        self.finished: set[int] = set()  # machines whose result was taken
        self.laid_out: set[int] = set()  # machines whose layout started their DOCX
        self.independent = [d for d in plan.docxs if not d.needs_layout]
        #: Per edition whose PDF was made: its parts, and how many of them were typeset.
        self.parts: dict[str, tuple[int, int]] = {}
        self.charts_drawn: int | None = None

    def _machine(self, pdf: PdfOutput, parts: PartCache | None, single_pass: bool
                 ) -> SinglePass | SplitRender:
        s = self.settings
        write = pdf.target is not None
        if single_pass:
            return SinglePass(pdf.edition.doc, s.root, s.layout, s.pdf_variant, write, self.pending)
        name = (pdf.target or pdf.edition.outputs.get("pdf")
                or Path(s.output_name("pdf", pdf.edition.lang))).name
        joining = (functools.partial(self.joining, pdf.edition)
                   if self.joining is not None and write else None)
        return SplitRender(pdf.edition.doc, s.root, s.layout, s.pdf_variant, write, parts, name,
                           self.pending, join_apart=s.apart, joining=joining)

    def pending(self) -> frozenset[str]:
        """The chart files not drawn yet."""
        with self.undrawn_lock:
            return frozenset(self.undrawn)

    def run(self, meanwhile: Callable[[], None] | None = None) -> None:
        """Render everything planned, drawing the missing charts meanwhile; ``meanwhile()``
        once the first jobs are out (``Scheduler.run``)."""
        stop = threading.Event()
        with ThreadPoolExecutor(1) as drawer:
            if self.missing:
                self._draw(drawer, self.missing, stop)
            try:
                self.scheduler.run(self._advance, meanwhile)
            finally:
                stop.set()  # done, or failed: no more charts either way
        if len(self.finished) != len(self.machines):  # pragma: no cover - a machine without jobs
            raise RenderError("a PDF was left unfinished")

    def _draw(self, drawer: Executor, missing: list[Chart], stop: threading.Event) -> None:
        self.progress("drawing charts", 0, len(missing))

        def drawn_one(chart: Chart) -> None:
            with self.undrawn_lock:
                self.undrawn.discard(chart.svg.name)
                left = len(self.undrawn)
            self.progress("drawing charts", len(missing) - left, len(missing))

        def all_drawn(count: int) -> None:
            self.charts_drawn = count

        self.scheduler.watch(drawer.submit(draw_charts, missing, self.settings.layout, stop,
                                           drawn_one), all_drawn)

    def _launch(self, job: Job, task: str, edition: Edition) -> None:
        count = self.counts.setdefault(task, [0, 0])
        count[1] += 1
        self.progress(task, *count)

        def then(value: object) -> None:
            count[0] += 1
            self.progress(task, *count)
            job.then(value)

        self.scheduler.add((self.rank.get(edition.lang, len(self.rank)),), job.fn, job.args, then,
                           f"the {task.split()[0]} of the '{edition.lang}' edition")

    def _docx_job(self, docx: DocxOutput, pages: dict[str, int]) -> Job:
        s = self.settings

        def done(data: object) -> None:
            assert isinstance(data, bytes)
            self.plan.rendered[docx.target] = data
            key = docx.key or docx_key(output_key("docx", docx.edition.doc, s.layout,
                                                  s.reference_docx, s.pdf_variant), s)
            self.plan.keep.append(CacheEntry(docx.target.name, key, data, None))

        long = s.apart and walk.size(docx.edition.doc) >= DOCX_APART_SIZE
        return Job(ApartJob(render_docx_job) if long else render_docx_job,
                   (docx.edition.doc, s.root, s.reference_docx, pages, s.docx_pages, s.layout),
                   done)

    def _pdf_task(self, edition: Edition) -> str:
        return f"PDF {edition.lang}" if self.settings.several else "PDF"

    def _advance(self) -> None:
        """Launch what the machines ask for; take what they finished. A machine may finish
        without a job (every part from the cache), so this runs first too."""
        for pdf, machine in self.machines:
            if machine.anchor_pages is not None and id(machine) not in self.laid_out \
                    and not self.pending():
                # The final layout is known before the PDF is joined: the DOCX goes first.
                self.laid_out.add(id(machine))
                for docx in self.plan.docxs:
                    if docx.edition is pdf.edition and docx.needs_layout:
                        self._launch(self._docx_job(docx, machine.anchor_pages), "DOCX", pdf.edition)
            for job in machine.jobs():
                self._launch(job, self._pdf_task(pdf.edition), pdf.edition)
            if machine.result is not None and id(machine) not in self.finished:
                self.finished.add(id(machine))
                self._take(pdf, machine)
        while self.independent and not self.pending():  # after the PDFs' first jobs (longer)
            docx = self.independent.pop(0)
            self._launch(self._docx_job(docx, {}), "DOCX", docx.edition)

    def _take(self, pdf: PdfOutput, machine: SinglePass | SplitRender) -> None:
        made = machine.result
        assert made is not None
        self.parts[pdf.edition.lang] = (made.parts, made.typeset)
        if pdf.target is None:
            return
        s = self.settings
        self.plan.rendered[pdf.target] = made.data
        pdf.edition.pages["pdf"] = made.pages
        key = pdf.key or output_key("pdf", pdf.edition.doc, s.layout, s.reference_docx, s.pdf_variant)
        self.plan.keep.append(CacheEntry(pdf.target.name, key, made.data, made.pages))
