"""Generate a report project with one long list table, for the memory benchmark.

    python tools/make_memory_project.py OUT [--rows 1200] [--pages 160] [--sample data]

OUT is the large project of tools/make_large_project.py (the sample's sections in
rounds, all its editions) with ROWS generated events added to the default period's
activity file and an appendix («Реестр мероприятий») whose one table lists them
all, grouped by month: № , title, dates, city, country, participants. The rounds
of sections are as many as make the Russian edition about PAGES pages together
with a table of 1,200 rows; a project with more rows has the same sections and a
longer table (5,000 rows: the same narrative, some 150 pages more of table). The
same arguments give the same bytes. Generated for `tools/bench.py --cases memory`,
never committed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
from pathlib import Path

import yaml
from make_large_project import SAMPLE, make_project

#: Rows of the register a page holds in the Russian edition (measured: 1,200 rows take
#: 56 pages of A4 with the default layout).
ROWS_PER_PAGE = 21
#: The row count the narrative's length is chosen for (the issue's 1,200-row case).
BASE_ROWS = 1200
#: The period the events fall in (the sample's default, 2018-9m) and its activity file.
PERIOD = (dt.date(2018, 1, 1), dt.date(2018, 9, 30))
ACTIVITY = "activity/2018-9m.yaml"
APPENDIX = "appendices/register.md"

#: Kinds the sample's charts and narrative do not count (they filter on their own kinds).
KINDS = {
    "seminar": "Семинар по {}",
    "lecture": "Лекция по {}",
    "training": "Тренинг по {}",
    "workshop": "Рабочее совещание по {}",
}
TOPICS = [
    "налоговой политике", "рынку труда", "цифровой экономике", "водным ресурсам",
    "аграрному сектору", "инфляционным ожиданиям", "курсу тенге", "энергетической безопасности",
    "региональной интеграции", "транспортным коридорам Евразии", "зелёной экономике",
    "государственно-частному партнёрству",
]
#: City, country, how often (in 100).
PLACES = [
    ("Алматы", "Казахстан", 35), ("Астана", "Казахстан", 30), ("Шымкент", "Казахстан", 10),
    ("Караганда", "Казахстан", 8), ("Актобе", "Казахстан", 5), ("Усть-Каменогорск", "Казахстан", 4),
    ("Бишкек", "Киргизия", 3), ("Ташкент", "Узбекистан", 3), ("Баку", "Азербайджан", 1),
    ("Берлин", "Германия", 1),
]

REGISTER = """---
title: Реестр мероприятий
id: app-register
---

Все семинары, лекции, тренинги и рабочие совещания периода, по месяцам.

```{table}
data: events
filter:
  kind: [seminar, lecture, training, workshop]
group_by: month
sort: date
columns:
  - n
  - {field: title, title: Тема}
  - date
  - city
  - country
  - participants
caption: Реестр мероприятий
id: tab-register
```
"""


def events(rows: int) -> list[dict[str, object]]:
    """``rows`` events in the period, each (kind, title, dates, city) once; the same every time."""
    rnd = random.Random(rows)
    places = [p for p in PLACES for _ in range(p[2])]
    days = (PERIOD[1] - PERIOD[0]).days
    seen: set[tuple[object, ...]] = set()
    made: list[dict[str, object]] = []
    while len(made) < rows:
        kind = rnd.choice(list(KINDS))
        topic = rnd.choice(TOPICS)
        city, country, _ = rnd.choice(places)
        day = PERIOD[0] + dt.timedelta(days=rnd.randrange(days - 2))
        key = (kind, topic, city, day)
        if key in seen or day.weekday() >= 5:
            continue
        seen.add(key)
        event: dict[str, object] = {"kind": kind, "title": KINDS[kind].format(topic),
                                    "date": day}
        if rnd.random() < 0.15:
            event["end"] = day + dt.timedelta(days=rnd.choice((1, 2)))
        event.update(city=city, country=country, participants=rnd.randrange(12, 400))
        made.append(event)
    return sorted(made, key=lambda e: (str(e["date"]), str(e["kind"]), str(e["title"])))


def add_events(activity: Path, rows: int) -> None:
    """Append the generated events to the ``events:`` list of ``activity`` (kept as written:
    its comments and the sample's own events stay)."""
    text = activity.read_text(encoding="utf-8")
    items = yaml.safe_dump(events(rows), allow_unicode=True, sort_keys=False, width=200)
    block = "".join(f"  {line}\n" for line in items.splitlines())
    found = re.search(r"(?m)^events:\n(?:(?:  .*|#.*|)\n)*", text)
    if found is None:
        raise SystemExit(f"{activity}: no events: list to add to")
    end = found.end()
    activity.write_text(text[:end] + block + text[end:], encoding="utf-8")


def add_appendix(out: Path) -> None:
    """The register as the last appendix, one file for every edition (it is in Russian)."""
    (out / APPENDIX).write_text(REGISTER, encoding="utf-8")
    report = out / "report.yaml"
    lines = report.read_text(encoding="utf-8").splitlines()
    last = max(i for i, line in enumerate(lines) if line.startswith("  - {id: app-"))
    lines.insert(last + 1, f"  - {{id: app-register, ru: {APPENDIX}, kk: {APPENDIX}, "
                           f"en: {APPENDIX}}}")
    report.write_text("\n".join(lines) + "\n", encoding="utf-8")


def make_memory_project(out: Path, rows: int = BASE_ROWS, pages: int = 160,
                        sample: Path = SAMPLE) -> None:
    """Write the project into ``out`` (which must not exist)."""
    table_pages = -(-BASE_ROWS // ROWS_PER_PAGE)
    narrative = max(1, pages - table_pages)
    # make_large_project rounds its page count up to whole rounds of the sample's sections.
    make_project(out, narrative, sample)
    add_events(out / ACTIVITY, rows)
    add_appendix(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to create")
    parser.add_argument("--rows", type=int, default=BASE_ROWS, help="rows of the register")
    parser.add_argument("--pages", type=int, default=160,
                        help="about how many pages with a 1,200-row register")
    parser.add_argument("--sample", type=Path, default=SAMPLE, help="project to repeat")
    args = parser.parse_args()
    if args.out.exists():
        parser.error(f"{args.out} exists; give a new folder")
    make_memory_project(args.out, args.rows, args.pages, args.sample)
    print(f"wrote {args.out}: {args.rows} rows in its register")


if __name__ == "__main__":
    main()
