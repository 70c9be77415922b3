"""The build orchestrator: runs load -> assemble -> checks -> writers in order.

The only module that runs the stages in order. ``check`` is the build minus
the writers: every problem of the input, including the analyses that only a
check makes (hand-typed numbers against the data), collected at once.
``build`` runs ``check`` first and renders nothing if it found an error.
Outputs are written atomically (a temporary file in the same folder, then a
rename), so a failed or killed build leaves the previous files intact.
Prints nothing: the CLI reports.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .assemble import Assembly, collect
from .charts import DrawStats, draw_all
from .consistency import check_narrative
from .errors import InputError, Problem, Problems
from .model import Document
from .project import Project, load_project

FORMATS = ("pdf", "docx")


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
    assembly: Assembly | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


@dataclass
class BuildResult(_Timed):
    outputs: dict[str, Path] = field(default_factory=dict)
    pages: dict[str, int] = field(default_factory=dict)
    document: Document | None = None
    charts: DrawStats | None = None
    #: Warnings of the input that did not stop the build (the CLI shows them).
    warnings: list[Problem] = field(default_factory=list)


def check(project_dir: Path, period_id: str | None = None, strict: bool = False) -> CheckResult:
    """Everything a build of ``period_id`` would use, checked without rendering anything."""
    result = CheckResult()
    problems = Problems()
    with result.stage("load"):
        try:
            project = load_project(project_dir)
            period = project.period(period_id)
        except InputError as exc:
            result.problems = _ordered(exc.problems, strict)
            return result
    result.project, result.period_id = project, period.id
    with result.stage("assemble"):
        result.assembly = collect(project, period, problems)
    with result.stage("check"):
        check_narrative(result.assembly, problems)
    result.problems = _ordered(problems.items, strict)
    return result


def _ordered(problems: list[Problem], strict: bool) -> list[Problem]:
    """Problems grouped by file (in the order files were first met), then by line and column."""
    files: dict[object, int] = {}
    for p in problems:
        files.setdefault(p.loc.file if p.loc else None, len(files))

    def key(p: Problem) -> tuple[int, int, int]:
        if p.loc is None:
            return (files[None], 0, 0)
        return (files[p.loc.file], p.loc.line or 0, p.loc.col or 0)

    out = sorted(problems, key=key)
    if strict:
        out = [Problem(p.loc, p.message, "error", p.related) for p in out]
    return out


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
    checked = check(project_dir, period_id, strict)
    result.timings += checked.timings
    if checked.errors:
        raise InputError(checked.problems)
    project, assembly = checked.project, checked.assembly
    assert project is not None and assembly is not None and assembly.document is not None
    assert checked.period_id is not None
    doc = result.document = assembly.document
    result.warnings = checked.warnings
    with result.stage("charts"):
        result.charts = draw_all(doc, project.report.layout)
    rendered: dict[str, bytes] = {}
    if "pdf" in formats:
        with result.stage("render pdf"):
            from .writers.pdf import render_pdf

            rendered["pdf"], result.pages["pdf"] = render_pdf(
                doc, project.root, project.report.layout
            )
    if "docx" in formats:
        with result.stage("render docx"):
            from .writers.docx import render_docx

            rendered["docx"] = render_docx(doc, project.root, reference_docx)
    with result.stage("write"):
        for fmt, data in rendered.items():
            target = out_dir / output_name(checked.period_id, fmt)
            write_atomic(target, data)
            result.outputs[fmt] = target
    return result
