"""Charts: declared in YAML, drawn from the data, vector text in the PDF, PNG with alt text in the DOCX."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pikepdf
import pytest
from lxml import etree

from reportgen.build import build
from reportgen.cache.charts import cache_dir
from reportgen.errors import InputError
from reportgen.model import nodes as m
from reportgen.model.walk import charts as charts_of
from reportgen.render.chartfiles import check_files

from .conftest import REPO, REPORT_YAML, SAMPLE, Project, need, problems_of

CHARTS_YAML = """\
periods:
  - id: p0
    start: 2017-01-01
    end: 2017-12-31
    label: 2017 год
  - id: p1
    start: 2018-01-01
    end: 2018-09-30
    label: январь–сентябрь 2018 года
charts:
  by-country:
    type: hbar
    title: Конференции по странам
    data: {list: events, group_by: country}
    sort: descending
    highlight: Казахстан
  media:
    type: donut
    title: Публикации в СМИ
    data: {breakdown: media}
  trend:
    type: line
    title: Материалы по годам
    data: {indicator: materials, across: periods}
"""

DATA = """\
indicators:
  materials:
    value: {materials}
    label: {{one: материал, few: материала, many: материалов}}
breakdowns:
  media:
    label: публикаций
    total: 1004
    parts:
      domestic: {{value: 905, label: Қазақстан БАҚ}}
      foreign: {{value: 99, label: Зарубежные СМИ}}
events:
  - {{kind: conference, title: Первая, country: Казахстан}}
  - {{kind: conference, title: Вторая, country: Казахстан}}
  - {{kind: conference, title: Третья, country: Өзбекстан}}
extra:
  visits:
    - {{country: Германия, days: 3}}
    - {{country: Франция, days: ten}}
"""

SECTION = """\
---
title: Графики
---

Текст раздела.

```{chart}
by-country
```

```{chart}
media
```

```{chart}
trend
```
"""


def chart_project(project: Project) -> Project:
    report = REPORT_YAML.split("periods:")[0] + CHARTS_YAML + "sections:\n  - sections/a.md\n"
    project.write("report.yaml", report)
    project.write("activity/p0.yaml", DATA.format(materials=17))
    project.write("activity/p1.yaml", DATA.format(materials=23))
    project.write("sections/a.md", SECTION)
    return project


def _charts(doc: m.Document | None) -> list[m.Chart]:
    assert doc is not None
    return [c for s in doc.sections for c in charts_of(s.blocks)]


def _page_texts(pdf: Path) -> list[str]:
    text = subprocess.run([need("pdftotext"), "-enc", "UTF-8", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    return text.split("\f")


def test_chart_text_is_text_in_the_pdf_and_the_drawing_is_vector(project: Project) -> None:
    chart_project(project)
    result = build(project.root, project.root / "out")
    charts = _charts(result.edition().document)
    assert [c.kind for c in charts] == ["hbar", "donut", "line"]
    assert [c.number for c in charts] == [1, 2, 3]
    text = " ".join(" ".join(p.split()) for p in _page_texts(result.edition().outputs["pdf"]))
    # Category names (Kazakh letters included), values as the locale writes them, legend, periods.
    for label in ("Казахстан", "Өзбекстан", "Қазақстан БАҚ", "1 004", "905", "2017 год",
                  "январь–сентябрь 2018 года", "Рисунок 1. Конференции по странам"):
        assert label in text, label
    with pikepdf.open(result.edition().outputs["pdf"]) as pdf:
        images = sum(len(page.get_images()) for page in pdf.pages)  # nested forms included
        ops: dict[str, int] = {}
        for page in pdf.pages:
            for obj in [page, *_forms(page)]:
                for _, op in pikepdf.parse_content_stream(obj):
                    ops[str(op)] = ops.get(str(op), 0) + 1
    # The test project has no picture at all: the charts are drawn as paths, not pasted.
    assert images == 0
    assert ops.get("l", 0) + ops.get("c", 0) + ops.get("re", 0) > 50, ops
    assert sum(ops.get(fill, 0) for fill in ("f", "f*", "B", "B*")) > 8, ops  # bars, wedges
    assert ops.get("Tj", 0) + ops.get("TJ", 0) > 20, ops


def _forms(page: pikepdf.Page) -> list[pikepdf.Object]:
    """Form XObjects of a page, nested ones included (WeasyPrint draws SVG into forms)."""
    found: list[pikepdf.Object] = []
    todo = [page.obj]
    while todo:
        resources = todo.pop().get("/Resources", {})
        for _, xobj in resources.get("/XObject", {}).items():
            if xobj.get("/Subtype") == "/Form":
                found.append(xobj)
                todo.append(xobj)
    return found


def test_docx_has_one_png_per_chart_with_its_alt_text(project: Project) -> None:
    chart_project(project)
    result = build(project.root, project.root / "out")
    charts = _charts(result.edition().document)
    with zipfile.ZipFile(result.edition().outputs["docx"]) as z:
        media = {n: z.read(n) for n in z.namelist() if n.startswith("word/media/")}
        body = etree.fromstring(z.read("word/document.xml"))
    pngs = [n for n, data in media.items() if data.startswith(b"\x89PNG")]
    assert len(pngs) == len(charts) == len(media)
    assert sorted(media.values()) == sorted(c.png.read_bytes() for c in charts)
    wp = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
    descr = [d.get("descr") for d in body.iter(f"{wp}docPr")]
    # Each chart twice: Word's own chart and its picture, the fallback (docs/docx.md).
    assert descr == [alt for c in charts for alt in (c.alt, c.alt)]
    # Alt text made from the title and the data when the author wrote none.
    assert charts[0].alt == ("Линейчатая диаграмма. Конференции по странам. "
                             "Казахстан — 2, Өзбекстан — 1.")
    # 300 dpi at the drawn width (160 mm).
    from PIL import Image

    with Image.open(charts[0].png) as img:
        assert abs(img.width - 160 / 25.4 * 300) <= 1


def test_same_data_gives_byte_identical_files_in_another_process(project: Project,
                                                                   tmp_path: Path) -> None:
    chart_project(project)
    first = {c.svg.name: (c.svg.read_bytes(), c.png.read_bytes())
             for c in _charts(build(project.root, tmp_path / "a").edition().document)}
    folder = cache_dir(project.root)
    for f in folder.iterdir():
        f.unlink()
    env = {**os.environ, "PYTHONPATH": str(REPO), "TZ": "Asia/Almaty"}
    subprocess.run([sys.executable, "-m", "reportgen", "build", str(project.root), "-o",
                    str(tmp_path / "b"), "--format", "pdf"], check=True, env=env,
                   capture_output=True)
    second = {f.name: f.read_bytes() for f in folder.iterdir()}
    assert set(second) == {n for n in first} | {n.replace(".svg", ".png") for n in first}
    for name, (svg, png) in first.items():
        assert second[name] == svg
        assert second[name.replace(".svg", ".png")] == png
    assert b"<dc:date>" not in next(iter(first.values()))[0]


def test_an_unchanged_chart_is_not_drawn_again(project: Project) -> None:
    chart_project(project)
    first = build(project.root, project.root / "out")
    assert first.charts is not None and (first.charts.drawn, first.charts.cached) == (3, 0)
    stamps = {f: f.stat().st_mtime_ns for f in cache_dir(project.root).iterdir()}
    second = build(project.root, project.root / "out")
    assert second.charts is not None and (second.charts.drawn, second.charts.cached) == (0, 3)
    assert {f: f.stat().st_mtime_ns for f in cache_dir(project.root).iterdir()} == stamps
    # A changed number changes the picture: only that chart is drawn again.
    project.write("activity/p1.yaml", DATA.format(materials=24))
    third = build(project.root, project.root / "out")
    assert third.charts is not None and (third.charts.drawn, third.charts.cached) == (1, 2)


def test_a_trend_shows_the_periods_up_to_the_one_built(project: Project) -> None:
    chart_project(project)
    doc = build(project.root, project.root / "out", period_id="p0",
                formats=("docx",)).edition().document
    trend = _charts(doc)[2]
    assert trend.categories == ("2017 год",)
    doc = build(project.root, project.root / "out", period_id="p1",
                formats=("docx",)).edition().document
    trend = _charts(doc)[2]
    assert trend.categories == ("2017 год", "январь–сентябрь 2018 года")
    assert trend.series == (("материалов", (17, 23)),) or trend.series[0][1] == (17, 23)


def test_list_of_figures_lists_charts_with_their_pages(project: Project) -> None:
    chart_project(project)
    report = (project.root / "report.yaml").read_text(encoding="utf-8")
    project.write("report.yaml", report + "list_of_figures: end\n")
    result = build(project.root, project.root / "out")
    pages = _page_texts(result.edition().outputs["pdf"])
    last = " ".join(pages[-2].split())  # the text ends with a form feed
    assert "Список иллюстраций" in last
    for number, title in [(1, "Конференции по странам"), (2, "Публикации в СМИ"),
                          (3, "Материалы по годам")]:
        match = re.search(rf"Рисунок {number}\. {title} ?\.+ ?(\d+)", last)
        assert match, last
        page = int(match.group(1))
        assert f"Рисунок {number}. {title}" in " ".join(pages[page - 1].split())


def _spec(project: Project, charts: str, section_chart: str = "c") -> Project:
    report = REPORT_YAML.split("sections:")[0] + "sections:\n  - sections/a.md\n" + charts
    project.write("report.yaml", report)
    project.write("activity/p1.yaml", DATA.format(materials=23))
    project.write("sections/a.md", f"---\ntitle: Т\n---\n\n```{{chart}}\n{section_chart}\n```\n")
    return project


BAD_SPECS = [
    (
        "unknown type",
        "charts:\n  c:\n    type: radar\n    title: Т\n    data: {indicator: materials}\n",
        "c",
        ["report.yaml:16:11: error: charts.c.type: expected 'bar', 'hbar', 'stacked_bar', "
         "'donut', 'pie', 'line' or 'tiles', got 'radar'"],
    ),
    (
        "an indicator that does not exist",
        "charts:\n  c:\n    type: bar\n    title: Т\n    data: {indicator: materails}\n",
        "c",
        ["report.yaml:18:23: error: no indicator 'materails' in the data of period 'p1'; "
         "did you mean 'materials'? (known: materials)"],
    ),
    (
        "a list field that does not exist",
        "charts:\n  c:\n    type: bar\n    title: Т\n"
        "    data: {list: events, group_by: contry}\n",
        "c",
        ["report.yaml:18:36: error: the items of events have no field 'contry'; did you mean "
         "'country'? (fields: kind, title, date, end, city, country, online, partners, "
         "participants, participants_over, unit, status, month, year)"],
    ),
    (
        "a non-numeric value",
        "charts:\n  c:\n    type: bar\n    title: Т\n"
        "    data: {list: extra.visits, group_by: country, sum: days}\n",
        "c",
        ["activity/p1.yaml:19:32: error: extra.visits[1].days: expected a number to add up, "
         "got 'ten'"],
    ),
    (
        "a data list that does not exist",
        "charts:\n  c:\n    type: bar\n    title: Т\n"
        "    data: {list: extra.vists, group_by: country}\n",
        "c",
        ["report.yaml:18:18: error: no extra.vists in the data of period 'p1'; did you mean "
         "'visits'? (known: visits)"],
    ),
    (
        "two data sources",
        "charts:\n  c:\n    type: bar\n    title: Т\n"
        "    data: {indicator: materials, breakdown: media}\n",
        "c",
        ["report.yaml:18:11: error: charts.c.data: expected exactly one of: indicator, "
         "indicators, breakdown, list, values; got indicator, breakdown"],
    ),
    (
        "a donut of several series",
        "charts:\n  c:\n    type: donut\n    title: Т\n"
        "    data: {breakdown: media, across: periods}\n",
        "c",
        ["report.yaml:16:11: error: a donut shows one series; this data has 2 "
         "(use stacked_bar or bar)"],
    ),
    (
        "a chart id that is not declared",
        "charts:\n  c:\n    type: bar\n    title: Т\n    data: {breakdown: media}\n",
        "cc",
        ["sections/a.md:6: error: no chart 'cc' in report.yaml's charts; did you mean 'c'? "
         "(charts: c)",
         "report.yaml:15:3: warning: chart 'c' is declared but no section places it "
         "(add a ```{chart} block with 'c' to a section)"],
    ),
    (
        "an inline spec with a located error",
        "",
        "type: pie\ntitle: Т\ndata: {breakdown: mdia}",
        ["sections/a.md:8:19: error: no breakdown 'mdia' in the data of period 'p1'; "
         "did you mean 'media'? (known: media)"],
    ),
    (
        "a period of a trend that does not exist",
        "charts:\n  c:\n    type: line\n    title: Т\n"
        "    data: {indicator: materials, across: periods, periods: [p9]}\n",
        "c",
        ["report.yaml:18:61: error: no period 'p9' in this report (periods: p1)"],
    ),
]


@pytest.mark.parametrize(("charts", "placed", "expected"), [c[1:] for c in BAD_SPECS],
                         ids=[c[0] for c in BAD_SPECS])
def test_bad_chart_specs_are_located_errors(project: Project, charts: str, placed: str,
                                            expected: list[str]) -> None:
    assert problems_of(_spec(project, charts, placed)) == expected


def test_breakdown_parts_exceeding_the_total_are_an_error(project: Project) -> None:
    """Reported once, where the data is wrong (a chart of it never draws wrong proportions)."""
    _spec(project, "charts:\n  c:\n    type: donut\n    title: Т\n    data: {breakdown: media}\n")
    build(project.root, project.root / "out", formats=("docx",))  # valid as it is
    data = DATA.format(materials=23).replace("total: 1004", "total: 1000")
    project.write("activity/p1.yaml", data)
    assert problems_of(project) == [
        "activity/p1.yaml:8:12: error: breakdowns.media: the parts add up to 1004 "
        "(905 (domestic) + 99 (foreign)), but the total is 1000"]


def test_the_sample_has_the_charts_the_seeds_suggest() -> None:
    from reportgen.assemble.document import assemble
    from reportgen.load.project import load_project

    project = load_project(SAMPLE)
    doc = assemble(project, project.period(None))
    charts = {c.id: c for c in _charts(doc)}
    assert set(charts) == {"work-trend", "media-split", "media-trend", "conferences-by-country",
                           "memoranda-by-country"}
    assert charts["media-split"].series[0][1] == (905, 99)
    assert charts["work-trend"].categories == ("2016", "2017", "9 месяцев 2018")
    assert charts["conferences-by-country"].categories[0] == "Казахстан"
    assert sum(charts["memoranda-by-country"].series[0][1]) == 12


def test_chart_svg_has_no_doctype_and_a_crafted_cache_file_is_drawn_again(
        project: Project, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The cache lives in the project, so a project can ship crafted chart files: a file that
    does not match the record this user's build signed is drawn again, with a warning at the
    chart (issue 23); and a chart file passes the same checks as any picture before WeasyPrint
    or Word sees it."""
    chart_project(project)
    charts = _charts(build(project.root, tmp_path / "a").edition().document)
    for chart in charts:
        assert b"<!DOCTYPE" not in chart.svg.read_bytes()
    first = charts[0]
    drawn = first.svg.read_bytes()
    first.svg.write_text('<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/>'
                         "</svg>", encoding="utf-8")
    with pytest.raises(InputError) as info:
        check_files(first)
    (problem,) = info.value.problems
    assert problem.loc == first.loc
    assert problem.message.startswith(f"chart file in .reportgen-cache refused: SVG '{first.svg.name}': "
                                      "<image href='file:///etc/passwd'> refers to something outside")
    caplog.clear()
    result = build(project.root, tmp_path / "b")
    assert [r.getMessage() for r in caplog.records if r.levelname == "WARNING"] == [
        f"{first.loc}: warning: chart file {first.svg.name} in .reportgen-cache was not drawn by "
        "this user's builds or was changed since: drawn again"]
    assert first.svg.read_bytes() == drawn
    assert result.charts is not None and result.charts.drawn == 1
