"""The build orchestrator: runs load -> assemble -> writers in order and writes the outputs.

The only module that runs the stages in order. Outputs are written atomically,
all together (``outputs``), so a failed or killed build leaves the previous
files intact; the next build removes leftovers of a killed one. Timestamps come from
``SOURCE_DATE_EPOCH`` or the report's date, never from the clock, so the same
input gives the same bytes. Prints nothing: the CLI reports.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .assemble import assemble
from .charts import DrawStats, draw_all
from .errors import InputError
from .model import Document
from .outputs import remove_leftovers, write_all_atomic, write_atomic
from .project import load_project
from .writers.pdfvariant import DEFAULT_VARIANT

__all__ = ["FORMATS", "BuildResult", "build", "source_date", "write_atomic"]

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


def output_name(period_id: str, fmt: str) -> str:
    return f"report-{period_id}.{fmt}"


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


def build(
    project_dir: Path,
    out_dir: Path,
    period_id: str | None = None,
    formats: tuple[str, ...] = FORMATS,
    strict: bool = False,
    reference_docx: Path | None = None,
    pdf_variant: str = DEFAULT_VARIANT,
) -> BuildResult:
    """Build the report of one period into ``out_dir``; returns what was written and timings."""
    result = BuildResult()
    with result.stage("load"):
        project = load_project(project_dir)
        period = project.period(period_id)
    with result.stage("assemble"):
        doc = assemble(project, period, strict=strict)
        doc = dataclasses.replace(
            doc, meta=dataclasses.replace(doc.meta, created=source_date(doc.meta.date)))
    result.document = doc
    with result.stage("charts"):
        result.charts = draw_all(doc, project.report.layout)
    rendered: dict[str, bytes] = {}
    if "pdf" in formats:
        with result.stage("render pdf"):
            from .writers.pdf import render_pdf

            rendered["pdf"], result.pages["pdf"] = render_pdf(
                doc, project.root, project.report.layout, pdf_variant
            )
    if "docx" in formats:
        with result.stage("render docx"):
            from .writers.docx import render_docx

            rendered["docx"] = render_docx(doc, project.root, reference_docx)
    with result.stage("write"):
        files = {out_dir / output_name(period.id, fmt): data for fmt, data in rendered.items()}
        for target in files:
            remove_leftovers(target)
        write_all_atomic(files)
        result.outputs = {fmt: out_dir / output_name(period.id, fmt) for fmt in rendered}
    return result
