"""The command line: the only place that prints or exits.

Exit codes: 0 ok, 1 bad input, 2 usage, 3 rendering failure. A traceback is
shown only with --debug.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from reportgen import __version__
from reportgen.errors import (
    InputError,
    Problem,
    RenderError,
    ReportgenError,
    SourceLoc,
    display_path,
)

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
    b.add_argument("--progress", choices=("auto", "always", "never"), default="auto",
                   help="progress bars on stderr (stages, charts, sections typeset); auto: "
                   "on a terminal, not in CI (the CI variable set) (default: auto)")
    b.add_argument("-j", "--jobs", metavar="N", type=_positive, default=None,
                   help="worker processes typesetting the outputs while this one draws "
                   "the charts (default: one per usable core; 1 does everything in this "
                   "process)")
    b.add_argument("--no-cache", action="store_false", dest="use_cache",
                   help="build from scratch: use and keep no typeset parts, outputs, "
                   "compiled expressions or checks in .reportgen-cache (drawn charts are "
                   "still kept and reused, named by a hash of all they show)")
    b.add_argument("--debug", action="store_true", help="show tracebacks of failures")
    b.add_argument("--format", metavar="LIST", dest="formats", type=_formats,
                   default=("pdf", "docx"),
                   help="comma-separated output formats: pdf, docx (default: pdf,docx)")
    b.add_argument("--reference-docx", metavar="FILE", type=_existing_file,
                   help="Word document whose styles the DOCX uses (see reference-docx)")
    _pdf_variant_option(b)

    rel = sub.add_parser(
        "release",
        help="strict builds with a manifest, one folder per period",
        description="Build the PDF and DOCX of one period (--period) or of every period "
        "(--all-periods, in parallel over the CPU cores) into OUTDIR/<period>/, with warnings "
        "treated as errors, and write OUTDIR/<period>/manifest.json: every output's SHA-256, "
        "size and page count, the SHA-256 of every input file, the tool and library versions "
        "and the timestamp used (SOURCE_DATE_EPOCH if set, else the report's date).",
    )
    rel.add_argument("project", nargs="?", default="data", type=Path,
                     help="report project folder (default: data)")
    which = rel.add_mutually_exclusive_group(required=True)
    which.add_argument("--period", metavar="ID", action="append", dest="periods",
                       help="a reporting period to release (repeatable)")
    which.add_argument("--all-periods", action="store_true", help="release every period")
    rel.add_argument("-o", "--out", metavar="OUTDIR", type=Path, default=Path("release"),
                     help="output folder (default: release)")
    rel.add_argument("--jobs", metavar="N", type=int, default=None,
                     help="parallel builds (default: the number of CPU cores)")
    rel.add_argument("--reference-docx", metavar="FILE", type=_existing_file,
                     help="Word document whose styles the DOCX uses")
    rel.add_argument("--debug", action="store_true", help="show tracebacks of failures")
    _pdf_variant_option(rel)

    v = sub.add_parser(
        "verify-manifest",
        help="check a release folder against its manifest.json",
        description="Check that every output listed in FOLDER/manifest.json is there with the "
        "recorded SHA-256 and size, and that the folder holds nothing else; with --project, "
        "also that the project's input files are those the release was built from. "
        "Exit code 0 if everything matches, 1 otherwise.",
    )
    v.add_argument("folder", metavar="FOLDER", type=Path, help="a release folder, e.g. release/2018-9m")
    v.add_argument("--project", metavar="PROJECT", type=Path,
                   help="also check the input files of this report project")

    c = sub.add_parser(
        "check",
        help="check a period's input without rendering anything",
        description="Check everything a build of one period would use (report.yaml, the "
        "activity data, the sections, images, expressions) and the numbers typed by hand "
        "in the narrative against the data, without rendering. Every problem is reported at "
        "once as FILE:LINE:COL: SEVERITY: MESSAGE (or as JSON). Exit code 1 if there is an "
        "error (with --strict: any problem), else 0. 'build' runs the same checks first.",
    )
    c.add_argument("project", nargs="?", default="data", type=Path,
                   help="report project folder (default: data)")
    c.add_argument("--period", metavar="ID", help="reporting period id (default: the "
                   "report's default_period, else the last period)")
    c.add_argument("--lang", metavar="LANG", default="all",
                   help="edition(s) to check: a language of the report, several separated by "
                   "commas, or 'all' (default: all)")
    c.add_argument("--draft", action="store_true",
                   help="check as a draft build: a section missing from an edition is a warning")
    c.add_argument("--format", choices=("text", "json"), default="text", dest="output",
                   help="text: one problem a line (default); json: an object with a "
                   "'problems' list, for CI annotations")
    c.add_argument("--strict", action="store_true", help="treat warnings as errors")
    c.add_argument("--debug", action="store_true", help="show tracebacks of failures")

    s = sub.add_parser(
        "schema",
        help="write JSON Schemas of the project's YAML files (and the field reference)",
        description="Write JSON Schemas of report.yaml (report.schema.json), the activity "
        "data files (activity.schema.json) and the sections' front matter "
        "(section.schema.json) into DIR, for editors: with VS Code's YAML extension, a first "
        "line '# yaml-language-server: $schema=PATH' in a YAML file gives completion and "
        "validation. With --markdown, also write the field reference in Markdown.",
    )
    s.add_argument("--out", metavar="DIR", type=Path, default=Path("schema"),
                   help="folder for the schema files (default: schema)")
    s.add_argument("--markdown", metavar="FILE", type=Path,
                   help="also write the field reference (Markdown) to FILE")

    r = sub.add_parser(
        "reference-docx",
        help="write the default reference document, to customize the DOCX's styles",
        description="Write the reference document that styles the DOCX output to OUT. "
        "Change its styles in Word (keep the style names), then build with "
        "--reference-docx OUT.",
    )
    r.add_argument("out", metavar="OUT", type=Path, help="the .docx file to write")
    return parser


def _pdf_variant_option(command: argparse.ArgumentParser) -> None:
    from reportgen.render.pdf.variant import DEFAULT_VARIANT

    command.add_argument(
        "--pdf-variant", metavar="VARIANT", type=_pdf_variant, default=DEFAULT_VARIANT,
        help=f"PDF standard to write (default: {DEFAULT_VARIANT}: archival PDF/A-2, level A, "
        "tagged, also claiming PDF/UA-1); 'none' for a plain PDF; also pdf/a-2b, pdf/a-3u, "
        "pdf/ua-1, ... and any PDF/A-2 or -3 variant with '+ua-1'")


def _pdf_variant(value: str) -> str:
    from reportgen.render.pdf.variant import parse_variant

    try:
        parse_variant(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return value


def _formats(value: str) -> tuple[str, ...]:
    from reportgen.build import FORMATS

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
        if args.command == "check":
            return _check(args)
        if args.command == "reference-docx":
            return _reference_docx(args)
        if args.command == "release":
            return _release(args)
        if args.command == "verify-manifest":
            return _verify_manifest(args)
        if args.command == "schema":
            return _schema(args)
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
def _progress(choice: str) -> Iterator[Callable[[str, int, int], None] | None]:
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


def _trace(args: argparse.Namespace) -> None:
    if args.debug:
        traceback.print_exc()


def _build(args: argparse.Namespace) -> int:
    from reportgen.build import build

    langs = _langs(args.lang)
    with _progress(args.progress) as progress:
        result = build(args.project, args.out, args.period, formats=args.formats,
                       strict=args.strict, reference_docx=args.reference_docx, langs=langs,
                       draft=args.draft, pdf_variant=args.pdf_variant,
                       jobs=args.jobs, progress=progress, use_cache=args.use_cache)
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


def _release(args: argparse.Namespace) -> int:
    from reportgen.release import MANIFEST, release

    manifests = release(args.project, args.out, None if args.all_periods else args.periods,
                        pdf_variant=args.pdf_variant, reference_docx=args.reference_docx,
                        jobs=args.jobs)
    for manifest in manifests:
        folder = args.out / manifest["period"]["id"]
        for output in manifest["outputs"]:
            pages = f" ({output['pages']} pages)" if output["pages"] else ""
            print(f"wrote {display_path(folder / output['file'])}{pages}  "
                  f"sha256 {output['sha256'][:16]}…")
        print(f"wrote {display_path(folder / MANIFEST)} ({len(manifest['inputs'])} inputs)")
    return EXIT_OK


def _verify_manifest(args: argparse.Namespace) -> int:
    from reportgen.release import verify

    problems = verify(args.folder, args.project)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"reportgen: {len(problems)} difference(s) from the manifest", file=sys.stderr)
        return EXIT_INPUT
    print(f"{display_path(args.folder)}: every file matches the manifest")
    return EXIT_OK


def _langs(value: str) -> list[str] | None:
    """--lang: None for all editions, else the languages named."""
    return None if value == "all" else [x.strip() for x in value.split(",") if x.strip()]


def _check(args: argparse.Namespace) -> int:
    from reportgen.build import check

    result = check(args.project, args.period, strict=args.strict, langs=_langs(args.lang),
                   draft=args.draft)
    errors, warnings = len(result.errors), len(result.warnings)
    if args.output == "json":
        report = {
            "project": display_path(args.project),
            "period": result.period_id,
            "editions": list(result.assemblies),
            "strict": args.strict,
            "errors": errors,
            "warnings": warnings,
            "problems": [_problem_json(p) for p in result.problems],
        }
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        for problem in result.problems:
            print(problem)
        period = f" (period {result.period_id})" if result.period_id else ""
        print(f"reportgen: {display_path(args.project)}{period}: {errors} error(s), "
              f"{warnings} warning(s)", file=sys.stderr)
    return EXIT_INPUT if errors else EXIT_OK


def _problem_json(problem: Problem) -> dict[str, object]:
    def place(loc: SourceLoc | None) -> dict[str, object]:
        if loc is None:
            return {"file": None, "line": None, "column": None}
        return {"file": display_path(loc.file), "line": loc.line, "column": loc.col}

    return {**place(problem.loc), "severity": problem.severity, "message": problem.message,
            "related": [place(loc) for loc in problem.related]}


def _schema(args: argparse.Namespace) -> int:
    from reportgen.build import write_atomic
    from reportgen.load.fields import field_reference, json_schemas

    targets = {args.out / name: text for name, text in json_schemas().items()}
    if args.markdown:
        targets[args.markdown] = field_reference()
    for path, text in targets.items():
        write_atomic(path, text.encode("utf-8"))
        print(f"wrote {display_path(path)}")
    return EXIT_OK


def _reference_docx(args: argparse.Namespace) -> int:
    from reportgen.build import write_atomic
    from reportgen.render.docx import default_reference

    write_atomic(args.out, default_reference().read_bytes())
    print(f"wrote {display_path(args.out)}")
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
