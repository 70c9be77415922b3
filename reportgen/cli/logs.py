"""The CLI's log: warnings a library logs (a build's problems that are warnings), as the
terminal shows them.

A problem is printed as ``check`` prints it (``file:line:col: warning: …``), without a
second level name in front. A build of a draft can have a hundred of them (the sample's
placeholder pictures): the first ``SHOWN`` are printed, the others counted, and a last
line says how many there were and that ``reportgen check`` lists every one (``--debug``
prints them all here too). Other log records are printed with their level.
"""

from __future__ import annotations

import logging
import sys

#: The warnings a command prints before it only counts them.
SHOWN = 12


class Terminal(logging.Handler):
    """Prints log records to stderr (see the module's description)."""

    def __init__(self, limit: int | None = SHOWN) -> None:
        super().__init__(logging.WARNING)
        self.limit = limit
        self.warnings = 0

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad log call must not end the command
            self.handleError(record)
            return
        level = record.levelname.lower()
        if record.levelno == logging.WARNING:
            self.warnings += 1
            if self.limit is not None and self.warnings > self.limit:
                return
        located = f": {level}: " in message  # a Problem says its own level
        print(message if located else f"{level}: {message}", file=sys.stderr)

    def summary(self, project: str | None) -> str | None:
        """The last line, when warnings were left out."""
        if self.limit is None or self.warnings <= self.limit:
            return None
        where = f" {project}" if project else ""
        return (f"reportgen: {self.warnings} warnings, the first {self.limit} shown; "
                f"'reportgen check{where}' lists every one")


def install(debug: bool) -> Terminal:
    """Make the root logger print through a ``Terminal`` (every warning with ``debug``)."""
    handler = Terminal(None if debug else SHOWN)
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, Terminal)]:
        root.removeHandler(old)  # main() called again in one process (the tests)
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    # WeasyPrint reports CSS it ignores as warnings: useful to layout authors, noise otherwise.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    return handler
