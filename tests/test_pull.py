"""reportgen pull (issue 20): the sample's DOCX edited as an editor would (python-docx,
LibreOffice), the diffs compared exactly, bad input refused with a sentence each."""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from reportgen.build import build
from reportgen.cli import main
from reportgen.pull import Outcome, PullError, apply, pull

from .conftest import SAMPLE
from .institute import make_institute

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _n(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A copy of the sample and its Russian DOCX, once per module."""
    root = tmp_path_factory.mktemp("pull")
    project = root / "proj"
    shutil.copytree(SAMPLE, project, ignore=shutil.ignore_patterns(".reportgen-cache"))
    out = build(project, root / "out", formats=("docx",), langs=("ru",))
    return project, out.edition("ru").outputs["docx"]


@pytest.fixture
def project(built: tuple[Path, Path], tmp_path: Path) -> Path:
    """A fresh copy of the built project's sources (a test may apply or change them)."""
    copy_ = tmp_path / "proj"
    shutil.copytree(built[0], copy_, ignore=shutil.ignore_patterns(".reportgen-cache"))
    return copy_


def _para(word: DocxDocument, start: str) -> Paragraph:
    return next(p for p in word.paragraphs if _n(p.text).startswith(start))


def _sub(p: Paragraph, old: str, new: str) -> None:
    for run in p.runs:
        if old in _n(run.text):
            run.text = _n(run.text).replace(old, new)
            return
    raise AssertionError(f"no run with {old!r}")


def _edited(built: tuple[Path, Path], tmp_path: Path, change: Callable[[DocxDocument], None],
            project: Path, **kw: str) -> Outcome:
    word = docx.Document(str(built[1]))
    change(word)
    path = tmp_path / "edited.docx"
    word.save(str(path))
    return pull(path, project, **kw)


def _hunks(outcome: Outcome) -> list[str]:
    """The changed lines of every diff (without the context)."""
    return [line for diff in outcome.diffs.values() for line in diff.splitlines()
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_nothing_changed_is_an_empty_diff(built: tuple[Path, Path], project: Path) -> None:
    outcome = pull(built[1], project)
    assert (outcome.diffs, outcome.notes, outcome.conflicts) == ({}, [], [])


SURVEY = ("Эксперты программы «Внутриполитические и социальные исследования» разработали "
          "анкету экспертного опроса")


def test_a_typo_fixed(built: tuple[Path, Path], project: Path, tmp_path: Path) -> None:
    outcome = _edited(built, tmp_path, lambda w: _sub(_para(w, "Эксперты программы"),
                                                      "разработали", "разработали новую"), project)
    old, new = _hunks(outcome)
    assert old.startswith("-" + SURVEY) and new.startswith(
        "+" + SURVEY.replace("разработали", "разработали новую"))
    # the expressions and the source's quotes are kept
    assert "{{ extra.survey_experts | plural(" in new and "«Реализация" in new
    assert list(outcome.diffs) == ["sections/analytics.md"]
    assert outcome.diffs["sections/analytics.md"].startswith(
        "--- a/sections/analytics.md\n+++ b/sections/analytics.md\n@@ -43,7 +43,7 @@\n")


def test_a_sentence_deleted_and_one_added(built: tuple[Path, Path], project: Path,
                                          tmp_path: Path) -> None:
    def change(w: DocxDocument) -> None:
        p = _para(w, "Эксперты программы")
        _sub(p, " Готовится аналитический доклад по данной теме.", "")
        last = _para(w, "Кроме того, в ходе визита").runs[-1]
        last.text = last.text + " Новое предложение."
    hunks = _hunks(_edited(built, tmp_path, change, project))
    assert hunks[1].endswith("с экспертами.")
    assert hunks[3].endswith("и другими аналитическими центрами. Новое предложение.")


def test_a_paragraph_added(built: tuple[Path, Path], project: Path, tmp_path: Path) -> None:
    def change(w: DocxDocument) -> None:
        p = _para(w, "Кроме того, в ходе визита")
        new = copy.deepcopy(p._p)
        for b in new.iter(qn("w:bookmarkStart"), qn("w:bookmarkEnd")):
            b.getparent().remove(b)
        p._p.addnext(new)
        q = Paragraph(new, p._parent)
        for r in q.runs[1:]:
            r._r.getparent().remove(r._r)
        q.runs[0].text = "Новый абзац редактора."
    assert _hunks(_edited(built, tmp_path, change, project)) == ["+Новый абзац редактора.", "+"]


def test_a_word_made_bold_and_a_heading_renamed(built: tuple[Path, Path], project: Path,
                                                tmp_path: Path) -> None:
    def change(w: DocxDocument) -> None:
        p = _para(w, "Кроме того, в ходе визита")
        first = p.runs[0]
        rest = first.text[len("Кроме того,"):]
        first.text = "Кроме того,"
        first.bold = True
        after = copy.deepcopy(first._r)
        first._r.addnext(after)
        p.runs[1].text, p.runs[1].bold = rest, None
        h = next(p for p in w.paragraphs if p.style.name.startswith("Heading")
                 and _n(p.text).startswith("Подписание меморандума с Korea Foundation"))
        h.runs[-1].text = h.runs[-1].text + " (уточнено)"
    outcome = _edited(built, tmp_path, change, project)
    hunks = _hunks(outcome)
    assert hunks[1].startswith("+**Кроме того,** в ходе визита в США")
    assert hunks[2:] == ["-### Подписание меморандума с Korea Foundation (Республика Корея)",
                         "+### Подписание меморандума с Korea Foundation (Республика Корея) "
                         "(уточнено)"]


def test_a_data_bound_number_is_reported_then_applied_with_apply_data(
        built: tuple[Path, Path], project: Path, tmp_path: Path) -> None:
    def change(w: DocxDocument) -> None:
        p = next(p for p in w.paragraphs if any(r.text == "30" for r in p.runs))
        _sub(p, "30", "31")
    outcome = _edited(built, tmp_path, change, project)
    assert outcome.diffs == {}
    assert outcome.notes == ["activity/2018-9m.yaml:5: indicators.analytical_materials.value is 30; "
                             "the DOCX says 31 (sections/analytics.md:52; --apply-data sets it)"]
    apply(outcome)
    assert "value: 30" in (project / "activity/2018-9m.yaml").read_text(encoding="utf-8")
    apply(outcome, data=True)
    assert (project / "activity/2018-9m.yaml").read_text(encoding="utf-8").split("\n")[4] \
        == "    value: 31"


def test_tracked_changes_and_a_comment(built: tuple[Path, Path], project: Path,
                                       tmp_path: Path) -> None:
    def change(w: DocxDocument) -> None:
        p = _para(w, "Кроме того, в ходе визита")
        run = p.runs[0]._r
        ins = w.element.makeelement(qn("w:ins"), {qn("w:id"): "901", qn("w:author"): "Ed"})
        new = copy.deepcopy(run)
        new.find(qn("w:t")).text = "Также "
        ins.append(new)
        run.addprevious(ins)
        last = p.runs[-1]._r
        dele = w.element.makeelement(qn("w:del"), {qn("w:id"): "902", qn("w:author"): "Ed"})
        gone = copy.deepcopy(last)
        t = gone.find(qn("w:t"))
        t.tag = qn("w:delText")
        t.text = " Удалено."
        dele.append(gone)
        last.addnext(dele)
        w.add_comment(p.runs[1], text="Проверить список", author="Ed")
    accepted = _hunks(_edited(built, tmp_path, change, project))
    assert accepted[1].startswith("+Также Кроме того")
    rejected = _edited(built, tmp_path, change, project, tracked="reject")
    assert _hunks(rejected)[1].endswith("аналитическими центрами. Удалено.")
    kept = _hunks(_edited(built, tmp_path, change, project, tracked="keep"))
    assert kept[1].startswith("+{++Также++} Кроме того") and kept[1].endswith(" {--Удалено.--}")
    assert any(n.startswith("sections/analytics.md:88: comment by Ed on «") and
               n.endswith(": Проверить список") for n in rejected.notes)


def test_the_same_place_changed_in_the_source_is_a_conflict(
        built: tuple[Path, Path], project: Path, tmp_path: Path) -> None:
    source = project / "sections/analytics.md"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("разработали анкету", "подготовили анкету"), encoding="utf-8")
    outcome = _edited(built, tmp_path, lambda w: _sub(_para(w, "Эксперты программы"),
                                                      "разработали", "создали"), project)
    assert outcome.diffs == {}
    assert len(outcome.conflicts) == 1
    conflict = outcome.conflicts[0]
    assert conflict.startswith("sections/analytics.md:46: conflict:")
    assert "подготовили анкету" in conflict and "создали анкету" in conflict


def test_apply_then_build_has_the_edit(built: tuple[Path, Path], project: Path,
                                       tmp_path: Path) -> None:
    outcome = _edited(built, tmp_path, lambda w: _sub(_para(w, "Эксперты программы"),
                                                      "разработали", "разработали новую"), project)
    assert apply(outcome) == [project / "sections/analytics.md"]
    again = build(project, tmp_path / "again", formats=("docx",), langs=("ru",))
    word = docx.Document(str(again.edition("ru").outputs["docx"]))
    assert "разработали новую анкету" in _n(_para(word, "Эксперты программы").text)
    assert pull(again.edition("ru").outputs["docx"], project).diffs == {}


def test_the_cli_prints_the_diff(built: tuple[Path, Path], project: Path, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    word = docx.Document(str(built[1]))
    _sub(_para(word, "Эксперты программы"), "разработали", "разработали новую")
    word.save(str(tmp_path / "e.docx"))
    assert main(["pull", str(tmp_path / "e.docx"), str(project)]) == 0
    assert capsys.readouterr().out.startswith("--- a/sections/analytics.md\n")
    assert main(["pull", str(tmp_path / "e.docx"), str(project), "--apply"]) == 0
    assert "разработали новую анкету" in (project / "sections/analytics.md").read_text(
        encoding="utf-8")


def _add_item_after(w: DocxDocument, start: str, text: str) -> None:
    """An item typed after the list item ``start`` (Enter at its end, then the text)."""
    p = _para(w, start)
    new = copy.deepcopy(p._p)
    for b in new.iter(qn("w:bookmarkStart"), qn("w:bookmarkEnd")):
        b.getparent().remove(b)
    p._p.addnext(new)
    q = Paragraph(new, p._parent)
    for r in q.runs[1:]:
        r._r.getparent().remove(r._r)
    q.runs[0].text = text


ITEM = "координация научно-исследовательских работ"


def test_a_list_item_added_and_one_edited(built: tuple[Path, Path], project: Path,
                                          tmp_path: Path) -> None:
    def change(w: DocxDocument) -> None:
        _add_item_after(w, ITEM, "подготовка ежегодного доклада.")
        _sub(_para(w, "общая оценка тенденций"), "общая оценка", "комплексная оценка")
    outcome = _edited(built, tmp_path, change, project)
    lines = (project / "sections/about.md").read_text(encoding="utf-8").split("\n")
    assert lines[12].startswith("- " + ITEM)
    assert _hunks(outcome) == ["-" + lines[11], "+" + lines[11].replace("общая оценка",
                                                                        "комплексная оценка"),
                               "+- подготовка ежегодного доклада."]


# ------------------------------------------------------------------ LibreOffice


@pytest.fixture(scope="module")
def saved_by_libreoffice(built: tuple[Path, Path],
                         tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample's DOCX with a typo fixed by python-docx, opened and saved by LibreOffice."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("no LibreOffice")
    folder = tmp_path_factory.mktemp("lo")
    word = docx.Document(str(built[1]))
    _sub(_para(word, "Эксперты программы"), "разработали", "разработали новую")
    (folder / "in").mkdir()
    word.save(str(folder / "in" / "edited.docx"))
    subprocess.run([soffice, f"-env:UserInstallation=file://{folder}/profile", "--headless",
                    "--convert-to", "docx", "--outdir", str(folder / "out"),
                    str(folder / "in" / "edited.docx")], check=True, capture_output=True,
                   timeout=300, env={"HOME": str(folder), "PATH": "/usr/bin:/bin"})
    return folder / "out" / "edited.docx"


def test_a_typo_fixed_survives_libreoffice(saved_by_libreoffice: Path, project: Path) -> None:
    outcome = pull(saved_by_libreoffice, project)
    old, new = _hunks(outcome)  # the one edit, and nothing else
    assert old.startswith("-" + SURVEY)
    assert new == old.replace("разработали", "разработали новую", 1).replace("-", "+", 1)
    assert (list(outcome.diffs), outcome.notes, outcome.conflicts) == (
        ["sections/analytics.md"], [], [])


def test_a_list_item_added_survives_libreoffice(built: tuple[Path, Path], project: Path,
                                                tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("no LibreOffice")
    word = docx.Document(str(built[1]))
    _add_item_after(word, ITEM, "подготовка ежегодного доклада.")
    (tmp_path / "in").mkdir()
    word.save(str(tmp_path / "in" / "edited.docx"))
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    "--convert-to", "docx", "--outdir", str(tmp_path / "out"),
                    str(tmp_path / "in" / "edited.docx")], check=True, capture_output=True,
                   timeout=300, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    outcome = pull(tmp_path / "out" / "edited.docx", project)
    assert _hunks(outcome) == ["+- подготовка ежегодного доклада."]
    assert (outcome.notes, outcome.conflicts) == ([], [])


def test_nothing_changed_through_libreoffice_is_an_empty_diff(
        built: tuple[Path, Path], project: Path, tmp_path: Path) -> None:
    """LibreOffice moves the bookmark of a paragraph that ends a Word section (the last of
    each section) to the end of the paragraph before, and a footnote's into the footnote
    before: still no diff."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("no LibreOffice")
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    "--convert-to", "docx", "--outdir", str(tmp_path / "out"), str(built[1])],
                   check=True, capture_output=True, timeout=300,
                   env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    outcome = pull(tmp_path / "out" / built[1].name, project)
    assert (outcome.diffs, outcome.notes, outcome.conflicts) == ({}, [], [])


def test_the_kazakh_and_english_editions_through_libreoffice_are_an_empty_diff(
        built: tuple[Path, Path], project: Path, tmp_path: Path) -> None:
    """The Kazakh references join the number to a word («1-кесте (5-бет)»): LibreOffice
    writes the word inside the REF field's code, where it is still shown text."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("no LibreOffice")
    out = build(project, tmp_path / "out", formats=("docx",), langs=("kk", "en"))
    paths = [out.edition(lang).outputs["docx"] for lang in ("kk", "en")]
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    "--convert-to", "docx", "--outdir", str(tmp_path / "lo"), *map(str, paths)],
                   check=True, capture_output=True, timeout=300,
                   env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    for path in paths:
        outcome = pull(tmp_path / "lo" / path.name, project)
        assert (path.name, outcome.diffs, outcome.notes, outcome.conflicts) == (
            path.name, {}, [], [])


def test_the_institute_with_its_list_of_figures_at_the_end_is_an_empty_diff(
        tmp_path: Path) -> None:
    """The second sample lists its figures after the last section: the list's entries
    (Word's field, not marked) are not paragraphs added to the last appendix."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("no LibreOffice")
    root = make_institute(tmp_path / "project")
    path = build(root, tmp_path / "out", formats=("docx",), langs=("ru",)) \
        .edition("ru").outputs["docx"]
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    "--convert-to", "docx", "--outdir", str(tmp_path / "lo"), str(path)],
                   check=True, capture_output=True, timeout=300,
                   env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    for edited in (path, tmp_path / "lo" / path.name):
        outcome = pull(edited, root)
        assert (outcome.diffs, outcome.notes, outcome.conflicts) == ({}, [], [])


def test_a_docx_of_an_earlier_build_is_read_without_its_footnotes(
        built: tuple[Path, Path], project: Path, tmp_path: Path) -> None:
    """A DOCX made before footnotes were marked (same format, no ``marked``, no bookmarks
    in its footnotes) still gives an empty diff: its footnotes are not read."""
    old = tmp_path / "earlier.docx"
    with zipfile.ZipFile(built[1]) as src, zipfile.ZipFile(old, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("customXml/item") and b"provenance" in data[:300]:
                data = re.sub(rb'<rg:block [^>]*kind="note"[^>]*>.*?</rg:block>', b"",
                              data.replace(b' marked="footnotes front"', b""), flags=re.S)
            elif info.filename == "word/footnotes.xml":
                data = re.sub(rb'<w:bookmark(Start|End) w:id="\d+"( w:name="_rg_\d+")?/>', b"",
                              data)
            dst.writestr(info, data)
    outcome = pull(old, project)
    assert (outcome.diffs, outcome.notes, outcome.conflicts) == ({}, [], [])


# ------------------------------------------------- bookmarks moved, lost, copied


def _marks(word: DocxDocument) -> dict[str, Any]:
    """The build's ``_rg_`` bookmark starts of the body, by name."""
    return {b.get(qn("w:name")): b for b in word.element.body.iter(qn("w:bookmarkStart"))
            if b.get(qn("w:name"), "").startswith("_rg_")}


def _move_to_previous_end(word: DocxDocument) -> None:
    """What LibreOffice does to every paragraph that ends a Word section, done to all:
    each paragraph's bookmark start at the end of the paragraph before."""
    paragraphs = list(word.element.body.iterchildren(qn("w:p")))
    for before, p in zip(paragraphs, paragraphs[1:], strict=False):
        start = next((b for b in p.iter(qn("w:bookmarkStart"))
                      if b.get(qn("w:name"), "").startswith("_rg_")), None)
        if start is not None and before.find(qn("w:r")) is not None:
            before.append(start)


def _between_paragraphs(word: DocxDocument) -> None:
    """Bookmarks written between paragraphs, as children of the body (as Word may)."""
    for start in _marks(word).values():
        p = start.getparent()
        if p.tag == qn("w:p") and p.getparent() is word.element.body:
            p.addprevious(start)


def _runs_split(word: DocxDocument) -> None:
    """Word's way with runs: split at the first space, rsids, proofing marks."""
    for p in word.paragraphs:
        for run in list(p.runs):
            t = run._r.find(qn("w:t"))
            if t is None or " " not in (t.text or "").strip():
                continue
            head, tail = t.text.split(" ", 1)
            second = copy.deepcopy(run._r)
            t.text = head + " "
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            second.find(qn("w:t")).text = tail
            second.set(qn("w:rsidR"), "00A1B2C3")
            run._r.addnext(second)
            second.addprevious(word.element.makeelement(qn("w:proofErr"),
                                                        {qn("w:type"): "spellStart"}))


@pytest.mark.parametrize("change", [_move_to_previous_end, _between_paragraphs, _runs_split])
def test_bookmarks_moved_and_runs_split_are_no_edit(
        change: Callable[[DocxDocument], None], built: tuple[Path, Path], project: Path,
        tmp_path: Path) -> None:
    outcome = _edited(built, tmp_path, change, project)
    assert (outcome.diffs, outcome.notes, outcome.conflicts) == ({}, [], [])


def test_paragraphs_that_lost_their_bookmark_are_found_by_their_text(
        built: tuple[Path, Path], project: Path, tmp_path: Path) -> None:
    def change(w: DocxDocument) -> None:
        for name, start in _marks(w).items():
            if int(name[4:]) % 2:  # every other paragraph loses its mark
                start.getparent().remove(start)
        _sub(_para(w, "Эксперты программы"), "разработали", "разработали новую")
    outcome = _edited(built, tmp_path, change, project)
    old, new = _hunks(outcome)
    assert new == old.replace("разработали", "разработали новую", 1).replace("-", "+", 1)
    assert (outcome.notes, outcome.conflicts) == ([], [])


def test_a_copied_paragraph_is_new_and_joined_paragraphs_are_one(
        built: tuple[Path, Path], project: Path, tmp_path: Path) -> None:
    def change(w: DocxDocument) -> None:
        p = _para(w, "Кроме того, в ходе визита")
        p._p.addnext(copy.deepcopy(p._p))  # its bookmark too: the copy is a new paragraph
        first = _para(w, "— В нашем сборнике")._p.getprevious()
        second = first.getnext()
        for child in list(second):
            if child.tag != qn("w:pPr"):
                first.append(child)  # Delete at the end of a paragraph: two become one
        second.getparent().remove(second)
    outcome = _edited(built, tmp_path, change, project)
    hunks = _hunks(outcome)
    visit = _para(docx.Document(str(built[1])), "Кроме того, в ходе визита").text
    assert hunks[:2] == ["+" + _n(visit).replace("американскими think-tank",
                                                 "**американскими think-tank**"), "+"]
    press = [line for line in outcome.diffs["sections/press.md"].splitlines()
             if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert len(press) == 4 and press[1] == "-"
    assert press[0].startswith("-Шаги в этом направлении") and press[2].startswith("-— В нашем")
    # the two paragraphs' text in one (the joined paragraph keeps the first one's mark)
    assert press[3].startswith("+" + press[0][1:] + "— В нашем сборнике были отражены")


# ------------------------------------------------------------------ bad input


def _zip(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def _bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


CT = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


@pytest.mark.parametrize(("make", "message"), [
    (lambda d: _bytes(d, b"not a zip"), "not a DOCX (not a readable zip"),
    (lambda d: _zip(d, {f"x{i}": b"" for i in range(1001)}), "1001 parts in the zip"),
    (lambda d: _zip(d, {"[Content_Types].xml": CT, "word/document.xml": b"<a/>" + b" " * 300_000_000}),
     "it expands to 286 MB"),
    (lambda d: _zip(d, {"[Content_Types].xml": CT, "word/document.xml": b"<a/>",
                        "word/vbaProject.bin": b"x"}), "the document holds macros"),
    (lambda d: _zip(d, {"[Content_Types].xml": CT, "word/document.xml": b"<a/>"}),
     "not made by reportgen, or by a version before 'pull'"),
    (lambda d: _zip(d, {"[Content_Types].xml": CT, "word/document.xml": b"<a/>",
                        "customXml/item1.xml": b'<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>'}),
     "declares a DOCTYPE or entities"),
])
def test_bad_input_is_refused(make: Callable[[Path], Path], message: str, tmp_path: Path,
                              project: Path) -> None:
    before = (project / "sections/analytics.md").read_text(encoding="utf-8")
    with pytest.raises(PullError, match=message.replace("(", r"\(").replace(".", r"\.")):
        pull(make(tmp_path / "bad.docx"), project)
    assert (project / "sections/analytics.md").read_text(encoding="utf-8") == before


def test_a_docm_and_another_project_are_refused(built: tuple[Path, Path], tmp_path: Path) -> None:
    docm = tmp_path / "edited.docm"
    shutil.copy(built[1], docm)
    with pytest.raises(PullError, match=r"macro-enabled document \(\.docm\)"):
        pull(docm, built[0])
    other = tmp_path / "other"
    (other / "sections").mkdir(parents=True)
    (other / "report.yaml").write_text("x: 1\n", encoding="utf-8")
    with pytest.raises(PullError, match="made from another project: .* has no sections/"):
        pull(built[1], other)
