"""Lists from spreadsheets: events and memoranda from XLSX and CSV files, located at their cells
('lists/events.xlsx:Events!C3'), validated like YAML, and refused when they are not a
project's file or are no honest spreadsheet (zip bombs, DTDs, forged sizes, formulas)."""

from __future__ import annotations

import datetime as dt
import os
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from reportgen.build import check
from reportgen.model import nodes as m

from .conftest import Project

HEAD = ["Вид", "Название", "Дата", "Город", "participants"]
ROWS: list[list[object]] = [
    ["conference", "Конференция: Евразия", dt.date(2018, 5, 1), "Астана", 60],
    ["round_table", "Круглый стол", "21.09.2018", "Алматы", "1 004"],
]
SECTION = """\
---
title: Раздел
---

Текст.

```{table}
data: events
columns: [n, title, date, city, participants]
caption: Мероприятия
```
"""


def write_xlsx(path: Path, rows: list[list[object]], sheet: str = "Events",
               head: list[str] = HEAD) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(path)
    ws = book.add_worksheet(sheet)
    dates = book.add_format({"num_format": "dd.mm.yyyy"})
    ws.write_row(0, 0, head)
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), dates)
            elif value is not None:
                ws.write(r, c, value)
    book.close()
    return path


def with_list(project: Project, reference: str, section: str = SECTION) -> None:
    project.write("activity/p1.yaml", "indicators:\n  materials: {value: 23, label: материалов}\n"
                  + reference)
    project.write("sections/a.md", section)


def problems(project: Project) -> list[str]:
    """The problems of a check of ``project``, as users read them, paths from the project."""
    out = []
    for p in check(project.root).problems:
        assert p.loc is not None, p
        rel = Path(p.loc.file).resolve().relative_to(project.root.resolve()).as_posix()
        where = f"{rel}:{p.loc.cell}" if p.loc.cell else ":".join(
            str(x) for x in (rel, p.loc.line, p.loc.col) if x is not None)
        out.append(f"{where}: {p.severity}: {p.message}")
    return out


def table_rows(project: Project) -> list[list[str]]:
    result = check(project.root)
    assert not result.errors, result.errors
    doc = result.assemblies["ru"].document
    assert doc is not None
    (table,) = [b for s in doc.sections for b in s.blocks if isinstance(b, m.Table)]
    spaces = str.maketrans("\u00a0\u202f", "  ")  # the typography's no-break spaces
    return [[m.plain_text(c.children).translate(spaces) for c in row.cells] for row in table.body]


def test_events_from_xlsx_build_a_table(project: Project) -> None:
    write_xlsx(project.root / "lists" / "events.xlsx", ROWS)
    with_list(project, "events: {from: ../lists/events.xlsx, sheet: Events}\n")
    rows = table_rows(project)
    assert [r[1] for r in rows] == ["Конференция: Евразия", "Круглый стол"]
    assert rows[1][2] == "21 сентября 2018 года"
    assert rows[1][4] == "1 004"


def test_csv_with_semicolons_and_a_path_from_the_project_folder(project: Project) -> None:
    project.write("lists/events.csv", "kind;title;date;city;partners;participants_over\n"
                  'forum;«Астана: форум»;2018-06-01;Астана;"МИД; Фонд";да\n')
    with_list(project, "events:\n  from: /lists/events.csv\n")
    assert table_rows(project) == [["1", "«Астана: форум»", "1 июня 2018 года",
                                    "Астана", "—"]]


def test_formula_cells_give_their_saved_values(project: Project) -> None:
    path = project.root / "lists" / "events.xlsx"
    write_xlsx(path, ROWS)
    book = openpyxl.load_workbook(path)
    book["Events"]["E2"] = "=30*2"  # openpyxl saves no value with it
    book.save(path)
    with_list(project, "events: {from: ../lists/events.xlsx}\n")
    assert problems(project) == [
        "lists/events.xlsx:Events!E2: error: a formula (=30*2) saved without its value: reportgen "
        "never computes formulas; open the file in Excel or LibreOffice and save it, or replace "
        "the formula by its value"]
    book = xlsxwriter.Workbook(path)  # XlsxWriter saves the value given with the formula
    ws = book.add_worksheet("Events")
    ws.write_row(0, 0, HEAD)
    ws.write_row(1, 0, ["forum", "Форум", "2018-06-01", "Астана"])
    ws.write_formula(1, 4, "=30*2", None, 60)
    book.close()
    assert table_rows(project)[0][4] == "60"


BAD_CELLS = [
    ("an identifier with a space", ["round table", "Стол", "2018-05-01"],
     "lists/events.xlsx:Events!A2: error: events[0].kind: expected an identifier (latin "
     "letters, digits, '_' or '-'), got 'round table'"),
    ("no date", ["forum", "Форум", "32.13.2018"],
     "lists/events.xlsx:Events!C2: error: events[0].date: expected a date (YYYY-MM-DD), got "
     "'32.13.2018'"),
    ("words for a number", ["forum", "Форум", None, None, "шестьдесят"],
     "lists/events.xlsx:Events!E2: error: events[0].participants: expected a whole number, got "
     "'шестьдесят'"),
    ("a required value missing", ["forum", None, "2018-05-01"],
     "lists/events.xlsx:Events!B2: error: events[0].title: missing required key 'title'"),
    ("a cell too long", ["forum", "ы" * 10_001],
     "lists/events.xlsx:Events!B2: error: a cell of more than 10 000 characters is refused"),
]


@pytest.mark.parametrize(("row", "expected"), [c[1:] for c in BAD_CELLS],
                         ids=[c[0] for c in BAD_CELLS])
def test_bad_cells(project: Project, row: list[object], expected: str) -> None:
    write_xlsx(project.root / "lists" / "events.xlsx", [row])
    with_list(project, "events: {from: ../lists/events.xlsx}\n")
    assert problems(project) == [expected]


def test_the_same_event_twice_cites_both_rows(project: Project) -> None:
    write_xlsx(project.root / "lists" / "events.xlsx", [ROWS[0], ROWS[1], ROWS[0]])
    with_list(project, "events: {from: ../lists/events.xlsx}\n")
    (message,) = problems(project)
    assert message.startswith("lists/events.xlsx:Events!A4: error: events[2] repeats events[0]")


HEADER_CASES = [
    ("unknown column", ["Вид", "Название", "Место"], "",
     ["lists/events.xlsx:Events!C1: error: events: unknown column 'Место' (a column's title is "
      "the fields of events: kind, title, date, end, city, country, online, partners, "
      "participants, participants_over, unit, status, or their usual titles); name its field in "
      "the data file, columns: {Место: <field>}, or leave it out: ignore: [Место]"]),
    ("misspelt field", ["kind", "titel"], "",
     ["lists/events.xlsx:Events!A1: error: events: no column for the required field 'title' in "
      "the header row",
      "lists/events.xlsx:Events!B1: error: events: unknown column 'titel'; did you mean 'title'? "
      "(a column's title is the fields of events: kind, title, date, end, city, country, online, "
      "partners, participants, participants_over, unit, status, or their usual titles); name its "
      "field in the data file, columns: {titel: <field>}, or leave it out: ignore: [titel]"]),
    ("a required column missing", ["Вид", "Дата"], "",
     ["lists/events.xlsx:Events!A1: error: events: no column for the required field 'title' in "
      "the header row"]),
    ("two columns for one field", ["Вид", "Название", "title"], "",
     ["lists/events.xlsx:Events!C1: error: events: the column 'title' fills title, and so does "
      "the column at lists/events.xlsx:Events!B1"]),
    ("columns and ignore", ["Вид", "Наименование", "Примечание"],
     ", columns: {Наименование: title}, ignore: [Примечание]", []),
    ("a text per edition", ["kind", "title.ru", "title.en"], "", []),
]


@pytest.mark.parametrize(("head", "options", "expected"), [c[1:] for c in HEADER_CASES],
                         ids=[c[0] for c in HEADER_CASES])
def test_headers(project: Project, monkeypatch: pytest.MonkeyPatch, head: list[str],
                 options: str, expected: list[str]) -> None:
    monkeypatch.chdir(project.root)
    write_xlsx(project.root / "lists" / "events.xlsx", [["forum", "Форум", "x"]], head=head)
    with_list(project, f"events: {{from: ../lists/events.xlsx{options}}}\n",
              section="---\ntitle: Раздел\n---\n\nТекст.\n")
    assert problems(project) == expected


def test_unknown_sheet_suggests_the_closest(project: Project) -> None:
    write_xlsx(project.root / "lists" / "events.xlsx", ROWS)
    with_list(project, "events:\n  from: ../lists/events.xlsx\n  sheet: Evnts\n")
    assert problems(project) == ["activity/p1.yaml:5:10: error: no sheet 'Evnts' in events.xlsx; "
                                 "did you mean 'Events'? (sheets: Events)"]


def test_csv_not_utf8_and_a_ragged_row(project: Project) -> None:
    (project.root / "lists").mkdir()
    (project.root / "lists" / "e.csv").write_bytes("kind,title\nforum,Форум\n".encode("cp1251"))
    with_list(project, "events: {from: ../lists/e.csv}\n")
    assert problems(project) == ["lists/e.csv:2:7: error: expected UTF-8 text, got the byte 0xD4: "
                                 "save the file as 'CSV UTF-8'"]
    project.write("lists/e.csv", "kind,title\nforum,Форум,Астана\nforum,Съезд\x07\n")
    assert problems(project) == ["lists/e.csv:3:12: error: expected text, got the control "
                                 "character U+0007 BEL; remove it"]
    project.write("lists/e.csv", "kind,title\nforum,Форум,Астана\nforum,Съезд\n")
    assert problems(project) == ["lists/e.csv:2: error: this row has 3 fields, the header row 2: "
                                 "a delimiter (',') in an unquoted value?"]


def test_the_reference_itself_is_validated(project: Project) -> None:
    with_list(project, "events: {from: ../lists/e.xlsx, sheet: 5, colums: {}}\n")
    assert problems(project) == [
        "activity/p1.yaml:3:40: error: events.sheet: expected text, got 5 (YAML reads the unquoted "
        "'5' as the number 5; quote it: \"5\")",
        "activity/p1.yaml:3:43: error: events.colums: unknown key 'colums'; did you mean "
        "'columns'?"]


def _zip(path: Path, parts: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def _replaced_part(source: Path, target: Path, name: str, data: bytes) -> None:
    with zipfile.ZipFile(source) as zin:
        parts = {i.filename: (data if i.filename == name else zin.read(i)) for i in zin.infolist()}
    _zip(target, parts)


def test_closed_world(project: Project, tmp_path: Path) -> None:
    outside = write_xlsx(tmp_path / "elsewhere" / "events.xlsx", ROWS)
    (project.root / "lists").mkdir()
    os.symlink(outside, project.root / "lists" / "link.xlsx")
    cases = {
        "../../elsewhere/events.xlsx": "events.from: '../../elsewhere/events.xlsx' is outside the "
        "report project",
        "../lists/link.xlsx": "events.from: '../lists/link.xlsx' is outside the report project",
        "https://example.org/e.xlsx": "events.from: expected a file of the report project, got "
        "'https://example.org/e.xlsx' (a report reads no URLs)",
        "../lists/events.xls": "events.from: expected a .xlsx or .csv file, got 'events.xls': save "
        "it as an Excel workbook (.xlsx) or as CSV UTF-8 (.csv)",
        "../lists/none.xlsx": "events.from: no file '../lists/none.xlsx' (",
    }
    for ref, expected in cases.items():
        with_list(project, f"events: {{from: '{ref}'}}\n")
        (message,) = problems(project)
        assert message.startswith(f"activity/p1.yaml:3:16: error: {expected}"), message


def test_hostile_workbooks(project: Project) -> None:
    good = write_xlsx(project.root / "lists" / "good.xlsx", ROWS)
    bomb = project.root / "lists" / "e.xlsx"
    _zip(bomb, {"[Content_Types].xml": b"<x/>", "xl/worksheets/sheet1.xml": b"0" * 45_000_000})
    dtd = project.root / "lists" / "dtd.xlsx"
    _replaced_part(good, dtd, "xl/sharedStrings.xml",
                   b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><sst/>')
    (project.root / "lists" / "random.xlsx").write_bytes(bytes(range(256)) * 10)
    cases = {
        "e.xlsx": "lists/e.xlsx: error: refused: its part 'xl/worksheets/sheet1.xml' unpacks to 45 "
        "MB from 0.0 MB (at most 40 MB a part, 80 MB in all, compressed at most 200 times): a "
        "damaged workbook, or a zip bomb",
        "dtd.xlsx": "lists/dtd.xlsx: error: refused: its part 'xl/sharedStrings.xml' declares a "
        "DTD or entities, which no spreadsheet program writes (an XML entity attack?)",
        "random.xlsx": "lists/random.xlsx: error: not an XLSX workbook (not a zip archive; an old "
        ".xls, or a workbook protected by a password?): save it as .xlsx",
    }
    for name, expected in cases.items():
        with_list(project, f"events: {{from: ../lists/{name}}}\n")
        assert problems(project) == [expected]


def test_a_far_row_is_bounded(project: Project) -> None:
    path = project.root / "lists" / "e.xlsx"
    path.parent.mkdir()
    book = xlsxwriter.Workbook(path)
    ws = book.add_worksheet("Events")
    ws.write_row(0, 0, ["kind", "title"])
    ws.write_row(1, 0, ["forum", "Форум"])
    ws.write(900_000, 0, "forum")
    book.close()
    with_list(project, "events: {from: ../lists/e.xlsx}\n")
    assert problems(project) == ["lists/e.xlsx:Events!A900001: error: more than 20 000 rows under "
                                 "the header are refused"]
    # A row number past a spreadsheet's last row (forged XML) is refused, not padded to.
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    forged = sheet.replace(b'r="900001"', b'r="99999999"').replace(b'r="A900001"', b'r="A99999999"')
    _replaced_part(path, path.with_name("f.xlsx"), "xl/worksheets/sheet1.xml", forged)
    with_list(project, "events: {from: ../lists/f.xlsx}\n")
    assert problems(project) == ["lists/f.xlsx: error: refused: the sheet has rows past the last "
                                 "one a spreadsheet can have (1 048 576)"]


def test_a_list_under_extra_keeps_its_cells_types(project: Project) -> None:
    project.write("lists/visits.csv", "guest,date,people\nПосол Кореи,2018-03-01,4\n")
    with_list(project, "extra:\n  visits: {from: ../lists/visits.csv}\n", section="""\
---
title: Раздел
---

Визитов: {{ extra.visits | length }}, {{ extra.visits[0].people + 1 }}.

```{table}
data: extra.visits
columns: [n, {field: guest, title: Гость}, date]
```
""")
    assert table_rows(project) == [["1", "Посол Кореи", "1 марта 2018 года"]]


def test_cell_location_prints_like_a_spreadsheet() -> None:
    from reportgen.load.sheetfiles import cell_loc
    assert str(cell_loc(Path("/x/e.xlsx"), "Мероприятия", 12, 28)).endswith("e.xlsx:Мероприятия!AB12")
    assert str(cell_loc(Path("/x/e.xlsx"), "Лист 1", 3, 1)).endswith("e.xlsx:'Лист 1'!A3")
    assert str(cell_loc(Path("/x/e.csv"), None, 3, 1)).endswith("e.csv:3")


def test_check_json_names_the_cell(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from reportgen.cli import main

    write_xlsx(project.root / "lists" / "events.xlsx", [["forum", "Форум", "32.13.2018"]])
    with_list(project, "events: {from: ../lists/events.xlsx}\n")
    assert main(["check", str(project.root), "--format", "json"]) == 1
    (problem,) = json.loads(capsys.readouterr().out)["problems"]
    assert (problem["line"], problem["column"], problem["cell"]) == (2, 3, "Events!C2")
