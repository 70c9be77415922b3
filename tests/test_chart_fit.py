"""Charts that fit any data (issue 21): every chart type drawn over generated data of many
shapes (1, 2, 12 and 40 categories, names of 60 and more characters in Russian and Kazakh,
zeros, equal values) in ru, kk and en, and measured as matplotlib draws it: no two text boxes
overlap and every one is inside the figure. The boxes are those of the texts actually drawn
(``Text.draw`` and ``Legend.draw`` recorded while the figure is drawn on an Agg canvas),
measured here and not by the fitting code. A chart with no data takes the empty-result path."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reportgen.assemble.chartshape import MAX_COLUMNS, WIDTH_MM, drawn_kind, height_mm
from reportgen.build import check
from reportgen.errors import SourceLoc
from reportgen.layout import Layout
from reportgen.model import nodes as m
from reportgen.render.chartdraw import figure
from reportgen.text.formats import NNBSP, format_number, format_shares

from .conftest import DATA_YAML, REPORT_YAML, Project

LANGS = ("ru", "kk", "en")
KINDS = ("bar", "hbar", "stacked_bar", "line", "pie", "donut")
MONTHS = {
    "ru": "январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь",
    "kk": "қаңтар ақпан наурыз сәуір мамыр маусым шілде тамыз қыркүйек қазан қараша желтоқсан",
    "en": "January February March April May June July August September October November "
          "December",
}
#: Names of 60 characters and more, as an institute writes its sectors and partners.
LONG = {
    "ru": ["Квазигосударственный сектор и национальные управляющие холдинги",
           "Международные организации и зарубежные аналитические центры (think tanks)",
           "Центральные государственные органы Республики Казахстан",
           "Местные исполнительные органы областей и городов республиканского значения",
           "Неправительственные организации"],
    "kk": ["Квазимемлекеттік сектор және ұлттық басқарушы холдингтер мен компаниялар",
           "Халықаралық ұйымдар мен шетелдік сараптамалық орталықтар (think tanks)",
           "Қазақстан Республикасының орталық мемлекеттік органдары",
           "Облыстардың және республикалық маңызы бар қалалардың жергілікті атқарушы органдары",
           "Үкіметтік емес ұйымдар"],
    "en": ["Quasi-public sector and national managing holding companies of the Republic",
           "International organisations and foreign think tanks and research centres",
           "Central government bodies of the Republic of Kazakhstan and their agencies",
           "Local executive bodies of the regions and of the cities of national significance",
           "Non-governmental organisations"],
}
WORD = {"ru": "Категория", "kk": "Санат", "en": "Category"}
SERIES = {"ru": ["Казахстанские СМИ", "Зарубежные СМИ", "Социальные сети и блоги"],
          "kk": ["Қазақстандық БАҚ", "Шетелдік БАҚ", "Әлеуметтік желілер мен блогтар"],
          "en": ["Kazakhstan media", "Foreign media", "Social networks and blogs"]}


def _names(shape: str, lang: str) -> list[str]:
    count = {"one": 1, "two": 2, "twelve": 12, "forty": 40}.get(shape)
    if shape == "months":
        return [f"{month} 2024" for month in MONTHS[lang].split()]
    if shape == "months-36":
        return [f"{month} {year}" for year in (2022, 2023, 2024) for month in MONTHS[lang].split()]
    if shape in ("long", "long-many"):
        names = LONG[lang] if shape == "long" else [f"{n} {i}" for i in range(3) for n in LONG[lang]]
        return names[:5] if shape == "long" else names[:14]
    return [f"{WORD[lang]} {i + 1}" for i in range(count or 5)]


def _values(shape: str, n: int, s: int) -> tuple[float | int, ...]:
    if shape == "zeros":
        return tuple(0 if i % 2 else (i + 1) * 7 for i in range(n))
    if shape == "equal":
        return (42,) * n
    if shape == "large":
        return tuple(1_250_000 + 37_519 * ((i * 7 + s * 3) % 11) for i in range(n))
    return tuple(5 + (i * 37 + s * 11) % 97 for i in range(n))


SHAPES = ("one", "two", "twelve", "forty", "months", "months-36", "long", "long-many", "zeros",
          "equal", "large")


def _chart(kind: str, shape: str, lang: str) -> m.Chart:
    """A chart as assemble places it: the kind as drawn and the height (chartshape)."""
    categories = tuple(_names(shape, lang))
    n_series = 1 if kind in ("pie", "donut") else (3 if kind == "stacked_bar" else 2)
    if shape in ("one", "equal") and kind not in ("pie", "donut"):
        n_series = 1
    series = tuple((SERIES[lang][s] if n_series > 1 else "", _values(shape, len(categories), s))
                   for s in range(n_series))
    drawn = drawn_kind(kind, categories, timeline=shape.startswith("months"))
    highlight = (1,) if len(categories) > 2 else ()
    return m.Chart(
        kind=drawn, categories=categories, series=series, highlight=highlight,
        x_label=None, y_label=None, width_mm=WIDTH_MM,
        height_mm=height_mm(drawn, categories, n_series), lang=lang, caption=(),
        alt="", number=1, id="c", loc=SourceLoc(Path("report.yaml"), 1), digest="0" * 64,
        svg=Path("c.svg"), png=Path("c.png"))


def _drawn_texts(fig: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[list[tuple[str, Any]],
                                                                     list[Any]]:
    """Every text drawn (its string and window box) and every legend's box, as an Agg canvas
    draws the figure."""
    import matplotlib.legend
    import matplotlib.text
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    texts: list[tuple[str, Any]] = []
    legends: list[Any] = []
    text_draw, legend_draw = matplotlib.text.Text.draw, matplotlib.legend.Legend.draw

    def record_text(self: Any, renderer: Any) -> None:
        text_draw(self, renderer)
        if self.get_visible() and self.get_text().strip():
            texts.append((self.get_text(), self.get_window_extent(renderer)))

    def record_legend(self: Any, renderer: Any) -> None:
        legend_draw(self, renderer)
        if self.get_visible():
            legends.append(self.get_window_extent(renderer))

    with monkeypatch.context() as patch:
        patch.setattr(matplotlib.text.Text, "draw", record_text)
        patch.setattr(matplotlib.legend.Legend, "draw", record_legend)
        FigureCanvasAgg(fig).draw()
    return texts, legends


def _overlap(a: Any, b: Any) -> bool:
    return min(a.x1, b.x1) - max(a.x0, b.x0) > 0.5 and min(a.y1, b.y1) - max(a.y0, b.y0) > 0.5


def _inside(box: Any, fig: Any) -> bool:
    return (box.x0 >= fig.x0 - 0.5 and box.y0 >= fig.y0 - 0.5 and box.x1 <= fig.x1 + 0.5
            and box.y1 <= fig.y1 + 0.5)


@pytest.fixture(scope="module")
def style() -> Layout:
    return Layout()  # the default layout, the bundled fonts


def _cases() -> Iterator[Any]:
    for kind in KINDS:
        for shape in SHAPES:
            for lang in LANGS:
                yield pytest.param(kind, shape, lang, id=f"{kind}-{shape}-{lang}")


@pytest.mark.parametrize(("kind", "shape", "lang"), list(_cases()))
def test_no_text_overlaps_another_or_leaves_the_figure(kind: str, shape: str, lang: str,
                                                       style: Layout,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    chart = _chart(kind, shape, lang)
    with figure(chart, style) as fig:
        texts, legends = _drawn_texts(fig, monkeypatch)
        bounds = fig.bbox
    outside = [t for t, box in texts if not _inside(box, bounds)]
    outside += [f"legend {box}" for box in legends if not _inside(box, bounds)]
    assert not outside, f"outside the figure: {outside}"
    overlaps = [(a, b) for i, (a, box_a) in enumerate(texts) for b, box_b in texts[i + 1:]
                if _overlap(box_a, box_b)]
    assert not overlaps, f"overlapping texts: {overlaps[:5]}"
    # A legend's box holds its own texts; nothing else may stand in it.
    legend_texts = set(chart.categories) | {name for name, _ in chart.series}
    for box in legends:
        intruders = [t for t, b in texts if _overlap(box, b) and not _inside(b, box)
                     and not any(part in t for part in legend_texts)]
        assert not intruders, f"texts in the legend: {intruders}"
    # Whatever is left out for want of room, something of the data is shown, and every value
    # label shown is one of the chart's values (or a stacked bar's total).
    shown = {t for t, _ in texts}
    values = {format_number(v, lang) for _, vs in chart.series for v in vs}
    if kind == "donut":
        values.add(format_number(sum(chart.series[0][1]), lang))
    if kind == "stacked_bar":
        values |= {format_number(sum(vs[i] for _, vs in chart.series), lang)
                   for i in range(len(chart.categories))}
    numbers = [t for t in shown if re.fullmatch(r"[\d\s\u202f.,]+", t)]
    if kind not in ("pie", "line"):  # a line's value axis has numbers of its own
        assert set(numbers) <= values
    if kind not in ("pie", "donut"):
        assert numbers, "no value is shown at all"
        # Names may be wrapped, cut short with "…" or thinned out, never all but a few.
        named = [t for t, _ in texts if any(_names_the(t, c) for c in chart.categories)]
        assert len(named) >= min(len(chart.categories), 10), named


def _names_the(text: str, category: str) -> bool:
    said = " ".join(text.split())
    return said == category or said.endswith("…") and category.startswith(said[:-1].rstrip())


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", ["pie", "donut"])
def test_shares_are_written_with_one_precision_in_the_locales_way(kind: str, lang: str,
                                                                   style: Layout) -> None:
    chart = _chart(kind, "two", lang)
    chart = dataclasses.replace(chart, series=(("", (870, 230, 150)),),
                                categories=("Госзаказ", "Гранты", "Договоры"))
    with figure(chart, style) as fig:
        legend = fig.axes[0].get_legend()
        entries = [" ".join(t.get_text().split("\n")) for t in legend.get_texts()]
    shares = {"ru": ["69,6\u202f%", "18,4\u202f%", "12,0\u202f%"],
              "kk": ["69,6\u202f%", "18,4\u202f%", "12,0\u202f%"],
              "en": ["69.6%", "18.4%", "12.0%"]}[lang]
    assert [e.split("(")[-1].rstrip(")") for e in entries] == shares
    assert entries[0].startswith("Госзаказ — 870 (")


@pytest.mark.parametrize(("values", "lang", "expected"), [
    ((56, 44), "ru", ["56\u202f%", "44\u202f%"]),
    ((56, 44), "kk", ["56\u202f%", "44\u202f%"]),
    ((56, 44), "en", ["56%", "44%"]),
    ((560, 328, 112), "ru", ["56,0\u202f%", "32,8\u202f%", "11,2\u202f%"]),
    ((1, 1, 1), "en", ["33.3%", "33.3%", "33.3%"]),
    ((99_990, 10), "ru", ["99,99\u202f%", "0,01\u202f%"]),
    ((5, 0), "kk", ["100\u202f%", "0\u202f%"]),
])
def test_shares_of_a_chart(values: tuple[int, ...], lang: str, expected: list[str]) -> None:
    assert format_shares(values, lang) == expected
    assert all(NNBSP not in s for s in format_shares(values, "en"))


@pytest.mark.parametrize(("categories", "timeline", "kind"), [
    ([f"К{i}" for i in range(MAX_COLUMNS)], False, "bar"),
    ([f"К{i}" for i in range(MAX_COLUMNS + 1)], False, "hbar"),
    (LONG["ru"][:2], False, "bar"),  # two columns have room for two lines of 60 characters
    (LONG["kk"], False, "hbar"),  # five have not: more than three lines
    (["Испания", "Казахстан", "көрсетілмеген", "Корея Республикасы"] * 2 + ["Ресей"] * 2, False,
     "hbar"),  # a word wider than its column would be turned upright
    (MONTHS["ru"].split(), False, "bar"),
    (MONTHS["en"].split(), False, "hbar"),  # 'September' is wider than a twelfth
    (MONTHS["en"].split(), True, "bar"),  # a timeline keeps its columns
    (MONTHS["kk"].split() * 3, True, "bar"),
])
def test_many_or_long_names_turn_a_bar_chart_horizontal(categories: list[str], timeline: bool,
                                                       kind: str) -> None:
    assert drawn_kind("bar", categories, timeline) == kind
    assert drawn_kind("stacked_bar", categories, timeline) == "stacked_bar"


def test_a_chart_is_never_taller_than_a_page_holds() -> None:
    names = [f"{n} {i}" for i in range(10) for n in LONG["kk"]]
    assert height_mm("hbar", names, 1) == 220.0
    assert height_mm("donut", names, 1) == 220.0
    assert height_mm("hbar", ["a", "b"], 1) == 40.0


def _empty_charts(empty: str) -> str:
    return "charts:\n" + "".join(
        f"  c-{kind}:\n    type: {kind}\n    title: Т\n{empty}"
        "    data: {list: events, where: {kind: lecture}, group_by: country}\n"
        for kind in KINDS)


def test_a_chart_with_no_categories_is_the_empty_result_path(project: Project) -> None:
    """No chart type draws (or fails on) no data: each is the located warning, or its
    ``empty:`` text."""
    blocks = "".join(f"```{{chart}}\nc-{kind}\n```\n\n" for kind in KINDS)
    project.write("sections/a.md", f"---\ntitle: Т\n---\n\n{blocks}")
    base = REPORT_YAML.split("sections:")[0] + "sections:\n  - sections/a.md\n"
    project.write("report.yaml", base + _empty_charts(""))
    result = check(project.root)
    assert [str(p).split("proj/", 1)[1] for p in result.problems] == [
        f"sections/a.md:{6 + 4 * i}: warning: the chart 'c-{kind}' has no data in this period: it "
        "is left out; write what to print instead, empty: \"...\" (e.g. empty: \"Мероприятий не "
        "было\"), or leave the chart out" for i, kind in enumerate(KINDS)]
    project.write("report.yaml", base + _empty_charts("    empty: Лекций не было\n"))
    result = check(project.root)
    assert not result.problems
    doc = result.assemblies["ru"].document
    assert doc is not None
    assert [type(b) for b in doc.sections[0].blocks] == [m.Paragraph] * len(KINDS)


def test_the_docx_chart_follows_the_horizontal_bars_rule(project: Project) -> None:
    """A bar chart of 13 countries is horizontal bars in Word's own chart too, its alternative
    text says so and lists every value."""
    import zipfile

    from lxml import etree

    from reportgen.build import build

    countries = [f"Страна {i + 1}" for i in range(MAX_COLUMNS + 1)]
    events = "".join(f"  - {{kind: conference, title: К{i}, date: 2018-05-0{1 + i % 9}, "
                     f"country: {c}}}\n" for i, c in enumerate(countries))
    data = (DATA_YAML.split("events:")[0] + "events:\n" + events)
    project.write("activity/p1.yaml", data)
    base = REPORT_YAML.split("sections:")[0] + "sections:\n  - sections/a.md\n"
    project.write("report.yaml", base + "charts:\n  c:\n    type: bar\n    title: Т\n"
                  "    data: {list: events, group_by: country}\n")
    project.write("sections/a.md", "---\ntitle: Т\n---\n\n```{chart}\nc\n```\n")
    result = build(project.root, project.root / "out", formats=("docx",))
    (chart,) = [b for s in result.edition().document.sections for b in s.blocks
                if isinstance(b, m.Chart)]
    assert chart.kind == "hbar"
    assert chart.alt.startswith("Линейчатая диаграмма. Т. Страна 1 — 1, ")
    assert all(f"{c} — 1" in chart.alt for c in countries)
    with zipfile.ZipFile(result.edition().outputs["docx"]) as z:
        xml = etree.fromstring(z.read("word/charts/chart1.xml"))
    c = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
    assert [e.get("val") for e in xml.iter(f"{c}barDir")] == ["bar"]


def test_the_chart_cache_key_covers_every_module_that_draws() -> None:
    """A chart is drawn again when its drawing changes: every module of the render stage that
    chartdraw reaches is in the chart cache key (cache/charts.py)."""
    import ast

    from reportgen.resources import package_root

    root = package_root()
    key = (root / "cache" / "charts.py").read_text(encoding="utf-8")
    covered = set(re.findall(r'"(render/[\w/]+\.py)"', key))
    reached, todo = set(), ["render/chartdraw.py"]
    while todo:
        module = todo.pop()
        reached.add(module)
        tree = ast.parse((root / module).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                    "reportgen.render."):
                path = node.module.removeprefix("reportgen.").replace(".", "/") + ".py"
                if (root / path).is_file() and path not in reached:
                    todo.append(path)
    assert reached == {"render/chartdraw.py", "render/chartfit.py", "render/chartmeasure.py"}
    assert reached <= covered
