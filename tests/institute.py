"""The institute: a second sample project (tests/fixtures/institute/), with its workbook of
about 1,200 events written here, the same bytes every time (``make_institute``)."""

from __future__ import annotations

import datetime as dt
import random
import shutil
from pathlib import Path

import xlsxwriter

FIXTURE = Path(__file__).parent / "fixtures" / "institute"
EVENTS = 1200
#: (kk, ru, en) of the topics, the ru one in the dative ('по налоговой политике').
TOPICS = [
    ("салық саясаты", "налоговой политике", "tax policy"),
    ("еңбек нарығы", "рынку труда", "the labour market"),
    ("цифрлық экономика", "цифровой экономике", "the digital economy"),
    ("су ресурстары", "водным ресурсам", "water resources"),
    ("аграрлық сектор", "аграрному сектору", "the agrarian sector"),
    ("инфляция", "инфляции", "inflation"),
    ("теңге бағамы (₸)", "курсу тенге (₸)", "the tenge (₸) exchange rate"),
]
KINDS = {
    "seminar": ("{} бойынша семинар", "Семинар по {}", "Seminar on {}"),
    "round_table": ("{} бойынша дөңгелек үстел", "Круглый стол по {}", "Round table on {}"),
    "conference": ("{} бойынша конференция", "Конференция по {}", "Conference on {}"),
    "lecture": ("{} туралы дәріс", "Лекция по {}", "Lecture on {}"),
    "training": ("{} бойынша тренинг", "Тренинг по {}", "Training on {}"),
}
#: City (kk, ru, en), country (kk, ru, en), how often (in 100).
PLACES = [
    (("Алматы", "Алматы", "Almaty"), ("Қазақстан", "Казахстан", "Kazakhstan"), 45),
    (("Астана", "Астана", "Astana"), ("Қазақстан", "Казахстан", "Kazakhstan"), 30),
    (("Шымкент", "Шымкент", "Shymkent"), ("Қазақстан", "Казахстан", "Kazakhstan"), 11),
    (("Қарағанды", "Караганда", "Karaganda"), ("Қазақстан", "Казахстан", "Kazakhstan"), 10),
    (("Баку", "Баку", "Baku"), ("Әзірбайжан", "Азербайджан", "Azerbaijan"), 2),
    (("Ташкент", "Ташкент", "Tashkent"), ("Өзбекстан", "Узбекистан", "Uzbekistan"), 1),
    (("Берлин", "Берлин", "Berlin"), ("Германия", "Германия", "Germany"), 1),
]
HEAD = ["Вид", "Название.kk", "Название.ru", "Название.en", "Дата", "Город.kk", "Город.ru",
        "Город.en", "Страна.kk", "Страна.ru", "Страна.en", "Участники", "participants_over",
        "Онлайн", "Примечание"]


def events(count: int = EVENTS, year: int = 2024) -> list[list[object]]:
    """The rows of the workbook: no two events of the same kind, title, day and city."""
    rnd = random.Random(21)
    places = [p for p in PLACES for _ in range(p[2])]
    seen: set[tuple[object, ...]] = set()
    rows: list[list[object]] = []
    while len(rows) < count:
        kind = rnd.choice(list(KINDS))
        topic = rnd.choice(TOPICS)
        city, country, _ = rnd.choice(places)
        day = dt.date(year, 1, 1) + dt.timedelta(days=rnd.randrange(366))
        key = (kind, topic, city, day)
        if key in seen or day.weekday() >= 5:
            continue
        seen.add(key)
        titles = [pattern.format(t) for pattern, t in zip(KINDS[kind], topic, strict=True)]
        titles = [t[0].upper() + t[1:] for t in titles]
        participants = rnd.randrange(15, 300)
        rows.append([kind, *titles, day, *city, *country, participants,
                     "да" if participants > 250 else None, "нет",
                     "уточнить" if rnd.random() < 0.05 else None])
    return sorted(rows, key=lambda r: (str(r[4]), str(r[0]), str(r[2])))


def write_workbook(path: Path, rows: list[list[object]]) -> None:
    book = xlsxwriter.Workbook(path)
    book.set_properties({"created": dt.datetime(2025, 1, 10)})  # the same bytes every time
    sheet = book.add_worksheet("Мероприятия")
    title = book.add_format({"bold": True})
    dates = book.add_format({"num_format": "dd.mm.yyyy"})
    sheet.write(0, 0, "Перечень мероприятий института «Дала», 2024 год", title)
    sheet.write_row(1, 0, HEAD, title)
    for r, row in enumerate(rows, 2):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                if r % 10 == 0:  # some dates typed as text, as offices do
                    sheet.write_string(r, c, value.strftime("%d.%m.%Y"))
                else:
                    sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), dates)
            elif c == 11 and r % 7 == 0:  # a formula, saved with its value
                sheet.write_formula(r, c, f"={value}-0", None, value)
            elif value is not None:
                sheet.write(r, c, value)
    book.close()


def make_institute(root: Path) -> Path:
    """The institute project in ``root``, its workbook written."""
    shutil.copytree(FIXTURE, root)
    write_workbook(root / "lists" / "events-2024.xlsx", events())
    return root
