"""Check stage (release gate): dates typed in the narrative, against the period reported on.

A report about January–September 2018 that tells of 10 December 2021 carries a
text about another period (an article pasted from a later year). Dates are
found in the typed prose (``typed``) in the forms the editions write them:
«4 июля 2018 г.», «21–22 сентября 2018 года», «в марте 2012 года», «в 2021
году», «2018 жылғы 4 шілдеде», «2012 жылғы наурызда», «2021 жылы», "4 July
2018", "December 10, 2021", "July 2018", "in 2021", 2018-07-04, 04.07.2018.

The margins (docs/project-format.md, "Release gate"):

- nothing after the period's last day: not a day, a month or a year that begins
  after it (plans for next year are said so on purpose: ``dates-ok``);
- a day more than a year before the period's first day is another period's
  event; a month or a year alone, however early, is context (a comparison with
  2017, the year the organization was founded) and passes.

A date counts only if the edition prints it: a date typed in a part that a
``{% if %}`` leaves out of this period's report is not reported. A paragraph
that carries ``{# reportgen: dates-ok #}`` is right on purpose. Records
warnings; never changes the document.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from reportgen.check.glyphs import document_texts
from reportgen.check.typed import Typed
from reportgen.errors import Problems
from reportgen.load.schema import Period
from reportgen.model import nodes as m
from reportgen.recent import recent

MARK = "dates-ok"

_RU = (r"(?P<mon>январ[ьяею]|феврал[ьяею]|марта?|марте|апрел[ьяею]|ма[йяею]|июн[ьяею]|"
       r"июл[ьяею]|августа?|августе|сентябр[ьяею]|октябр[ьяею]|ноябр[ьяею]|декабр[ьяею])")
_KK = (r"(?P<mon>қаңтар|ақпан|наурыз|сәуір|мамыр|маусым|шілде|тамыз|қыркүйек|қазан|қараша|"
       r"желтоқсан)[а-яәғқңөұүһі]*")
_EN = (r"(?P<mon>(?-i:January|February|March|April|May|June|July|August|September|October|"
       r"November|December))")
#: A month's number by the beginning its names share in Russian, Kazakh and English.
_MONTHS = {
    **{stem: i for i, stem in enumerate(["январ", "феврал", "март", "апрел", "ма", "июн", "июл",
                                         "август", "сентябр", "октябр", "ноябр", "декабр"], 1)},
    **{name: i for i, name in enumerate(["қаңтар", "ақпан", "наурыз", "сәуір", "мамыр",
                                         "маусым", "шілде", "тамыз", "қыркүйек", "қазан",
                                         "қараша", "желтоқсан"], 1)},
    **{name.lower(): i for i, name in enumerate(calendar.month_name) if name},
}
_D = r"(?P<d1>\d{1,2})(?:\s*[-–—]\s*(?P<d2>\d{1,2}))?"
_Y = r"(?P<y>(?:19|20)\d\d)"
_Y2 = r"(?:\s*[-–—]\s*(?P<y2>(?:19|20)\d\d))?"
_END = r"(?![\d\w])"
_YEAR = re.compile(r"(?:19|20)\d\d")
#: (precision, pattern), the most precise first: a day's words are not read again as a month.
_PATTERNS = [(precision, re.compile(pattern, re.I)) for precision, pattern in [
    ("day", rf"(?<![\d\w]){_D}\s+{_RU}\s+{_Y}(?!\d)"),
    ("day", rf"(?<![\d\w]){_Y}\s+жылғы\s+{_D}\s+{_KK}"),
    ("day", rf"(?<![\d\w]){_D}\s+{_EN},?\s+{_Y}{_END}"),
    ("day", rf"(?<![\d\w]){_EN}\s+{_D},?\s+{_Y}{_END}"),
    ("day", rf"(?<![\w./-]){_Y}-(?P<m>\d\d)-(?P<d1>\d\d)(?![\w/-])"),
    ("day", rf"(?<![\w.])(?P<d1>\d{{1,2}})\.(?P<m>\d\d)\.{_Y}(?!\w|\.\d)"),
    ("month", rf"(?<![\d\w]){_RU}\s+{_Y}(?!\d)"),
    ("month", rf"(?<![\d\w]){_Y}\s+жылғы\s+{_KK}"),
    ("month", rf"(?<![\d\w]){_EN}\s+{_Y}{_END}"),
    ("year", rf"(?<![\d\w.,]){_Y}{_Y2}(?:-?[а-я]{{1,2}})?\s*(?:год[а-я]*|гг?\.)"),
    ("year", rf"(?<![\d\w.,]){_Y}{_Y2}\s*(?:жыл[а-яәғқңөұүһі]*|ж\.)"),
    ("year", rf"(?<![\w])(?:in|since|until|till|by|during|from|before|after|through)\s+"
             rf"{_Y}{_Y2}(?![\d\w]|[.,]\d)"),
]]


@dataclass(frozen=True, slots=True)
class Found:
    """A date written in a text: where, as written, and the days it stands for."""

    start: int
    end: int
    first: dt.date
    last: dt.date
    precision: str  # day, month or year

    @property
    def days(self) -> tuple[dt.date, dt.date, str]:
        return self.first, self.last, self.precision


@recent(maxsize=4096)
def find_dates(text: str) -> tuple[Found, ...]:
    """Every date of ``text``, in order of the patterns (a day before a month before a year).
    Memoized: the preview checks an edition again after each save, most texts unchanged."""
    return tuple(_find_dates(text))


def _find_dates(text: str) -> Iterator[Found]:
    if not _YEAR.search(text):
        return
    taken: list[tuple[int, int]] = []
    for precision, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            if any(match.start() < e and s < match.end() for s, e in taken):
                continue
            found = _read(match, precision)
            if found is not None:
                taken.append((match.start(), match.end()))
                yield found


def _read(match: re.Match[str], precision: str) -> Found | None:
    groups = match.groupdict()
    year = int(groups["y"])
    try:
        if precision == "year":
            return Found(match.start(), match.end(), dt.date(year, 1, 1),
                         dt.date(int(groups.get("y2") or year), 12, 31), precision)
        month = int(groups["m"]) if groups.get("m") else _month(groups["mon"])
        if precision == "month":
            last = calendar.monthrange(year, month)[1]
            return Found(match.start(), match.end(), dt.date(year, month, 1),
                         dt.date(year, month, last), precision)
        first = int(groups["d1"])
        return Found(match.start(), match.end(), dt.date(year, month, first),
                     dt.date(year, month, int(groups.get("d2") or first)), precision)
    except ValueError:  # 31 June, month 13, 22–21: not a date
        return None


def _month(word: str) -> int:
    word = word.lower()
    for length in range(len(word), 1, -1):
        if word[:length] in _MONTHS:
            return _MONTHS[word[:length]]
    raise ValueError(word)


def earliest_day(period: Period) -> dt.date:
    """The first day of the margin before the period: a year before its start."""
    start = period.start
    return start.replace(year=start.year - 1, day=28 if (start.month, start.day) == (2, 29)
                         else start.day)


def check_dates(texts: Iterable[Typed], doc: m.Document, period: Period,
                problems: Problems) -> None:
    """Dates outside ``period`` (beyond the margins) in the typed prose that ``doc`` prints."""
    printed = _printed(doc)
    earliest = earliest_day(period)
    for typed in texts:
        allowed = [typed.paragraph(at) for at, _ in typed.markers(MARK)]
        for found in find_dates(typed.prose):
            if found.days not in printed.get(typed.file, set()):
                continue  # not in this period's report (an {% if %} left it out)
            if any(s <= found.start < e for s, e in allowed):
                continue
            quoted = " ".join(typed.text[found.start:found.end].split())
            if found.first > period.end:
                problems.warning(typed.loc(found.start), (
                    f"'{quoted}' is after the period, which ends on {period.end}: is this text "
                    f"about another period? (if the date is right here, put "
                    f"{{# reportgen: {MARK} #}} in its paragraph)"))
            elif found.precision == "day" and found.last < earliest:
                problems.warning(typed.loc(found.start), (
                    f"'{quoted}' is more than a year before the period, which starts on "
                    f"{period.start}: is this text about another period? (if the date is right "
                    f"here, put {{# reportgen: {MARK} #}} in its paragraph)"))


def _printed(doc: m.Document) -> dict[Path, set[tuple[dt.date, dt.date, str]]]:
    """The dates each section's printed text shows, by the file it comes from."""
    out: dict[Path, set[tuple[dt.date, dt.date, str]]] = defaultdict(set)
    for text, loc in document_texts(doc):
        if loc is not None and text:
            out[loc.file].update(found.days for found in find_dates(text))
    return out
