"""The command line: the only place that prints or exits.

Exit codes: 0 ok, 1 bad input, 2 usage, 3 rendering failure (or a bug). A traceback is
shown only with --debug, even for a bug: then one line says what failed. ``parser``
declares the commands, ``commands`` runs them, ``progress`` draws a build's progress.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from reportgen.cli import commands, logs
from reportgen.cli.parser import parser as make_parser
from reportgen.errors import InputError, RenderError, ReportgenError, display_path
from reportgen.resources import OutsideWorld

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_RENDER = 0, 1, 2, 3
#: Each command's runner: the parsed arguments -> the exit code.
COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "build": commands.run_build,
    "check": commands.run_check,
    "preview": commands.run_preview,
    "new": commands.run_new,
    "reference-docx": commands.run_reference_docx,
    "release": commands.run_release,
    "verify-manifest": commands.run_verify_manifest,
    "schema": commands.run_schema,
    "pull": commands.run_pull,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    terminal = logs.install(getattr(args, "debug", False))
    try:
        code = COMMANDS[args.command](args)
        summary = terminal.summary(_project_arg(args))
        if summary:
            print(summary, file=sys.stderr)
        return code
    except InputError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        errors = sum(p.severity == "error" for p in exc.problems)
        print(f"reportgen: {errors or len(exc.problems)} problem(s) in the input; "
              "nothing was written", file=sys.stderr)
        _trace(args)
        return EXIT_INPUT
    except OutsideWorld as exc:  # a layout or font file that is a link leading out
        print(f"{display_path(Path(exc.path))}: error: {exc}", file=sys.stderr)
        _trace(args)
        return EXIT_INPUT
    except RenderError as exc:
        print(f"reportgen: rendering failed: {exc}", file=sys.stderr)
        _trace(args)
        return EXIT_RENDER
    except ReportgenError as exc:  # pragma: no cover - every subclass is handled above
        print(f"reportgen: {exc}", file=sys.stderr)
        return exc.exit_code
    except Exception as exc:  # noqa: BLE001 - a bug: said in one line, the traceback on --debug
        print(f"reportgen: internal error: {type(exc).__name__}: {exc} (a bug in reportgen, not "
              "in the project; run again with --debug for the traceback and report it)",
              file=sys.stderr)
        _trace(args)
        return EXIT_RENDER


def _project_arg(args: argparse.Namespace) -> str | None:
    project = getattr(args, "project", None)
    return display_path(Path(project)) if project is not None else None


def _trace(args: argparse.Namespace) -> None:
    if args.debug:
        traceback.print_exc()


