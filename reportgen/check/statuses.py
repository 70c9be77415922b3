"""Check stage (release gate): data values marked as stand-ins (``status: estimate``).

An activity file says which of its values are not the organization's real
figures yet with the ``status`` field (load/schema.py): on an indicator, a
breakdown (its total), a breakdown's part, an event or a memorandum (the whole
item, or some of its fields: ``status: {date: estimate}``), or the whole file.
Every such mark in the period's data is a warning at the mark. The data of the
periods that end no later than this one is what its trend charts and
comparison tables can show: there, the marks on the file and on its figures
(indicators, breakdowns, parts) count too. Records warnings only.
"""

from __future__ import annotations

from reportgen.errors import Problems
from reportgen.load.project import Activity, Project, load_activity
from reportgen.load.schema import ActivityData, Event, Memorandum, Period
from reportgen.load.yamlsrc import Located

ESTIMATE = "estimate"
_FIX = "put the real value in its place and remove the mark before the release"


def check_statuses(project: Project, period: Period, activity: Activity,
                   problems: Problems) -> None:
    """The stand-ins of ``period``'s data, and the figures of the periods before it."""
    _file(activity, period, problems, own=True)
    _figures(activity.data, activity.source, problems)
    _items(activity.data, activity.source, problems)
    for other in project.report.periods:
        if other.id == period.id or other.end > period.end:
            continue
        data = load_activity(project, other, Problems())  # its own problems are its build's
        if data is not None:
            _file(data, other, problems, own=False)
            _figures(data.data, data.source, problems)


def _file(activity: Activity, period: Period, problems: Problems, own: bool) -> None:
    if activity.data.status != ESTIMATE:
        return
    shown = "" if own else (f"; this report can show them (trend charts, comparisons with "
                            f"period '{period.id}')")
    problems.warning(activity.source.loc(("status",)), (
        f"the data of period '{period.id}' is marked 'status: estimate': every value of the "
        f"file is a stand-in{shown}; put the real values in and remove the mark before the "
        "release"))


def _figures(data: ActivityData, source: Located, problems: Problems) -> None:
    for name, indicator in data.indicators.items():
        if indicator.status == ESTIMATE:
            problems.warning(source.loc(("indicators", name, "status")), (
                f"indicators.{name}: the value {indicator.value} is marked 'status: estimate' "
                f"(a stand-in); {_FIX}"))
    for name, breakdown in data.breakdowns.items():
        if breakdown.status == ESTIMATE:
            problems.warning(source.loc(("breakdowns", name, "status")), (
                f"breakdowns.{name}: the total {breakdown.total} is marked 'status: estimate' "
                f"(a stand-in); {_FIX}"))
        for key, part in breakdown.parts.items():
            if part.status == ESTIMATE:
                problems.warning(source.loc(("breakdowns", name, "parts", key, "status")), (
                    f"breakdowns.{name}.parts.{key}: the value {part.value} is marked "
                    f"'status: estimate' (a stand-in); {_FIX}"))


def _items(data: ActivityData, source: Located, problems: Problems) -> None:
    for i, event in enumerate(data.events):
        _item(f"events[{i}] ('{event.title}')", ("events", i), event, source, problems)
    for i, memorandum in enumerate(data.memoranda):
        _item(f"memoranda[{i}] ('{memorandum.partner}')", ("memoranda", i), memorandum, source,
              problems)


def _item(named: str, path: tuple[str, int], item: Event | Memorandum, source: Located,
          problems: Problems) -> None:
    if item.status == ESTIMATE:
        problems.warning(source.loc((*path, "status")), (
            f"{named} is marked 'status: estimate': the item is a stand-in; put the real one in "
            "its place and remove the mark before the release"))
    elif isinstance(item.status, dict):
        for key, status in item.status.items():
            if status == ESTIMATE:
                problems.warning(source.loc((*path, "status", key)), (
                    f"{named}: {key} {getattr(item, key)} is marked 'status: estimate' "
                    f"(a stand-in); {_FIX}"))
