"""The build orchestrator: runs load -> assemble -> writers in order and writes the outputs.

The only module that runs the stages in order. Outputs are written atomically
(a temporary file in the same folder, then a rename), so a failed or killed
build leaves the previous files intact. Prints nothing: the CLI reports.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from . import outcache
from .assemble import assemble
from .charts import DrawStats, charts_of, draw_all
from .errors import InputError
from .model import Document
from .outcache import output_key
from .parallel import charts_to_draw, draw_charts, render, submit, workers
from .parallel import result as result_of
from .project import load_project

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
    reused: list[Path] = field(default_factory=list)  # outputs taken from the cache, unrendered

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


def _size(doc: Document | None) -> int:
    """A rough measure of how long a document takes to render: its blocks and charts."""
    if doc is None:
        return 0
    return sum(len(s.blocks) + 20 * sum(1 for _ in charts_of(s.blocks)) for s in doc.sections)


def output_name(period_id: str, fmt: str, lang: str | None = None) -> str:
    """'report-2018-9m.pdf'; with several editions, 'report-2018-9m.kk.pdf'."""
    return f"report-{period_id}.{lang}.{fmt}" if lang else f"report-{period_id}.{fmt}"


def build(
    project_dir: Path,
    out_dir: Path,
    period_id: str | None = None,
    formats: tuple[str, ...] = FORMATS,
    strict: bool = False,
    reference_docx: Path | None = None,
    langs: Sequence[str] | None = None,
    draft: bool = False,
    jobs: int | None = None,
) -> BuildResult:
    """Build the editions ``langs`` (default: all the report's) of one period into ``out_dir``.

    Every edition is rendered before any file is written, so a failure writes nothing.
    Charts and outputs are rendered in ``jobs`` worker processes (default: one per usable
    core); an output whose inputs did not change since the last build comes from the cache.
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
    for lang in wanted:
        edition = result.editions[lang] = Edition(lang)
        with result.stage("assemble" + (f" {lang}" if several else "")):
            edition.document = assemble(project, period, strict=strict, lang=lang, draft=draft)
    docs = [e.document for e in result.editions.values() if e.document is not None]
    # Outputs whose inputs did not change come from the cache; the rest are rendered,
    # the biggest first, in worker processes together with the charts they need.
    rendered: dict[Path, bytes] = {}
    todo: list[tuple[Edition, str, Path, str]] = []
    with result.stage("cache"):
        for edition in result.editions.values():
            assert edition.document is not None
            for fmt in (f for f in FORMATS if f in formats):
                target = out_dir / output_name(period.id, fmt, edition.lang if several else None)
                edition.outputs[fmt] = target
                charts = charts_to_draw([edition.document])
                key = "" if charts else output_key(fmt, edition.document, project.report.layout,
                                                   reference_docx)
                hit = outcache.load(project.root, target.name, key) if key else None
                if hit is None:
                    todo.append((edition, fmt, target, key))
                else:
                    rendered[target] = hit[0]
                    result.reused.append(target)
                    if hit[1] is not None:
                        edition.pages[fmt] = hit[1]
    todo.sort(key=lambda job: (job[1] != "pdf", -_size(job[0].document)))
    with workers(jobs, tasks=max(len(todo), len(charts_to_draw(docs)))) as pool:
        with result.stage("charts"):
            missing = charts_to_draw(docs)
            drawn = draw_charts(pool, missing, project.report.layout)
            stats = [draw_all(doc, project.report.layout) for doc in docs]
            result.charts = DrawStats(drawn, sum(s.cached for s in stats) - drawn)
        with result.stage("render"):
            futures = [submit(pool, render, fmt, doc, project.root, project.report.layout,
                                   reference_docx)
                       for edition, fmt, _, _ in todo if (doc := edition.document) is not None]
            for (edition, fmt, target, key), future in zip(todo, futures, strict=True):
                data, pages = result_of(future)
                rendered[target] = data
                if pages is not None:
                    edition.pages[fmt] = pages
                assert edition.document is not None
                key = key or output_key(fmt, edition.document, project.report.layout,
                                        reference_docx)
                outcache.store(project.root, target.name, key, data, pages)
    with result.stage("write"):
        for target, data in rendered.items():
            write_atomic(target, data)
    return result
