"""Incremental and parallel builds: every rebuild equals a clean build of the same input.

An output comes from the cache only while nothing it depends on changed; worker
processes render exactly what one process renders.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from reportgen.build import BuildResult, build
from reportgen.cache import outputs as outcache
from reportgen.layout import DEFAULT as DEFAULT_LAYOUT
from reportgen.model.nodes import Document
from reportgen.render.pdf.variant import DEFAULT_VARIANT

from .conftest import Project
from .test_charts import SECTION, chart_project


def _bytes(result: BuildResult) -> dict[str, bytes]:
    return {path.name: path.read_bytes()
            for edition in result.editions.values() for path in edition.outputs.values()}


def _clean_build(project: Project, out: Path, jobs: int = 1) -> BuildResult:
    shutil.rmtree(project.root / ".reportgen-cache", ignore_errors=True)
    return build(project.root, out, jobs=jobs)


def test_parallel_build_equals_serial_build(project: Project) -> None:
    chart_project(project)
    serial = _clean_build(project, project.root / "serial", jobs=1)
    parallel = _clean_build(project, project.root / "parallel", jobs=2)
    assert serial.charts is not None and parallel.charts is not None
    assert (serial.charts.drawn, parallel.charts.drawn) == (3, 3)
    assert _bytes(serial) == _bytes(parallel)
    assert serial.edition().pages == parallel.edition().pages


def test_an_unchanged_project_is_not_rendered_again(project: Project) -> None:
    chart_project(project)
    first = build(project.root, project.root / "out", jobs=1)
    again = build(project.root, project.root / "out", jobs=1)
    assert first.reused == []
    assert sorted(again.reused) == sorted(again.edition().outputs.values())
    assert _bytes(again) == _bytes(first)
    assert again.edition().pages == first.edition().pages


def test_no_cache_builds_from_scratch_and_keeps_nothing_but_charts(
        project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    from reportgen.cli import main

    chart_project(project)
    cache = project.root / ".reportgen-cache"
    first = build(project.root, project.root / "out", jobs=1)
    shutil.rmtree(cache)
    assert main(["build", str(project.root), "-o", str(project.root / "fresh"), "--no-cache",
                 "-j", "1"]) == 0
    # The drawn charts and their signed records (cache.charts: a chart is used only as drawn).
    assert sorted(p.name for p in cache.iterdir() if not p.name.startswith(".")) == ["charts",
                                                                                 "seals"]
    assert "charts: 3 drawn" in capsys.readouterr().out
    for path in first.edition().outputs.values():
        assert (project.root / "fresh" / path.name).read_bytes() == path.read_bytes()
    assert main(["build", str(project.root), "-o", str(project.root / "fresh"), "--no-cache",
                 "-j", "1"]) == 0
    assert "charts: 0 drawn, 3 from the cache" in capsys.readouterr().out


def _edit_text(project: Project) -> None:
    project.write("sections/a.md", SECTION.replace("Текст раздела.", "Другой текст раздела."))


def _longer_by_pages(project: Project) -> None:
    more = "\n\n".join(f"Добавленный абзац {n}: " + "слово " * 60 for n in range(120))
    project.write("sections/a.md", SECTION + "\n" + more + "\n")


def _delete_a_chart(project: Project) -> None:
    project.write("sections/a.md", SECTION.replace("```{chart}\nmedia\n```\n", ""))
    report = project.root / "report.yaml"
    text = report.read_text(encoding="utf-8")
    start = text.index("  media:\n")
    end = text.index("  trend:\n")
    report.write_text(text[:start] + text[end:], encoding="utf-8")


def _change_the_data(project: Project) -> None:
    data = project.root / "activity" / "p1.yaml"
    data.write_text(data.read_text(encoding="utf-8").replace("value: 23", "value: 24"),
                    encoding="utf-8")


def _same_size_picture(project: Project) -> None:
    project.write("sections/a.md", SECTION + "\n![Подпись](../img/pic.png)\n")
    Image.new("RGB", (40, 30), (20, 90, 200)).save(project.root / "img" / "pic.png")


EDITS: dict[str, Callable[[Project], None]] = {
    "a section's text": _edit_text,
    "a section longer by pages": _longer_by_pages,
    "a chart deleted": _delete_a_chart,
    "a number in the data": _change_the_data,
    "a picture redrawn at the same size": _same_size_picture,
}


@pytest.mark.parametrize("edit", EDITS, ids=list(EDITS))
def test_a_rebuild_after_an_edit_equals_a_clean_build(project: Project, edit: str) -> None:
    chart_project(project)
    if edit == "a picture redrawn at the same size":
        project.write("sections/a.md", SECTION + "\n![Подпись](../img/pic.png)\n")
    before = build(project.root, project.root / "out", jobs=1)
    old = _bytes(before)
    EDITS[edit](project)
    rebuilt = build(project.root, project.root / "out", jobs=1)
    assert rebuilt.reused == []
    clean = _clean_build(project, project.root / "clean")
    assert _bytes(rebuilt) == _bytes(clean)
    assert rebuilt.edition().pages == clean.edition().pages
    for name, data in _bytes(rebuilt).items():
        assert data != old[name], name
    if edit == "a section longer by pages":
        assert rebuilt.edition().pages["pdf"] > before.edition().pages["pdf"] + 2


def test_a_layout_or_font_change_misses_the_cache(project: Project, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from reportgen import resources

    package = tmp_path / "package"
    for name in ("layouts", "fonts"):
        shutil.copytree(resources.data_dir(name), package / name)
    monkeypatch.setattr(resources, "_PACKAGE", package)
    before = _bytes(build(project.root, project.root / "out", jobs=1, formats=("pdf",)))
    css = package / "layouts" / "default" / "report.css"
    css.write_text(css.read_text(encoding="utf-8").replace("font-size: 11pt;", "font-size: 13pt;"),
                   encoding="utf-8")
    rebuilt = build(project.root, project.root / "out", jobs=1, formats=("pdf",))
    assert rebuilt.reused == []
    clean = _clean_build(project, project.root / "clean")
    assert _bytes(rebuilt)["report-p1.pdf"] == _bytes(clean)["report-p1.pdf"]
    assert _bytes(rebuilt) != before
    # A font file's bytes are part of every output's key as well.
    doc = rebuilt.edition().document
    assert isinstance(doc, Document)
    key = outcache.output_key("pdf", doc, DEFAULT_LAYOUT, None, DEFAULT_VARIANT)
    font = sorted((package / "fonts").glob("*.ttf"))[0]
    font.write_bytes(font.read_bytes() + b"\0")
    assert outcache.output_key("pdf", doc, DEFAULT_LAYOUT, None, DEFAULT_VARIANT) != key


def _warn(message: str) -> int:
    logging.getLogger("reportgen.tests").warning(message)
    return 7


def test_a_warning_in_a_worker_reaches_the_build(project: Project,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    from reportgen.workers import result, submit, workers

    with workers(2, tasks=2) as pool, caplog.at_level(logging.WARNING):
        futures = [submit(pool, _warn, f"from job {n}") for n in range(2)]
        assert [result(f) for f in futures] == [7, 7]
    assert [r.getMessage() for r in caplog.records] == ["from job 0", "from job 1"]


def test_a_files_digest_is_read_again_when_it_changed_even_within_a_clock_tick(
        tmp_path: Path) -> None:
    """``cache.stamped``: a file's digest is kept by its stamp, but not while the file is
    new enough that a second write of the same size could keep the stamp."""
    import hashlib
    import os

    from reportgen.cache import stamped

    path = tmp_path / "picture.png"
    path.write_bytes(b"one")
    assert stamped.digest(path) == hashlib.sha256(b"one").digest()
    path.write_bytes(b"two")  # the same size, at once: maybe the same times
    assert stamped.digest(path) == hashlib.sha256(b"two").digest()
    assert stamped.digest(path, b"PNG\0") == hashlib.sha256(b"PNG\0two").digest()
    old = path.stat().st_mtime_ns - 10 * stamped.RACY_NS
    os.utime(path, ns=(old, old))
    calls: list[Path] = []
    real = Path.read_bytes

    def counted(self: Path) -> bytes:
        calls.append(self)
        return real(self)

    try:
        Path.read_bytes = counted  # type: ignore[method-assign]
        stamped.digest(path)
        stamped.digest(path)
    finally:
        Path.read_bytes = real  # type: ignore[method-assign]
    # the change time is the utime call's (now): read each time until it is old
    assert len(calls) == 2
    link = tmp_path / "link.png"
    link.symlink_to(path)
    assert stamped.digest(link) is None  # not a regular file itself
    assert stamped.digest(tmp_path / "missing.png") is None
