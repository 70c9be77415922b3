"""Split PDF render: parts typeset alone (in parallel, cached) and assembled.

The assembled PDF must be the one a single WeasyPrint pass makes: the same pages
(text and pictures), page numbers, outline, named destinations, links, metadata
and structure tree. Only what changed is typeset again, and numbers that move
with a part's length are never left stale.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from reportgen.build import build
from reportgen.layout import DEFAULT as DEFAULT_LAYOUT
from reportgen.render.pdf.plan import split_unsupported

from .conftest import SAMPLE, Project, need
from .pdfcompare import compare, page_texts


def test_the_sample_is_split_into_its_front_matter_chapters_and_appendices(
        tmp_path: Path) -> None:
    result = build(SAMPLE, tmp_path, formats=("pdf",), langs=("ru",), use_cache=False)
    doc = result.edition("ru").document
    assert doc is not None
    parts, typeset = result.parts["ru"]
    # cover, contents, list of figures, summary (if any), then one part per section
    front = 3 + (1 if doc.has_summaries else 0)
    assert parts == front + len(doc.sections)
    assert typeset >= parts  # the contents are typeset again once the numbers are known


def test_a_split_render_equals_a_single_pass(sample_pdf: Path, sample_single_pass: Path,
                                             tmp_path: Path) -> None:
    """sample_pdf is the default build (split); the other, one WeasyPrint pass."""
    assert compare(sample_pdf, sample_single_pass, tmp_path / "pages") == {}
    need("qpdf")
    import subprocess

    check = subprocess.run(["qpdf", "--check", str(sample_pdf)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_the_assembled_contents_show_the_pages_the_chapters_start_on(sample_pdf: Path) -> None:
    """Numbers computed from the parts' page counts, checked against where the text is."""
    texts = page_texts(sample_pdf)
    with pikepdf.open(sample_pdf) as pdf:
        from .pdfcompare import outline

        chapters = [(title, page) for level, title, page, _, _ in outline(pdf) if level == 1]
    assert len(chapters) >= 5
    contents = texts[1].replace("\xa0", " ")
    for title, page in chapters:
        title = title.replace("\xa0", " ").removeprefix("Приложение 1. ").removeprefix(
            "Приложение 2. ")
        assert title.split()[0] in texts[page]
        line = next(x for x in contents.splitlines() if title[:20] in x)
        assert line.rstrip().endswith(str(page + 1)), (title, line)
    # Every page but the cover has its folio, "N / total".
    for number, text in enumerate(texts[1:len(texts) - 1], start=2):
        assert f"{number} / {len(texts) - 1}" in text


@pytest.mark.parametrize("variant", ["none", "pdf/ua-1"])
def test_other_variants_assemble_like_a_single_pass(project: Project, tmp_path: Path,
                                                    variant: str) -> None:
    _several_sections(project, 4)
    split = build(project.root, tmp_path / "split", formats=("pdf",), pdf_variant=variant)
    single = build(project.root, tmp_path / "single", formats=("pdf",), pdf_variant=variant,
                   split=False)
    assert split.parts["ru"][0] > 4
    assert compare(split.edition().outputs["pdf"], single.edition().outputs["pdf"],
                   tmp_path / "pages") == {}


def _several_sections(project: Project, count: int, words: int = 200) -> None:
    """``count`` sections of a page or so, each after the first referring to the first's
    page (a number that moves when an earlier part grows)."""
    report = (project.root / "report.yaml").read_text(encoding="utf-8")
    names = []
    for n in range(count):
        names.append(f"sections/s{n}.md")
        ref = " См. {ref}`раздел «{title}», с. {page} <s0>`." if n else ""
        project.write(names[-1], f"---\ntitle: Раздел {n}\n---\n\n## Подраздел {n}\n\n"
                      + "Слово текста раздела. " * words + ref + "\n")
    listed = "".join(f"  - {name}\n" for name in names)
    project.write("report.yaml", report.replace("  - sections/a.md\n", listed))


def test_an_edit_typesets_that_part_again_and_nothing_else(project: Project,
                                                           tmp_path: Path) -> None:
    _several_sections(project, 5)
    first = build(project.root, tmp_path / "out", formats=("pdf",))
    parts, _ = first.parts["ru"]
    section = project.root / "sections" / "s3.md"
    section.write_text(section.read_text(encoding="utf-8").replace("Слово текста", "Слово иного",
                                                                   1), encoding="utf-8")
    again = build(project.root, tmp_path / "out", formats=("pdf",))
    # The edited part alone, laid out twice: first fit, then with its paragraphs' lines
    # chosen (render/pdf/justify.py; the name rule keeps 'Слово' whole, so first fit
    # leaves loose lines to choose away).
    assert again.parts["ru"] == (parts, 2)
    clean = _clean(project, tmp_path / "clean")
    assert again.edition().outputs["pdf"].read_bytes() == clean.read_bytes()


def test_a_part_that_grows_by_pages_moves_every_later_number(project: Project,
                                                             tmp_path: Path) -> None:
    _several_sections(project, 5)
    first = build(project.root, tmp_path / "out", formats=("pdf",))
    pages = first.edition().pages["pdf"]
    section = project.root / "sections" / "s1.md"
    section.write_text(section.read_text(encoding="utf-8") + "\n" + "Ещё слово. " * 1500 + "\n",
                       encoding="utf-8")
    again = build(project.root, tmp_path / "out", formats=("pdf",))
    assert again.edition().pages["pdf"] >= pages + 2
    parts, typeset = again.parts["ru"]
    # The section itself, the contents, and the sections whose page references moved, each
    # laid out twice (first fit, then with its lines chosen: render/pdf/justify.py).
    assert 2 <= typeset < 2 * parts
    clean = _clean(project, tmp_path / "clean")
    assert again.edition().outputs["pdf"].read_bytes() == clean.read_bytes()
    single = build(project.root, tmp_path / "single", formats=("pdf",), split=False)
    assert compare(clean, single.edition().outputs["pdf"], tmp_path / "pages") == {}


def _clean(project: Project, out: Path) -> Path:
    shutil.rmtree(project.root / ".reportgen-cache", ignore_errors=True)
    return build(project.root, out, formats=("pdf",)).edition().outputs["pdf"]


def test_a_layout_that_counts_pages_from_the_start_is_typeset_in_one_pass(
        project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reportgen import resources

    package = tmp_path / "package"
    for name in ("layouts", "fonts"):
        shutil.copytree(resources.data_dir(name), package / name)
    monkeypatch.setattr(resources, "_PACKAGE", package)
    assert split_unsupported(DEFAULT_LAYOUT) is None
    css = package / "layouts" / "default" / "report.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n@page :left { margin-left: 30mm; }\n",
                   encoding="utf-8")
    assert "left" in (split_unsupported(DEFAULT_LAYOUT) or "")
    result = build(project.root, tmp_path / "out", formats=("pdf",))
    assert result.parts["ru"] == (1, 1)
    css.write_text(css.read_text(encoding="utf-8").replace("@page :left", "@page wide")
                   + '\n@page { @bottom-left { content: counter(page); } }\n', encoding="utf-8")
    assert "counter" in (split_unsupported(DEFAULT_LAYOUT) or "")


def test_a_page_reference_to_an_element_on_no_page_is_an_error_on_every_build(
        project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A layout hides a figure that the text gives the page of: no number can be shown,
    whether the numbers are guessed from the last build or known from none."""
    from reportgen import resources
    from reportgen.errors import RenderError

    package = tmp_path / "package"
    for name in ("layouts", "fonts"):
        shutil.copytree(resources.data_dir(name), package / name)
    monkeypatch.setattr(resources, "_PACKAGE", package)
    css = package / "layouts" / "default" / "report.css"
    css.write_text(css.read_text(encoding="utf-8") + "\nfigure { display: none; }\n",
                   encoding="utf-8")
    build(project.root, tmp_path / "out", formats=("pdf",))  # nothing asks for its page yet
    section = project.root / "sections" / "a.md"
    section.write_text(section.read_text(encoding="utf-8").replace(
        "Текст раздела.", "Текст раздела (см. {numref}`с. {page} <pic>`).").replace(
        "![Подпись]", "(pic)=\n![Подпись]"), encoding="utf-8")
    # The last build's numbers are all still right: only the missing one is wrong.
    with pytest.raises(RenderError, match="'#pic', an element that is on no page"):
        build(project.root, tmp_path / "out", formats=("pdf",))
    shutil.rmtree(project.root / ".reportgen-cache")
    with pytest.raises(RenderError, match="'#pic', an element that is on no page"):
        build(project.root, tmp_path / "out", formats=("pdf",))


def test_a_build_reports_its_progress(project: Project, tmp_path: Path) -> None:
    from tests.test_charts import chart_project

    chart_project(project)
    seen: list[tuple[str, int, int]] = []
    result = build(project.root, tmp_path / "out", progress=lambda *e: seen.append(e))
    tasks = list(dict.fromkeys(task for task, _, _ in seen))
    assert tasks == ["checking the input", "drawing charts", "PDF", "DOCX"]
    parts, _ = result.parts["ru"]
    for task in tasks:
        last = [(done, total) for t, done, total in seen if t == task][-1]
        assert last[0] == last[1] > 0, (task, last)
    pdf_jobs = [total for t, _, total in seen if t == "PDF"][-1]
    assert pdf_jobs >= parts + 2  # every part, the folios, the assembly


def test_progress_bars_only_on_a_terminal_outside_ci() -> None:
    from reportgen.cli.progress import show_progress

    class Stream:
        def __init__(self, tty: bool) -> None:
            self.tty = tty

        def isatty(self) -> bool:
            return self.tty

    assert show_progress("auto", Stream(True), {"TERM": "xterm"})
    assert not show_progress("auto", Stream(True), {"TERM": "xterm", "CI": "true"})
    assert not show_progress("auto", Stream(False), {"TERM": "xterm"})
    assert not show_progress("auto", Stream(True), {"TERM": "dumb"})
    assert show_progress("always", Stream(False), {"CI": "1"})
    assert not show_progress("never", Stream(True), {})


def test_a_layout_from_cached_parts_alone_finishes(project: Project, tmp_path: Path) -> None:
    """A DOCX with page references needs the print layout; when every part comes from the
    cache, that layout is known without a single job, and the build still finishes."""
    _several_sections(project, 3)
    full = build(project.root, tmp_path / "a")
    shutil.rmtree(project.root / ".reportgen-cache" / "outputs")
    docx_only = build(project.root, tmp_path / "b", formats=("docx",))
    assert docx_only.parts["ru"][1] == 0  # nothing typeset: all from the cache
    shutil.rmtree(project.root / ".reportgen-cache" / "outputs")
    again = build(project.root, tmp_path / "c")
    assert again.parts["ru"][1] == 0
    for fmt in ("pdf", "docx"):
        name = full.edition().outputs[fmt].name
        assert (tmp_path / "c" / name).read_bytes() == (tmp_path / "a" / name).read_bytes()
    assert (tmp_path / "b" / full.edition().outputs["docx"].name).read_bytes() == (
        tmp_path / "a" / full.edition().outputs["docx"].name).read_bytes()


def test_a_part_gone_from_the_cache_while_assembling_is_an_error(tmp_path: Path) -> None:
    """The assembling process reads cached parts from their files: one that vanished (a
    concurrent build pruned it) stops the build with a reason, never leaves a gap."""
    from reportgen.errors import RenderError
    from reportgen.render.pdf.partlayout import PartLayout

    kept = tmp_path / "kept.pdf"
    kept.write_bytes(b"%PDF-1.7 kept")
    assert PartLayout(b"", 1, file=kept).pdf() == b"%PDF-1.7 kept"
    assert PartLayout(b"%PDF sent", 1).pdf() == b"%PDF sent"
    with pytest.raises(RenderError, match="vanished from the cache"):
        PartLayout(b"", 1, file=tmp_path / "gone.pdf").pdf()


def test_a_layout_the_refinement_replaces_is_not_written(project: Project, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A part's first layout leaves its paragraphs' lines to be chosen (render/pdf/justify.py):
    the refinement marks them, so the part is laid out again, and that first layout is not
    written (``parts.part_of``'s ``refining``). The PDF is the one writing every layout
    gives; the layout is kept in the cache without a PDF, for the next render's rounds."""
    from reportgen.render.pdf import parts as pdfparts
    from reportgen.render.pdf import windows
    from reportgen.render.pdf.plan import SplitRender

    _several_sections(project, 4)
    made: list[Any] = []
    part_of = pdfparts.part_of

    def recorded(*args: Any) -> Any:
        made.append(part_of(*args))
        return made[-1]

    monkeypatch.setattr(pdfparts, "part_of", recorded)
    monkeypatch.setattr(windows, "part_of", recorded)
    pdf = build(project.root, tmp_path / "out", formats=("pdf",), jobs=1).edition().outputs["pdf"]
    written = [part for part in made if part.written]
    assert any(part.findings.planned for part in made)
    assert written and not any(part.findings.planned for part in written)
    kept = sorted((project.root / ".reportgen-cache" / "parts").glob("*-layout.json"))
    assert len(kept) == sum(1 for part in made if part.findings.planned)

    made.clear()
    shutil.rmtree(project.root / ".reportgen-cache")
    monkeypatch.setattr(SplitRender, "_refining", property(lambda self: False))
    every = build(project.root, tmp_path / "every", formats=("pdf",), jobs=1)
    rewritten = [part for part in made if part.written]
    assert any(part.findings.planned for part in rewritten)
    assert len(rewritten) > len(written)
    assert every.edition().outputs["pdf"].read_bytes() == pdf.read_bytes()
