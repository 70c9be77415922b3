"""Data tables, appendices, footnotes and cross-references, in the PDF and the DOCX.

One generated project (a 500-row list, an indicator comparison, a landscape
table, footnotes, references across sections) is built once to both formats
and read back with poppler, the DOCX's XML and LibreOffice.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from lxml import etree

from reportgen.build import build
from reportgen.errors import SourceLoc
from reportgen.model import nodes as m
from reportgen.model import walk
from reportgen.resources import data_dir

from .conftest import Project, need

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ROWS = 500
COUNTRIES = ("Казахстан", "Россия", "Испания", "Япония", "Германия")

REPORT = """\
title: Отчёт о деятельности
organization:
  name: Тестовая организация
language: ru
date: 2018-10-05
periods:
  - {id: p0, start: 2018-01-01, end: 2018-06-30, label: январь–июнь 2018 года}
  - {id: p1, start: 2018-01-01, end: 2018-09-30, label: январь–сентябрь 2018 года}
sections:
  - sections/a.md
appendices:
  - appendices/list.md
  - appendices/wide.md
"""

P0 = """\
indicators:
  materials: {value: 23, label: {one: материал, few: материала, many: материалов}}
  events: {value: 60, label: мероприятий}
breakdowns:
  media:
    label: публикаций
    total: 10
    parts:
      domestic: {value: 7, label: в казахстанских СМИ}
      foreign: {value: 3, label: в зарубежных СМИ}
"""

SECTION = """\
---
title: Раздел
---

Текст со сноской[^one], а полный список визитов приводит {numref}`таблица {number} на с. {page} <tab-visits>`.

```{table}
data: indicators
compare: previous
caption: Показатели
id: tab-ind
```

Широкая таблица — в {numref}`приложении {number} (с. {page}) <app-wide>`, ещё текст[^two].

[^one]: Первая сноска.
[^two]: Вторая сноска: см. {ref}`app-list`.
"""

LIST = """\
---
title: Визиты
id: app-list
---

```{table}
data: extra.visits
columns:
  - n
  - {field: title, title: Наименование визита}
  - date
  - country
  - {field: people, title: Делегаты}
caption: Визиты
id: tab-visits
```
"""

WIDE = """\
---
title: Широкая таблица
id: app-wide
---

```{table}
data: extra.wide
sort: -f1
columns: [n, {field: f1, title: Поле 1}, {field: f2, title: Поле 2}, {field: f3, title: Поле 3},
          {field: f4, title: Поле 4}, {field: f5, title: Поле 5}, {field: f6, title: Поле 6},
          {field: f7, title: Поле 7}, {field: f8, title: Поле 8}, {field: f9, title: Поле 9}]
caption: Широкая
landscape: true
id: tab-wide
```

Текст после широкой таблицы.
"""


def visits_yaml() -> str:
    lines = ["extra:", "  visits:"]
    start = dt.date(2018, 1, 1)
    for i in range(1, ROWS + 1):
        day = start + dt.timedelta(days=i % 270)
        lines.append(f"    - {{title: Визит № {i}, date: {day.isoformat()}, "
                     f"country: {COUNTRIES[i % len(COUNTRIES)]}, people: {10000 + i}}}")
    lines.append("  wide:")
    for i in range(3):
        fields = ", ".join(f"f{k}: {'широкое значение ' * 2}{i}{k}" for k in range(2, 10))
        lines.append(f"    - {{f1: {i}, {fields}}}")
    return "\n".join(lines) + "\n"


P1 = P0.replace("value: 23", "value: 30").replace("value: 60", "value: 45").replace(
    "total: 10", "total: 12").replace("value: 7", "value: 9") + visits_yaml()


@dataclass(frozen=True)
class Built:
    root: Path
    pdf: Path
    docx: Path
    doc: m.Document


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Built:
    project = Project(tmp_path_factory.mktemp("tables") / "proj")
    project.write("report.yaml", REPORT)
    project.write("activity/p0.yaml", P0)
    project.write("activity/p1.yaml", P1)
    project.write("sections/a.md", SECTION)
    project.write("appendices/list.md", LIST)
    project.write("appendices/wide.md", WIDE)
    result = build(project.root, project.root / "out")
    edition = result.edition()
    assert edition.document is not None
    return Built(project.root, edition.outputs["pdf"], edition.outputs["docx"], edition.document)


def page_texts(pdf: Path) -> list[str]:
    """The text of every page, one pdftotext run per page (-f p -l p)."""
    info = subprocess.run([need("pdfinfo"), str(pdf)], check=True, capture_output=True,
                          text=True).stdout
    count = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    return [subprocess.run([need("pdftotext"), "-enc", "UTF-8", "-f", str(p), "-l", str(p),
                            str(pdf), "-"], check=True, capture_output=True, text=True).stdout
            for p in range(1, count + 1)]


def flat(text: str) -> str:
    return " ".join(text.split())


def page_of(pages: list[str], needle: str) -> int:
    found = [i for i, t in enumerate(pages, 1) if needle in flat(t)]
    assert len(found) == 1, (needle, found)
    return found[0]


def xml(path: Path, part: str) -> etree._Element:
    with zipfile.ZipFile(path) as zf:
        return etree.fromstring(zf.read(part))


def libreoffice_pdf(docx: Path, out: Path) -> Path:
    home = out / "home"
    (home / ".fonts").mkdir(parents=True)
    for font in data_dir("fonts").glob("*.ttf"):
        shutil.copy(font, home / ".fonts")
    subprocess.run(
        [need("soffice"), f"-env:UserInstallation={(home / 'lo').as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(out), str(docx)],
        check=True, capture_output=True, timeout=240, env=dict(os.environ, HOME=str(home)))
    pdf = out / docx.with_suffix(".pdf").name
    assert pdf.is_file(), "LibreOffice wrote no PDF"
    return pdf


def row_pages(pages: list[str]) -> dict[int, int]:
    """Page of every generated row (by its title 'Визит № i'), each row exactly once."""
    where: dict[int, int] = {}
    for number, text in enumerate(pages, 1):
        for i in map(int, re.findall(r"Визит № (\d+)\b", flat(text))):
            assert i not in where, f"row {i} on pages {where[i]} and {number}"
            where[i] = number
    return where


# ------------------------------------------------------------------ long tables


def test_long_table_repeats_its_header_on_every_page_of_the_pdf(big: Built) -> None:
    pages = page_texts(big.pdf)
    where = row_pages(pages)
    assert sorted(where) == list(range(1, ROWS + 1))
    spanned = sorted(set(where.values()))
    assert len(spanned) >= 8, spanned  # 500 rows take many pages
    assert spanned == list(range(spanned[0], spanned[-1] + 1))
    assert "Таблица 2. Визиты" in flat(pages[spanned[0] - 1])
    for number in spanned:
        text = flat(pages[number - 1])  # (poppler reads the right-aligned title last)
        assert all(t in text for t in ("№", "Наименование визита", "Дата", "Страна",
                                       "Делегаты")), number
    # No row is cut in half: each row's last cell is on the page of its title.
    for i, number in where.items():
        assert f"{10000 + i:,}".replace(",", " ") in flat(pages[number - 1]), i


def test_long_table_is_one_word_table_with_a_repeated_header_row(big: Built) -> None:
    body = xml(big.docx, "word/document.xml")
    tables = [t for t in body.iter(f"{W}tbl")
              if "Наименование визита" in "".join(t.itertext())]
    assert len(tables) == 1
    rows = tables[0].findall(f"{W}tr")
    assert len(rows) == ROWS + 1
    header = [r for r in rows if r.find(f"{W}trPr/{W}tblHeader") is not None]
    assert header == rows[:1]
    assert all(r.find(f"{W}trPr/{W}cantSplit") is not None for r in rows)
    assert "".join(rows[0].itertext()) == "№Наименование визитаДатаСтранаДелегаты"
    # the typography pass binds '№' to its number, in table cells as in the text
    assert "".join(rows[-1].itertext()).startswith(f"{ROWS}Визит №\u00a0{ROWS}")


def test_libreoffice_repeats_the_header_row_and_keeps_footnotes_with_calls(
        big: Built, tmp_path: Path) -> None:
    pages = page_texts(libreoffice_pdf(big.docx, tmp_path))
    where = row_pages(pages)
    assert len(where) >= ROWS
    for number in sorted(set(where.values())):
        assert "Наименование визита" in pages[number - 1], number
    assert page_of(pages, "Первая сноска.") == page_of(pages, "Текст со сноской")
    # PAGEREF fields: LibreOffice computes the pages of its own layout.
    ref = re.search(r"полный список визитов приводит таблица 2 на с\. (\d+)", flat("".join(pages)))
    assert ref is not None
    assert int(ref.group(1)) == page_of(pages, "Таблица 2. Визиты")


# ------------------------------------------------------- landscape pages


def test_wide_table_is_on_a_landscape_page_with_header_and_page_number(big: Built) -> None:
    import pikepdf

    pages = page_texts(big.pdf)
    number = page_of(pages, "Таблица 3. Широкая")
    with pikepdf.open(big.pdf) as pdf:
        boxes = [[float(x) for x in p.mediabox] for p in pdf.pages]
    width, height = boxes[number - 1][2], boxes[number - 1][3]
    assert round(width) == 842 and round(height) == 595
    assert round(boxes[number - 2][2]) == 595  # the appendix heading's page stays portrait
    after = page_of(pages, "Текст после широкой таблицы.")
    assert after == number + 1 and round(boxes[after - 1][2]) == 595  # and back
    text = pages[number - 1]
    assert "Отчёт о деятельности" in text  # running header
    assert f"{number} / {len(pages)}" in text  # page number


def test_wide_table_is_a_landscape_word_section_that_keeps_header_and_footer(big: Built) -> None:
    body = xml(big.docx, "word/document.xml")
    sections = list(body.iter(f"{W}sectPr"))
    sizes = [s.find(f"{W}pgSz") for s in sections]
    orients = [z.get(f"{W}orient") for z in sizes]
    # A Word section per part of the report (docs/docx.md), one of them turned.
    assert orients.count("landscape") == 1 and orients[-1] is None
    landscape = sizes[orients.index("landscape")]
    assert int(landscape.get(f"{W}w")) > int(landscape.get(f"{W}h"))
    # The footer is defined once, in the first section; the others inherit it. Each has
    # its own running head (the section's title).
    assert sections[0].find(f"{W}headerReference") is not None
    assert sections[0].find(f"{W}titlePg") is not None
    for later in sections[1:]:
        assert later.find(f"{W}headerReference") is not None
        assert later.find(f"{W}footerReference") is None
        assert later.find(f"{W}titlePg") is None


# --------------------------------------------------- computed comparison


def test_change_columns_are_computed_from_both_periods(big: Built) -> None:
    table = next(b for s in big.doc.sections for b in walk.walk_blocks(s.blocks)
                 if isinstance(b, m.Table) and b.id == "tab-ind")
    cells = [[m.plain_text(c.children) for c in row.cells] for row in table.body]
    assert [c[0] for c in cells] == ["Материалов", "Мероприятий", "Публикаций",
                                     "В\u00a0казахстанских СМИ", "В\u00a0зарубежных СМИ"]
    for title, before, now, change, percent in cells:
        b, n = int(before), int(now)
        sign = "+" if n > b else "\u2212" if n < b else ""
        assert change == f"{sign}{abs(n - b)}", title
        assert percent == (f"{sign}{abs(n - b) / b * 100:.1f}".replace(".", ",")), title
    assert cells[1][1:] == ["60", "45", "\u221215", "\u221225,0"]
    # a period is a date: never hyphenated (its span's role)
    assert table.head[0].cells[1].children == (
        m.Span((m.Text("январь–июнь 2018 года"),), role="date"),)
    # Both writers show the same figures.
    pdf_text = flat("".join(page_texts(big.pdf)))
    assert "Мероприятий 60 45 \u221215 \u221225,0" in pdf_text
    body = xml(big.docx, "word/document.xml")
    rows = ["|".join("".join(tc.itertext()) for tc in tr.findall(f"{W}tc"))
            for tr in body.iter(f"{W}tr")]
    assert "Мероприятий|60|45|\u221215|\u221225,0" in rows


# ------------------------------------------------------------------- footnotes


def test_footnotes_sit_on_the_page_of_their_call_in_the_pdf(big: Built) -> None:
    pages = page_texts(big.pdf)
    assert page_of(pages, "1. Первая сноска.") == page_of(pages, "Текст со сноской")
    assert page_of(pages, "2. Вторая сноска: см. Визиты.") == page_of(pages, "ещё текст")


def test_footnotes_are_word_footnotes_in_the_docx(big: Built) -> None:
    body = xml(big.docx, "word/document.xml")
    calls = [r.get(f"{W}id") for r in body.iter(f"{W}footnoteReference")]
    assert calls == ["1", "2"]
    notes = xml(big.docx, "word/footnotes.xml")
    by_id = {n.get(f"{W}id"): n for n in notes.iter(f"{W}footnote")}
    assert by_id["-1"].get(f"{W}type") == "separator"
    assert by_id["0"].get(f"{W}type") == "continuationSeparator"
    def text(note: etree._Element) -> str:  # a reference in a note is a REF field
        return "".join(t.text or "" for t in note.iter(f"{W}t")).strip()

    assert text(by_id["1"]) == "Первая сноска."
    assert text(by_id["2"]) == "Вторая сноска: см.\u00a0Визиты."
    assert by_id["1"].find(f".//{W}footnoteRef") is not None
    settings = xml(big.docx, "word/settings.xml")
    assert [f.get(f"{W}id") for f in settings.iter(f"{W}footnote")] == ["-1", "0"]
    with zipfile.ZipFile(big.docx) as zf:
        assert "footnotes+xml" in zf.read("[Content_Types].xml").decode()
        rels = zf.read("word/_rels/document.xml.rels").decode()
    assert "relationships/footnotes" in rels


# ------------------------------------------------------------ cross-references


def test_cross_references_give_number_and_page_in_both_outputs(big: Built) -> None:
    pages = page_texts(big.pdf)
    text = flat("".join(pages))
    table_page = page_of(pages, "Таблица 2. Визиты")
    assert f"приводит таблица 2 на с. {table_page}." in text
    wide_page = page_of(pages, "Приложение 2 Широкая таблица")
    assert f"в приложении 2 (с. {wide_page})" in text
    # DOCX: PAGEREF fields to the bookmarks, cached with the print layout's pages.
    body = xml(big.docx, "word/document.xml")
    marks = {b.get(f"{W}name"): "".join(t.text or "" for t in b.getparent().iter(f"{W}t"))
             for b in body.iter(f"{W}bookmarkStart")}
    refs = [t.text.split()[1] for t in body.iter(f"{W}instrText") if "PAGEREF" in t.text]
    assert [marks[r].split(".")[0] for r in refs] == ["Таблица\u00a02", "Приложение\u00a02"]
    paragraphs = ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in body.iter(f"{W}p")]
    # the typography pass binds 'таблица 2' and 'с. 4' with no-break spaces
    assert any(f"приводит таблица 2 на с. {table_page}" in p.replace("\u00a0", " ")
               for p in paragraphs)


def _numbered_page(project: Project) -> tuple[str, int, list[str]]:
    result = build(project.root, project.root / "out", formats=("pdf",))
    pages = page_texts(result.edition().outputs["pdf"])
    ref = re.search(r"См\. (таблицу \d+ на с\. \d+)", flat("".join(pages)))
    assert ref is not None
    return ref.group(1), page_of(pages, "Список событий"), pages


def test_references_follow_when_a_section_grows_and_a_table_comes_before(
        project: Project) -> None:
    project.write("report.yaml", project.root.joinpath("report.yaml").read_text(
        encoding="utf-8") + "appendices:\n  - b.md\n")
    project.write("sections/a.md", "---\ntitle: Раздел\n---\n\n"
                  "См. {numref}`таблицу {number} на с. {page} <tab-events>`.\n")
    project.write("b.md", "---\ntitle: Приложение\n---\n\n```{table}\ndata: events\n"
                  "columns: [n, title, date]\ncaption: Список событий\nid: tab-events\n```\n")
    said, actual, _ = _numbered_page(project)
    assert said == f"таблицу 1 на с. {actual}"
    # The section grows by several pages and gets a table of its own before the reference.
    filler = "\n\n".join(f"Абзац {i}. " + "Слово " * 60 for i in range(40))
    project.write("sections/a.md", "---\ntitle: Раздел\n---\n\n```{table}\ndata: events\n"
                  "columns: [title]\n```\n\n" + filler +
                  "\n\nСм. {numref}`таблицу {number} на с. {page} <tab-events>`.\n")
    said_after, actual_after, _ = _numbered_page(project)
    assert actual_after > actual + 2
    assert said_after == f"таблицу 2 на с. {actual_after}"


# --------------------------------------------------------------- bad input


def problems_of(project: Project) -> list[str]:
    from .test_bad_input import problems_of as located

    return located(project)


TABLE_SECTION = "---\ntitle: Раздел\n---\n\nТекст.\n\n```{{table}}\n{spec}```\n"

BAD_TABLES = [
    ("unknown list", "data: evnts\ncolumns: [title]\n",
     ["sections/a.md:8:7: error: data: no list 'evnts' in the data of this period; did you "
      "mean 'events'? (known: events, memoranda, indicators)"]),
    ("unknown column", "data: events\ncolumns: [title, citty]\n",
     ["sections/a.md:9:18: error: columns.1: events have no field 'citty'; did you mean "
      "'city'? (fields: kind, title, date, end, city, country, online, partners, participants, "
      "participants_over, unit, status, n)"]),
    ("unknown key of the block", "data: events\ncolums: [title]\n",
     ["sections/a.md:9:1: error: colums: unknown key 'colums'; did you mean 'columns'?"]),
    ("bad filter field", "data: events\ncolumns: [title]\nfilter: {contry: Россия}\n",
     ["sections/a.md:10:10: error: filter.contry: events have no field 'contry'; did you "
      "mean 'country'? (fields: kind, title, date, end, city, country, online, partners, "
      "participants, participants_over, unit, status, n)"]),
    ("bad filter value", "data: events\ncolumns: [title]\nfilter: {country: {nt: x}}\n",
     ["sections/a.md:10:20: error: filter.country: unknown key 'nt'; did you mean 'not'? (a "
      "filter is a value, a list of values, or {not: value or list})"]),
    ("group without labels for identifiers", "data: events\ncolumns: [title]\ngroup_by: kind\n",
     ["sections/a.md:8:7: error: labels: no name for the kind 'conference'; add it: "
      "labels: {conference: ...}"]),
    ("compare before the first period", "data: indicators\ncompare: previous\n",
     ["sections/a.md:9:10: error: compare: 'p1' is the first period in report.yaml, so it "
      "has no previous one; name a period: compare: <id>"]),
    ("no columns", "data: events\n",
     ["sections/a.md:8:7: error: columns: missing: name the fields to show (e.g. columns: "
      "[n, title, date, city])"]),
    ("YAML syntax", "data: events\ncolumns: [title\n",
     ["sections/a.md:10:1: error: YAML syntax error: while parsing a flow sequence, "
      "expected ',' or ']', but got '<stream end>'"]),
]


@pytest.mark.parametrize(("name", "spec", "expected"), BAD_TABLES, ids=[c[0] for c in BAD_TABLES])
def test_bad_table_specs_are_located_in_the_markdown(project: Project, name: str, spec: str,
                                                     expected: list[str]) -> None:
    project.write("sections/a.md", TABLE_SECTION.format(spec=spec))
    assert problems_of(project) == expected


BAD_REFS = [
    ("unknown id", "См. {numref}`tab-evnts`.\n\n```{table}\ndata: events\ncolumns: [title]\n"
     "id: tab-events\n```\n",
     ["sections/a.md:5: error: {numref}: no section, appendix, heading, figure or table "
      "with the id 'tab-evnts'; did you mean 'tab-events'?"]),
    ("a section has no number", "См. {numref}`a`.\n",
     ["sections/a.md:5: error: {numref}: 'a' is a section, which has no number; use {ref}"]),
    ("unknown placeholder", "См. {ref}`раздел {name} <a>`.\n",
     ["sections/a.md:5: error: {ref}: unknown placeholder '{name}' in 'раздел {name}' "
      "(known: {number}, {page}, {title}, {kind})"]),
    ("unknown role", "См. {numrf}`a`.\n",
     ["sections/a.md:5: error: unknown role {numrf}; did you mean 'numref'? "
      "(roles: {ref}, {numref})"]),
    ("undefined footnote", "Текст[^x].\n",
     ["sections/a.md:5: error: footnote [^x] is not defined (add a line '[^x]: text' below)"]),
    ("unused footnote", "Текст.\n\n[^x]: Сноска.\n",
     ["sections/a.md:7: error: footnote [^x] is defined but never referred to (put [^x] "
      "where its number belongs)"]),
    ("label before a paragraph", "(intro)=\nТекст.\n",
     ["sections/a.md:5: error: the label (intro)= must stand on the line right before a "
      "heading or an image (a table takes 'id:' in its block)"]),
    ("id used twice", "(a)=\n### Заголовок\n",
     ["sections/a.md:6: error: the id 'a' is used twice (also by the section at "
      "sections/a.md:1); ids must be unique"]),
]


@pytest.mark.parametrize(("name", "body", "expected"), BAD_REFS, ids=[c[0] for c in BAD_REFS])
def test_bad_references_and_notes_are_located(project: Project, name: str, body: str,
                                              expected: list[str]) -> None:
    project.write("sections/a.md", "---\ntitle: Раздел\n---\n\n" + body)
    assert [p.replace(str(project.root.resolve()) + "/", "") for p in problems_of(project)] \
        == expected


def test_labels_ids_and_ref_titles(project: Project) -> None:
    project.write("sections/a.md", "---\ntitle: Раздел\n---\n\n(budget)=\n### Бюджет\n\n"
                  "(fig-pic)=\n![Схема](../img/pic.png)\n\n"
                  "См. {ref}`budget`, {numref}`fig-pic` и {ref}`«{title}», с. {page} <a>`.\n")
    result = build(project.root, project.root / "out")
    doc = result.edition().document
    assert doc is not None
    blocks = doc.sections[0].blocks
    assert [b.id for b in blocks if isinstance(b, m.Heading | m.Figure)] == ["budget", "fig-pic"]
    pages = page_texts(result.edition().outputs["pdf"])
    # the figure is on the reference's page: 'выше' instead of its page (issue 22)
    assert "См. Бюджет, рисунок 1 выше и «Раздел», с. 3." in flat("".join(pages))
    with zipfile.ZipFile(result.edition().outputs["docx"]) as zf:
        body = etree.fromstring(zf.read("word/document.xml"))
    anchors = {h.get(f"{W}anchor") for h in body.iter(f"{W}hyperlink")}
    names = {b.get(f"{W}name") for b in body.iter(f"{W}bookmarkStart")}
    assert anchors <= names


def test_a_landscape_table_at_the_end_leaves_no_empty_page_in_the_docx(tmp_path: Path) -> None:
    from reportgen.render.docx import render_docx

    from .test_docx import _doc

    cells = (m.Cell((m.Text("a"),)), m.Cell((m.Text("1"),)))
    table = m.Table((m.Text("Wide"),), 1, "tab-1", SourceLoc(tmp_path / "s.md", 1),
                    (m.Row(cells),), (m.Row(cells),) * 3, ("left", "right"), (0.7, 0.3),
                    role="landscape")
    doc = _doc(tmp_path, (m.Paragraph((m.Text("Before."),), table.loc), table))
    doc = replace(doc, meta=replace(doc.meta, strings=doc.meta.strings | {"table": "Table"}))
    path = tmp_path / "end.docx"
    path.write_bytes(render_docx(doc, tmp_path))
    body = xml(path, "word/document.xml")
    sections = list(body.iter(f"{W}sectPr"))
    # the cover's and contents' Word section, the section's, its landscape table's
    assert [s.find(f"{W}pgSz").get(f"{W}orient") for s in sections] == [None, None, "landscape"]
    assert sections[-1].getparent().tag == f"{W}body"  # the document's own last section is turned
    pages = page_texts(libreoffice_pdf(path, tmp_path))
    assert "Wide" in pages[-1] and "Before." in pages[-2]


# ------------------------------------------------------------------ the sample


def test_sample_has_appendices_tables_footnotes_and_references(sample_pdf: Path) -> None:
    from reportgen.assemble.document import assemble
    from reportgen.load.project import load_project

    from .conftest import SAMPLE

    project = load_project(SAMPLE)
    doc = assemble(project, project.period(None))
    appendices = [(s.appendix, s.title) for s in doc.sections if s.appendix is not None]
    assert appendices == [(1, "Международные конференции и\u00a0круглые столы"),
                          (2, "Меморандумы о\u00a0сотрудничестве")]
    tables = {b.id: b for s in doc.sections for b in walk.walk_blocks(s.blocks)
              if isinstance(b, m.Table)}
    assert [t.number for t in tables.values()] == [1, 2, 3, 4]
    rows = [r for r in tables["tab-events"].body if r.role is None]
    groups = [m.plain_text(r.cells[0].children) for r in tables["tab-events"].body
              if r.role == "group"]
    assert len(rows) == 9 + 8 and groups[1] == "Круглые столы по внутренней политике и\u00a0экономике"
    assert sum(r.role is None for r in tables["tab-memoranda"].body) == 12
    chart = next(b for s in doc.sections for b in walk.walk_blocks(s.blocks)
                 if isinstance(b, m.Chart) and b.id == "conferences-by-country")
    pages = page_texts(sample_pdf)
    text = flat("".join(pages))
    assert f"по странам их показывает рисунок {chart.number}." in text
    # the table is on the reference's page: 'ниже' instead of its page (issue 22)
    assert page_of(pages, "Таблица 1. Основные показатели") == page_of(pages, "Как изменились")
    assert "показывает таблица 1 ниже." in text
    assert page_of(pages, "1. Показатели отчётных периодов") == page_of(pages, "Как изменились")
    events_page = page_of(pages, "Таблица 2. Конференции и круглые столы")
    assert f"в приложении 1 (с. {events_page})" in text
