"""Texts of the data per language: the ways a text is written and the message each mistake
gives, the language each value keeps in both writers, online events, date ranges, charts
whose labels lack a form (a located error, never a traceback), highlights a period lacks
(a warning) and undefined names (the full path suggested)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from reportgen.build import CheckResult, check
from reportgen.load.datatext import Bad, checked
from reportgen.model import nodes as m
from reportgen.model.walk import charts, walk_blocks
from reportgen.text.formats import Forms, Said, choose_form, format_date_range

from .conftest import Project

NB = "\u00a0"

REPORT = """\
title: {ru: Отчёт, kk: Есеп, en: Report}
organization:
  name: {ru: Организация, kk: Ұйым, en: Organization}
language: ru
languages: [ru, kk, en]
date: 2018-10-05
periods:
  - id: p1
    start: 2018-01-01
    end: 2018-09-30
sections:
  - sections/a.md
"""

DATA = """\
indicators:
  materials:
    value: 21
    label:
      ru: {one: материал, few: материала, many: материалов}
      kk: материал
      en: {one: paper, other: papers}
events:
  - kind: conference
    title: {ru: Конференция, kk: Конференция, en: Conference}
    date: 2018-05-30
    end: 2018-06-02
    city: {ru: Астана, kk: Астана, en: Astana}
    country: {ru: Казахстан, kk: Қазақстан, en: Kazakhstan}
    partners: [{text: Korea Foundation, lang: en}, Фонд мира Гои]
  - kind: conference
    title: Семинар
    date: 2018-07-04
    city: {ru: Мадрид, kk: Мадрид, en: Madrid}
    country: {ru: Испания, kk: Испания, en: Spain}
"""

TABLE = """\
```{table}
data: events
columns: [n, {field: title, title: {ru: Тема, kk: Тақырыбы, en: Topic}}, date, city, country,
          partners]
filter: {country: {not: Казахстан}}
caption: {ru: Мероприятия, kk: Іс-шаралар, en: Events}
```
"""
SECTIONS = {
    "ru": "---\ntitle: Раздел\n---\n\nПодготовлено {{ indicators.materials.text }}.\n\n",
    "kk": "---\ntitle: Бөлім\n---\n\nДайындалды: {{ indicators.materials.text }}.\n\n",
    "en": "---\ntitle: Section\n---\n\nPrepared: {{ indicators.materials.text }}.\n\n",
}


def three(project: Project, data: str = DATA, report: str = REPORT,
          table: str = "") -> Project:
    """A report in ru, kk and en with the activity data ``data``."""
    project.write("report.yaml", report)
    project.write("activity/p1.yaml", data)
    for lang, text in SECTIONS.items():
        name = "a.md" if lang == "ru" else f"a.{lang}.md"
        project.write(f"sections/{name}", text + table.replace("<lang>", lang))
    return project


def checked_project(project: Project, **kwargs: object) -> tuple[CheckResult, list[str]]:
    result = check(project.root, **kwargs)  # type: ignore[arg-type]
    root = project.root.resolve()
    lines = [str(p).replace(f"{root}/", "") for p in result.problems]
    return result, lines


def document(result: CheckResult, lang: str) -> m.Document:
    doc = result.assemblies[lang].document
    assert doc is not None
    return doc


def first_table(doc: m.Document) -> m.Table:
    return next(b for s in doc.sections for b in walk_blocks(s.blocks) if isinstance(b, m.Table))


# ----------------------------------------------------------- the ways of writing a text

SHAPES = [
    # (written, a label?, what validation keeps, or the path and message of the mistake)
    ("Конференция", False, "Конференция"),
    ({"ru": "Конференция", "en": " Conference "}, False, {"ru": "Конференция", "en": "Conference"}),
    ({"text": "Мәңгілік ел", "lang": "kk"}, False, {"text": "Мәңгілік ел", "lang": "kk"}),
    ({"one": "материал", "few": "материала"}, True, {"one": "материал", "few": "материала"}),
    ({"ru": {"one": "материал"}, "kk": "материал"}, True, {"ru": {"one": "материал"},
                                                           "kk": "материал"}),
    (5, False, ((), "expected text")),
    ("  ", False, ((), "expected non-empty text")),
    ({}, False, ((), "expected a text, one per edition ({ru: ..., kk: ...}) or {text: ..., "
                     "lang: kk}, got an empty mapping")),
    ({"ru": 5}, False, (("ru",), "expected text")),
    ({"one": "материал"}, False, ((), "plural forms are for labels; give one text, or one per "
                                      "edition ({ru: ..., kk: ...})")),
    ({"ru": "a", "one": "b"}, True, ((), "plural forms and languages mixed; give the forms per "
                                         "language: {ru: {one: ..., few: ..., many: ...}, en: "
                                         "{one: ..., other: ...}}")),
    ({"title": "x"}, False, (("title",), "unknown key 'title'; expected a language (ru, kk, en) "
                                         "or text and lang")),
    ({"text": "x"}, False, ((), "missing required key 'lang' (a text in a language of its own "
                                "is {text: ..., lang: kk})")),
    ({"text": "x", "lang": "KK"}, False, (("lang",), "expected a language code (ru, kk, en)")),
    ({"ru": {"ru": "x"}}, True, (("ru",), "a text of one edition is a text, its plural forms or "
                                          "{text: ..., lang: ...}, not another mapping of "
                                          "languages")),
]


@pytest.mark.parametrize(("written", "label", "expected"), SHAPES,
                         ids=[repr(s[0])[:40] for s in SHAPES])
def test_the_ways_a_text_is_written(written: object, label: bool, expected: object) -> None:
    if isinstance(expected, tuple):
        with pytest.raises(Bad) as info:
            checked(written, forms=label)
        assert (info.value.path, info.value.message) == expected
    else:
        assert checked(written, forms=label) == expected


# --------------------------------------------- per-language data: what each edition says

CASES = [
    ("label as one text: the main language's, in every edition",
     {"      ru: {one: материал, few: материала, many: материалов}\n      kk: материал\n"
      "      en: {one: paper, other: papers}\n": "      one: материал\n      few: материала\n"
      "      many: материалов\n"}, []),
    ("label per edition", {}, []),
    ("a label without the kk edition",
     {"      kk: материал\n": ""},
     ["activity/p1.yaml:5:7: error: indicators.materials.label: no kk text for the kk edition; "
      "add 'kk: …' beside ru, en"]),
    ("a title without the en edition",
     {"title: {ru: Конференция, kk: Конференция, en: Conference}":
      "title: {ru: Конференция, kk: Конференция}"},
     ["activity/p1.yaml:10:12: error: events[0].title: no en text for the en edition; add "
      "'en: …' beside ru, kk"]),
    ("a language reportgen does not know",
     {"city: {ru: Мадрид, kk: Мадрид, en: Madrid}": "city: {ru: Мадрид, kz: Мадрид, kk: Мадрид, "
                                                    "en: Madrid}"},
     ["activity/p1.yaml:19:24: error: events[1].city: 'kz' is not a language reportgen knows "
      "(en, kk, ru)"]),
    ("English forms without the one 21 takes",
     {"en: {one: paper, other: papers}": "en: {one: paper}"},
     ["activity/p1.yaml:7:11: error: indicators.materials.label.en: no en form for 21 (plural "
      "category 'other'): add other: … (given: one)"]),
    ("a number where the text of an edition goes",
     {"kk: Мадрид, en: Madrid}": "kk: 5, en: Madrid}"},
     ["activity/p1.yaml:19:28: error: events[1].city.kk: expected text, got 5 (YAML reads the "
      "unquoted '5' as the number 5; quote it: \"5\")"]),
    ("plural forms where a text goes",
     {"title: Семинар": "title: {one: Семинар}"},
     ["activity/p1.yaml:17:12: error: events[1].title: plural forms are for labels; give one "
      "text, or one per edition ({ru: ..., kk: ...})"]),
    ("a city that says it was online",
     {"city: {ru: Мадрид, kk: Мадрид, en: Madrid}": "city: {ru: онлайн, kk: онлайн, en: online}"},
     ["activity/p1.yaml:19:11: error: events[1].city: 'онлайн' is not a city; write online: "
      "true instead (tables show the edition's word for it, charts and tables by city leave it "
      "out of the cities)"]),
    ("an online event with a city",
     {"    date: 2018-07-04\n": "    date: 2018-07-04\n    online: true\n"},
     ["activity/p1.yaml:20:11: error: events[1].city: an online event (online: true) has no "
      "city; leave city out, or leave out online: true for an event held there"]),
]


@pytest.mark.parametrize(("name", "changes", "expected"), CASES, ids=[c[0] for c in CASES])
def test_per_language_data(project: Project, name: str, changes: dict[str, str],
                           expected: list[str]) -> None:
    data = DATA
    for old, new in changes.items():
        assert old in data, old
        data = data.replace(old, new)
    _, problems = checked_project(three(project, data))
    assert [p for p in problems if "error" in p] == expected


def test_a_draft_shows_the_main_text_of_a_missing_edition(project: Project) -> None:
    three(project, DATA.replace("      kk: материал\n", ""))
    result, problems = checked_project(project, draft=True)
    assert problems == [
        "activity/p1.yaml:5:7: warning: indicators.materials.label: no kk text for the kk "
        "edition; add 'kk: …' beside ru, en; the draft shows the ru text"]
    text = m.plain_text(document(result, "kk").sections[0].blocks[0].children)  # type: ignore[union-attr]
    assert text == f"Дайындалды: 21{NB}материал."


def test_each_value_keeps_its_language_in_the_tables(project: Project) -> None:
    """A cell in another language than its section's is a span in that language (both writers
    carry it: lang="ru" in the HTML, w:lang in the DOCX); a date is a span never hyphenated."""
    result, problems = checked_project(three(project, table=TABLE))
    assert problems == []
    kk = first_table(document(result, "kk"))
    assert kk.caption == (m.Text("Іс-шаралар"),)
    assert [m.plain_text(c.children) for c in kk.head[0].cells] == [
        "№", "Тақырыбы", "Күні", "Қала", "Ел", "Серіктестер"]
    # the filter {not: Казахстан} keeps the same rows in every edition (it matches the key)
    (row,) = kk.body
    title, day = row.cells[1].children, row.cells[2].children
    assert title == (m.Span((m.Text("Семинар"),), lang="ru"),)  # one text: the main language's
    assert day == (m.Span((m.Text(f"2018{NB}жылғы{NB}4{NB}шілде"),), role="date"),)
    assert row.cells[3].children == (m.Text("Мадрид"),)
    ru = first_table(document(result, "ru"))
    assert ru.body[0].cells[1].children == (m.Text("Семинар"),)  # the section's own language


def test_partners_in_their_own_languages(project: Project) -> None:
    table = TABLE.replace("filter: {country: {not: Казахстан}}\n", "")
    result, _ = checked_project(three(project, table=table))
    en = first_table(document(result, "en"))
    assert en.body[0].cells[5].children == (
        m.Text("Korea Foundation, "), m.Span((m.Text("Фонд мира Гои"),), lang="ru"))
    ru = first_table(document(result, "ru"))
    assert ru.body[0].cells[5].children == (
        m.Span((m.Text("Korea Foundation"),), lang="en"), m.Text(", Фонд мира Гои"))
    (day,) = en.body[0].cells[2].children  # a range across months, never hyphenated
    assert isinstance(day, m.Span) and day.role == "date"
    assert re.fullmatch(r"30 May [–—] 2 June 2018", re.sub(r"\s", " ", m.plain_text(day.children)))


def test_a_table_text_in_a_section_file_lacking_an_edition(project: Project) -> None:
    three(project, table=TABLE.replace(", en: Topic}", "}"))
    _, problems = checked_project(project)
    assert problems == [
        "sections/a.en.md:9:36: error: columns[1].title: no en text for the en edition; add "
        "'en: …' beside ru, kk"]


# ------------------------------------------------------------------------ online events

ONLINE = DATA + """\
  - kind: webinar
    title: {ru: Вебинар, kk: Вебинар, en: Webinar}
    date: 2018-08-01
    online: true
"""
BY_CITY = """\
```{table}
data: events
group_by: city
columns: [n, title, city]
```

```{chart}
type: pie
title: {ru: По городам, kk: Қалалар бойынша, en: By city}
data: {list: events, group_by: city}
```
"""


def test_online_events_have_the_editions_word_and_are_in_no_city(project: Project) -> None:
    result, problems = checked_project(three(project, ONLINE, table=BY_CITY))
    assert problems == []
    for lang, word in (("ru", "онлайн"), ("kk", "онлайн"), ("en", "online")):
        doc = document(result, lang)
        table = first_table(doc)
        rows = [[m.plain_text(c.children) for c in r.cells] for r in table.body]
        groups = [r[0] for r, row in zip(rows, table.body, strict=True) if row.role == "group"]
        assert groups[-1] == word.capitalize(), lang  # after the cities
        assert rows[-1][2] == word, lang
        (chart,) = [c for s in doc.sections for c in charts(s.blocks)]
        assert sum(chart.series[0][1]) == 2, lang  # two events held in a city
        assert word not in [c.casefold() for c in chart.categories], lang


# ------------------------------------------------------------------------- date ranges

D = dt.date


@pytest.mark.parametrize(("start", "end", "lang", "expected"), [
    (D(2018, 9, 30), D(2018, 10, 2), "ru", f"30{NB}сентября{NB}— 2{NB}октября{NB}2018{NB}года"),
    (D(2018, 9, 30), D(2018, 10, 2), "kk", f"2018{NB}жылғы{NB}30{NB}қыркүйек{NB}— 2{NB}қазан"),
    (D(2018, 9, 30), D(2018, 10, 2), "en", f"30{NB}September{NB}– 2{NB}October{NB}2018"),
    (D(2018, 12, 30), D(2019, 1, 2), "ru",
     f"30{NB}декабря{NB}2018{NB}года{NB}— 2{NB}января{NB}2019{NB}года"),
    (D(2018, 12, 30), D(2019, 1, 2), "kk",
     f"2018{NB}жылғы{NB}30{NB}желтоқсан{NB}— 2019{NB}жылғы{NB}2{NB}қаңтар"),
    (D(2018, 12, 30), D(2019, 1, 2), "en", f"30{NB}December{NB}2018{NB}– 2{NB}January{NB}2019"),
    (D(2018, 9, 21), D(2018, 9, 22), "kk", f"2018{NB}жылғы{NB}21–22{NB}қыркүйек"),
])
def test_date_ranges_per_language(start: dt.date, end: dt.date, lang: str,
                                  expected: str) -> None:
    """Within a date, every space is a no-break space; a range of two dates may break after its
    dash only (and a table shows it as a span that is never hyphenated)."""
    assert format_date_range(start, end, lang) == expected


# ------------------------------------------------------------------------------ charts

CHART = """\
charts:
  materials:
    type: bar
    title: {ru: Материалы, kk: Материалдар, en: Papers}
    data:
      indicators: [materials]
LABELS"""


def chart_report(labels: str = "") -> str:
    chart = CHART.replace("LABELS", labels)
    return REPORT + chart


CHART_SECTION = "```{chart}\nmaterials\n```\n"


def test_an_english_chart_of_russian_forms_uses_its_own_labels(project: Project) -> None:
    """The issue's traceback: a label with Russian forms only, 21 in English is 'other'. The
    forms agree by Russian rules (they are Russian), and the chart's labels come first."""
    data = DATA.replace("      ru: {one: материал, few: материала, many: материалов}\n"
                        "      kk: материал\n      en: {one: paper, other: papers}\n",
                        "      one: материал\n      few: материала\n      many: материалов\n")
    labels = "      labels: {materials: {ru: Материалы, kk: Материалдар, en: Papers}}\n"
    three(project, data, chart_report(labels), CHART_SECTION)
    result, problems = checked_project(project)
    assert problems == []
    (chart,) = charts(document(result, "en").sections[0].blocks)
    assert chart.categories == ("Papers",) and chart.series[0][0] == "Papers"
    three(project, data, chart_report(), CHART_SECTION)  # no labels: the data's, in its forms
    result, problems = checked_project(project)
    (chart,) = charts(document(result, "en").sections[0].blocks)
    assert problems == [] and chart.categories == ("материал",)


def test_a_label_lacking_the_form_a_chart_needs_is_a_located_error(project: Project) -> None:
    three(project, DATA.replace("en: {one: paper, other: papers}", "en: {one: paper}"),
          chart_report(), CHART_SECTION)
    _, problems = checked_project(project, langs=("en",))
    assert problems == [
        "activity/p1.yaml:7:11: error: indicators.materials.label.en: no en form for 21 (plural "
        "category 'other'): add other: … (given: one)"]
    _, problems = checked_project(project, langs=("ru", "kk"))  # the other editions build
    assert problems == []


HIGHLIGHT = """\
charts:
  by-country:
    type: hbar
    title: {ru: По странам, kk: Елдер бойынша, en: By country}
    data: {list: events, group_by: country}
    highlight: [Казахстан, Италия]
"""


def test_a_highlight_a_period_lacks_is_a_warning(project: Project) -> None:
    three(project, report=REPORT + HIGHLIGHT, table="```{chart}\nby-country\n```\n")
    result, problems = checked_project(project)
    assert problems == [  # told once: its categories are keys, the same in every edition
        "report.yaml:18:28: warning: highlight: no category 'Италия' in this chart in period "
        "'p1'; did you mean 'Испания'? (categories: Казахстан, Испания); it is drawn without a "
        "highlight"]
    for lang in ("ru", "kk", "en"):  # 'Казахстан', a key, is drawn highlighted in every edition
        (chart,) = charts(document(result, lang).sections[0].blocks)
        assert chart.highlight == (0,), lang


# ---------------------------------------------------------------------- undefined names

def test_an_undefined_name_suggests_the_full_path(project: Project) -> None:
    three(project)
    project.write("sections/a.md", SECTIONS["ru"] + "Всего {{ materials }}.\n")
    _, problems = checked_project(project, langs=("ru",))
    assert problems == ["sections/a.md:7:10: error: undefined name 'materials'; did you mean "
                        "'indicators.materials'?"]


# -------------------------------------------------------------------- forms and languages

def test_forms_agree_by_their_own_language() -> None:
    russian = Forms({"one": "материал", "few": "материала", "many": "материалов"}, "ru")
    assert choose_form(russian, 21, "en") == "материал"  # not 'other', which Russian lacks
    assert choose_form(russian, 23, "kk") == "материала"
    assert Said("Қазақстан", "kk", "Казахстан").key == "Казахстан"


def test_a_said_text_survives_pickling() -> None:
    import pickle

    said = pickle.loads(pickle.dumps(Said("Korea Foundation", "en")))
    assert (said, said.lang, said.key) == ("Korea Foundation", "en", "Korea Foundation")
    forms = pickle.loads(pickle.dumps(Forms({"one": "a"}, "kk")))
    assert (forms, forms.lang) == ({"one": "a"}, "kk")


def test_both_writers_carry_a_values_language(project: Project) -> None:
    """The Russian title in the Kazakh table: lang="ru" in the HTML the PDF is typeset from,
    a run with w:lang ru-RU in the DOCX."""
    import zipfile

    from reportgen.build import build
    from reportgen.render.htmlpage import render_html

    three(project, table=TABLE)
    result = build(project.root, project.root / "out", formats=("docx",), langs=("kk",))
    with zipfile.ZipFile(result.edition("kk").outputs["docx"]) as z:
        body = z.read("word/document.xml").decode()
    # ... hyphenated by the Russian patterns, the section's Kazakh ones leave it whole
    body = body.replace("</w:t><w:softHyphen/><w:t>", "\u00ad")
    assert '<w:lang w:val="ru-RU"/></w:rPr><w:t>Се\u00adми\u00adнар</w:t>' in body
    html = render_html(document(checked_project(project)[0], "kk")).replace("\u00ad", "")
    assert '<span lang="ru">Семинар</span>' in html
