"""Load stage: a report project folder (``report.yaml`` + activity data), validated.

Reads YAML with locations and checks it against ``schema``; every problem is
collected and raised together. Also checks what the schema cannot: breakdown
parts that do not add up, event dates outside the period.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .editions import check_editions
from .errors import InputError, Problems, SourceLoc
from .resources import layout_dir
from .schema import ActivityData, Period, Report
from .validate import validate
from .yamlsrc import Located, load_yaml

REPORT_FILE = "report.yaml"


@dataclass(frozen=True, slots=True)
class Project:
    root: Path
    report: Report
    source: Located

    def period(self, period_id: str | None) -> Period:
        """The period with ``period_id``, or the default one."""
        wanted = period_id or self.report.default_period or self.report.periods[-1].id
        for period in self.report.periods:
            if period.id == wanted:
                return period
        known = ", ".join(p.id for p in self.report.periods)
        raise InputError.single(
            self.source.loc(("periods",)),
            f"no period '{wanted}' in this report; its periods are: {known}",
        )

    def data_file(self, period: Period) -> Path:
        return self.root / (period.data or f"activity/{period.id}.yaml")

    def period_loc(self, period: Period) -> SourceLoc:
        index = next(i for i, p in enumerate(self.report.periods) if p.id == period.id)
        return self.source.loc(("periods", index))


def load_project(root: Path) -> Project:
    """Read and validate ``root/report.yaml``."""
    root = root.resolve()
    file = root / REPORT_FILE
    if not root.is_dir():
        raise InputError.single(SourceLoc(root), "the report project folder does not exist")
    if not file.is_file():
        raise InputError.single(
            SourceLoc(file), f"no {REPORT_FILE} here: is '{root}' a report project folder?"
        )
    doc = load_yaml(file)
    problems = Problems()
    if not isinstance(doc.data, dict):
        raise InputError.single(doc.loc(()), "expected a mapping of keys to values at the top")
    report = validate(Report, doc, problems)
    if report is not None:
        check_editions(report, doc, problems)
        try:
            folder = layout_dir(report.layout)
        except FileNotFoundError as exc:
            problems.error(doc.loc(("layout",)), str(exc))
        else:
            if not (folder / "report.html.j2").is_file():
                known = ", ".join(sorted(p.name for p in folder.parent.iterdir() if p.is_dir()))
                problems.error(doc.loc(("layout",)),
                               f"layout: no layout '{report.layout}' (known: {known})")
    problems.raise_if_errors()
    assert report is not None
    return Project(root, report, doc)


def load_activity(project: Project, period: Period, problems: Problems) -> ActivityData | None:
    """The activity data of one period, or None (with the problems recorded)."""
    file = project.data_file(period).resolve()
    if not file.is_relative_to(project.root):
        where = project.source.loc(("periods", project.report.periods.index(period), "data"))
        problems.error(where, f"activity data '{period.data}' is outside the report project")
        return None
    if not file.is_file():
        where = project.source.loc(("periods", project.report.periods.index(period), "data"))
        problems.error(
            where if period.data else project.period_loc(period),
            f"activity data for period '{period.id}' not found: {file}",
        )
        return None
    try:
        doc = load_yaml(file)
    except InputError as exc:
        problems.extend(exc.problems)
        return None
    if not isinstance(doc.data, dict):
        problems.error(doc.loc(()), "expected a mapping of keys to values at the top")
        return None
    data = validate(ActivityData, doc, problems)
    if data is not None:
        _check_consistency(data, doc, period, problems)
    return data


def _check_consistency(data: ActivityData, doc: Located, period: Period, problems: Problems) -> None:
    for name, breakdown in data.breakdowns.items():
        parts = sum(p.value for p in breakdown.parts.values())
        if parts != breakdown.total:
            shown = " + ".join(f"{p.value} ({k})" for k, p in breakdown.parts.items())
            problems.error(
                doc.loc(("breakdowns", name, "total")),
                f"breakdowns.{name}: the parts add up to {parts} ({shown}), "
                f"but the total is {breakdown.total}",
            )
    for i, event in enumerate(data.events):
        for key in ("date", "end"):
            day = getattr(event, key)
            if day is not None and not period.start <= day <= period.end:
                problems.warning(
                    doc.loc(("events", i, key)),
                    f"events[{i}].{key}: {day} is outside the period '{period.id}' "
                    f"({period.start} – {period.end})",
                )
        if event.date and event.end and event.end < event.date:
            problems.error(doc.loc(("events", i, "end")),
                           f"events[{i}]: ends ({event.end}) before it starts ({event.date})")
