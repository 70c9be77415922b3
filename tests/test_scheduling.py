"""The build's fast paths that are not the split render itself: the order jobs reach the
workers in, workers that warm up while the input is checked (and are stopped, not waited
for, when the build ends early), and contents leaders written as one run of text."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from PIL import Image, ImageChops

from reportgen.build import check
from reportgen.errors import InputError
from reportgen.layout import DEFAULT as DEFAULT_LAYOUT
from reportgen.render.htmlpage import render_html, split_parts
from reportgen.render.pdf import writer as pdf
from reportgen.scheduler import Scheduler
from reportgen.workers import SerialExecutor, workers

from .conftest import SAMPLE, Project, need


def _note(log: list[str], name: str) -> str:
    log.append(name)
    return name


def test_jobs_start_by_rank_then_in_the_order_they_came() -> None:
    started: list[str] = []
    scheduler = Scheduler(SerialExecutor(), 1)
    done: list[str] = []
    for rank, name in [((2,), "small-1"), ((0,), "big-1"), ((2,), "small-2"), ((0,), "big-2")]:
        scheduler.add(rank, _note, (started, name), done.append)
    scheduler.run(lambda: None)
    assert started == ["big-1", "big-2", "small-1", "small-2"]
    assert done == started


def test_a_job_added_later_with_a_better_rank_goes_before_those_waiting() -> None:
    started: list[str] = []
    scheduler = Scheduler(SerialExecutor(), 1)

    def then(name: str) -> None:
        if name == "round-1":  # the biggest PDF's next round becomes known
            scheduler.add((0,), _note, (started, "round-2"), lambda _: None)

    scheduler.add((0,), _note, (started, "round-1"), then)
    for i in range(3):
        scheduler.add((1,), _note, (started, f"other-{i}"), then)
    scheduler.run(lambda: None)
    assert started == ["round-1", "round-2", "other-0", "other-1", "other-2"]


def _fail(_: object) -> None:
    raise ValueError("boom")


def test_an_error_drops_the_jobs_not_started() -> None:
    started: list[str] = []
    scheduler = Scheduler(SerialExecutor(), 1)
    scheduler.add((0,), _note, (started, "first"), _fail)
    scheduler.add((1,), _note, (started, "second"), lambda _: None)
    with pytest.raises(ValueError, match="boom"):
        scheduler.run(lambda: None)
    assert started == ["first"]


def _slow_warm_up(seconds: float) -> None:
    time.sleep(seconds)


def _square(x: int) -> int:
    return x * x


def test_workers_still_warming_up_are_stopped_not_waited_for() -> None:
    start = time.monotonic()
    with workers(2, 2, _slow_warm_up, (120,)):
        pass
    assert time.monotonic() - start < 60  # the warm-up alone would take 120 s
    start = time.monotonic()
    with pytest.raises(RuntimeError), workers(2, 2, _slow_warm_up, (120,)):
        raise RuntimeError("the input has errors")
    assert time.monotonic() - start < 60


def test_a_failing_warm_up_is_harmless() -> None:
    with workers(2, 2, _fail, (None,)) as pool:
        assert pool.submit(_square, 7).result() == 49


def _frozen() -> int:
    import gc

    return gc.get_freeze_count()


def _warm_once(held: list[object]) -> None:
    held.append([object() for _ in range(1000)])  # what a warm-up keeps for good


def test_a_warmed_worker_sets_what_it_holds_aside_from_full_collections() -> None:
    """The modules, fonts and stylesheets a worker was forked with or warmed up are frozen
    (``gc.freeze``): its full collections no longer go through them."""
    import gc

    assert gc.get_freeze_count() == 0
    with workers(2, 2, _warm_once, ([],)) as pool:
        for future in [pool.submit(_square, n) for n in range(8)]:
            future.result()  # each worker done with its warm-up
        counts = [pool.submit(_frozen).result() for _ in range(4)]
    assert all(count > 1000 for count in counts)
    assert gc.get_freeze_count() == 0  # the build's own process is left as it was


def test_a_build_with_bad_input_does_not_wait_for_its_workers(project: Project,
                                                             tmp_path: Path) -> None:
    project.write("sections/a.md", "---\ntitle: Введение\n---\nТекст {{ no_such_name }}.\n")
    from reportgen.build import build

    with pytest.raises(InputError, match="no_such_name"):
        build(project.root, tmp_path / "out", jobs=2)
    assert not (tmp_path / "out").exists()


# ------------------------------------------------------------------- temporary files

def _engine_then_wait(root: str, seconds: float) -> None:
    """A worker's warm-up that makes its engine's font configuration (WeasyPrint copies
    the fonts into a folder of its own), then waits to be stopped."""
    from reportgen import workers as workers_module

    workers_module.warm_up(Path(root), DEFAULT_LAYOUT, "pdf/ua-1", ["ru"])
    time.sleep(seconds)


@pytest.fixture
def temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary folder of the test's own, for this process and the workers it forks;
    the engine this process keeps is let go first (a forked worker would use it)."""
    import tempfile

    from reportgen import workers as workers_module

    workers_module._release_engine()
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _left(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_build_with_workers_leaves_no_font_files_behind(project: Project, tmp_path: Path,
                                                          temporary: Path) -> None:
    """Each worker's engine copies the fonts (about 3 MB) into a temporary folder that
    WeasyPrint removes only on garbage collection, which a worker's exit never runs."""
    from reportgen.build import build

    build(project.root, tmp_path / "out", formats=("pdf",), jobs=2, use_cache=False)
    assert _left(temporary) == []


def test_workers_forked_from_a_process_with_an_engine_leave_no_font_files(
        project: Project, tmp_path: Path, temporary: Path) -> None:
    """A worker forked from a process whose engine has a font configuration works with a
    copy of that engine: the parent's folder is not the worker's to remove, the ones the
    worker makes are (they were left behind: the engine knew one process only)."""
    from reportgen import workers as workers_module
    from reportgen.build import build

    workers_module.warm_up(SAMPLE, DEFAULT_LAYOUT, "pdf/ua-1", ["ru"])  # this process's
    mine = _left(temporary)
    assert len(mine) == 1
    build(project.root, tmp_path / "out", formats=("pdf",), jobs=2, use_cache=False)
    assert _left(temporary) == mine  # the workers' gone, this process's still in use
    workers_module._release_engine()
    assert _left(temporary) == []


def test_a_worker_stopped_mid_job_leaves_no_font_files_behind(temporary: Path) -> None:
    with workers(2, 2, _engine_then_wait, (str(SAMPLE), 120)) as pool:
        deadline = time.monotonic() + 60
        while not any(p.name.startswith("weasyprint-") for p in temporary.iterdir()):
            assert time.monotonic() < deadline, "no worker made its font configuration"
            time.sleep(0.05)
        time.sleep(0.5)  # both workers' configurations made (or nearly)
        assert pool.submit(_square, 3)  # the pool is in use: it is stopped, not shut down
    assert _left(temporary) == []


def _stuck_parsing(root: str) -> None:
    """A worker's warm-up stopped while its engine parses the layout's stylesheets: after the
    @font-face sheet (WeasyPrint has copied the fonts into its folder), before the others."""
    import weasyprint

    from reportgen import workers as workers_module

    real, calls = weasyprint.CSS, []

    def slow(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) > 1:
            time.sleep(120)
        return real(*args, **kwargs)

    weasyprint.CSS = slow
    workers_module.warm_up(Path(root), DEFAULT_LAYOUT, "pdf/ua-1", ["ru"])


def test_a_worker_stopped_while_parsing_its_stylesheets_leaves_no_font_files(
        temporary: Path) -> None:
    with workers(2, 2, _stuck_parsing, (str(SAMPLE),)) as pool:
        deadline = time.monotonic() + 60
        while sum(p.name.startswith("weasyprint-") for p in temporary.iterdir()) < 2:
            assert time.monotonic() < deadline, "no worker copied its fonts"
            time.sleep(0.05)
        assert pool.submit(_square, 3)  # the pool is in use: it is stopped, not shut down
    assert _left(temporary) == []


# ------------------------------------------------------------------- leaders

@pytest.fixture(scope="module")
def contents_html() -> str:
    doc = check(SAMPLE, langs=("ru",)).assemblies["ru"].document
    assert doc is not None

    class Numbers(dict[str, str]):
        def __missing__(self, key: str) -> str:
            return "123"

    (html,) = [h for h in split_parts(render_html(doc, DEFAULT_LAYOUT, pages=Numbers()))
               if 'class="toc"' in h]
    return html


def _typeset_contents(html: str, out: Path, join: bool, monkeypatch: pytest.MonkeyPatch) -> int:
    joined: list[int] = []
    real = pdf.join_leaders
    monkeypatch.setattr(pdf, "join_leaders",
                        lambda document: joined.append(real(document) if join else 0))
    with pdf.lay_out(html, SAMPLE, DEFAULT_LAYOUT, "pdf/ua-1", folios=False) as document:
        out.write_bytes(pdf.write(document, "pdf/ua-1"))
    monkeypatch.setattr(pdf, "join_leaders", real)
    return sum(joined)


def _text_objects(path: Path) -> int:
    with pikepdf.open(path) as doc:
        return sum(1 for page in doc.pages for _, op in pikepdf.parse_content_stream(page)
                   if str(op) == "BT")


def test_contents_leaders_are_one_run_of_text_that_looks_the_same(
        contents_html: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    joined, apart = tmp_path / "joined.pdf", tmp_path / "apart.pdf"
    entries = contents_html.count("<li")
    assert _typeset_contents(contents_html, joined, True, monkeypatch) == entries
    assert _typeset_contents(contents_html, apart, False, monkeypatch) == 0
    # A text object per dot before; one per leader, title and number after.
    assert _text_objects(apart) > 20 * entries
    assert _text_objects(joined) < 5 * entries
    texts = [subprocess.run([need("pdftotext"), str(p), "-"], capture_output=True, text=True,
                            check=True).stdout for p in (joined, apart)]
    assert "".join(texts[0].split()) == "".join(texts[1].split())
    assert "123" in texts[0] and "....." in texts[0]
    for path in (joined, apart):
        subprocess.run([need("pdftoppm"), "-r", "100", "-png", str(path), str(path.with_suffix(""))],
                       check=True)
    pictures = sorted(tmp_path.glob("joined-*.png"))
    assert pictures
    for picture in pictures:
        a = Image.open(picture).convert("L")
        b = Image.open(str(picture).replace("joined-", "apart-")).convert("L")
        diff = ImageChops.difference(a, b)
        # The same dots at the same places: at most anti-aliasing differs, by a little.
        histogram = diff.histogram()
        assert sum(histogram[64:]) == 0, picture.name
        assert sum(histogram[16:]) < 0.001 * a.width * a.height, picture.name


# ------------------------------------------------------- charts drawn meanwhile

def test_a_part_that_shows_a_chart_being_drawn_waits_for_it() -> None:
    from reportgen.model.walk import charts as charts_of
    from reportgen.render.pdf.plan import SplitRender

    doc = check(SAMPLE, langs=("ru",)).assemblies["ru"].document
    assert doc is not None
    chart = next(c for s in doc.sections for c in charts_of(s.blocks))
    pending = {chart.svg.name}
    machine = SplitRender(doc, SAMPLE, DEFAULT_LAYOUT, "none", True, None, "test.pdf",
                          lambda: frozenset(pending))
    first = machine.jobs()
    assert first and not any(chart.svg.name in job.args[0] for job in first)
    assert machine.jobs() == []  # still being drawn
    pending.clear()
    later = machine.jobs()
    assert later and all(chart.svg.name in job.args[0] for job in later)


def test_a_chart_that_fails_to_draw_stops_the_build(project: Project, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import reportgen.render.chartdraw as draw_module
    from reportgen.build import build

    from .test_charts import chart_project

    chart_project(project)
    real, calls = draw_module.draw, []

    def failing(chart: object, style: Path) -> tuple[bytes, bytes]:
        calls.append(chart)
        if len(calls) == 2:
            raise InputError.single(None, "the second chart cannot be drawn")
        return real(chart, style)  # type: ignore[arg-type]

    monkeypatch.setattr(draw_module, "draw", failing)
    with pytest.raises(InputError, match="second chart"):
        build(project.root, tmp_path / "out", jobs=2)
    assert not (tmp_path / "out").exists()
