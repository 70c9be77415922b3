"""reportgen pull (issue 20): footnotes, captions, the lead, the summary page and section
titles edited in the DOCX, carried back into the Markdown and its front matter, or
reported with the file:line they come from; with python-docx and through LibreOffice."""

from __future__ import annotations

import copy
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from lxml import etree

from reportgen.build import build
from reportgen.pull import Outcome, apply, pull

from .conftest import SAMPLE

ALT = "Обложка книги «Эра независимости»"
#: A lead given in the front matter (a plain scalar) of sections/about.md.
FRONT_LEAD = "Группа работает при Ассамблее народа Казахстана с 2008 года."


def _n(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A copy of the sample, its book cover given an alt text (a caption typed in the
    Markdown), and its Russian DOCX."""
    root = tmp_path_factory.mktemp("pullgen")
    project = root / "proj"
    shutil.copytree(SAMPLE, project, ignore=shutil.ignore_patterns(".reportgen-cache"))
    section = project / "sections/international-cooperation.md"
    text = section.read_text(encoding="utf-8")
    assert "![](../assets/images/international-cooperation/book-cover.png)" in text
    section.write_text(text.replace("![](../assets/images/international-cooperation/book-cover",
                                    f"![{ALT}](../assets/images/international-cooperation/"
                                    "book-cover"), encoding="utf-8")
    about = project / "sections/about.md"
    text = about.read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: Научно-экспертная группа АНК г. Алматы\nid: about\n")
    about.write_text(text.replace("id: about\n", f"id: about\nlead: {FRONT_LEAD}\n", 1),
                     encoding="utf-8")
    out = build(project, root / "out", formats=("docx",), langs=("ru",))
    return project, out.edition("ru").outputs["docx"]


@pytest.fixture
def project(built: tuple[Path, Path], tmp_path: Path) -> Path:
    copy_ = tmp_path / "proj"
    shutil.copytree(built[0], copy_, ignore=shutil.ignore_patterns(".reportgen-cache"))
    return copy_


def _paras(word: DocxDocument, start: str, style: str | None = None) -> list[Paragraph]:
    return [p for p in word.paragraphs if _n(p.text).startswith(start)
            and (style is None or p.style.style_id == style)]


def _caption(word: DocxDocument, text: str) -> Paragraph:
    """The caption below a figure that ends with ``text`` (not its line in the list of
    figures)."""
    return next(p for p in word.paragraphs if p.style.style_id == "Caption"
                and _n(p.text).endswith(_n(text)))


def _sub(p: Paragraph | etree._Element, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` in the one run of ``p`` that has it."""
    element = p._p if isinstance(p, Paragraph) else p
    for t in element.iter(qn("w:t")):
        if old in _n(t.text or ""):
            t.text = _n(t.text or "").replace(old, new)
            return
    raise AssertionError(f"no run with {old!r}")


def _footnotes(word: DocxDocument) -> etree._Element:
    """The footnotes part's XML (python-docx has no footnotes API: its blob, parsed once and
    written back by ``_save``)."""
    part = next(r.target_part for r in word.part.rels.values() if r.reltype == RT.FOOTNOTES)
    root = getattr(part, "_test_root", None)
    if root is None:
        root = etree.fromstring(part.blob)
        part._test_root = root  # type: ignore[attr-defined]
    return root


def _note(word: DocxDocument, start: str) -> etree._Element:
    for p in _footnotes(word).iter(qn("w:p")):
        if _n("".join(t.text or "" for t in p.iter(qn("w:t")))).lstrip().startswith(start):
            return p
    raise AssertionError(f"no footnote {start!r}")


def _save(built: tuple[Path, Path], folder: Path, change: Callable[[DocxDocument], None]) -> Path:
    word = docx.Document(str(built[1]))
    change(word)
    for rel in word.part.rels.values():
        root = getattr(rel.target_part, "_test_root", None)
        if root is not None:
            rel.target_part._blob = etree.tostring(  # type: ignore[attr-defined]
                root, xml_declaration=True, encoding="UTF-8", standalone=True)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "edited.docx"
    word.save(str(path))
    return path


def _hunks(outcome: Outcome) -> dict[str, list[str]]:
    """Per file, the changed lines of its diff (without the context), with the hunks' heads."""
    return {name: [line for line in diff.splitlines()
                   if line[:1] in "+-@" and not line.startswith(("+++", "---"))]
            for name, diff in outcome.diffs.items()}


def _line(project: Path, name: str, number: int) -> str:
    return (project / name).read_text(encoding="utf-8").split("\n")[number - 1]


# ---------------------------------------------------------------- footnotes

NOTE = "Показатели отчётных периодов считаются нарастающим итогом с начала года"


def test_a_footnote_edited(built: tuple[Path, Path], project: Path, tmp_path: Path) -> None:
    path = _save(built, tmp_path, lambda w: _sub(_note(w, NOTE), "нарастающим итогом",
                                                  "нарастающим итогом (с 1 января)"))
    old = _line(project, "sections/analytics.md", 37)
    assert old.startswith("[^cumulative]: " + NOTE)
    outcome = pull(path, project)
    assert _hunks(outcome) == {"sections/analytics.md": [
        "@@ -34,7 +34,7 @@", "-" + old,
        "+" + old.replace("нарастающим итогом", "нарастающим итогом (с 1 января)")]}
    assert outcome.notes == []


def test_a_footnote_added_or_deleted_is_reported(built: tuple[Path, Path], project: Path,
                                                 tmp_path: Path) -> None:
    def change(w: DocxDocument) -> None:
        notes = _footnotes(w)
        first = _note(w, NOTE).getparent()
        notes.remove(first)  # the note of sections/analytics.md:37
        new = copy.deepcopy(_note(w, "Меморандумы Института").getparent())
        new.set(qn("w:id"), "99")
        for b in new.iter(qn("w:bookmarkStart"), qn("w:bookmarkEnd")):
            b.getparent().remove(b)
        for t in list(new.iter(qn("w:t")))[1:]:
            t.text = ""
        list(new.iter(qn("w:t")))[0].text = "Сноска редактора."
        notes.append(new)
        p = _paras(w, "Кроме того, в ходе визита")[0]
        call = copy.deepcopy(w.element.body.find(f".//{qn('w:footnoteReference')}").getparent())
        call.find(qn("w:footnoteReference")).set(qn("w:id"), "99")
        p._p.append(call)
    outcome = pull(_save(built, tmp_path, change), project)
    assert outcome.diffs == {}
    assert outcome.notes == [
        "sections/analytics.md:88: a footnote added in the DOCX: not carried back; add "
        "[^label] there and its text: 'Сноска редактора.'",
        "sections/analytics.md:37: a footnote deleted in the DOCX: not carried back; delete "
        "its call and its text in the source: 'Показатели отчётных периодов считаются "
        "нарастающим итогом с '"]


# ----------------------------------------------------------------- captions


def test_a_table_caption_changed(built: tuple[Path, Path], project: Path,
                                 tmp_path: Path) -> None:
    path = _save(built, tmp_path, lambda w: _sub(_paras(w, "Таблица 1.")[0],
                                                  "Основные показатели", "Главные показатели"))
    assert _line(project, "sections/analytics.md", 33) == \
        "caption: Основные показатели в сравнении с предыдущим отчётным периодом"
    assert _hunks(pull(path, project)) == {"sections/analytics.md": [
        "@@ -30,7 +30,7 @@",
        "-caption: Основные показатели в сравнении с предыдущим отчётным периодом",
        "+caption: Главные показатели в сравнении с предыдущим отчётным периодом"]}


def test_a_figure_caption_changed(built: tuple[Path, Path], project: Path,
                                  tmp_path: Path) -> None:
    path = _save(built, tmp_path, lambda w: _sub(_caption(w, ALT), "Обложка", "Переплёт"))
    assert _hunks(pull(path, project)) == {"sections/international-cooperation.md": [
        "@@ -144,7 +144,7 @@",
        f"-![{ALT}](../assets/images/international-cooperation/book-cover.png)",
        "+![Переплёт книги «Эра независимости»](../assets/images/international-cooperation/"
        "book-cover.png)"]}


def test_a_chart_caption_from_report_yaml_is_reported(
        built: tuple[Path, Path], project: Path, tmp_path: Path) -> None:
    path = _save(built, tmp_path, lambda w: _sub(
        _caption(w, "Аналитические материалы и мероприятия по годам"), "по годам", "за три года"))
    assert _line(project, "report.yaml", 77) == \
        "      ru: Аналитические материалы и мероприятия по годам"
    outcome = pull(path, project)
    assert outcome.diffs == {}
    assert outcome.notes == [
        "report.yaml:77: charts.work-trend.title.ru: a chart's caption comes from report.yaml: "
        "not carried back (sections/analytics.md:41): 'Аналитические материалы и мероприятия "
        "по годам' is now 'Аналитические материалы и мероприятия за три года'"]


def test_a_caption_made_from_a_heading_and_a_label_edit_are_reported(
        built: tuple[Path, Path], project: Path, tmp_path: Path) -> None:
    def change(w: DocxDocument) -> None:
        _sub(_caption(w, "Венецианская комиссия"), "Венецианская комиссия",
             "Венецианская комиссия (фото)")
        _sub(_paras(w, "Таблица 2.")[0], "Таблица", "Табл.")
    outcome = pull(_save(built, tmp_path, change), project)
    assert outcome.diffs == {}
    assert outcome.notes == [
        "sections/international-cooperation.md:271: the caption of this gallery is not typed "
        "in the source (it is the heading the gallery stands under): not carried back: "
        "'Венецианская комиссия' is now 'Венецианская комиссия (фото)'",
        "appendices/events.md:10: the label 'Таблица 2.' was edited: not carried back: "
        "'Таблица 2. Конференции и круглые столы' is now 'Табл. . Конференции и круглые "
        "столы'"]


# ------------------------------------------------- the lead, the summary, titles

LEAD = "За отчетный период Институтом мировой экономики и политики подготовлено"


def test_the_lead_from_a_bold_paragraph(built: tuple[Path, Path], project: Path,
                                        tmp_path: Path) -> None:
    def change(w: DocxDocument) -> None:
        lead = _paras(w, LEAD, "Lead")[0]
        _sub(lead, "научно-экспертных структур", "научных структур")
        lead.runs[-1].text += " Итоги подведены."
    outcome = pull(_save(built, tmp_path, change), project)
    old = _line(project, "sections/analytics.md", 10)
    assert old.endswith("научно-экспертных структур и организаций.**")
    assert _hunks(outcome) == {"sections/analytics.md": [
        "@@ -7,7 +7,7 @@", "-" + old,
        "+" + old.replace("научно-экспертных структур", "научных структур")[:-2]
        + " Итоги подведены.**"]}


def test_a_lead_from_the_front_matter_stays_plain_or_is_quoted(
        built: tuple[Path, Path], project: Path, tmp_path: Path) -> None:
    def lead(w: DocxDocument) -> Paragraph:
        return _paras(w, "Группа работает при Ассамблее", "Lead")[0]

    assert _line(project, "sections/about.md", 4) == f"lead: {FRONT_LEAD}"
    plain = pull(_save(built, tmp_path / "a", lambda w: _sub(lead(w), "2008", "2009")), project)
    assert _hunks(plain) == {"sections/about.md": [
        "@@ -1,7 +1,7 @@", f"-lead: {FRONT_LEAD}", f"+lead: {FRONT_LEAD.replace('2008', '2009')}"]}
    # ": " makes a plain scalar a mapping: the new text is double-quoted
    quoted = pull(_save(built, tmp_path / "b", lambda w: _sub(lead(w), "работает при",
                                                               "работает: при")), project)
    assert _hunks(quoted)["sections/about.md"][2] == \
        '+lead: "Группа работает: при Ассамблее народа Казахстана с 2008 года."'
    apply(quoted)
    again = build(project, tmp_path / "again", formats=("docx",), langs=("ru",))
    word = docx.Document(str(again.edition("ru").outputs["docx"]))
    assert _n(_paras(word, "Группа работает", "Lead")[0].text) == \
        "Группа работает: при Ассамблее народа Казахстана с 2008 года."


def test_the_summary_page_carries_back_into_cut_and_title(
        built: tuple[Path, Path], project: Path, tmp_path: Path) -> None:
    def change(w: DocxDocument) -> None:
        summary = _paras(w, LEAD, "BodyText")[0]
        _sub(summary, "научно-экспертных структур", "научных структур")
        title = _paras(w, "Информационная и аналитическая деятельность", "SummaryHeading")[0]
        _sub(title, "деятельность", "работа")
    outcome = pull(_save(built, tmp_path, change), project)
    cut = _line(project, "sections/analytics.md", 6)
    assert cut.startswith('cut: "' + LEAD)
    assert _hunks(outcome) == {"sections/analytics.md": [
        "@@ -1,9 +1,9 @@",
        '-title:  "Информационная и аналитическая деятельность"',
        '+title:  "Информационная и аналитическая работа"',
        "-" + cut, "+" + cut.replace("научно-экспертных структур", "научных структур")]}
    assert outcome.notes == []


def test_a_number_in_the_summary_is_reported_at_the_front_matter(
        built: tuple[Path, Path], project: Path, tmp_path: Path) -> None:
    path = _save(built, tmp_path, lambda w: _sub(_paras(w, LEAD, "BodyText")[0], "30", "31"))
    outcome = pull(path, project)
    assert outcome.diffs == {}
    assert outcome.notes == [
        "sections/analytics.md:6: {{ indicators.analytical_materials.text }} is 30 "
        "информационно-аналитических материалов на имя Главы государства; the DOCX says 31 "
        "информационно-аналитических материалов на имя Главы государства: not carried back "
        "(change the data)"]


def test_section_titles_go_into_the_front_matter(built: tuple[Path, Path], project: Path,
                                                 tmp_path: Path) -> None:
    def change(w: DocxDocument) -> None:
        _sub(_paras(w, "Международное сотрудничество", "Heading1")[0], "Международное",
             "Внешнее")
        _sub(_paras(w, "Приложение 1. Международные конференции", "Heading1")[0],
             "круглые столы", "семинары")
    outcome = pull(_save(built, tmp_path, change), project)
    assert _hunks(outcome) == {
        "appendices/events.md": ["@@ -1,5 +1,5 @@",
                                 "-title: Международные конференции и круглые столы",
                                 "+title: Международные конференции и семинары"],
        "sections/international-cooperation.md": [
            "@@ -1,6 +1,6 @@", '-title:  "Международное сотрудничество"',
            '+title:  "Внешнее сотрудничество"']}
    assert outcome.notes == []


def test_a_title_edited_differently_in_two_places(built: tuple[Path, Path], project: Path,
                                                  tmp_path: Path) -> None:
    def change(w: DocxDocument) -> None:
        _sub(_paras(w, "Информационная и аналитическая", "Heading1")[0], "деятельность",
             "работа")
        _sub(_paras(w, "Информационная и аналитическая", "SummaryHeading")[0], "деятельность",
             "жизнь")
    outcome = pull(_save(built, tmp_path, change), project)
    assert _hunks(outcome)["sections/analytics.md"][1:] == [
        '-title:  "Информационная и аналитическая деятельность"',
        '+title:  "Информационная и аналитическая жизнь"']
    assert outcome.notes == [
        "sections/analytics.md:3: edited in two places of the DOCX, differently: 'title:  "
        "\"Информационная и аналитическая жизнь\"' is applied, 'title:  \"Информационная и "
        "аналитическая работа\"' is not"]


def test_apply_then_build_has_the_edited_texts(built: tuple[Path, Path], project: Path,
                                               tmp_path: Path) -> None:
    def change(w: DocxDocument) -> None:
        _sub(_note(w, NOTE), "нарастающим итогом", "нарастающим итогом (с 1 января)")
        _sub(_paras(w, "Таблица 1.")[0], "Основные показатели", "Главные показатели")
        _sub(_paras(w, "Международное сотрудничество", "Heading1")[0], "Международное",
             "Внешнее")
        _sub(_paras(w, LEAD, "Lead")[0], "научно-экспертных структур", "научных структур")
    apply(pull(_save(built, tmp_path, change), project))
    again = build(project, tmp_path / "again", formats=("docx", "pdf"), langs=("ru",))
    docx_path = again.edition("ru").outputs["docx"]
    pdf = " ".join(_n(subprocess.run(
        ["pdftotext", "-layout", str(again.edition("ru").outputs["pdf"]), "-"],
        check=True, capture_output=True, text=True).stdout).split())
    for edited in ("Внешнее сотрудничество", "Таблица 1. Главные показатели",
                   "научных структур и организаций", "нарастающим итогом (с 1 января)"):
        assert edited in pdf
    word = docx.Document(str(docx_path))
    texts = [_n(p.text) for p in word.paragraphs]
    assert "Внешнее сотрудничество" in texts
    assert any(t.startswith("Таблица 1. Главные показатели") for t in texts)
    assert any(t.startswith(LEAD) and "научных структур" in t for t in texts
               if t.endswith("организаций."))
    assert "(с 1 января)" in _n("".join(t.text or "" for t in _footnotes(word).iter(qn("w:t"))))
    assert pull(docx_path, project).diffs == {}


# --------------------------------------------------------------- LibreOffice


def _libreoffice(path: Path, folder: Path) -> Path:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("no LibreOffice")
    subprocess.run([soffice, f"-env:UserInstallation=file://{folder}/profile", "--headless",
                    "--convert-to", "docx", "--outdir", str(folder / "lo"), str(path)],
                   check=True, capture_output=True, timeout=300,
                   env={"HOME": str(folder), "PATH": "/usr/bin:/bin"})
    return folder / "lo" / path.name


def test_footnote_caption_lead_summary_and_title_survive_libreoffice(
        built: tuple[Path, Path], project: Path, tmp_path: Path) -> None:
    def change(w: DocxDocument) -> None:
        _sub(_note(w, NOTE), "нарастающим итогом", "нарастающим итогом (с 1 января)")
        _sub(_paras(w, "Таблица 1.")[0], "Основные показатели", "Главные показатели")
        _sub(_caption(w, ALT), "Обложка", "Переплёт")
        _sub(_paras(w, LEAD, "Lead")[0], "научно-экспертных структур", "научных структур")
        _sub(_paras(w, LEAD, "BodyText")[0], "научно-экспертных структур", "научных структур")
        _sub(_paras(w, "Международное сотрудничество", "Heading1")[0], "Международное",
             "Внешнее")
    edited = _save(built, tmp_path / "in", change)
    direct = pull(edited, project)
    through = pull(_libreoffice(edited, tmp_path), project)
    assert through.diffs == direct.diffs
    assert (through.notes, through.conflicts) == ([], [])
    assert sorted(direct.diffs) == ["sections/analytics.md",
                                    "sections/international-cooperation.md"]
    changed = [line for lines in _hunks(direct).values() for line in lines if line[0] == "+"]
    assert len(changed) == 6


def test_the_cover_and_reportgens_words_are_reported(built: tuple[Path, Path], project: Path,
                                                     tmp_path: Path) -> None:
    def change(w: DocxDocument) -> None:
        _sub(_paras(w, "Отчёт о деятельности", "CoverTitle")[0], "деятельности", "работе")
        _sub(_paras(w, "январь–сентябрь 2018 года", "CoverPeriod")[0], "2018 года", "2018 г.")
        _sub(_paras(w, "Основные итоги", "Heading1")[0], "Основные", "Главные")
    outcome = pull(_save(built, tmp_path, change), project)
    assert outcome.diffs == {}
    assert (_line(project, "report.yaml", 8), _line(project, "report.yaml", 49)) == (
        "  ru: Отчёт о деятельности", "  - id: 2018-9m")
    assert outcome.notes == [
        "report.yaml:8: title.ru: the cover's line is made from report.yaml: not carried "
        "back: 'Отчёт о деятельности' is now 'Отчёт о работе'",
        "report.yaml:49: periods[3]: the cover's line is made from report.yaml: not carried "
        "back: 'январь–сентябрь 2018 года' is now 'январь–сентябрь 2018 г.'",
        "reportgen's own words (summary, in the report's language): not carried back: "
        "'Основные итоги' is now 'Главные итоги'"]


def _add_after(p: Paragraph, text: str) -> None:
    """A paragraph typed after ``p`` (Enter at its end, then the text), in its style."""
    new = copy.deepcopy(p._p)
    for node in list(new):
        if node.tag != qn("w:pPr"):
            new.remove(node)
    p._p.addnext(new)
    Paragraph(new, p._parent).add_run(text)


def test_a_paragraph_added_after_a_caption_or_on_the_summary_page_is_reported(
        built: tuple[Path, Path], project: Path, tmp_path: Path) -> None:
    def change(w: DocxDocument) -> None:
        _add_after(_paras(w, LEAD, "BodyText")[0], "Итоги года.")
        _add_after(_caption(w, "Аналитические материалы и мероприятия по годам"),
                   "Источник: данные Института.")
    outcome = pull(_save(built, tmp_path, change), project)
    assert outcome.diffs == {}
    assert outcome.notes == [
        "sections/analytics.md: a paragraph added on the summary page: not carried back (the "
        "summary is the front matter's cut): 'Итоги года.'",
        "sections/analytics.md:41: a paragraph added after a caption: not carried back; put it "
        "in the source yourself: 'Источник: данные Института.'"]
