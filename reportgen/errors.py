"""Locations and the errors users see.

Every stage reports problems as ``Problem`` values that carry a ``SourceLoc``;
library code raises ``InputError`` (bad input, exit 1) or ``RenderError``
(a renderer failed, exit 3). Only the CLI prints them or exits.
"""

from __future__ import annotations

import difflib
import functools
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class SourceLoc:
    """Where a value or a node came from: a file and a 1-based line and column.

    A spreadsheet's cell also has a ``cell``, as spreadsheets name it ('Events!B12'), which
    is what users read (``events.xlsx:Events!B12``); its line and column are the cell's row
    and column number, so that problems sort by them."""

    file: Path
    line: int | None = None
    col: int | None = None
    cell: str | None = None

    def __str__(self) -> str:
        text = display_path(self.file)
        if self.cell is not None:
            return f"{text}:{self.cell}"
        if self.line is not None:
            text += f":{self.line}"
            if self.col is not None:
                text += f":{self.col}"
        return text

    def shifted(self, lines: int) -> SourceLoc:
        """The same place, ``lines`` further down (for text cut out of a bigger file)."""
        if self.line is None:
            return self
        return SourceLoc(self.file, self.line + lines, self.col, self.cell)


def display_path(path: Path) -> str:
    """A path as users want to read it: relative to the working directory when possible."""
    return _display_path(path, os.getcwd())


@functools.lru_cache(maxsize=4096)
def _display_path(path: Path, cwd: str) -> str:
    # Memoized: the preview shows every problem after each save (hundreds of paths, each
    # resolved through the file system).
    try:
        return str(path.resolve().relative_to(Path(cwd).resolve()))
    except ValueError:
        return str(path)


@dataclass(frozen=True, slots=True)
class Problem:
    loc: SourceLoc | None
    message: str
    severity: str = "error"
    #: Other places the message cites (e.g. the data value a sentence contradicts).
    related: tuple[SourceLoc, ...] = ()

    def __str__(self) -> str:
        where = f"{self.loc}: " if self.loc is not None else ""
        return f"{where}{self.severity}: {self.message}"


class ReportgenError(Exception):
    """Base of the errors the CLI knows how to show."""

    exit_code = 1


class InputError(ReportgenError):
    """The report project is wrong; ``problems`` lists everything found, in order."""

    exit_code = 1

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[type[InputError], tuple[list[Problem]]]:
        # Rebuilt from its problems when it comes back from a worker process.
        return (type(self), (self.problems,))

    @classmethod
    def single(cls, loc: SourceLoc | None, message: str) -> InputError:
        return cls([Problem(loc, message)])


class RenderError(ReportgenError):
    """A renderer (WeasyPrint, python-docx, ...) failed on input that passed validation."""

    exit_code = 3


@dataclass(slots=True)
class Problems:
    """Collects problems across a stage so that all of them are reported at once."""

    items: list[Problem] = field(default_factory=list)

    def error(self, loc: SourceLoc | None, message: str,
              related: tuple[SourceLoc, ...] = ()) -> None:
        self.items.append(Problem(loc, message, "error", related))

    def warning(self, loc: SourceLoc | None, message: str,
                related: tuple[SourceLoc, ...] = ()) -> None:
        self.items.append(Problem(loc, message, "warning", related))

    def extend(self, other: Iterable[Problem]) -> None:
        self.items.extend(other)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "warning"]

    def raise_if_errors(self, strict: bool = False) -> None:
        """Stop with every problem found so far if any is an error (or, if strict, a warning)."""
        if self.errors or (strict and self.items):
            raise InputError(self.items)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for the closest choice, or '' when nothing is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""
