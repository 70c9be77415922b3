"""Release: strict builds of one or all periods, each in its own folder with a manifest.

Runs the build orchestrator once per period (in parallel processes for
several periods), with warnings fatal, and writes ``<out>/<period>/`` with
the PDF, the DOCX and ``manifest.json``: every output with its SHA-256, size
and page count, the SHA-256 of every file the build read (project files,
layout, reference document, fonts; drawn charts apart), the tool and library versions, and the
timestamp used. The manifest is written last, so a folder with a manifest is
complete. ``verify`` checks a folder against its manifest. Prints nothing.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import multiprocessing
import os
import platform
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from reportgen import __version__
from reportgen.build import build, source_date, write_atomic
from reportgen.cache.charts import cache_dir
from reportgen.cache.root import library_version
from reportgen.errors import InputError, Problem, ReportgenError
from reportgen.layout import Layout
from reportgen.load.project import REPORT_FILE, load_project
from reportgen.model import nodes as m
from reportgen.model.walk import paths
from reportgen.render.pdf.variant import DEFAULT_VARIANT
from reportgen.resources import data_dir, font_files, package_files, package_root

MANIFEST = "manifest.json"
MANIFEST_FORMAT = 1
#: Libraries whose versions decide the output bytes.
PACKAGES = ("weasyprint", "pydyf", "python-docx", "lxml", "Pillow", "fonttools", "Jinja2",
            "markdown-it-py", "PyYAML", "Babel", "defusedxml")


@dataclasses.dataclass(frozen=True, slots=True)
class Outcome:
    """What one period's release gave: its manifest, or the problems that stopped it."""

    period: str
    manifest: dict[str, Any] | None = None
    problems: tuple[Problem, ...] = ()
    render_error: str | None = None


def release(project_dir: Path, out_dir: Path, period_ids: list[str] | None,
            pdf_variant: str = DEFAULT_VARIANT, reference_docx: Path | None = None,
            jobs: int | None = None) -> list[dict[str, Any]]:
    """Release the periods ``period_ids`` (None: all but those with ``release: false``) into
    ``out_dir/<period>/``.

    Every period is attempted; if any fails, raises the problems of all of them at once
    (``InputError``; a rendering failure is a ``RenderError``) after the others finished.
    """
    project = load_project(project_dir)
    wanted = period_ids if period_ids is not None else [
        p.id for p in project.report.periods if p.release]
    for period_id in wanted:
        project.period(period_id)  # an unknown id stops here, before any work
    args = [(project.root, out_dir, p, pdf_variant, reference_docx) for p in wanted]
    workers = min(len(args), jobs or os.cpu_count() or 1)
    if workers <= 1:
        outcomes = [_release_one(*a) for a in args]
    else:
        # Fresh interpreters: no state (Fontconfig, logging) is shared with the parent.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            outcomes = list(pool.map(_release_one, *zip(*args, strict=True)))
    problems = [p for o in outcomes for p in o.problems]
    if problems:
        raise InputError(problems)
    failed = [f"{o.period}: {o.render_error}" for o in outcomes if o.render_error]
    if failed:
        from reportgen.errors import RenderError

        raise RenderError("; ".join(failed))
    return [o.manifest for o in outcomes if o.manifest is not None]


def _release_one(root: Path, out_dir: Path, period_id: str, pdf_variant: str,
                 reference_docx: Path | None) -> Outcome:
    """One period, strict; errors come back as values (they cross process boundaries)."""
    folder = out_dir / period_id
    try:
        with files_opened() as opened:
            # Rendered here, in this process (jobs=1) and from scratch (no output cache), so
            # that the audit hook sees every file the release reads (forked render workers'
            # opens would be invisible to it), and a release never reuses an earlier output;
            # in one WeasyPrint pass (split=False): the reference a split render is tested
            # against, and without the parallelism and cache a split render is for.
            # The DOCX with its own page numbers (LibreOffice lays it out: docs/docx.md).
            result = build(root, folder, period_id, strict=True, reference_docx=reference_docx,
                           pdf_variant=pdf_variant, jobs=1, use_cache=False, split=False,
                           docx_pages=True)
    except InputError as exc:
        return Outcome(period_id, problems=tuple(exc.problems))
    except ReportgenError as exc:
        return Outcome(period_id, render_error=str(exc))
    docs = [e.document for e in result.editions.values() if e.document is not None]
    doc = docs[0]
    project = load_project(root)
    period = project.period(period_id)
    created = source_date(doc.meta.date)
    inputs = project_inputs(project.root, period.id, docs, opened)
    from_env = bool(os.environ.get("SOURCE_DATE_EPOCH", "").strip())
    manifest: dict[str, Any] = {
        "manifest_format": MANIFEST_FORMAT,
        "period": {"id": period.id, "label": period.label, "start": period.start.isoformat(),
                   "end": period.end.isoformat()},
        "languages": list(result.editions),
        "title": doc.meta.title,
        "pdf_variant": pdf_variant,
        "source_date_epoch": int(created.timestamp()),
        "source_date": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "source_date_from": "SOURCE_DATE_EPOCH" if from_env else f"{REPORT_FILE} date",
        "outputs": sorted(
            ({**file_entry(path, folder), "format": fmt, "language": lang,
              "pages": edition.pages.get(fmt)}
             for lang, edition in result.editions.items()
             for fmt, path in edition.outputs.items()),
            key=lambda entry: entry["file"]),
        "inputs": [file_entry(p, project.root) for p in inputs if not _cached(p, project.root)],
        # Drawn charts: derived from the inputs (named by their hash), recorded for reference.
        "cache_files": [file_entry(p, project.root) for p in inputs if _cached(p, project.root)],
        "package_files": [file_entry(p, _package_root(p))
                          for p in package_inputs(project.layout, reference_docx, opened)],
        "tool": {"name": "reportgen", "version": __version__},
        "python": platform.python_version(),
        "packages": {name: library_version(name) for name in PACKAGES},
    }
    write_atomic(folder / MANIFEST, (json.dumps(manifest, ensure_ascii=False, indent=2)
                                     + "\n").encode("utf-8"))
    return Outcome(period_id, manifest=manifest)


def project_inputs(root: Path, period_id: str, docs: list[m.Document], opened: set[str]
                   ) -> list[Path]:
    """Every project file the build of ``docs`` (its editions) read: the files Python opened (``opened``:
    report.yaml, data files of every period a chart reads, sections, images, ...) and, to be
    sure, report.yaml, the period's data, the project's layout files and fonts and every file
    the document model refers to."""
    project = load_project(root)
    found = {project.root / REPORT_FILE, project.data_file(project.period(period_id)).resolve()}
    found.update(p.resolve() for p in paths(docs))
    found.update(p.resolve() for _, p in project.layout.key_files())
    found.update(Path(p).resolve() for p in opened)
    return sorted(p for p in found if p.is_relative_to(project.root) and p.is_file())


#: The sets recording opened files in this context (a context variable: per thread and
#: task, never shared; the tuple itself is never changed).
_recorders: ContextVar[tuple[set[str], ...]] = ContextVar("reportgen_recorders", default=())


@contextmanager
def files_opened() -> Iterator[set[str]]:
    """The paths of the files Python opens inside the block (a PEP 578 audit hook, added when
    this module is imported; outside such a block it does nothing)."""
    opened: set[str] = set()
    token = _recorders.set((*_recorders.get(), opened))
    try:
        yield opened
    finally:
        _recorders.reset(token)


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event == "open" and (recorders := _recorders.get()) and isinstance(
            args[0], str | bytes | os.PathLike):
        path = os.fsdecode(args[0])
        for recorder in recorders:
            recorder.add(path)


# An audit hook cannot be removed, so it is added once, with the module (imported once a
# process), instead of on a first use recorded in module state.
sys.addaudithook(_audit)


def package_inputs(layout: Layout, reference_docx: Path | None, opened: set[str]) -> list[Path]:
    """The package's files a build reads: the base layout's folder, the bundled fonts, every
    file of the package itself (its code and message catalogs; ``resources.package_root``) and
    any other package file it opened; a reference document given on the command line is
    listed too. (The project's layout files and fonts are inputs: ``project_inputs``.)"""
    files = sorted(p for p in layout.base_dir().rglob("*") if p.is_file())
    files += font_files()
    files += [p for p in package_files(suffixes=None) if p not in files]
    package = package_root()
    files += sorted({p for p in map(Path, opened) if p.is_relative_to(package) and p.is_file()
                     and p.suffix != ".pyc" and "__pycache__" not in p.parts and p not in files})
    if reference_docx is not None:
        files.append(reference_docx.resolve())
    return files


def _cached(path: Path, root: Path) -> bool:
    return path.is_relative_to(cache_dir(root).parent)


def _package_root(path: Path) -> Path:
    if path.is_relative_to(package := package_root()):
        return package.parent
    for name in ("layouts", "fonts"):
        folder = data_dir(name)
        if path.is_relative_to(folder):
            return folder.parent
    return path.parent


def file_entry(path: Path, base: Path) -> dict[str, Any]:
    data = path.read_bytes()
    try:
        name = path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        name = str(path)
    return {"file": name, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}




def verify(folder: Path, project_dir: Path | None = None) -> list[str]:
    """What does not match ``folder/manifest.json`` (an empty list: all outputs are as
    recorded). With ``project_dir``, the project's input files are checked too."""
    manifest_file = folder / MANIFEST
    try:
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return [f"{manifest_file}: no manifest"]
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return [f"{manifest_file}: not a manifest ({exc})"]
    problems = []
    checks: list[tuple[Path, dict[str, Any]]] = [(folder / e["file"], e) for e in manifest["outputs"]]
    if project_dir is not None:
        checks += [(project_dir / e["file"], e) for e in manifest["inputs"]]
    for path, entry in checks:
        if not path.is_file():
            problems.append(f"{path}: missing")
            continue
        data = path.read_bytes()
        if len(data) != entry["bytes"] or hashlib.sha256(data).hexdigest() != entry["sha256"]:
            problems.append(f"{path}: differs from the manifest (sha256 "
                            f"{hashlib.sha256(data).hexdigest()}, {len(data)} bytes; recorded "
                            f"{entry['sha256']}, {entry['bytes']} bytes)")
    listed = {e["file"] for e in manifest["outputs"]} | {MANIFEST}
    extra = sorted(p.name for p in folder.iterdir() if p.name not in listed)
    problems += [f"{folder / name}: not in the manifest" for name in extra]
    return problems
