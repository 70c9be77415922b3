"""The institute, a second sample project unlike data/ (tests/fixtures/institute/, tests/
institute.py): Kazakh the main language of three editions, other indicators and names, about
1,200 events from a workbook the test writes (a title row above the header, dates as dates and
as text, formulas saved with their values, a column of notes), memoranda from CSV, ₸ and ə in
its texts. Built once, end to end, and read with the same real readers as the sample: pdftotext,
pdffonts, qpdf --check, LibreOffice headless converting a DOCX."""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

import pytest

from reportgen.build import BuildResult, build, check
from reportgen.model import nodes as m

from .conftest import need
from .institute import EVENTS, events, make_institute, write_workbook

LANGS = ("kk", "ru", "en")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildResult, float]:
    root = make_institute(tmp_path_factory.mktemp("institute") / "project")
    start = time.perf_counter()
    result = build(root, root.parent / "out")
    return root, result, time.perf_counter() - start


def pdf_text(pdf: Path) -> str:
    out = subprocess.run([need("pdftotext"), "-enc", "UTF-8", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    return " ".join(out.replace("\u202f", " ").replace("\u00a0", " ").split())


def test_three_editions_built(built: tuple[Path, BuildResult, float]) -> None:
    root, result, seconds = built
    assert set(result.editions) == set(LANGS)
    for lang in LANGS:
        edition = result.edition(lang)
        assert edition.outputs["pdf"].name == f"report-2024.{lang}.pdf"
        assert edition.outputs["docx"].is_file()
        assert 8 <= edition.pages["pdf"] <= 12, (lang, edition.pages)
    assert seconds < 120


def test_the_text_of_each_edition(built: tuple[Path, BuildResult, float]) -> None:
    _, result, _ = built
    abroad = sum(1 for row in events() if row[8] != "Қазақстан")
    conferences = sum(1 for row in events() if row[0] == "conference")
    expected = {
        "kk": ["Институттың жылдық есебі", "1 200 іс-шара өткізді", f"{conferences} конференция",
               "1 250 млн ₸", "Bakı Dövlət Universiteti", "1-қосымша", "Онлайн іс-шаралар "
               "өткізілген жоқ.", "Әзірбайжан"],
        "ru": ["Годовой отчёт института", "1 200 мероприятий", "1 250 млн ₸", "Bakı Dövlət "
               "Universiteti", "Онлайн-мероприятий не проводилось.", "Азербайджан"],
        "en": ["Annual Report of the Institute", "1,200 events", "1,250 mln ₸",
               "Bakı Dövlət Universiteti", "No events were held online.", "Azerbaijan"],
    }
    for lang, phrases in expected.items():
        text = pdf_text(result.edition(lang).outputs["pdf"])
        for phrase in phrases:
            assert phrase in text, (lang, phrase)
        assert f" {abroad} " in text  # the last row's number of the table of events abroad


def test_the_table_of_events_abroad_has_every_row(built: tuple[Path, BuildResult, float]) -> None:
    _, result, _ = built
    doc = result.edition("ru").doc
    (table,) = [b for s in doc.sections for b in s.blocks
                if isinstance(b, m.Table) and b.id == "tab-abroad"]
    rows = [r for r in table.body if r.role is None]
    groups = [m.plain_text(r.cells[0].children) for r in table.body if r.role == "group"]
    assert len(rows) == sum(1 for row in events() if row[8] != "Қазақстан")
    assert sorted(groups) == ["Азербайджан", "Германия", "Узбекистан"]


def test_fonts_embedded_and_qpdf_check(built: tuple[Path, BuildResult, float]) -> None:
    _, result, _ = built
    for lang in LANGS:
        pdf = result.edition(lang).outputs["pdf"]
        fonts = subprocess.run([need("pdffonts"), str(pdf)], check=True, capture_output=True,
                               text=True).stdout.splitlines()[2:]
        assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts
        assert all(re.match(r"[A-Z]{6}\+Report-(Serif|Sans)", line) for line in fonts), fonts
        checked = subprocess.run([need("qpdf"), "--check", str(pdf)], capture_output=True,
                                 text=True)
        assert checked.returncode == 0, checked.stdout + checked.stderr


def test_libreoffice_opens_the_kazakh_docx(built: tuple[Path, BuildResult, float],
                                           tmp_path: Path) -> None:
    _, result, _ = built
    docx = result.edition("kk").outputs["docx"]
    env = dict(os.environ, HOME=str(tmp_path / "home"))
    subprocess.run([need("soffice"), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                    "--headless", "--norestore", "--convert-to", "pdf", "--outdir",
                    str(tmp_path), str(docx)], check=True, capture_output=True, timeout=300,
                   env=env)
    text = pdf_text(tmp_path / f"{docx.stem}.pdf")
    for phrase in ("Институттың жылдық есебі", "1 250 млн ₸", "Bakı Dövlət Universiteti",
                   "Шетелдегі іс-шаралар"):
        assert phrase in text, phrase


def test_the_workbook_is_the_same_bytes_every_time(tmp_path: Path) -> None:
    rows = events()
    assert len(rows) == EVENTS
    write_workbook(tmp_path / "a.xlsx", rows)
    write_workbook(tmp_path / "b.xlsx", events())
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


def test_a_broken_cell_of_the_workbook_is_located(tmp_path: Path) -> None:
    root = make_institute(tmp_path / "project")
    rows = events()
    rows[99][4] = "31.02.2024"  # no such day; row 100 of the data is row 102 of the sheet
    rows[500][0] = "Семинар"
    write_workbook(root / "lists" / "events-2024.xlsx", rows)
    found = [str(p).split("project/")[1] for p in check(root, langs=["kk"]).errors]
    assert found == [
        "lists/events-2024.xlsx:Мероприятия!E102: error: events[99].date: expected a date "
        "(YYYY-MM-DD), got '31.02.2024'",
        "lists/events-2024.xlsx:Мероприятия!A503: error: events[500].kind: expected an "
        "identifier (latin letters, digits, '_' or '-'), got 'Семинар'",
    ]
