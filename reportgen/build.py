"""The build orchestrator: runs load -> assemble -> writers in order and writes the outputs.

The only module that runs the stages in order. Outputs are written atomically
(a temporary file in the same folder, then a rename), so a failed or killed
build leaves the previous files intact. Prints nothing: the CLI reports.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .assemble import assemble
from .charts import DrawStats, draw_all
from .errors import InputError
from .model import CrossRef, Document, PageRef
from .project import load_project
from .references import rewrite_refs

if TYPE_CHECKING:
    from .writers.pdf import PdfOutput

FORMATS = ("pdf", "docx")


@dataclass
class Edition:
    """One language's outputs: format -> file, format -> page count, and its document."""

    lang: str
    outputs: dict[str, Path] = field(default_factory=dict)
    pages: dict[str, int] = field(default_factory=dict)
    document: Document | None = None
    charts: DrawStats | None = None


@dataclass
class BuildResult:
    editions: dict[str, Edition] = field(default_factory=dict)
    timings: list[tuple[str, float]] = field(default_factory=list)
    charts: DrawStats | None = None  # over all editions built

    def edition(self, lang: str | None = None) -> Edition:
        """The edition in ``lang``; without it, the only edition built."""
        if lang is None:
            (only,) = self.editions.values()
            return only
        return self.editions[lang]

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings.append((name, time.perf_counter() - start))


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp makes the file private (0600); give it the permissions of a normal new file.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def output_name(period_id: str, fmt: str, lang: str | None = None) -> str:
    """'report-2018-9m.pdf'; with several editions, 'report-2018-9m.kk.pdf'."""
    return f"report-{period_id}.{lang}.{fmt}" if lang else f"report-{period_id}.{fmt}"


def has_page_refs(doc: Document) -> bool:
    """Whether any cross-reference of ``doc`` shows a page number."""
    found: list[PageRef] = []

    def look(ref: CrossRef) -> CrossRef:
        found.extend(c for c in ref.children if isinstance(c, PageRef))
        return ref

    rewrite_refs(doc.sections, look)
    return bool(found)


def _layout(doc: Document, root: Path, layout: str, write: bool) -> Callable[[], PdfOutput]:
    """The print layout of ``doc``, made once when first asked for (by the PDF or the DOCX)."""
    made: list[PdfOutput] = []

    def get() -> PdfOutput:
        if not made:
            from .writers.pdf import render_pdf

            made.append(render_pdf(doc, root, layout, write=write))
        return made[0]

    return get


def build(
    project_dir: Path,
    out_dir: Path,
    period_id: str | None = None,
    formats: tuple[str, ...] = FORMATS,
    strict: bool = False,
    reference_docx: Path | None = None,
    langs: Sequence[str] | None = None,
    draft: bool = False,
) -> BuildResult:
    """Build the editions ``langs`` (default: all the report's) of one period into ``out_dir``.

    Every edition is rendered before any file is written, so a failure writes nothing.
    """
    result = BuildResult()
    with result.stage("load"):
        project = load_project(project_dir)
        period = project.period(period_id)
    editions = project.report.editions
    wanted = list(langs) if langs else editions
    unknown = [lang for lang in wanted if lang not in editions]
    if unknown:
        raise InputError.single(
            project.source.loc(("languages",) if project.report.languages else ("language",)),
            f"no {', '.join(unknown)} edition in this report (its languages: "
            f"{', '.join(editions)})")
    several = len(editions) > 1
    rendered: dict[Path, bytes] = {}
    drawn = cached = 0
    for lang in wanted:
        edition = result.editions[lang] = Edition(lang)
        suffix = f" {lang}" if several else ""
        with result.stage("assemble" + suffix):
            doc = assemble(project, period, strict=strict, lang=lang, draft=draft)
        edition.document = doc
        with result.stage("charts" + suffix):
            stats = draw_all(doc, project.report.layout)
        drawn, cached = drawn + stats.drawn, cached + stats.cached
        laid_out = _layout(doc, project.root, project.report.layout, write="pdf" in formats)
        for fmt in FORMATS:
            if fmt not in formats:
                continue
            with result.stage(f"render {fmt}{suffix}"):
                if fmt == "pdf":
                    data = laid_out().data
                    edition.pages["pdf"] = laid_out().pages
                else:
                    from .writers.docx import render_docx

                    # The DOCX's page references get the print layout's pages as their
                    # cached values, so the PDF is laid out even for a DOCX-only build
                    # when the edition has any.
                    anchor_pages = laid_out().anchor_pages if has_page_refs(doc) else {}
                    data = render_docx(doc, project.root, reference_docx, anchor_pages)
            target = out_dir / output_name(period.id, fmt, lang if several else None)
            rendered[target] = data
            edition.outputs[fmt] = target
    result.charts = DrawStats(drawn, cached)
    with result.stage("write"):
        for target, data in rendered.items():
            write_atomic(target, data)
    return result
