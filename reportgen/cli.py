"""The command line: the only place that prints or exits.

Exit codes: 0 ok, 1 bad input, 2 usage, 3 rendering failure. A traceback is
shown only with --debug.
"""

from __future__ import annotations

import argparse
import logging
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .errors import InputError, RenderError, ReportgenError, display_path

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_RENDER = 0, 1, 2, 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reportgen",
        description="Build an official period report (print PDF, editable DOCX) from a report project: "
        "report.yaml, activity data in YAML and narrative sections in Markdown.",
        epilog="Exit codes: 0 ok, 1 bad input, 2 usage error, 3 rendering failure. "
        "See docs/project-format.md for the project format.",
    )
    parser.add_argument("--version", action="version", version=f"reportgen {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of failures")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    b = sub.add_parser(
        "build",
        help="build the report of one period, in each of its languages",
        description="Build the report of one reporting period into OUTDIR as "
        "report-<period>.pdf and report-<period>.docx; a report with several languages gets "
        "one edition per language, report-<period>.<lang>.pdf and .docx. Outputs are "
        "replaced atomically: a failed build leaves the previous files intact.",
    )
    b.add_argument("project", nargs="?", default="data", type=Path,
                   help="report project folder (default: data)")
    b.add_argument("--period", metavar="ID", help="reporting period id (default: the "
                   "report's default_period, else the last period)")
    b.add_argument("-o", "--out", metavar="OUTDIR", type=Path, default=Path("dist"),
                   help="output folder (default: dist)")
    b.add_argument("--lang", metavar="LANG", default="all",
                   help="edition(s) to build: a language of the report (ru, kk, en, ...), "
                   "several separated by commas, or 'all' (default: all)")
    b.add_argument("--draft", action="store_true",
                   help="let a section missing from an edition stand in with its main-language "
                   "text, marked as a draft, instead of stopping")
    b.add_argument("--strict", action="store_true", help="treat warnings as errors")
    b.add_argument("--timings", action="store_true", help="print the time of each stage")
    b.add_argument("-j", "--jobs", metavar="N", type=_positive, default=None,
                   help="worker processes drawing charts and rendering outputs "
                   "(default: one per usable core; 1 renders in this process)")
    b.add_argument("--debug", action="store_true", help="show tracebacks of failures")
    b.add_argument("--format", metavar="LIST", dest="formats", type=_formats,
                   default=("pdf", "docx"),
                   help="comma-separated output formats: pdf, docx (default: pdf,docx)")
    b.add_argument("--reference-docx", metavar="FILE", type=_existing_file,
                   help="Word document whose styles the DOCX uses (see reference-docx)")

    r = sub.add_parser(
        "reference-docx",
        help="write the default reference document, to customize the DOCX's styles",
        description="Write the reference document that styles the DOCX output to OUT. "
        "Change its styles in Word (keep the style names), then build with "
        "--reference-docx OUT.",
    )
    r.add_argument("out", metavar="OUT", type=Path, help="the .docx file to write")
    return parser


def _formats(value: str) -> tuple[str, ...]:
    from .build import FORMATS

    formats = tuple(value.split(","))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown format {', '.join(repr(f) for f in unknown)}; "
            f"choose from {', '.join(FORMATS)}")
    return formats


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {value!r}")
    return int(value)


def _existing_file(value: str) -> Path:
    path = Path(value)
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"{value}: no such file")
    return path


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    # WeasyPrint reports CSS it ignores as warnings: useful to layout authors, noise otherwise.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    try:
        if args.command == "build":
            return _build(args)
        if args.command == "reference-docx":
            return _reference_docx(args)
    except InputError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        errors = sum(p.severity == "error" for p in exc.problems)
        print(f"reportgen: {errors or len(exc.problems)} problem(s) in the input; "
              "nothing was written", file=sys.stderr)
        _trace(args)
        return EXIT_INPUT
    except RenderError as exc:
        print(f"reportgen: rendering failed: {exc}", file=sys.stderr)
        _trace(args)
        return EXIT_RENDER
    except ReportgenError as exc:  # pragma: no cover - every subclass is handled above
        print(f"reportgen: {exc}", file=sys.stderr)
        return exc.exit_code
    parser.error(f"unknown command {args.command}")  # pragma: no cover
    return EXIT_USAGE  # pragma: no cover


def _trace(args: argparse.Namespace) -> None:
    if args.debug:
        traceback.print_exc()


def _build(args: argparse.Namespace) -> int:
    from .build import build

    langs = None if args.lang == "all" else [x.strip() for x in args.lang.split(",") if x.strip()]
    result = build(args.project, args.out, args.period, formats=args.formats,
                   strict=args.strict, reference_docx=args.reference_docx, langs=langs,
                   draft=args.draft, jobs=args.jobs)
    for edition in result.editions.values():
        for fmt, path in edition.outputs.items():
            pages = f" ({edition.pages[fmt]} pages)" if fmt in edition.pages else ""
            print(f"wrote {display_path(path)}{pages}")
    if result.charts and (result.charts.drawn or result.charts.cached):
        print(f"charts: {result.charts.drawn} drawn, {result.charts.cached} from the cache")
    if args.timings:
        total = sum(t for _, t in result.timings)
        for name, seconds in result.timings:
            print(f"  {name:<15} {seconds:6.2f} s", file=sys.stderr)
        print(f"  {'total':<15} {total:6.2f} s", file=sys.stderr)
    return EXIT_OK


def _reference_docx(args: argparse.Namespace) -> int:
    from .build import write_atomic
    from .writers.docx import default_reference

    write_atomic(args.out, default_reference().read_bytes())
    print(f"wrote {display_path(args.out)}")
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
