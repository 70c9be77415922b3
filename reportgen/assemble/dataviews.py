"""Assemble stage: the data of one period as the narrative's expressions see it.

Read-only views of the activity data (``indicators.x`` is a ``Count``: ``{{ x }}`` prints
the formatted number, ``x.label`` the word that agrees with it, ``x.text`` both), the
period (``PeriodView``), and the filters the expressions' sandbox offers (``number``,
``plural``, ``where``, ``date``). Numbers and dates are formatted with Babel for the
edition's locale (``text.formats``). ``expressions`` renders the texts with them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from reportgen.load.editions import period_text
from reportgen.load.schema import ActivityData, Breakdown, Indicator, Part
from reportgen.text.formats import (
    NBSP,
    choose_form,
    format_date,
    format_date_range,
    format_number,
    plural_categories,
    same,
)


@dataclass(frozen=True, slots=True)
class Count:
    """A counted thing as the narrative sees it: ``{{ x }}`` prints the formatted number."""

    value: float | int
    forms: str | Mapping[str, str]
    lang: str
    unit: str | None = None

    def __str__(self) -> str:
        return format_number(self.value, self.lang) + (f"{NBSP}{self.unit}" if self.unit else "")

    def __int__(self) -> int:
        return int(self.value)

    def __float__(self) -> float:
        return float(self.value)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Count):
            return self.value == other.value
        return bool(self.value == other)

    def __hash__(self) -> int:
        return hash(self.value)

    @property
    def label(self) -> str:
        """The label in the form that agrees with the value."""
        return choose_form(self.forms, self.value, self.lang)

    @property
    def text(self) -> str:
        """Number and agreeing label: '23 информационно-аналитических материала'."""
        return f"{self}{NBSP}{self.label}"


@dataclass(frozen=True, slots=True)
class BreakdownView:
    total: Count
    parts: Mapping[str, Count]

    def __str__(self) -> str:
        return str(self.total)

    @property
    def value(self) -> float | int:
        return self.total.value

    @property
    def label(self) -> str:
        return self.total.label

    @property
    def text(self) -> str:
        return self.total.text


def indicator_view(ind: Indicator | Part, lang: str) -> Count:
    return Count(ind.value, ind.label, lang, getattr(ind, "unit", None))


def breakdown_view(b: Breakdown, lang: str) -> BreakdownView:
    return BreakdownView(
        Count(b.total, b.label, lang),
        {k: indicator_view(p, lang) for k, p in b.parts.items()},
    )


@dataclass(frozen=True, slots=True)
class PeriodView:
    """The period being built, as the narrative sees it (``{{ period.label }}``)."""

    id: str
    start: dt.date
    end: dt.date
    label: str  # in the edition's language, written or made from the dates

    def __str__(self) -> str:
        return self.label


def data_context(data: ActivityData, period: PeriodView, lang: str, report: Any) -> dict[str, Any]:
    """The names a narrative expression can use for one period."""
    periods = list(getattr(report, "periods", []))
    index = next((i for i, p in enumerate(periods) if p.id == period.id), 0)
    previous = None
    if index > 0:
        before = periods[index - 1]
        previous = PeriodView(before.id, before.start, before.end, period_text(before, lang))
    return {
        "indicators": {k: indicator_view(v, lang) for k, v in data.indicators.items()},
        "breakdowns": {k: breakdown_view(v, lang) for k, v in data.breakdowns.items()},
        "events": list(data.events),
        "memoranda": list(data.memoranda),
        "extra": dict(data.extra),
        "period": period,
        # The period before this one in report.yaml (None for the first): what
        # 'compare: previous' compares with, so a text can say so or leave it out.
        "previous_period": previous,
        "report": report,
    }


# ------------------------------------------------------------------ filters


def number_filter(value: Any, lang: str) -> str:
    if isinstance(value, Count | BreakdownView):
        return str(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"number: expected a number, got {value!r}")
    return format_number(value, lang)


def plural_filter(value: Any, lang: str, *forms: str, **by_category: str) -> str:
    """``{{ n | plural(one='материал', few='материала', many='материалов') }}`` → '23 материала'.

    Positional forms are taken in the order of the locale's categories (ru: one, few, many).
    """
    number = value.value if isinstance(value, Count | BreakdownView) else value
    if isinstance(number, bool) or not isinstance(number, int | float):
        raise ValueError(f"plural: expected a number, got {value!r}")
    table: dict[str, str] = dict(by_category)
    if len(forms) == 1 and not by_category:
        table["other"] = forms[0]  # one word for every number ('интервью')
    elif forms:
        table.update(zip(plural_categories(lang), forms, strict=False))
    return f"{number_filter(number, lang)}{NBSP}{choose_form(table, number, lang)}"


def where_filter(items: Iterable[Any], **conditions: Any) -> list[Any]:
    """``{{ events | where(kind='conference') | length }}``; a text of the data matches by its
    key too (``where(country='Казахстан')`` in every edition)."""
    return [i for i in items if all(same(getattr(i, k, None), v) for k, v in conditions.items())]


def date_filter(value: Any, lang: str, end: Any = None) -> str:
    """``{{ e.date | date }}`` → '21 сентября 2018 года'; ``{{ e.date | date(e.end) }}`` → a range."""
    if not isinstance(value, dt.date):
        raise ValueError(f"date: expected a date, got {value!r}")
    if end is None:
        return format_date(value, lang)
    if not isinstance(end, dt.date):
        raise ValueError(f"date: expected an end date, got {end!r}")
    return format_date_range(value, end, lang)
