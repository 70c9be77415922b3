"""Render stage, PDF: the jobs a PDF's machines (``plan``) hand out, and what they give.

Each is a function a worker runs: the whole report in one pass (``single_job``), a part
(``part_job``; ``guessed_part_job`` for one laid out ahead, whose failure fails nothing),
a folio pass, the join. ``EngineJob`` marks those that lay pages out (the worker lends them
the layout engine it keeps); ``ApartJob`` one run in a process started for it. Nothing
here schedules or waits: ``plan`` decides what to run, ``workers`` runs it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportgen.layout import Layout
from reportgen.model import nodes as m

if TYPE_CHECKING:
    from reportgen.render.pdf.writer import LayoutEngine

log = logging.getLogger(__name__)


@dataclass
class Job:
    """A function to run in a worker, and what to do with its value."""

    fn: Callable[..., Any]
    args: tuple[Any, ...]
    then: Callable[[Any], None]


@dataclass
class PdfResult:
    data: bytes  # empty when only the layout was asked for
    pages: int
    anchor_pages: dict[str, int]
    parts: int = 1  # how many parts the report was laid out in (1: a single pass)
    typeset: int = 0  # how many part layouts ran (the cache makes it fewer)


def single_job(doc: m.Document, project_root: Path, layout: Layout, variant: str,
                write: bool) -> PdfResult:
    from reportgen.render.pdf.writer import render_pdf

    made = render_pdf(doc, project_root, layout, variant, write_pdf=write)
    return PdfResult(made.data, made.pages, made.anchor_pages, 1, 1)


@dataclass(frozen=True)
class EngineJob:
    """A job function that lays out pages: called with a ``writer.LayoutEngine`` first,
    then the job's arguments. A worker gives it the engine it keeps (``workers``), whose
    parsed stylesheets its later parts reuse; called directly, it gets a fresh one."""

    fn: Callable[..., Any]

    def __call__(self, *args: Any) -> Any:
        from reportgen.render.pdf.writer import LayoutEngine

        return self.fn(LayoutEngine(), *args)


@dataclass(frozen=True)
class ApartJob:
    """A job function to run in a process of its own, started for it (``workers``): one
    that needs much memory for a moment, in a process that would keep it after (the join
    of a long report holds every part's objects at once; a worker, or the build process of
    ``-j 1``, has its heap already grown by the layouts it ran, issue 21)."""

    fn: Callable[..., Any]

    def __call__(self, *args: Any) -> Any:
        return self.fn(*args)




def part_job(engine: LayoutEngine, html: str, project_root: Path, layout: Layout, variant: str,
             write: bool, refining: bool = False) -> Any:
    from reportgen.render.pdf.windows import render_windowed

    return render_windowed(engine, html, project_root, layout, variant, write, refining)


def guessed_part_job(engine: LayoutEngine, *args: Any) -> Any:
    """``part_job`` for a part laid out ahead of its round (``SplitRender``'s guess): its
    failure fails nothing (None), the round that needs the part lays it out again."""
    try:
        return part_job(engine, *args)
    except Exception:  # noqa: BLE001 - the round that needs it reports what it is
        log.debug("a part laid out ahead failed", exc_info=True)
        return None


def folio_job(engine: LayoutEngine, boxes: list[Any], project_root: Path, layout: Layout) -> bytes:
    from reportgen.render.pdf.parts import render_folios

    return render_folios(engine, boxes, project_root, layout)


def join_job(parts: list[Any], folios: bytes | Path | None) -> bytes:
    from reportgen.render.pdf.join import join_parts

    return join_parts(parts, folios)
