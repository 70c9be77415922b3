"""``reportgen new FOLDER``: a minimal report project that builds at once, to start from.

CLI layer. The project has what every report has, one of each, commented: report.yaml
(one period, the current year), one activity data file (an indicator and three events),
one section per edition with an expression, a chart and a table, in the languages asked for
(the first is the main one). Texts of the data are one text in a one-language report and one
per edition otherwise. It writes into a new or empty folder only, and reads nothing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from reportgen.atomic import write_atomic
from reportgen.errors import InputError, SourceLoc
from reportgen.text.strings import languages as catalog_languages

#: The words of the project, by language.
WORDS: dict[str, dict[str, str]] = {
    "ru": {
        "title": "Отчёт о деятельности", "organization": "Название организации",
        "addressee": "в Администрацию Президента Республики Казахстан", "city": "Астана",
        "section": "Основные итоги", "chart": "Мероприятия по видам",
        "conference": "Конференции", "round_table": "Круглые столы",
        "caption": "Мероприятия отчётного периода", "empty": "Мероприятий не было.",
        "event1": "Конференция «Наука и общество»", "event2": "Круглый стол об экономике",
        "event3": "Конференция «Цифровой Казахстан»", "almaty": "Алматы",
        "one": "мероприятие", "few": "мероприятия", "many": "мероприятий",
        "body": "За {{ period.label }} проведено {{ indicators.events_held.text }}. "
                "Их перечень — в таблице ниже, их виды — на рисунке.",
    },
    "kk": {
        "title": "Қызмет туралы есеп", "organization": "Ұйымның атауы",
        "addressee": "Қазақстан Республикасы Президентінің Әкімшілігіне", "city": "Астана",
        "section": "Негізгі қорытындылар", "chart": "Іс-шаралар түрлері бойынша",
        "conference": "Конференциялар", "round_table": "Дөңгелек үстелдер",
        "caption": "Есепті кезеңнің іс-шаралары", "empty": "Іс-шаралар болған жоқ.",
        "event1": "«Ғылым және қоғам» конференциясы", "event2": "Экономика туралы дөңгелек үстел",
        "event3": "«Цифрлық Қазақстан» конференциясы", "almaty": "Алматы",
        "one": "іс-шара",
        "body": "{{ period.label }} ішінде {{ indicators.events_held.text }} өткізілді. "
                "Олардың тізімі төмендегі кестеде, түрлері суретте көрсетілген.",
    },
    "en": {
        "title": "Activity Report", "organization": "Name of the organization",
        "addressee": "the Administration of the President of the Republic of Kazakhstan",
        "city": "Astana", "section": "Main results", "chart": "Events by kind",
        "conference": "Conferences", "round_table": "Round tables",
        "caption": "Events of the period", "empty": "There were no events.",
        "event1": "Conference “Science and Society”", "event2": "Round table on the economy",
        "event3": "Conference “Digital Kazakhstan”", "almaty": "Almaty",
        "one": "event", "other": "events",
        "body": "In {{ period.label }}, {{ indicators.events_held.text }} were held. "
                "The table below lists them; the figure shows their kinds.",
    },
}
FORMS = ("one", "few", "many", "other")


def new_project(folder: Path, langs: list[str], year: int | None = None) -> list[Path]:
    """Write a minimal project in ``langs`` into ``folder`` (new or empty); the files written."""
    _check(folder, langs)
    year = year or dt.date.today().year
    files = {
        "report.yaml": _report(langs, year),
        f"activity/{year}.yaml": _activity(langs, year),
    }
    for i, lang in enumerate(langs):
        name = "sections/overview.md" if i == 0 else f"sections/overview.{lang}.md"
        files[name] = _section(lang)
    written = []
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text.encode("utf-8"))
        written.append(path)
    return written


def _check(folder: Path, langs: list[str]) -> None:
    known = catalog_languages()
    where = SourceLoc(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise InputError.single(where, "expected a new or empty folder: reportgen new writes a "
                                "whole project and never changes an existing one")
    if not langs:
        raise InputError.single(where, "--languages: expected at least one language")
    unknown = [lang for lang in langs if lang not in known]
    if unknown:
        raise InputError.single(where, f"--languages: no catalog for {', '.join(unknown)} "
                                f"(reportgen's languages: {', '.join(known)})")
    if len(set(langs)) != len(langs):
        raise InputError.single(where, "--languages: a language is named twice")


def _words(lang: str) -> dict[str, str]:
    """The template's words in ``lang``; English for a catalog the template has no words for."""
    return WORDS.get(lang, WORDS["en"])


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _text(langs: list[str], key: str, indent: int = 0) -> str:
    """A text of the project: one text in a one-language report, one per edition otherwise."""
    if len(langs) == 1:
        return " " + _quoted(_words(langs[0])[key])
    pad = " " * (indent + 2)
    return "".join(f"\n{pad}{lang}: {_quoted(_words(lang)[key])}" for lang in langs)


def _label(langs: list[str], indent: int) -> str:
    """The indicator's label: its plural forms, per edition when there are several."""
    def forms(lang: str, pad: str) -> str:
        words = _words(lang)
        return "".join(f"\n{pad}{f}: {words[f]}" for f in FORMS if f in words)

    pad = " " * (indent + 2)
    if len(langs) == 1:
        return forms(langs[0], pad)
    return "".join(f"\n{pad}{lang}:{forms(lang, pad + '  ')}" for lang in langs)


def _report(langs: list[str], year: int) -> str:
    several = len(langs) > 1
    editions = (f"language: {langs[0]}                         # the main language\n"
                f"languages: [{', '.join(langs)}]  # one edition each: "
                f"report-<period>.<lang>.pdf and .docx\n" if several else
                f"language: {langs[0]}                         # ru, kk or en\n")
    section = ("  - sections/overview.md                 # its other editions: "
               + ", ".join(f"overview.{lang}.md" for lang in langs[1:]) + "\n" if several
               else "  - sections/overview.md\n")
    return f"""\
# The report: what its cover says, its periods, its sections and charts.
# Every key is described in docs/project-format.md; 'reportgen schema' writes JSON Schemas
# an editor can check this file with.{" Each text is given per edition." if several else ""}
title:{_text(langs, "title")}
organization:
  name:{_text(langs, "organization", 2)}
  # short_name: ...
  # logo: assets/logo.png                # a picture of the project, on the cover
# addressee: as it stands in the cover's line ("Представляется ...")
addressee:{_text(langs, "addressee")}
city:{_text(langs, "city")}
date: {year}-12-31                       # the report's date, printed on the cover
{editions}
periods:                                 # at least one; 'reportgen build --period <id>'
  - id: "{year}"
    start: {year}-01-01
    end: {year}-12-31
    data: activity/{year}.yaml             # the default: activity/<id>.yaml

layout: default

sections:                                # in report order
{section}
# Charts are drawn from the data; a section places one with a ```{{chart}} block naming it.
charts:
  events-by-kind:
    type: bar                            # bar, hbar, stacked_bar, donut, pie, line, tiles
    title:{_text(langs, "chart", 4)}
    data:
      list: events                       # count the events ...
      group_by: kind                     # ... of each kind
      labels:
        conference:{_text(langs, "conference", 8)}
        round_table:{_text(langs, "round_table", 8)}
    # printed instead of the chart in a period without events
    empty:{_text(langs, "empty", 4)}
"""


def _activity(langs: list[str], year: int) -> str:
    events = [("conference", "event1", f"{year}-03-12", "city"),
              ("round_table", "event2", f"{year}-05-20", "almaty"),
              ("conference", "event3", f"{year}-10-02", "city")]
    items = "".join(f"""\
  - kind: {kind}
    title:{_text(langs, title, 4)}
    date: {date}
    city:{_text(langs, city, 4)}
    participants: {60 + 20 * i}
""" for i, (kind, title, date, city) in enumerate(events))
    return f"""\
# Activity data of the period {year}: the figures and lists the sections show.
# An indicator's name is yours: {{{{ indicators.events_held }}}} in a section gives its value,
# {{{{ indicators.events_held.text }}}} the value with its label in the right form.
indicators:
  events_held:
    value: 3
    label:                     # by plural category, so that it agrees with the value{_label(langs, 4)}

# Events may also come from a spreadsheet:
#   events: {{from: ../lists/events.xlsx, sheet: Events}}
# (see "Lists from spreadsheets" in docs/project-format.md).
events:
{items}
memoranda: []
"""


def _section(lang: str) -> str:
    words = _words(lang)
    return f"""\
---
title: {_quoted(words["section"])}
---

{words["body"]}

```{{chart}}
events-by-kind
```

```{{table}}
data: events
sort: date
columns: [n, title, date, city, participants]
caption: {_quoted(words["caption"])}
empty: {_quoted(words["empty"])}
```
"""
