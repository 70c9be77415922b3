"""The build orchestrator: runs load -> assemble -> writers in order and writes the outputs.

The only module that runs the stages in order. Outputs are written atomically
(a temporary file in the same folder, then a rename), so a failed or killed
build leaves the previous files intact. Prints nothing: the CLI reports.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .assemble import assemble
from .charts import DrawStats, draw_all
from .model import CrossRef, Document, PageRef
from .project import load_project
from .references import rewrite_refs

FORMATS = ("pdf", "docx")


@dataclass
class BuildResult:
    outputs: dict[str, Path] = field(default_factory=dict)
    pages: dict[str, int] = field(default_factory=dict)
    timings: list[tuple[str, float]] = field(default_factory=list)
    document: Document | None = None
    charts: DrawStats | None = None

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


def output_name(period_id: str, fmt: str) -> str:
    return f"report-{period_id}.{fmt}"


def has_page_refs(doc: Document) -> bool:
    """Whether any cross-reference of ``doc`` shows a page number."""
    found: list[PageRef] = []

    def look(ref: CrossRef) -> CrossRef:
        found.extend(c for c in ref.children if isinstance(c, PageRef))
        return ref

    rewrite_refs(doc.sections, look)
    return bool(found)


def build(
    project_dir: Path,
    out_dir: Path,
    period_id: str | None = None,
    formats: tuple[str, ...] = FORMATS,
    strict: bool = False,
    reference_docx: Path | None = None,
) -> BuildResult:
    """Build the report of one period into ``out_dir``; returns what was written and timings."""
    result = BuildResult()
    with result.stage("load"):
        project = load_project(project_dir)
        period = project.period(period_id)
    with result.stage("assemble"):
        doc = assemble(project, period, strict=strict)
    result.document = doc
    with result.stage("charts"):
        result.charts = draw_all(doc, project.report.layout)
    rendered: dict[str, bytes] = {}
    anchor_pages: dict[str, int] = {}
    # The DOCX's page references get the print layout's pages as their cached values,
    # so the PDF is laid out even for a DOCX-only build when the report has any.
    if "pdf" in formats or ("docx" in formats and has_page_refs(doc)):
        with result.stage("render pdf" if "pdf" in formats else "lay out pages"):
            from .writers.pdf import render_pdf

            out = render_pdf(doc, project.root, project.report.layout, write="pdf" in formats)
            anchor_pages = out.anchor_pages
            if "pdf" in formats:
                rendered["pdf"], result.pages["pdf"] = out.data, out.pages
    if "docx" in formats:
        with result.stage("render docx"):
            from .writers.docx import render_docx

            rendered["docx"] = render_docx(doc, project.root, reference_docx, anchor_pages)
    with result.stage("write"):
        for fmt, data in rendered.items():
            target = out_dir / output_name(period.id, fmt)
            write_atomic(target, data)
            result.outputs[fmt] = target
    return result
