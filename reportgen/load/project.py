"""Load stage: a report project folder (``report.yaml`` + activity data), validated.

Reads YAML with locations and checks it against ``schema``; every problem is
collected and raised together. What the schema cannot express (sums, dates
against the period, duplicates) is checked by ``datachecks``; the texts of the
data are resolved for an edition by ``texts``. The periods a report compares
with the one being built (charts over periods, tables of the change) are read
here as well (``load_data``, ``PeriodData``). Nothing here reads the sections
(``sections``) or assembles anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportgen.errors import InputError, Problems, SourceLoc
from reportgen.layout import Layout
from reportgen.load.datachecks import check_activity, check_yaml_traps
from reportgen.load.editions import check_editions
from reportgen.load.looks import project_layout
from reportgen.load.schema import ActivityData, Period, Report
from reportgen.load.spreadsheets import read_lists
from reportgen.load.texts import Texts, localized
from reportgen.load.validate import validate
from reportgen.load.yamlsrc import Located, load_yaml
from reportgen.resources import OutsideWorld, World

REPORT_FILE = "report.yaml"


@dataclass(frozen=True, slots=True)
class Project:
    root: Path
    report: Report
    source: Located
    #: The layout report.yaml names, with the project's layout folder and fonts.
    layout: Layout

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
        layout = project_layout(root, report, doc, problems)
    problems.raise_if_errors()
    assert report is not None
    return Project(root, report, doc, layout)


@dataclass(frozen=True, slots=True)
class Activity:
    """One period's validated activity data and the located YAML it came from."""

    data: ActivityData
    source: Located


def load_activity(project: Project, period: Period, problems: Problems,
                  texts: Texts | None = None) -> Activity | None:
    """The activity data of one period, or None (with the problems recorded); with ``texts``,
    as the edition of ``texts`` shows it."""
    named = project.data_file(period)
    where = (project.source.loc(("periods", project.report.periods.index(period), "data"))
             if period.data else project.period_loc(period))
    try:
        file = World.of(project.root).in_project(named)
    except OutsideWorld:
        shown = period.data or named.relative_to(project.root).as_posix()
        problems.error(where, f"activity data '{shown}' is outside the report project")
        return None
    if not file.is_file():
        problems.error(where, f"activity data for period '{period.id}' not found: {file}")
        return None
    try:
        doc = load_yaml(file)
    except InputError as exc:
        problems.extend(exc.problems)
        return None
    if not isinstance(doc.data, dict):
        problems.error(doc.loc(()), "expected a mapping of keys to values at the top")
        return None
    read = len(problems.errors)
    doc = read_lists(doc, project.root, problems)  # lists given by a spreadsheet, located
    unread = len(problems.errors) > read  # a list that could not be read stands empty
    check_yaml_traps(doc, problems)
    data = validate(ActivityData, doc, problems)
    if data is None or unread:
        return None
    check_activity(data, doc, period, problems)
    if texts is not None:
        data = localized(data, doc, texts)
    return Activity(data, doc)


def load_data(project: Project, period: Period, problems: Problems,
              texts: Texts | None = None) -> ActivityData | None:
    """The activity data of one period, or None (with the problems recorded); with ``texts``,
    as the edition of ``texts`` shows it."""
    activity = load_activity(project, period, problems, texts)
    return activity.data if activity else None


class PeriodData:
    """The activity data of a project's periods, each read once (with ``texts``, as the edition
    of ``texts`` shows it): call it with a period."""

    def __init__(self, project: Project, problems: Problems, texts: Texts | None = None) -> None:
        self.project = project
        self.problems = problems
        self.texts = texts
        self._loaded: dict[str, Activity | None] = {}

    def activity(self, period: Period) -> Activity | None:
        """The period's data and the located file it came from."""
        if period.id not in self._loaded:
            self._loaded[period.id] = load_activity(self.project, period, self.problems,
                                                    self.texts)
        return self._loaded[period.id]

    def __call__(self, period: Period) -> ActivityData | None:
        activity = self.activity(period)
        return activity.data if activity else None
