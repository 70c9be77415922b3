"""Assemble stage: numbers, dates and count agreement as each edition's language writes them.

Numbers and plural categories come from Babel's CLDR data; date wording comes
from the message catalogs' patterns (``date``, ``date_range_days``, ...) with
Babel's month names. Where CLDR is not what an editor writes, it is corrected
here, each correction with its reason:

- digit groups are separated by a NARROW NO-BREAK SPACE (U+202F) wherever the
  locale groups with a space (CLDR gives ru and kk U+00A0): the thin space
  Russian and Kazakh typesetting use, and which cannot break a number;
- Kazakh stand-alone month names are capitalized in CLDR ('Қыркүйек'), but
  Kazakh writes month names in lower case in running text ('2018 жылғы
  қаңтар–қыркүйек'), so the lower-case format names are used;
- CLDR's dates abbreviate 'г.'/'ж.' ('21 сентября 2018 г.'); official texts
  write 'года' and 'жылғы' in full: the catalogs' patterns say so;
- a percentage is written '56 %' in ru and kk, the sign after a NARROW NO-BREAK
  SPACE: CLDR gives ru U+00A0 and kk no space at all ('56%'), but Kazakh official
  texts follow the Russian rule (GOST 8.417: a space between a number and its
  unit), and the thin space is the one the digit groups use; en keeps '56%'.

A text of the data knows the language it is written in (``Said``), and so do a
label's plural forms (``Forms``): a number agrees with a label by the rules of
the label's language, whichever edition shows it.

Nothing here knows about documents or writers.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Literal

from babel import Locale
from babel.dates import get_month_names
from babel.numbers import format_decimal, get_group_symbol

from reportgen.text.strings import strings_for

NBSP = "\u00a0"
NNBSP = "\u202f"  # NARROW NO-BREAK SPACE: between digit groups
_SPACES = {" ", NBSP, NNBSP}

#: Languages whose nouns stay singular after a numeral (Turkic: 'бес кітап', 'five book'):
#: the singular ('one') form serves every number unless the data gives another.
SINGULAR_AFTER_NUMERALS = {"kk", "ky", "tr", "tt", "ba", "uz", "az"}


def format_number(value: float | int, lang: str, pattern: str | None = None) -> str:
    """A number as the locale writes it: '1 004' (U+202F) in ru and kk, '1,004' in en.

    ``pattern`` is a Babel number pattern ('#,##0.0') for a fixed number of decimals.
    """
    text = format_decimal(value, format=pattern, locale=lang)
    group = get_group_symbol(lang)
    if group in _SPACES:
        text = text.replace(group, NNBSP)
    return text


#: Languages that write a space before the percent sign though CLDR gives none (kk: '56%').
SPACED_PERCENT = {"kk"}


def _spaced_percent(lang: str) -> bool:
    """Whether ``lang`` writes a space between a number and its percent sign ('56 %')."""
    locale = Locale.parse(lang)
    pattern = locale.percent_formats[None].pattern
    return locale.language in SPACED_PERCENT or bool(re.search(r"[\s\u00a0\u202f]%", pattern))


def format_percent(share: float, lang: str, decimals: int = 0) -> str:
    """A share of a whole (0.568) as a percentage the locale writes, with ``decimals``
    digits after the decimal sign: '56,8 %' (U+202F before the sign) in ru and kk, '56.8%'
    in en."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    number = format_number(share * 100, lang, pattern)
    return number + (NNBSP if _spaced_percent(lang) else "") + "%"


def share_decimals(values: Sequence[float | int]) -> int:
    """The one precision that the shares of ``values`` in their sum are written with: whole
    percents when every share is a whole percent, else one decimal (two where a share that
    is not zero would read '0,0 %'); never a mix of '56 %' and '32,8 %' in one chart."""
    total = sum(values)
    if total <= 0:
        return 0
    shares = [v / total * 100 for v in values]
    if all(abs(s - round(s)) < 1e-9 for s in shares):
        return 0
    if any(0 < s < 0.05 for s in shares):
        return 2
    return 1


def format_shares(values: Sequence[float | int], lang: str) -> list[str]:
    """The shares of ``values`` in their sum, as percentages with one precision
    (``share_decimals``): '69,6 %', '18,4 %', '12,0 %'."""
    total = sum(values)
    decimals = share_decimals(values)
    return [format_percent(v / total if total else 0.0, lang, decimals) for v in values]


# ------------------------------------------------------------ texts in a language


class Said(str):
    """A text as an edition shows it, with the language it is written in (``lang``) and a
    ``key`` that is the same in every edition (the text in the report's main language): what
    filters, highlights and comparisons match (``e.country.key != 'Казахстан'``)."""

    lang: str
    key: str

    def __new__(cls, text: str, lang: str = "", key: str | None = None) -> Said:
        said = super().__new__(cls, text)
        said.lang = lang
        said.key = str(text) if key is None else key
        return said


class Forms(dict[str, str]):
    """A label's forms by plural category (one, few, many, other), in the language ``lang``:
    the language whose rules decide which form a number takes."""

    def __init__(self, forms: Mapping[str, str], lang: str) -> None:
        super().__init__(forms)
        self.lang = lang


def same(value: object, wanted: object) -> bool:
    """Whether a value of the data is ``wanted``: equal to it, or a text whose key is."""
    return value == wanted or isinstance(value, Said) and value.key == wanted


# ------------------------------------------------------------------ plurals


def plural_category(value: float | int, lang: str) -> str:
    """The CLDR plural category of ``value`` in ``lang``: one, few, many or other (ru: 21 → one)."""
    return str(Locale.parse(lang).plural_form(value))


def plural_categories(lang: str) -> list[str]:
    """The categories of ``lang`` in CLDR order (ru: one, few, many, other)."""
    tags = Locale.parse(lang).plural_form.tags | {"other"}
    return [c for c in ("zero", "one", "two", "few", "many", "other") if c in tags]


def choose_form(forms: str | Mapping[str, str], value: float | int, lang: str) -> str:
    """The form of a label that agrees with ``value``; a plain string agrees with anything.

    ``Forms`` agree by the rules of their own language, other mappings by those of ``lang``.
    A missing category falls back to 'other' (CLDR's catch-all), and in languages that keep
    the singular after numerals, to 'one'. Anything else is an error naming what to add.
    """
    if isinstance(forms, str):
        return forms
    if isinstance(forms, Forms) and forms.lang:
        lang = forms.lang
    category = plural_category(value, lang)
    fallbacks = [category, "other"]
    if lang in SINGULAR_AFTER_NUMERALS:
        fallbacks.append("one")
    for key in fallbacks:
        if key in forms:
            return forms[key]
    wanted = f"{category}: …" + (" or other: …" if category != "other" else "")
    raise ValueError(f"no {lang} form for {value} (plural category '{category}'): add "
                     f"{wanted} (given: {', '.join(forms) or 'none'})")


# -------------------------------------------------------------------- dates


def _months(lang: str, context: Literal["format", "stand-alone"]) -> dict[int, str]:
    names = {int(k): str(v) for k, v in get_month_names("wide", context, locale=lang).items()}
    if context == "stand-alone" and lang == "kk":
        # CLDR capitalizes them; Kazakh text writes month names in lower case.
        names = {k: v.lower() for k, v in names.items()}
    return names


def _bind(text: str) -> str:
    """No line break next to a number inside a date ('21 сентября', '2018 года'), nor before
    a dash; a range may break after its dash, between its two dates."""
    return re.sub(r"(?<=\d) |(?<![–—]) (?=\d)| (?=[–—])", NBSP, text)


def _fill(lang: str, key: str, **fields: object) -> str:
    return _bind(strings_for(lang)[key].format(**fields))


def format_date(day: dt.date, lang: str) -> str:
    """'21 сентября 2018 года', '2018 жылғы 21 қыркүйек', '21 September 2018'."""
    return _fill(lang, "date", day=day.day, month=_months(lang, "format")[day.month],
                 year=day.year)


def format_date_range(start: dt.date, end: dt.date, lang: str) -> str:
    """'21–22 сентября 2018 года', '2018 жылғы 21–22 қыркүйек', '21–22 September 2018'."""
    if start == end:
        return format_date(start, lang)
    months = _months(lang, "format")
    if start.year != end.year:
        return _fill(lang, "range", start=format_date(start, lang), end=format_date(end, lang))
    if start.month != end.month:
        return _fill(lang, "date_range_months", day1=start.day, month1=months[start.month],
                     day2=end.day, month2=months[end.month], year=start.year)
    return _fill(lang, "date_range_days", day1=start.day, day2=end.day,
                 month=months[start.month], year=start.year)


def _first_of_month(day: dt.date) -> bool:
    return day.day == 1


def _last_of_month(day: dt.date) -> bool:
    return (day + dt.timedelta(days=1)).day == 1


def format_month(day: dt.date, lang: str) -> str:
    """A whole month: 'сентябрь 2018 года', '2018 жылғы қыркүйек', 'September 2018'."""
    return _fill(lang, "month", month=_months(lang, "stand-alone")[day.month], year=day.year)


def period_label(start: dt.date, end: dt.date, lang: str) -> str:
    """The label of a reporting period from its dates.

    Whole months give 'январь–сентябрь 2018 года' / '2018 жылғы қаңтар–қыркүйек' /
    'January–September 2018', a whole year '2018 год'; other periods are date ranges.
    """
    if not (_first_of_month(start) and _last_of_month(end)):
        return format_date_range(start, end, lang)
    if start.year != end.year:
        return _fill(lang, "range", start=format_month(start, lang), end=format_month(end, lang))
    if start.month == 1 and end.month == 12:
        return _fill(lang, "year", year=start.year)
    if start.month == end.month:
        return format_month(start, lang)
    months = _months(lang, "stand-alone")
    return _fill(lang, "month_range", month1=months[start.month], month2=months[end.month],
                 year=start.year)
