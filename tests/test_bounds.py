"""Resource bounds a layout or an input cannot exceed (issue 23, part b).

A layout's stylesheets and a ``style`` written in a section are measured before anything is
typeset (``assemble.cssbounds``): each value out of its range is an error at its file, line
and column. Behind that, a worker process may use at most ``workers.WORKER_MEMORY``: a render
that asks for more fails in seconds as a ``RenderError`` naming the edition, never as the
OOM killer or a ``BrokenProcessPool`` traceback.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from reportgen import workers
from reportgen.assemble import assets
from reportgen.assemble.cssbounds import stylesheet_excesses
from reportgen.build import build
from reportgen.errors import InputError, RenderError
from reportgen.layout import DEFAULT as DEFAULT_LAYOUT
from reportgen.scheduler import Scheduler

from .conftest import SECTION_MD, Project
from .test_closed_world_holes import _css, _layout_messages, installation  # noqa: F401

SIDE = "is more than 2,000 mm (a page is at most 2,000 mm a side)"
FONT = "is larger than 200 pt (the largest text a layout may set)"
LONG = "is longer than 10 m (the longest length a layout may give)"

#: (a stylesheet, every value out of range: line, column, message)
EXCESSES = [
    ("@page { size: 1e9px 1e9px }", [(1, 15, f"size: 1e9px {SIDE}"), (1, 21, f"size: 1e9px {SIDE}")]),
    ("@page { size: 2001mm 297mm }", [(1, 15, f"size: 2001mm {SIDE}")]),
    ("@page { size: 0.5mm 297mm }",
     [(1, 15, "size: 0.5mm is less than 1 mm (a page is at least 1 mm a side)")]),
    ("@page :first {\n  @top-center { font-size: 300pt }\n}", [(2, 28, f"font-size: 300pt {FONT}")]),
    ("body { font-size: 1e9px }", [(1, 19, f"font-size: 1e9px {FONT}")]),
    ("h1 { font-size: 1e9px }", [(1, 17, f"font-size: 1e9px {FONT}")]),
    ("h1 { font: bold 300pt/1.2 serif }", [(1, 17, f"font: 300pt {FONT}")]),
    ("h1 { font-size: 6em }", [(1, 17, "font-size: 6em is more than 5em")]),
    ("h1 { font-size: 600% }", [(1, 17, "font-size: 600% is more than 500 %")]),
    ("@media print {\n p { margin: -1e9px } }", [(2, 14, f"margin: -1e9px {LONG}")]),
    ("p { width: 11m }", []),  # not a CSS unit: WeasyPrint ignores the declaration
    ("p { width: 10001mm }", [(1, 12, f"width: 10001mm {LONG}")]),
    ("p { text-indent: 2000em }", [(1, 18, "text-indent: 2000em is more than 1,000em")]),
    ("p { line-height: 1e9 }", [(1, 18, "line-height: 1e9 is more than 10,000")]),
    ("p { orphans: 99999 }", [(1, 14, "orphans: 99999 is more than 10,000")]),
    ("p { width: calc(1e4 * 1e4px) }",
     [(1, 12, "width: calc() may give more than 10 m (its factors multiply)")]),
    ("p { width: calc(100% - 20mm); font-size: 11pt; margin: 0 1cm; column-count: 2 }", []),
    ("@font-face { font-family: X; src: url(x.ttf) format('truetype'); "
     "unicode-range: U+0000-FFFF }", []),
]


@pytest.mark.parametrize(("css", "expected"), EXCESSES, ids=[c[0] for c in EXCESSES])
def test_a_stylesheets_values_are_measured(css: str, expected: list[tuple[int, int, str]]) -> None:
    assert [(e.line, e.col, e.message) for e in stylesheet_excesses(css)] == expected


def test_the_shipped_layouts_are_within_the_bounds(project: Project) -> None:
    assert assets.layout_problems(DEFAULT_LAYOUT, project.root) == []


#: The findings of issue 23: each stops the build at its line, before anything is typeset.
FINDINGS = [
    ("@page { size: 1e9px 1e9px }", [f"layouts/default/report.css:1:15: error: size: 1e9px {SIDE}",
                                     f"layouts/default/report.css:1:21: error: size: 1e9px {SIDE}"]),
    ("body { font-size: 1e9px }", [f"layouts/default/report.css:1:19: error: font-size: 1e9px {FONT}"]),
    ("h1 { font-size: 1e9px }", [f"layouts/default/report.css:1:17: error: font-size: 1e9px {FONT}"]),
]


@pytest.mark.parametrize(("rule", "expected"), FINDINGS, ids=[c[0] for c in FINDINGS])
def test_a_layout_out_of_bounds_stops_the_build_at_its_line(
        installation: Path, project: Project, tmp_path: Path,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch, rule: str, expected: list[str]) -> None:
    _css(rule)(installation / "layouts" / "default", tmp_path)
    monkeypatch.chdir(installation)
    started = time.monotonic()
    with pytest.raises(InputError) as info:
        build(project.root, tmp_path / "out", jobs=2)
    assert _layout_messages(info.value.problems, installation, tmp_path) == expected
    assert time.monotonic() - started < 60
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("style", "message"), [
    ("font-size: 1e9px", f"font-size: 1e9px {FONT}"),
    ("display: block; width: 1e9px", f"width: 1e9px {LONG}"),
])
def test_a_style_in_a_section_is_measured_too(project: Project, tmp_path: Path, style: str,
                                              message: str) -> None:
    project.write("sections/a.md", SECTION_MD.replace(
        "Текст раздела.", f'Текст <span style="{style}">раздела</span>.'))
    with pytest.raises(InputError) as info:
        build(project.root, tmp_path / "out", jobs=1)
    assert [(p.loc.file.name, p.loc.line, p.message) for p in info.value.problems
            if p.loc is not None] == [("a.md", 7, f"<span style=...>: {message}")]


def test_a_render_past_the_workers_memory_is_a_render_error_naming_the_edition(
        installation: Path, project: Project, tmp_path: Path,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The last line: with the stylesheet check taken away, the page of 1e9 px that took
    23.8 GB and the OOM killer fails in a worker limited to ``WORKER_MEMORY`` (here 1 GiB)."""
    css = installation / "layouts" / "default" / "report.css"  # last: it wins
    css.write_text(css.read_text(encoding="utf-8") + "\n@page { size: 1e9px 1e9px }\n",
                   encoding="utf-8")
    monkeypatch.chdir(installation)
    monkeypatch.setattr(assets, "stylesheet_excesses", lambda css: [])
    monkeypatch.setattr(workers, "WORKER_MEMORY", 2**30)
    started = time.monotonic()
    with pytest.raises(RenderError) as info:
        build(project.root, tmp_path / "out", jobs=2, formats=("pdf",), split=False)
    # Python's MemoryError, or a C library that aborts when malloc fails (the worker dies).
    assert str(info.value) in (
        "the PDF of the 'ru' edition needs more memory than a worker may use (1 GiB): the "
        "layout or the input asks for too much (a page, a picture or a text too large?)",
        "the worker process making the PDF of the 'ru' edition ended before it was done "
        "(killed, or past the memory a worker may use, 1 GiB)")
    assert time.monotonic() - started < 120
    assert not (tmp_path / "out").exists()


def _killed(*args: object) -> bytes:
    os.kill(os.getpid(), signal.SIGKILL)
    return b""  # pragma: no cover


def test_a_worker_that_dies_is_a_render_error_naming_the_edition() -> None:
    """A worker killed (by the OOM killer, or by hand): a RenderError, not BrokenProcessPool."""
    with workers.workers(2, 2) as pool:
        scheduler = Scheduler(pool, 2)
        added = []

        def advance() -> None:
            if not added:
                scheduler.add((0,), _killed, (), lambda value: None,
                              "the PDF of the 'kk' edition")
                added.append(True)

        with pytest.raises(RenderError) as info:
            scheduler.run(advance)
    assert str(info.value) == ("the worker process making the PDF of the 'kk' edition ended "
                               "before it was done (killed, or past the memory a worker may "
                               "use, 3 GiB)")


def _greedy(*args: object) -> bytes:
    return bytes(bytearray(4 * 2**30))  # more than a worker may have


def test_a_job_past_the_workers_memory_is_a_render_error_naming_the_edition() -> None:
    with workers.workers(2, 2) as pool:
        scheduler = Scheduler(pool, 2)
        scheduler.add((0,), _greedy, (), lambda value: None, "the DOCX of the 'en' edition")
        with pytest.raises(RenderError) as info:
            scheduler.run(lambda: None)
    assert str(info.value) == (
        "the DOCX of the 'en' edition needs more memory than a worker may use (3 GiB): the "
        "layout or the input asks for too much (a page, a picture or a text too large?)")


def test_a_worker_limits_its_memory() -> None:
    import resource

    with workers.workers(2, 2) as pool:
        limits = pool.submit(resource.getrlimit, resource.RLIMIT_AS).result()
    assert limits[0] == workers.WORKER_MEMORY
