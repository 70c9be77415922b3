"""Numbers from the data that an editor changed: where they come from in the YAML.

Pull stage. An edit inside an expression's value (``{{ indicators.x }}`` shows 30, the
DOCX says 31) cannot go into the Markdown; when the expression is a plain value of the
period's activity data, its YAML line is found (``activity/2018-9m.yaml:5:
indicators.x.value is 30; the DOCX says 31``) and ``--apply-data`` may set it there.
Any other expression (a filter, a count, a loop) is reported at its Markdown line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from reportgen.errors import ReportgenError
from reportgen.load.project import load_project
from reportgen.load.yamlsrc import dotted, load_yaml

PLAIN = re.compile(r"^\{\{\s*([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)\s*\}\}$")
NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)?$")


@dataclass(slots=True)
class DataFix:
    """A changed value the DOCX shows for ``expressions`` of ``file``:``line``."""

    file: str
    line: int
    expressions: tuple[str, ...]
    was: str
    now: str
    yaml: str | None = None  # the activity file (project-relative) and the value's line
    line_in_yaml: int | None = None
    path: str = ""
    value: Any = None

    def applied(self, text: str) -> str:
        """``text`` (the YAML file) with the value on its line set to the DOCX's."""
        lines = text.split("\n")
        assert self.line_in_yaml is not None
        i = self.line_in_yaml - 1
        new = _number(self.now)
        lines[i] = re.sub(rf"(:\s*){re.escape(str(self.value))}(\s*(#.*)?)$",
                          lambda m: f"{m.group(1)}{new}{m.group(2)}", lines[i], count=1)
        return "\n".join(lines)


def _spaced(text: str) -> str:
    """A value as a note shows it: the build's no-break spaces as spaces."""
    return text.replace("\u00a0", " ").replace("\u202f", " ").strip()


def _number(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]", "", text).replace(",", ".")


def resolve(fixes: list[DataFix], root: Path, period_id: str) -> tuple[list[DataFix], list[str]]:
    """Each fix with its YAML line when its expression is a plain value, and the notes."""
    notes: list[str] = []
    try:
        project = load_project(root)
        file = project.data_file(project.period(period_id))
        located = load_yaml(file)
    except (ReportgenError, OSError):
        located = None
        file = root
    for fix in fixes:
        where = f"{fix.file}:{fix.line}"
        plain = PLAIN.match(fix.expressions[0]) if len(fix.expressions) == 1 else None
        if plain is None or located is None or not NUMBER.match(_number(fix.now)):
            notes.append(f"{where}: {' '.join(fix.expressions)} is {_spaced(fix.was)}; the DOCX "
                         f"says {_spaced(fix.now)}: not carried back (change the data)")
            continue
        path: tuple[str | int, ...] = tuple(plain.group(1).split("."))
        value = _get(located.data, path)
        if isinstance(value, dict) and "value" in value:
            path, value = (*path, "value"), value["value"]
        if not isinstance(value, int | float) or isinstance(value, bool):
            notes.append(f"{where}: {fix.expressions[0]} is {_spaced(fix.was)}; the DOCX says "
                         f"{_spaced(fix.now)}: not carried back (not a plain value of the data)")
            continue
        loc = located.loc(path)
        fix.yaml = PurePosixPath(*file.relative_to(root).parts).as_posix()
        fix.line_in_yaml, fix.path, fix.value = loc.line, dotted(path), value
        notes.append(f"{fix.yaml}:{loc.line}: {fix.path} is {value}; the DOCX says "
                     f"{_number(fix.now)} ({where}; --apply-data sets it)")
    return fixes, notes


def _get(data: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data
