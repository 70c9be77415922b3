"""What both writers share (reportgen/render/rules.py): each rule, and the bundled print
layout's CSS saying the same as the sizes and columns the DOCX takes from it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from reportgen.model import nodes as m
from reportgen.render import rules
from reportgen.resources import layout_dir

STRINGS = {"appendix": "Приложение", "figure": "Рисунок"}
HERE = m.SourceLoc(Path("sections/a.md"), 1)


def _css() -> str:
    css = (layout_dir("default") / "report.css").read_text(encoding="utf-8")
    return re.sub(r"/\*.*?\*/", "", css, flags=re.S)


def _rule(selector: str) -> str:
    """The declarations of the first rule whose selector list is ``selector``."""
    found = re.search(r"(?:^|})\s*" + re.escape(selector) + r"\s*\{([^}]*)\}", _css())
    assert found, selector
    return found.group(1)


@pytest.mark.parametrize(("count", "columns"), [(1, 3), (2, 2), (3, 3), (4, 2), (5, 3), (6, 3)])
def test_a_gallery_has_two_columns_for_two_or_four_pictures_else_three(count: int,
                                                                       columns: int) -> None:
    assert rules.gallery_columns(count) == columns


@pytest.mark.parametrize(("count", "columns"), [(1, 1), (2, 2), (3, 3), (4, 2), (5, 3)])
def test_metric_tiles_stand_alone_in_pairs_or_in_threes(count: int, columns: int) -> None:
    assert rules.metric_columns(count) == columns


@pytest.mark.parametrize(("selector", "declaration"), [
    ("figure img", f"max-height: {rules.FIGURE_MAX_HEIGHT_MM}mm"),
    (".chapter-cover", f"height: {rules.SECTION_COVER_HEIGHT_MM}mm"),
    (".cover-logo", f"width: {rules.LOGO_WIDTH_MM}mm"),
    (".gallery .grid", "grid-template-columns: 1fr 1fr 1fr"),
    (".gallery.cols-2 .grid", "grid-template-columns: 1fr 1fr"),
    (".metrics.n2, .metrics.n4", "grid-template-columns: 1fr 1fr"),
    (".metrics.n1", "grid-template-columns: 1fr"),
])
def test_the_print_layout_says_what_the_docx_copies(selector: str, declaration: str) -> None:
    declarations = [d.strip() for d in _rule(selector).split(";")]
    assert declaration in declarations


def test_three_metric_tiles_a_row_unless_the_css_says_otherwise() -> None:
    assert "grid-template-columns: 1fr 1fr 1fr" in _rule(".metrics")


def _section(appendix: int | None = None, blocks: tuple[m.Block, ...] = ()) -> m.Section:
    return m.Section(id="a", title="Итоги", lang="ru", blocks=blocks, source=HERE.file,
                     appendix=appendix)


def _doc(*sections: m.Section, city: str | None = "Астана",
         date: dt.date | None = dt.date(2018, 10, 5),
         list_of_figures: str | None = rules.AT_END) -> m.Document:
    meta = m.Meta(title="Отчёт", subtitle=None, organization="Ассамблея",
                  organization_short="АНК", addressee=None, lang="ru", period_id="2018-9m",
                  period_label="9 месяцев 2018 года", city=city, date=date,
                  list_of_figures=list_of_figures, strings=STRINGS)
    return m.Document(meta, sections)


def _figure(number: int) -> m.Figure:
    image = m.Image(Path("assets/a.jpg"), 800, 600)
    return m.Figure(image, (m.Text(f"Фото {number}"),), number, f"fig-{number}", HERE)


def _gallery(number: int) -> m.Gallery:
    image = m.Image(Path("assets/a.jpg"), 800, 600)
    return m.Gallery((image, image), (), number, f"fig-{number}", HERE)


@pytest.mark.parametrize(("appendix", "label", "title"), [
    (None, None, "Итоги"),
    (2, "Приложение\u00a02", "Приложение\u00a02. Итоги"),
])
def test_an_appendix_is_labelled_and_titled_with_its_number(
        appendix: int | None, label: str | None, title: str) -> None:
    section = _section(appendix)
    assert rules.appendix_label(section, STRINGS) == label
    assert rules.section_title(section, STRINGS) == title


@pytest.mark.parametrize(("strings", "kind", "label"), [
    ({"figure": "Рисунок"}, "figure", "Рисунок\u00a03."),  # no pattern: the word, the number
    ({"figure": "Сурет", "caption_figure": "{n}-сурет."}, "figure", "3-сурет."),
    ({"table": "Кесте", "caption_table": "{n}-кесте."}, "table", "3-кесте."),
    ({"appendix": "Қосымша", "appendix_label": "{n}-қосымша"}, "appendix", "3-қосымша"),
    ({"table": "Table", "caption_table": "Table {n}."}, "table", "Table\u00a03."),
])
def test_caption_labels_follow_the_catalog_pattern(strings: dict[str, str], kind: str,
                                                   label: str) -> None:
    assert rules.caption_label(kind, 3, strings) == label


def test_a_caption_pattern_without_its_number_is_refused() -> None:
    with pytest.raises(ValueError, match="caption_figure has no {n}"):
        rules.caption_label("figure", 3, {"figure": "Рисунок", "caption_figure": "Рисунок"})


@pytest.mark.parametrize(("city", "date", "place"), [
    ("Астана", dt.date(2018, 10, 5), "Астана, 2018"),
    ("Астана", None, "Астана"),
    (None, dt.date(2018, 10, 5), "2018"),
    (None, None, ""),
])
def test_the_cover_place_is_the_city_and_the_year(city: str | None, date: dt.date | None,
                                                  place: str) -> None:
    assert rules.cover_place(_doc(city=city, date=date).meta) == place


def test_the_list_of_figures_lists_every_figure_in_reading_order_also_nested() -> None:
    first, nested, third = _figure(1), _gallery(2), _figure(3)
    quote = m.Quote((nested,), HERE)
    doc = _doc(_section(blocks=(first, quote)), _section(appendix=1, blocks=(third,)))
    assert rules.listed_figures(doc) == [first, nested, third]


@pytest.mark.parametrize(("asked", "figures", "place"), [
    (rules.AFTER_CONTENTS, True, rules.AFTER_CONTENTS),
    (rules.AT_END, True, rules.AT_END),
    (None, True, None),
    (rules.AT_END, False, None),  # an empty list is left out
])
def test_the_list_of_figures_goes_where_the_report_asks_if_it_lists_any(
        asked: str | None, figures: bool, place: str | None) -> None:
    blocks: tuple[m.Block, ...] = (_figure(1),) if figures else ()
    doc = _doc(_section(blocks=blocks), list_of_figures=asked)
    assert rules.list_of_figures_place(doc) == place
