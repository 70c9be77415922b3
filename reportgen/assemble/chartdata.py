"""Assemble stage: a chart spec + the activity data -> the numbers a chart shows.

Resolves what a spec names (indicators, breakdown parts, list items grouped by
a field, a mapping under ``extra``), per period for trends, into categories
and series of numbers. A category or series is named by the chart's own
``labels:`` first, by the data's label (in the form its value takes) only
where the chart names none. List items are grouped by their key (a text's
main-language text, the same in every edition) and shown by the edition's text;
an online event is in no city. Every problem is reported at the spec's or the
data's file:line. Nothing here draws or knows about matplotlib.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from babel.dates import format_date

from reportgen.errors import Problems, SourceLoc, did_you_mean
from reportgen.load.editions import period_text
from reportgen.load.schema import ActivityData, ChartData, ChartSpec, Event, Memorandum, Period
from reportgen.load.yamlsrc import Path_, dotted
from reportgen.text.formats import Said, choose_form, same

#: Fields of the built-in lists that can group items.
LIST_FIELDS = {
    "events": [*Event.model_fields, "month", "year"],
    "memoranda": [*Memorandum.model_fields, "month", "year"],
}


@dataclass(frozen=True, slots=True)
class Point:
    key: str
    label: str | Mapping[str, str]  # a text, or a label's forms (the one ``value`` takes)
    value: float | int
    #: Where a label with forms is written: its period and path in the period's data.
    source: tuple[Period, Path_] | None = None


@dataclass(frozen=True, slots=True)
class Table:
    """What a chart shows: named categories and one or more series of values."""

    keys: tuple[str, ...]
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[float | int, ...]], ...]
    highlight: tuple[int, ...] = ()


class Failed(Exception):
    """Resolution stopped; the problem is already recorded."""


@dataclass
class Source:
    """The data a chart can draw on: the period being built, and the others for trends."""

    periods: Sequence[Period]
    current: Period
    data_of: Callable[[Period], ActivityData | None]
    #: Location of a value in a period's data file (for errors about data values).
    data_loc: Callable[[Period, Path_], SourceLoc]
    lang: str
    unspecified: str  # the group of items lacking the grouping field ("не указано")


class Resolver:
    def __init__(self, source: Source, problems: Problems) -> None:
        self.source = source
        self.problems = problems

    def table(self, spec: ChartSpec, loc: Callable[[Path_], SourceLoc],
              labels: Mapping[str, str]) -> Table | None:
        """The resolved table of ``spec``, its categories and series named by ``labels`` (the
        chart's own, as the edition shows them) where they say; None (with problems recorded)
        if it cannot be made."""
        try:
            table = self._table(spec.data, loc, labels)
            table = _sorted(table, spec.sort)
            return self._highlight(table, spec, loc)
        except Failed:
            return None

    # ----------------------------------------------------------------- shapes
    def _table(self, data: ChartData, loc: Callable[[Path_], SourceLoc],
               labels: Mapping[str, str]) -> Table:
        def named(point: Point) -> str:
            return labels.get(point.key) or self._label(point)

        if not data.across:
            points = self._points(data, self.source.current, loc)
            if not points:  # nothing to draw: the chart says so (its 'empty' text, or a warning)
                return Table((), (), ())
            categories = tuple(named(p) for p in points)
            name = categories[0] if len(points) == 1 else ""
            return Table(tuple(p.key for p in points), categories,
                         ((name, tuple(p.value for p in points)),))
        periods = self._trend_periods(data, loc)
        per_period = [self._points(data, p, loc) for p in periods]
        keys = tuple(p.id for p in periods)
        categories = tuple(labels.get(p.id) or period_text(p, self.source.lang) for p in periods)
        if data.indicator:
            label = named(per_period[-1][0])
            return Table(keys, categories, ((label, tuple(pts[0].value for pts in per_period)),))
        series_keys: dict[str, str] = {}
        for pts in per_period:
            for point in pts:
                if point.key not in series_keys:
                    series_keys[point.key] = named(point)
        series = tuple(
            (name, tuple(next((p.value for p in pts if p.key == key), 0) for pts in per_period))
            for key, name in series_keys.items()
        )
        return Table(keys, categories, series)

    def _trend_periods(self, data: ChartData, loc: Callable[[Path_], SourceLoc]) -> list[Period]:
        """The listed periods up to the one being built, ending with it (no future data)."""
        ids = [p.id for p in self.source.periods]
        by_id = {p.id: p for p in self.source.periods}
        if data.periods is None:
            return list(self.source.periods[: ids.index(self.source.current.id) + 1])
        chosen: list[Period] = []
        for i, pid in enumerate(data.periods):
            if pid not in by_id:
                raise self._fail(loc(("data", "periods", i)),
                                 f"no period '{pid}' in this report{did_you_mean(pid, ids)} "
                                 f"(periods: {', '.join(ids)})")
            period = by_id[pid]
            if period.end <= self.source.current.end and period.id != self.source.current.id:
                chosen.append(period)
        chosen.sort(key=lambda p: (p.end, p.start))
        return [*chosen, self.source.current]

    # ----------------------------------------------------------------- points
    def _points(self, data: ChartData, period: Period, loc: Callable[[Path_], SourceLoc]
                ) -> list[Point]:
        activity = self.source.data_of(period)
        if activity is None:  # its own problems are recorded by the loader
            raise Failed
        where = f"in the data of period '{period.id}'"
        if data.indicator or data.indicators:
            names = [data.indicator] if data.indicator else list(data.indicators or [])
            points = []
            for i, name in enumerate(names):
                path: Path_ = ("data", "indicator") if data.indicator else ("data", "indicators", i)
                ind = activity.indicators.get(str(name))
                if ind is None:
                    known = list(activity.indicators)
                    raise self._fail(loc(path), f"no indicator '{name}' {where}"
                                     f"{did_you_mean(str(name), known)} (known: {_known(known)})")
                points.append(Point(str(name), ind.label, ind.value,
                                    (period, ("indicators", str(name), "label"))))
            return points
        if data.breakdown:
            breakdown = activity.breakdowns.get(data.breakdown)
            if breakdown is None:
                known = list(activity.breakdowns)
                raise self._fail(loc(("data", "breakdown")), f"no breakdown '{data.breakdown}' "
                                 f"{where}{did_you_mean(data.breakdown, known)} (known: {_known(known)})")
            # Parts that do not add up to the total are the data loader's error already.
            return [Point(k, p.label, p.value,
                          (period, ("breakdowns", data.breakdown, "parts", k, "label")))
                    for k, p in breakdown.parts.items()]
        if data.values:
            return self._values(data.values, activity, period, loc)
        assert data.list_ and data.group_by
        return self._groups(data, activity, period, loc)

    def _values(self, path: str, activity: ActivityData, period: Period,
                loc: Callable[[Path_], SourceLoc]) -> list[Point]:
        name = path.split(".", 1)[1]
        mapping = activity.extra.get(name)
        if not isinstance(mapping, Mapping):
            raise self._fail(loc(("data", "values")), self._missing_extra(name, activity, period,
                                                                         "a mapping of numbers"))
        points = []
        for key, value in mapping.items():
            if not _is_number(value):
                raise self._fail(self.source.data_loc(period, ("extra", name, key)),
                                 f"extra.{name}.{key}: expected a number for the chart, got {value!r}")
            points.append(Point(str(key), str(key), value))
        return points

    def _groups(self, data: ChartData, activity: ActivityData, period: Period,
                loc: Callable[[Path_], SourceLoc]) -> list[Point]:
        assert data.list_ and data.group_by
        items, fields, base = self._items(data.list_, activity, period, loc)
        for key, path in [(data.group_by, ("data", "group_by")), (data.sum, ("data", "sum")),
                          *[(k, ("data", "where", k)) for k in data.where]]:
            if key is not None and key not in fields:
                raise self._fail(loc(path), f"the items of {data.list_} have no field '{key}'"
                                 f"{did_you_mean(key, fields)} (fields: {_known(fields)})")
        groups: dict[str, list[Any]] = {}  # key -> [label, value]
        for index, item in enumerate(items):
            if not all(same(_field(item, k), v) for k, v in data.where.items()):
                continue
            if data.group_by == "city" and _field(item, "online") is True:
                continue  # held online: in no city
            key, label = self._group_of(item, data.group_by)
            amount: Any = 1
            if data.sum:
                amount = _field(item, data.sum)
                if not _is_number(amount):
                    raise self._fail(self.source.data_loc(period, (*base, index, data.sum)),
                                     f"{data.list_}[{index}].{data.sum}: expected a number to add "
                                     f"up, got {amount!r}")
            entry = groups.setdefault(key, [label, 0])
            entry[1] += amount
        if data.group_by in ("month", "year"):
            groups = dict(sorted(groups.items()))
        return [Point(k, label, value) for k, (label, value) in groups.items()]

    def _items(self, path: str, activity: ActivityData, period: Period,
               loc: Callable[[Path_], SourceLoc]) -> tuple[list[Any], list[str], Path_]:
        if path in LIST_FIELDS:
            return list(getattr(activity, path)), LIST_FIELDS[path], (path,)
        name = path.split(".", 1)[1]
        items = activity.extra.get(name)
        if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
            raise self._fail(loc(("data", "list")),
                             self._missing_extra(name, activity, period, "a list of mappings"))
        fields = sorted({str(k) for item in items for k in item} | {"month", "year"})
        return items, fields, ("extra", name)

    def _group_of(self, item: Any, field: str) -> tuple[str, str]:
        if field in ("month", "year"):
            day = _field(item, "date")
            if not isinstance(day, dt.date):
                return "~", self.source.unspecified
            if field == "year":
                return str(day.year), str(day.year)
            first = dt.date(day.year, day.month, 1)
            return first.isoformat()[:7], format_date(first, "LLLL y", locale=self.source.lang)
        value = _field(item, field)
        if value is None or value == "" or value == []:
            return "~", self.source.unspecified
        if isinstance(value, list):  # partners: group by the first one
            value = value[0]
        if isinstance(value, Said):  # its key is the same in every edition
            return value.key, str(value)
        return str(value), str(value)

    # --------------------------------------------------------------- helpers
    def _label(self, point: Point) -> str:
        """The data's label of ``point``, in the form its value takes."""
        try:
            return choose_form(point.label, point.value, self.source.lang)
        except ValueError as exc:  # the loader names the form its own value lacks
            if point.source is None:
                raise
            period, path = point.source
            raise self._fail(self.source.data_loc(period, path), f"{dotted(path)}: {exc}") \
                from None

    def _highlight(self, table: Table, spec: ChartSpec, loc: Callable[[Path_], SourceLoc]) -> Table:
        """The categories to draw in the accent colour; one this period lacks is a warning (a
        country with no conference in the first half year may have one later)."""
        wanted = [spec.highlight] if isinstance(spec.highlight, str) else spec.highlight
        found = []
        for i, name in enumerate(wanted):
            for index, (key, label) in enumerate(zip(table.keys, table.categories, strict=True)):
                if name in (key, label):
                    found.append(index)
                    break
            else:
                path: Path_ = ("highlight",) if isinstance(spec.highlight, str) else ("highlight", i)
                known = list(dict.fromkeys(table.keys))  # the same in every edition: told once
                self.problems.warning(
                    loc(path), f"highlight: no category '{name}' in this chart in period "
                    f"'{self.source.current.id}'{did_you_mean(name, known)} (categories: "
                    f"{_known(known)}); it is drawn without a highlight")
        return Table(table.keys, table.categories, table.series, tuple(sorted(set(found))))

    def _missing_extra(self, name: str, activity: ActivityData, period: Period, kind: str) -> str:
        if name not in activity.extra:
            known = list(activity.extra)
            return (f"no extra.{name} in the data of period '{period.id}'"
                    f"{did_you_mean(name, known)} (known: {_known(known)})")
        return f"extra.{name} in the data of period '{period.id}' is not {kind}"

    def _fail(self, loc: SourceLoc, message: str) -> Failed:
        self.problems.error(loc, message)
        return Failed()


def _sorted(table: Table, order: str) -> Table:
    if order == "none":
        return table
    totals = [sum(values[i] for _, values in table.series) for i in range(len(table.keys))]
    index = sorted(range(len(totals)), key=lambda i: totals[i], reverse=order == "descending")
    return Table(
        tuple(table.keys[i] for i in index),
        tuple(table.categories[i] for i in index),
        tuple((name, tuple(values[i] for i in index)) for name, values in table.series),
    )


def _field(item: Any, name: str) -> Any:
    if isinstance(item, Mapping):
        return item.get(name)
    return getattr(item, name, None)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _known(names: Sequence[str]) -> str:
    return ", ".join(names) if names else "none"
