"""The build orchestrator: runs load -> assemble -> writers in order and writes the outputs.

The only module that runs the stages in order. Outputs are written atomically,
all together (``outputs``), so a failed or killed build leaves the previous
files intact; the next build removes leftovers of a killed one. Timestamps come
from ``SOURCE_DATE_EPOCH`` or the report's date, never from the clock, so the
same input gives the same bytes. Prints nothing: the CLI reports.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import time
from collections.abc import Iterator, Sequence
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

__all__ = ["FORMATS", "BuildResult", "Edition", "build", "source_date", "write_atomic"]

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
            doc = dataclasses.replace(
                doc, meta=dataclasses.replace(doc.meta, created=source_date(doc.meta.date)))
        edition.document = doc
        with result.stage("charts" + suffix):
            stats = draw_all(doc, project.report.layout)
        drawn, cached = drawn + stats.drawn, cached + stats.cached
        for fmt in FORMATS:
            if fmt not in formats:
                continue
            with result.stage(f"render {fmt}{suffix}"):
                if fmt == "pdf":
                    from .writers.pdf import render_pdf

                    data, edition.pages["pdf"] = render_pdf(doc, project.root,
                                                            project.report.layout, pdf_variant)
                else:
                    from .writers.docx import render_docx

                    data = render_docx(doc, project.root, reference_docx)
            target = out_dir / output_name(period.id, fmt, lang if several else None)
            rendered[target] = data
            edition.outputs[fmt] = target
    result.charts = DrawStats(drawn, cached)
    with result.stage("write"):
        for target in rendered:
            remove_leftovers(target)
        write_all_atomic(rendered)
    return result
