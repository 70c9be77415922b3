"""Tables that fit (issue 21): column widths measured from the content in the print font, as
a browser's automatic table layout shares them; ``width:`` on any subset of columns; no cell
running into the next column in the PDF (read back with ``pdftotext -bbox-layout``), and the
DOCX's grid the same widths (read back with python-docx)."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Twips
from docx.table import Table as DocxTable

from reportgen.assemble import columnfit
from reportgen.assemble import columns as cols
from reportgen.assemble.columnfit import column_widths, fit
from reportgen.assemble.columns import Measure, measure_cell, text_width
from reportgen.build import build, check
from reportgen.model import nodes as m
from reportgen.model import walk
from reportgen.resources import layout_dir
from reportgen.text.formats import format_date_range

from .conftest import Project, need
from .institute import events, make_institute, write_workbook
from .test_tables import libreoffice_pdf

PT_PER_MM = 72 / 25.4
XHTML = "{http://www.w3.org/1999/xhtml}"


def _m(anywhere: float, hyphenated: float, words: float, whole: float) -> Measure:
    return Measure((anywhere, hyphenated, words, whole))


# ------------------------------------------------------------ sharing the width


def test_columns_that_fit_whole_share_the_page_in_proportion_to_their_texts() -> None:
    shares = fit([_m(2, 5, 10, 50), _m(2, 5, 10, 30)], [None, None], 100).shares
    assert shares == pytest.approx((50 / 80, 30 / 80))


def test_the_room_over_the_minimums_goes_in_proportion_to_what_more_a_column_could_use() -> None:
    # CSS 2.1 17.5.2.2: each column gets its minimum, the rest by (max - min).
    widths = fit([_m(2, 5, 10, 50), _m(2, 5, 10, 30), _m(2, 5, 20, 20)], [None] * 3, 80).widths_mm
    assert widths == pytest.approx((10 + 40 * 40 / 60, 10 + 40 * 20 / 60, 20))


def test_below_the_words_whole_columns_hyphenate_then_break_anywhere() -> None:
    columns = [_m(2, 6, 10, 40), _m(4, 8, 20, 30)]
    assert fit(columns, [None] * 2, 22).widths_mm == pytest.approx((6 + 8 * 4 / 16, 8 + 8 * 12 / 16))
    assert fit(columns, [None] * 2, 10).widths_mm == pytest.approx((2 + 4 * 4 / 8, 4 + 4 * 4 / 8))


def test_a_table_whose_dates_and_numbers_cannot_fit_is_an_error() -> None:
    found = Measure((60, 60, 60, 60), atom="2019\u00a0жылғы\u00a030\u00a0желтоқсан\u00a0—")
    result = fit([found] * 3, [None] * 3, 167)
    assert result.error is not None
    assert "needs at least 180 mm" in result.error and "landscape: true" in result.error
    assert "«2019\u00a0жылғы\u00a030\u00a0желтоқсан\u00a0—»" in result.error


@pytest.mark.parametrize(("width", "mm"), [
    ("30%", 0.30 * 167), ("40mm", 40.0), (" 12.5 % ", 0.125 * 167), (2, 2 * 167 / 5),
    (1.5, 1.5 * 167 / 5)])
def test_a_width_on_one_column_fixes_it_and_the_others_share_the_rest(width: float | str,
                                                                      mm: float) -> None:
    measures = [_m(2, 5, 8, 12), _m(2, 6, 15, 90), _m(3, 9, 9, 25), _m(2, 5, 10, 30),
                _m(2, 4, 6, 6)]
    given = [None, None, columnfit.given_width(width, 5, 167), None, None]
    result = fit(measures, given, 167)
    assert result.widths_mm[2] == pytest.approx(mm)
    others = [measures[i] for i in (0, 1, 3, 4)]
    assert [result.widths_mm[i] for i in (0, 1, 3, 4)] == pytest.approx(
        columnfit._spread(others, 167 - mm))
    assert sum(result.shares) == pytest.approx(1)
    assert not result.notes


def test_widths_on_every_column_keep_their_proportions_above_what_cannot_break() -> None:
    measures = [_m(2, 5, 8, 12), _m(2, 6, 15, 90), _m(30, 40, 40, 50), _m(2, 5, 10, 30)]
    given = [columnfit.given_width(w, 4, 167) for w in (1, 4, 1, 1)]
    result = fit(measures, given, 167)
    assert result.widths_mm[2] == pytest.approx(40)  # 167/7 = 23.9 mm is too narrow
    assert result.widths_mm[0] == pytest.approx(result.widths_mm[3])
    assert result.widths_mm[1] == pytest.approx(4 * result.widths_mm[0])
    assert sum(result.widths_mm) == pytest.approx(167)
    assert result.notes == ((2, "width: 24 mm is narrower than the column's widest piece that "
                                "cannot break, «» (40 mm): widened to 40 mm"),)


def test_widths_that_leave_the_other_columns_too_little_are_narrowed() -> None:
    measures = [_m(2, 5, 8, 12), _m(2, 30, 30, 90), _m(2, 5, 10, 30)]
    result = fit(measures, [80.0, None, 80.0], 100)
    assert result.widths_mm == pytest.approx((35, 30, 35))
    assert result.notes and "narrowed by 90 mm" in result.notes[0][1]


# ------------------------------------------------------------------ measuring


def test_a_cell_is_measured_in_the_fonts_advance_widths() -> None:
    # 'ш' is wider than 'і' in any proportional font: a character count would say 1 = 1.
    assert text_width("ш") > 2 * text_width("і")
    assert text_width("Участники", bold=True) > text_width("Участники")
    pad = 2 * cols.CELL_PADDING_MM + cols.SLACK_MM
    city = measure_cell((m.Text("Талдыкорган"),), "kk")
    # A capitalized word is a name unless the edition writes it small: never hyphenated.
    assert city.sizes[1] == city.sizes[2] == pytest.approx(text_width("Талдыкорган") + pad)


def test_a_date_range_is_whole_up_to_the_space_after_its_dash() -> None:
    text = format_date_range(dt.date(2019, 9, 30), dt.date(2019, 10, 2), "kk")
    assert text == "2019\u00a0жылғы\u00a030\u00a0қыркүйек\u00a0— 2\u00a0қазан"
    found = measure_cell((m.Span((m.Text(text),), role="date"),), "kk")
    first = "2019\u00a0жылғы\u00a030\u00a0қыркүйек\u00a0—"
    pad = 2 * cols.CELL_PADDING_MM + cols.SLACK_MM
    assert found.atom == found.piece == first
    assert found.sizes[0] == found.sizes[1] == found.sizes[2] == pytest.approx(
        text_width(first) + pad)
    assert found.sizes[3] == pytest.approx(text_width(text) + pad)


def test_long_words_are_measured_by_their_hyphenation_in_the_cells_language() -> None:
    kk = "ғылыми-практикалық"
    found = measure_cell((m.Span((m.Text(kk),), lang="kk"),), "ru")
    pad = 2 * cols.CELL_PADDING_MM + cols.SLACK_MM
    assert found.sizes[2] == pytest.approx(text_width("практикалық") + pad)
    assert found.sizes[1] < found.sizes[2]
    assert found.piece.endswith("-") or found.piece in kk


def test_widths_of_a_table_from_its_cells() -> None:
    date = format_date_range(dt.date(2019, 9, 30), dt.date(2019, 10, 2), "kk")
    head = (m.Row((m.Cell((m.Text("№"),)), m.Cell((m.Text("Атауы"),)),
                   m.Cell((m.Text("Күні"),)))),)
    rows = tuple(m.Row((m.Cell((m.Text(str(i)),)),
                        m.Cell((m.Text("Цифрлық экономика бойынша халықаралық конференция"),)),
                        m.Cell((m.Span((m.Text(date),), role="date"),)))) for i in range(1, 30))
    fitted = column_widths(head, rows, [None, None, None], "kk")
    assert fitted.error is None and sum(fitted.shares) == pytest.approx(1)
    number, title, when = fitted.widths_mm
    # Everything fits whole: the page is shared in proportion to the whole texts.
    pad = 2 * cols.CELL_PADDING_MM + cols.SLACK_MM
    whole = [text_width(t) + pad for t in ("29", "Цифрлық экономика бойынша халықаралық "
                                           "конференция", date)]
    assert sum(whole) < 167
    assert fitted.widths_mm == pytest.approx([w * 167 / sum(whole) for w in whole])
    assert number < 15 < when < title


# ------------------------------------------------------------ the layout's sizes


def _css(selector: str) -> str:
    css = re.sub(r"/\*.*?\*/", "", (layout_dir("default") / "report.css").read_text(
        encoding="utf-8"), flags=re.S)
    found = re.search(r"(?:^|})\s*" + re.escape(selector) + r"\s*\{([^}]*)\}", css)
    assert found, selector
    return found.group(1)


def test_the_measure_uses_the_print_layouts_and_the_reference_docxs_sizes() -> None:
    page = _css("@page")
    assert "size: A4" in page and "margin: 22mm 18mm 20mm 25mm" in page
    assert cols.TEXT_WIDTH_MM == 210 - 18 - 25 and cols.LANDSCAPE_WIDTH_MM == 297 - 18 - 25
    table = _css(".data-table table")
    assert f'font-family: "{cols.TABLE_FAMILY}"' in table
    assert f"font-size: {cols.TABLE_FONT_PT:g}pt" in table
    assert "table-layout: fixed" in table
    assert f"padding: 1mm {cols.CELL_PADDING_MM:g}mm" in _css(".data-table td")
    assert f"padding: 1.2mm {cols.CELL_PADDING_MM:g}mm" in _css(".data-table th")
    assert "overflow-wrap: anywhere" in _css(".data-table th, .data-table td")
    with zipfile.ZipFile(layout_dir("default") / "reference.docx") as zf:
        body = zf.read("word/document.xml").decode()
        styles = zf.read("word/styles.xml").decode()
    width = int(re.search(r'<w:pgSz w:w="(\d+)"', body).group(1))  # type: ignore[union-attr]
    margins = re.search(r'<w:pgMar[^>]*w:right="(\d+)"[^>]*w:left="(\d+)"', body)
    assert margins is not None
    text = width - int(margins.group(1)) - int(margins.group(2))
    assert text / 1440 * 25.4 == pytest.approx(cols.TEXT_WIDTH_MM, abs=0.1)
    style = styles[styles.index('w:styleId="TableText"'):]
    assert f'w:ascii="{cols.TABLE_FAMILY}"' in style[:600]
    assert f'<w:sz w:val="{cols.TABLE_FONT_PT * 2:g}"/>' in style[:600]
    grid = styles[styles.index('w:styleId="DataTable"'):]
    margin = re.search(r'<w:left w:w="(\d+)" w:type="dxa"/>', grid)
    assert margin and int(margin.group(1)) / 1440 * 25.4 == pytest.approx(
        cols.CELL_PADDING_MM, abs=0.02)


# ------------------------------------------------------------ bad widths


@pytest.mark.parametrize(("width", "message"), [
    ("wide", "got 'wide'"), ("-2", "got -2"), ("0%", "got '0%'"), ("[1]", "got a list"),
    ("true", "got true"), ("1.0e+308", "got 1e+308"), ("101%", "got '101%'"),
    ("2001mm", "got '2001mm'")])
def test_a_bad_width_is_an_error_at_its_line(project: Project, width: str, message: str) -> None:
    project.write("sections/a.md", f"""\
        ---
        title: Раздел
        ---

        ```{{table}}
        data: events
        columns: [n, title, {{field: date, width: {width}}}, city]
        ```
        """)
    errors = [str(p).split(f"{project.root}/")[1] for p in check(project.root).errors]
    assert errors == [
        "sections/a.md:7:42: error: columns[2].width: expected a width: a share of the table "
        "('30%'), a length ('40mm') or a number of average columns (1.5), above 0 and at most "
        f"100%, 2000mm or 100, {message}"]


def test_a_table_too_wide_for_its_dates_is_an_error_at_its_columns(project: Project) -> None:
    project.write("sections/a.md", """\
        ---
        title: Раздел
        ---

        ```{table}
        data: events
        columns: [date, date, date, date, date, date, date]
        ```
        """)
    errors = [str(p).split(f"{project.root}/")[1] for p in check(project.root).errors]
    assert errors == [
        "sections/a.md:7:1: error: the table needs at least 182 mm across with its dates and "
        "numbers kept whole (column 1: «1\u00a0мая\u00a02018\u00a0года»), and the page has "
        "167 mm: show fewer columns, or put the table on a landscape page (landscape: true)"]
    project.write("sections/a.md", project.root.joinpath("sections/a.md").read_text(
        encoding="utf-8").replace("data: events", "data: events\nlandscape: true"))
    assert not check(project.root).errors


# ------------------------------------------------------------ the PDF and the DOCX

REPORT = """\
title: Есеп
organization:
  name: Сынақ ұйымы
language: kk
date: 2019-12-20
periods:
  - {id: p1, start: 2019-01-01, end: 2019-12-31, label: 2019 жыл}
sections:
  - sections/given.md
  - sections/auto.md
  - sections/some.md
"""
CITIES = ("Талдыкорган", "Өскемен", "Алматы", "Петропавл")
TITLES = ("Қазақстан Республикасының цифрлық экономикасын дамыту мәселелері бойынша "
          "халықаралық ғылыми-практикалық конференция", "Дөңгелек үстел", "Салық саясаты "
          "бойынша семинар")
COLUMNS = {
    # Widths on every column, as the institute's project had them: the kk date range used
    # to run over the city beside it.
    "given": "[{field: n, width: 1}, {field: title, width: 4}, {field: date, width: 1}, "
             "{field: city, width: 1}, {field: participants, width: 1}]",
    "auto": "[n, title, date, city, participants]",
    "some": "[n, title, {field: date, width: 30%}, city, {field: participants, width: 25mm}]",
}


def _events() -> str:
    lines = ["events:"]
    for i in range(36):
        start = dt.date(2019, 9, 30) + dt.timedelta(days=i * 2)
        end = start + dt.timedelta(days=2 if i % 3 == 0 else 0)
        lines.append(f"  - {{kind: conference, title: {TITLES[i % 3]}, date: {start}, "
                     f"end: {end}, city: {CITIES[i % 4]}, participants: {20 + 7 * i}}}")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Built:
    pdf: Path
    docx: Path
    tables: dict[str, m.Table]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    project = Project(tmp_path_factory.mktemp("fit") / "proj")
    project.write("report.yaml", REPORT)
    project.write("activity/p1.yaml", "indicators: {}\n" + _events())
    for name, columns in COLUMNS.items():
        project.write(f"sections/{name}.md", f"---\ntitle: Кесте {name}\n---\n\n```{{table}}\n"
                      f"data: events\ncolumns: {columns}\ncaption: Іс-шаралар {name}\n"
                      f"id: tab-{name}\n```\n")
    warnings = [str(w).split("proj/")[1] for w in check(project.root).warnings]
    # (the header's capitalized word is never hyphenated: it may be a name)
    assert warnings == [
        "sections/given.md:7:80: warning: columns[2].width: 21 mm is narrower than the "
        "column's widest piece that cannot break, «2019\u00a0жылғы\u00a030\u00a0қыркүйек"
        "\u00a0—» (42 mm): widened to 42 mm",
        "sections/given.md:7:138: warning: columns[4].width: 21 mm is narrower than the "
        "column's widest piece that cannot break, «Қатысушылар» (23 mm): widened to 23 mm"]
    result = build(project.root, project.root / "out")
    edition = result.edition()
    assert edition.document is not None
    tables = {b.id.removeprefix("tab-"): b for s in edition.document.sections
              for b in walk.walk_blocks(s.blocks) if isinstance(b, m.Table)}
    return Built(edition.outputs["pdf"], edition.outputs["docx"], tables)


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    x0: float
    y0: float
    x1: float
    line: int  # the pdftotext line it is on (numbered through the document)


def pdf_words(pdf: Path) -> list[Word]:
    out = subprocess.run([need("pdftotext"), "-bbox-layout", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    root = ET.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", out))
    words: list[Word] = []
    line_no = 0
    for page_no, page in enumerate(root.iter(f"{XHTML}page"), 1):
        for line in page.iter(f"{XHTML}line"):
            line_no += 1
            words += [Word(page_no, w.text or "", float(w.get("xMin", 0)), float(w.get("yMin", 0)),
                           float(w.get("xMax", 0)), line_no) for w in line.iter(f"{XHTML}word")]
    return words


def _captions(words: list[Word], caption: str) -> list[Word]:
    """The first word of each line that reads ``caption`` (after its label)."""
    lines: dict[int, list[Word]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word)
    return [ws[0] for ws in lines.values()
            if " ".join(w.text for w in ws).endswith(caption) and "кесте." in ws[0].text]


def _table_words(words: list[Word], name: str) -> tuple[float, list[Word]]:
    """The left edge of table ``name`` (its caption's), and the words of its rows: below the
    caption, on its page and the next ones up to the next table's caption (a section starts
    a page), in the text area (22 mm from the top, 20 mm from the bottom of an A4 page)."""
    (at,) = _captions(words, f"Іс-шаралар {name}")
    after = [w.page for w in _captions(words, "") if w.page > at.page]
    last = min(after) - 1 if after else max(w.page for w in words)
    rows = [w for w in words if at.page <= w.page <= last and 22 * PT_PER_MM < w.y0
            < 842 - 20 * PT_PER_MM and (w.page > at.page or w.y0 > at.y0 + 1)]
    return at.x0, rows


def _edges(left: float, table: m.Table) -> list[float]:
    edges = [left]
    for share in table.widths:
        edges.append(edges[-1] + share * cols.TEXT_WIDTH_MM * PT_PER_MM)
    return edges


@pytest.mark.parametrize("name", list(COLUMNS))
def test_no_cell_runs_into_the_next_column_of_the_pdf(built: Built, name: str) -> None:
    words = pdf_words(built.pdf)
    left, rows = _table_words(words, name)
    table = built.tables[name]
    edges = _edges(left, table)
    assert rows
    for word in rows:
        column = next((i for i in range(len(edges) - 1)
                       if edges[i] - 0.5 <= word.x0 and word.x1 <= edges[i + 1] + 0.5), None)
        assert column is not None, (name, word, edges)
        if word.text in CITIES:
            assert column == 3, (name, word)
        if re.fullmatch(r"жылғы|қыркүйек|қазан|қараша|желтоқсан|—", word.text):
            assert column == 2, (name, word)
    _dates_and_names_whole(rows, edges)


def _dates_and_names_whole(rows: list[Word], edges: list[float]) -> None:
    """Every city is printed whole, once a row; a date is never broken inside: each line of
    the date column is a date, a range, or a range's first day with its dash, or the day
    after it."""
    assert sum(1 for w in rows if w.text in CITIES) == 36
    lines: dict[tuple[int, int], list[str]] = {}
    for word in rows:
        if edges[2] <= word.x0 < edges[3]:
            lines.setdefault((word.page, round(word.y0)), []).append(word.text)
    texts = [" ".join(t) for t in lines.values()]
    piece = r"2019 жылғы \d{1,2}(–\d{1,2})? \w+( —( \d{1,2} \w+)?)?|\d{1,2} \w+|Күні"
    assert texts and [t for t in texts if not re.fullmatch(piece, t)] == [], texts


def test_the_docx_grid_is_the_pdfs_columns(built: Built) -> None:
    document = docx.Document(str(built.docx))
    words = pdf_words(built.pdf)
    for name, table in built.tables.items():
        (grid,) = [t for t in document.tables if _caption_of(t) == table.number]
        twips = [c.width / Twips(1) for c in grid.columns]
        text = sum(twips)
        assert text == pytest.approx(9469, abs=len(twips))
        assert [t / text for t in twips] == pytest.approx(table.widths, abs=1 / 9469)
        for row in grid.rows:  # every cell as wide as its grid column
            assert [c.width / Twips(1) for c in row.cells] == twips
        # The PDF's columns: a left-aligned header starts its column's padding in, a
        # right-aligned one ends it; the DOCX's grid puts the edges at the same places.
        left, rows = _table_words(words, name)
        top = min(w.y0 for w in rows if w.page == rows[0].page)
        header = sorted((w for w in rows if w.page == rows[0].page and abs(w.y0 - top) < 2),
                        key=lambda w: w.x0)
        edges = [left + sum(twips[:i]) / 20 for i in range(len(twips) + 1)]
        pad = cols.CELL_PADDING_MM * PT_PER_MM
        for i, align in enumerate(table.align):
            cell = [w for w in header if edges[i] <= w.x0 < edges[i + 1]]
            assert cell, (name, i)
            if align == "left":
                assert cell[0].x0 == pytest.approx(edges[i] + pad, abs=0.6), (name, i)
            else:
                assert cell[-1].x1 == pytest.approx(edges[i + 1] - pad, abs=0.6), (name, i)


def test_a_date_in_a_docx_cell_is_never_hyphenated_and_keeps_its_no_break_spaces(
        built: Built) -> None:
    document = docx.Document(str(built.docx))
    table = built.tables["auto"]
    (grid,) = [t for t in document.tables if _caption_of(t) == table.number]
    for row, cells in zip(table.body, grid.rows[1:], strict=True):
        date = m.plain_text(row.cells[2].children)
        assert "\u00a0" in date
        cell = cells.cells[2]._tc
        assert not cell.findall(".//" + qn("w:softHyphen")), date
        assert "".join(t.text or "" for t in cell.iter(qn("w:t"))) == date


@pytest.fixture(scope="module")
def docx_pdf(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return libreoffice_pdf(built.docx, tmp_path_factory.mktemp("lo"))


@pytest.mark.parametrize("name", list(COLUMNS))
def test_no_cell_runs_into_the_next_column_when_libreoffice_lays_out_the_docx(
        built: Built, docx_pdf: Path, name: str) -> None:
    document = docx.Document(str(built.docx))
    table = built.tables[name]
    (grid,) = [t for t in document.tables if _caption_of(t) == table.number]
    twips = [c.width / Twips(1) for c in grid.columns]
    left, rows = _table_words(pdf_words(docx_pdf), name)
    edges = [left + sum(twips[:i]) / 20 for i in range(len(twips) + 1)]
    assert rows
    for word in rows:
        column = next((i for i in range(len(edges) - 1)
                       if edges[i] - 0.5 <= word.x0 and word.x1 <= edges[i + 1] + 0.5), None)
        assert column is not None, (name, word, edges)
        if word.text in CITIES:
            assert column == 3, (name, word)
    _dates_and_names_whole(rows, edges)


def _caption_of(table: DocxTable) -> int | None:
    """The number of the 'N-кесте.' caption above a DOCX table."""
    previous = table._element.getprevious()
    while previous is not None and not "".join(previous.itertext()).strip():
        previous = previous.getprevious()
    found = re.search(r"(\d+)-кесте", "".join(previous.itertext())) if previous is not None \
        else None
    return int(found.group(1)) if found else None


def test_measured_widths_are_the_widths_weasyprint_sets(built: Built) -> None:
    # The measure (the font's advance widths) against the laid-out text: a city alone on
    # its line in the PDF is as wide as measured, or a hair narrower (kerning), never wider.
    words = pdf_words(built.pdf)
    for city in CITIES:
        found = [w for w in words if w.text == city]
        assert found, city
        printed = (found[0].x1 - found[0].x0) / PT_PER_MM
        assert printed - 0.01 <= text_width(city) <= printed * 1.03, city


# ------------------------------------------------------------ the institute's long list


def test_the_institutes_list_of_400_events_takes_under_three_pages_a_hundred(
        tmp_path: Path) -> None:
    root = make_institute(tmp_path / "project")
    write_workbook(root / "lists" / "events-2024.xlsx", events(400))
    report = (root / "report.yaml").read_text(encoding="utf-8")
    (root / "report.yaml").write_text(report.replace(
        "  - sections/events.md\n", "  - sections/events.md\n  - sections/list.md\n"),
        encoding="utf-8")
    for suffix in ("", ".ru", ".en"):
        (root / "sections" / f"list{suffix}.md").write_text(
            "---\ntitle: Все мероприятия\n---\n\n```{table}\ndata: events\nsort: date\n"
            "columns: [n, title, date, city, country, participants]\ncaption: Все мероприятия\n"
            "id: tab-all\n```\n", encoding="utf-8")
    result = build(root, tmp_path / "out", langs=["ru"], formats=("pdf",))
    edition = result.edition("ru")
    assert edition.document is not None
    (table,) = [b for s in edition.document.sections for b in walk.walk_blocks(s.blocks)
                if isinstance(b, m.Table) and b.id == "tab-all"]
    words = pdf_words(edition.outputs["pdf"])
    lines: dict[int, list[Word]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word)
    (caption,) = [ws[0] for ws in lines.values() if ws[0].text == "Таблица"
                  and " ".join(w.text for w in ws).endswith("Все мероприятия")]
    left = caption.x0
    number_edge = _edges(left, table)[1]
    pages: dict[int, int] = {}
    for word in words:
        if (word.page, word.y0) > (caption.page, caption.y0) and word.x1 <= number_edge + 0.5 \
                and word.text.isdigit():
            pages.setdefault(int(word.text), word.page)
    assert sorted(pages)[:400] == list(range(1, 401))
    spanned = pages[400] - pages[1] + 1
    # Before the measure: 4.0 pages a hundred rows of the 1,200 in ru (4.7 in kk); now 2.6
    # (here 11 pages, 39 rows a full page: 2.75).
    assert spanned / 4 < 3.0, spanned
