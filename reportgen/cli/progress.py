"""Progress bars of a build on a terminal (rich), none in CI.

CLI layer: the build tells ``progress(task, done, total)``; this module draws it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


def show_progress(choice: str, stream: Any = None, environ: Any = None) -> bool:
    """Whether to draw progress bars: 'auto' on a terminal, not in CI (``CI`` set, as CI
    services do) and not on a dumb terminal."""
    if choice != "auto":
        return choice == "always"
    stream = sys.stderr if stream is None else stream
    env = os.environ if environ is None else environ
    return (stream.isatty() and not env.get("CI")
            and env.get("TERM", "") not in ("dumb", "unknown"))


@contextmanager
def progress_bars(choice: str) -> Iterator[Callable[[str, int, int], None] | None]:
    """A progress callback for ``build`` that draws rich progress bars on stderr (removed
    when the build ends), or None when progress is not shown."""
    if not show_progress(choice):
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    columns = (SpinnerColumn(), TextColumn("{task.description:<20}"), BarColumn(),
               MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bars:
        tasks: dict[str, Any] = {}

        def report(task: str, done: int, total: int) -> None:
            if task not in tasks:
                tasks[task] = bars.add_task(task, total=total or None)
            bars.update(tasks[task], completed=done, total=total or None)

        yield report
