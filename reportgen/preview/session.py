"""A build that stays up: the preview's project, checks, warm workers and typeset parts.

Preview layer, above the build (``build``, ``rendering``), below the CLI. A ``Session``
is made once per ``reportgen preview`` with a pool of worker processes that it keeps for
its whole life (``workers.workers``: warmed up once, never started again); each
``rebuild`` runs the same steps as ``build.build``, through the same functions, in the
same order, with the PDF as the only format:

1. check: load, assemble and check every edition (``build.check``, with the caches of
   compiled expressions and of checked texts); an error keeps the last good pages and
   only the problems change;
2. each edition's document is dated as a build dates it (``build.source_date``);
3. a PDF whose inputs did not change comes from the output cache;
4. cached charts are checked, the missing ones drawn;
5. render: ``rendering.RenderRun`` in the kept pool, with the part cache (a part whose
   HTML did not change is not typeset again; nor is one whose page numbers stand);
6. the caches are updated as a build updates them (outputs, parts, expressions, checks),
   so a ``reportgen build`` or ``release`` after the preview reuses what it typeset:
   the keys are the build's own, so this is safe by construction.

Nothing is written but the caches (and a DOCX when asked for, by ``build.build`` itself);
nothing here serves, watches or prints (``server``, ``watch``, ``cli`` do).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path

from reportgen import recent
from reportgen.assemble.sectionmemo import SectionMemo
from reportgen.build import build, has_page_refs, source_date
from reportgen.cache import outputs as outcache
from reportgen.cache.outputs import PartCache
from reportgen.checking import CheckResult, EditionCheck, check
from reportgen.errors import InputError, Problem, RenderError
from reportgen.layout import Layout
from reportgen.load.project import Project, load_project
from reportgen.model.nodes import Document
from reportgen.preview.inputs import Stamp, changed, only_sections, snapshot, unchanged_editions
from reportgen.render.chartfiles import draw_all
from reportgen.render.pdf.partlayout import PartLayout
from reportgen.render.pdf.plan import SplitRender, split_unsupported
from reportgen.render.pdf.variant import DEFAULT_VARIANT
from reportgen.rendering import Edition, OutputPlan, RenderRun, Settings, plan_outputs
from reportgen.workers import charts_to_draw

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Rendered:
    """One edition's PDF as a build writes it, and what tells its pages apart."""

    lang: str
    name: str  # the file name a build gives it
    data: bytes
    pages: int
    #: Per page, a digest of what makes it (its part and the page in it, the folios); two
    #: pages with the same digest look the same. None: unknown (then every page is new).
    page_keys: tuple[str, ...] | None


@dataclass
class Outcome:
    """What one rebuild gave: the problems of the input, and the PDFs (none on an error)."""

    problems: list[Problem] = field(default_factory=list)
    rendered: dict[str, Rendered] = field(default_factory=dict)
    #: Why nothing was rendered although the input checked out (a renderer failed).
    failure: str | None = None
    seconds: float = 0.0
    editions: list[str] = field(default_factory=list)  # the editions of the report, in order
    title: str = ""
    timings: list[tuple[str, float]] = field(default_factory=list)  # step, seconds

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors and self.failure is None


class Session:
    """The long-lived build of one project's period (see the module's description)."""

    def __init__(self, project_dir: Path, pool: Executor, size: int, period_id: str | None = None,
                 langs: list[str] | None = None, pdf_variant: str = DEFAULT_VARIANT,
                 draft: bool = False, strict: bool = False) -> None:
        self.project_dir = project_dir
        self.pool, self.size = pool, size
        self.period_id, self.langs, self.variant, self.draft = period_id, langs, pdf_variant, draft
        self.strict = strict
        #: One rebuild (or DOCX) at a time: the pool's scheduler and the caches are not shared.
        self.lock = threading.Lock()
        self._parts: tuple[tuple[object, ...], PartCache] | None = None
        self.project: Project | None = None
        self.period: str | None = None
        #: The input files as the last rebuild found them (``inputs.snapshot``), what checking
        #: each edition gave then, and each edition's document and PDF as last rendered.
        self._inputs: dict[Path, Stamp] | None = None
        self._checked: dict[str, EditionCheck] = {}
        self._shown: dict[str, tuple[Document, Rendered]] = {}
        self._gate: _Background | None = None  # the release gate of the rebuild running
        #: The sections assembled before, forgotten when a file other than a section's text
        #: was saved (``assemble.sectionmemo``).
        self.sections = SectionMemo()
        #: Told each edition's final parts as their join goes out, in a thread of its own
        #: (the server shows the edited pages meanwhile: ``preview.early``).
        self.early: Callable[[Joining], object] | None = None

    # ------------------------------------------------------------------ rebuild
    def rebuild(self) -> Outcome:
        """Check and render the project as it is on disk now."""
        with self.lock:
            start = time.perf_counter()
            outcome = self._rebuild()
            outcome.seconds = time.perf_counter() - start
            return outcome

    def _rebuild(self) -> Outcome:
        outcome = Outcome()
        recent.turn()  # what the last two rebuilds did not ask for goes (``reportgen.recent``)
        # 1. Check, exactly as ``reportgen check`` (and the first step of a build) does; an
        # edition that no saved file can have changed is taken as it was (``inputs``).
        mark = time.perf_counter()
        reuse = self._unchanged()
        outcome.timings.append(("inputs", time.perf_counter() - mark))
        # The release gate (warnings only) runs in a thread while the workers lay out (started
        # once the first jobs are out: before, it would take the CPU from the plan).
        checked = check(self.project_dir, self.period_id, strict=self.strict, langs=self.langs,
                        draft=self.draft, cache=True, reuse=reuse, defer_gate=True,
                        memo=self.sections)
        gate = _Background(checked.gate) if checked.gate is not None else None
        self._gate = gate
        try:
            return self._checked_rebuild(checked, reuse, outcome)
        finally:
            self._gate = None
            if gate is not None:
                gate.join()
                checked.gate = None
                outcome.timings.append(checked.timings[-1])  # the release gate's
            outcome.problems = checked.problems
            self._checked = checked.editions

    def _checked_rebuild(self, checked: CheckResult, reuse: dict[str, EditionCheck],
                         outcome: Outcome) -> Outcome:
        outcome.timings += checked.timings
        if checked.project is not None:
            self.project, self.period = checked.project, checked.period_id
            outcome.editions = list(self.langs or checked.project.report.editions)
        if checked.errors or checked.project is None or checked.period_id is None:
            return outcome
        project = checked.project
        layout = project.layout
        # Joined in the kept workers: a process started for each join of a long report
        # would add half a second to every save.
        settings = Settings(project.root, layout, None, self.variant, checked.period_id,
                            len(project.report.editions) > 1, apart=False)
        # 2. Dated as a build dates them (the same bytes, so the same cache keys). An edition
        # whose document is the one last rendered shows the same PDF: it is not planned.
        shown = {lang: made for lang, (doc, made) in self._shown.items()
                 if lang in reuse and checked.assemblies[lang].document is doc}
        editions = [Edition(lang, document=_dated(a.document))
                    for lang, a in checked.assemblies.items()
                    if a.document is not None and lang not in shown]
        first = next(iter(checked.assemblies.values())).document
        outcome.title = first.meta.title if first is not None else ""
        try:
            made = self._render(project.root, layout, settings, editions, outcome) if editions else {}
        except (RenderError, InputError) as exc:
            outcome.failure = str(exc)
            return outcome
        outcome.rendered = {lang: shown.get(lang) or made[lang] for lang in checked.assemblies
                            if lang in shown or lang in made}
        self._shown = {lang: (doc, outcome.rendered[lang])
                       for lang, a in checked.assemblies.items()
                       if (doc := a.document) is not None and lang in outcome.rendered}
        for store in (checked.codes, checked.checks, checked.pictures):
            if store is not None:
                store.save()
        return outcome

    def _render(self, root: Path, layout: Layout, settings: Settings, editions: list[Edition],
                outcome: Outcome) -> dict[str, Rendered]:
        """Steps 3 to 6 of a rebuild (see the module's description) for ``editions``."""
        mark = time.perf_counter()
        # 3. From the output cache, or to render. The folder is never written to.
        plan = plan_outputs(editions, ("pdf",), root, settings, True, has_page_refs)
        single_pass = bool(split_unsupported(layout))
        parts = None if single_pass else self._part_cache(root, layout)
        # 4. Charts: the cached ones checked, the missing ones drawn meanwhile.
        docs = [e.doc for e in editions]
        missing = charts_to_draw(docs) if self.size > 1 else []
        for doc in docs:
            draw_all(doc, layout, frozenset(c.digest for c in missing))
        # 5. Render in the kept pool.
        early = _Early(self.early) if self.early is not None else None
        run = RenderRun(self.pool, self.size, plan, settings, parts, single_pass, missing,
                        _silent, early.joining if early is not None else None)
        outcome.timings.append(("plan", time.perf_counter() - mark))
        mark = time.perf_counter()
        try:
            run.run(meanwhile=self._gate.start if self._gate is not None else None)
        finally:
            if early is not None:
                early.join()
        outcome.timings.append(("render", time.perf_counter() - mark))
        if early is not None and early.threads:
            outcome.timings.append(("early pages", early.seconds))
        keys = _page_keys(run)
        made = {}
        for edition in editions:
            target = edition.outputs["pdf"]
            made[edition.lang] = Rendered(edition.lang, target.name, plan.rendered[target],
                                          edition.pages.get("pdf", 0), keys.get(edition.lang))
        # 6. Keep what was made, as a build keeps it.
        mark = time.perf_counter()
        self._store(root, plan, parts)
        outcome.timings.append(("store", time.perf_counter() - mark))
        return made

    def _unchanged(self) -> dict[str, EditionCheck]:
        """The editions checked last time that no file saved since can have changed."""
        roots = [self.project_dir]
        project = self.project
        if project is None:  # the first rebuild: the layout's folder is watched from the start
            with contextlib.suppress(InputError):
                project = load_project(self.project_dir)
        if project is not None:
            with contextlib.suppress(FileNotFoundError):
                roots.append(project.layout.base_dir())  # a project's is in it
        before, self._inputs = self._inputs, snapshot(roots)
        if before is None:
            self.sections.forget()
            return {}
        sources = {lang: {t.file.resolve() for t in kept.assembly.sections}
                   for lang, kept in self._checked.items()}
        saved = changed(before, self._inputs)
        if not only_sections(saved, sources):
            self.sections.forget()  # what every section shares may have changed
        keep = unchanged_editions(saved, sources)
        return {lang: self._checked[lang] for lang in keep}

    def _part_cache(self, root: Path, layout: Layout) -> PartCache:
        """The part cache, made again only when what its keys start from changed (the layout's
        files, the fonts: its base digest reads them)."""
        files = [path for _, path in layout.key_files()]
        stamp = (root, layout, self.variant, *((str(p), p.stat().st_mtime_ns, p.stat().st_size)
                                               for p in files))
        if self._parts is None or self._parts[0] != stamp:
            self._parts = (stamp, PartCache(root, layout, self.variant))
        cache = self._parts[1]
        cache.used.clear()
        return cache

    def _store(self, root: Path, plan: OutputPlan, parts: PartCache | None) -> None:
        for name, key, data, pages in plan.keep:
            outcache.store(root, name, key, data, pages)
        if parts is not None:
            parts.prune()

    # ------------------------------------------------------------------ DOCX
    def write_docx(self, lang: str, out_dir: Path) -> Path:
        """Write the ``lang`` edition's DOCX into ``out_dir`` as ``reportgen build`` does (it is
        ``build.build``, one process: the typeset parts it needs for page numbers are in the
        cache). Raises ``InputError`` if the input has an error now."""
        with self.lock:
            result = build(self.project_dir, out_dir, self.period_id, formats=("docx",),
                           langs=[lang], draft=self.draft, pdf_variant=self.variant, jobs=1)
            return result.edition(lang).outputs["docx"]


def _silent(task: str, done: int, total: int) -> None:
    pass


class _Background:
    """``fn()`` in a thread of its own once ``start``ed; ``join`` (which starts it if it was
    not) waits for it and raises what it raised."""

    def __init__(self, fn: Callable[[], None]) -> None:
        self._error: BaseException | None = None

        def run() -> None:
            try:
                fn()
            except BaseException as exc:  # noqa: BLE001 - raised again by join
                self._error = exc

        self._thread = threading.Thread(target=run, name="reportgen-preview-gate", daemon=True)
        self._started = False

    def start(self) -> None:
        if not self._started:
            self._started = True
            self._thread.start()

    def join(self) -> None:
        self.start()
        self._thread.join()
        if self._error is not None:
            raise self._error


def _dated(doc: Document | None) -> Document:
    assert doc is not None
    return dataclasses.replace(doc, meta=dataclasses.replace(
        doc.meta, created=source_date(doc.meta.date)))


def _page_keys(run: RenderRun) -> dict[str, tuple[str, ...]]:
    """Per edition whose PDF was typeset in parts this time, a key of each page
    (``part_page_keys``)."""
    keys: dict[str, tuple[str, ...]] = {}
    for pdf, machine in run.machines:
        if not isinstance(machine, SplitRender) or pdf.target is None:
            continue
        found = part_page_keys(machine.parts)
        if found is not None:
            keys[pdf.edition.lang] = found
    return keys


def part_page_keys(parts: list[PartLayout | None]) -> tuple[str, ...] | None:
    """A key of each page of the PDF joined of ``parts``: the part's cache key (which covers
    its HTML, pictures, layout, fonts and code) and the page in it, and the page sequence
    the folios were laid out for (a page more changes every folio). None if not every part
    is in the cache (no key to tell its pages by)."""
    if any(part is None or part.file is None for part in parts):
        return None
    boxes = [box for part in parts if part is not None for box in part.boxes]
    folios = hashlib.sha256(repr(boxes).encode()).hexdigest()[:16]
    return tuple(f"{part.file.stem[:32]}:{j}:{folios}"
                 for part in parts if part is not None and part.file is not None
                 for j in range(part.pages))


@dataclass(frozen=True, slots=True)
class Joining:
    """One edition's final parts and folios, as their join goes out: what its pages will be
    before the PDF is joined (``preview.early``)."""

    lang: str
    parts: list[PartLayout]
    folios: bytes | Path | None
    page_keys: tuple[str, ...] | None


class _Early:
    """Calls ``show(Joining)`` in a thread of its own for each edition whose join goes out
    (``RenderRun(joining=...)``), so that the build's thread goes on at once; ``join`` waits
    for them. A failure is logged: the whole PDF is shown when joined all the same."""

    def __init__(self, show: Callable[[Joining], object]) -> None:
        self.show = show
        self.threads: list[threading.Thread] = []
        self.seconds = 0.0  # the longest one

    def joining(self, edition: Edition, parts: list[PartLayout],
                folios: bytes | Path | None) -> None:
        told = Joining(edition.lang, parts, folios, part_page_keys(list(parts)))

        def run() -> None:
            start = time.perf_counter()
            try:
                self.show(told)
            except Exception:  # noqa: BLE001 - only a head start is lost
                log.exception("showing the new pages before the join failed")
            self.seconds = max(self.seconds, time.perf_counter() - start)

        thread = threading.Thread(target=run, name="reportgen-preview-early", daemon=True)
        self.threads.append(thread)
        thread.start()

    def join(self) -> None:
        for thread in self.threads:
            thread.join()
