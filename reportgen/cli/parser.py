"""The command line's grammar: every command, its options and their help.

CLI layer. Options several commands share (``--debug``, the project folder, ``--period``,
the edition options, the PDF and DOCX options) are declared once, as argparse parent
parsers. ``--debug`` after a command must not undo ``--debug`` before it (``reportgen
--debug build``): the commands' copy has no default of its own (``SUPPRESS``), so only
an option given sets it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from reportgen import __version__
from reportgen.render.pdf.variant import DEFAULT_VARIANT, parse_variant

DESCRIPTION = ("Build an official period report (print PDF, editable DOCX) from a report project: "
               "report.yaml, activity data in YAML and narrative sections in Markdown.")
EPILOG = ("Exit codes: 0 ok, 1 bad input, 2 usage error, 3 rendering failure. "
          "See docs/project-format.md for the project format.")
PERIOD_HELP = "reporting period id (default: the report's default_period, else the last period)"


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="reportgen", description=DESCRIPTION, epilog=EPILOG)
    top.add_argument("--version", action="version", version=f"reportgen {__version__}")
    top.add_argument("--debug", action="store_true", help="show tracebacks of failures")
    sub = top.add_subparsers(dest="command", metavar="COMMAND")
    _new(sub)
    _build(sub)
    _release(sub)
    _verify_manifest(sub)
    _check(sub)
    _preview(sub)
    _schema(sub)
    _reference_docx(sub)
    _pull(sub)
    return top


def _pull(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "pull", parents=[_debug()],
        help="carry an editor's edits of a DOCX back into the Markdown sources",
        description="Compare the DOCX an editor edited with the sources it was built from "
        "(carried inside it) and the current sources, and print per section file a unified "
        "diff of the Markdown and its front matter with the edits (text, bold and italic, "
        "list items, headings, footnotes, captions, titles, the lead and the summary); what "
        "cannot be carried back (numbers from the data, chart captions from report.yaml, "
        "the cover, tables, charts, generated text, conflicts) is listed with its file:line. "
        "Nothing is written without --apply. See docs/pull.md.")
    p.add_argument("docx", metavar="EDITED.docx", type=Path, help="the edited DOCX")
    p.add_argument("project", nargs="?", default="data", type=Path,
                   help="report project folder (default: data)")
    p.add_argument("--apply", action="store_true",
                   help="write the diffs into the sources (all files or none)")
    p.add_argument("--apply-data", action="store_true",
                   help="with --apply: also set changed plain data values in the YAML")
    p.add_argument("--track-changes", choices=("accept", "reject", "keep"), default="accept",
                   help="tracked changes: accept them (default), reject them, or keep them "
                   "in the Markdown as CriticMarkup {++inserted++} {--deleted--}")


# ------------------------------------------------------------------ shared options

def _debug() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="show tracebacks of failures")
    return common


def _project() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("project", nargs="?", default="data", type=Path,
                        help="report project folder (default: data)")
    return common


def _editions(verb: str) -> argparse.ArgumentParser:
    """--period, --lang, --draft, --strict: which input of a report, and how strictly."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--period", metavar="ID", help=PERIOD_HELP)
    common.add_argument("--lang", metavar="LANG", default="all",
                        help=f"edition(s) to {verb}: a language of the report (ru, kk, en, ...), "
                        "several separated by commas, or 'all' (default: all)")
    common.add_argument("--strict", action="store_true", help="treat warnings as errors")
    return common


def _outputs() -> argparse.ArgumentParser:
    """--reference-docx and --pdf-variant: what the DOCX and the PDF are made with."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--reference-docx", metavar="FILE", type=_existing_file,
                        help="Word document whose styles the DOCX uses (see reference-docx)")
    common.add_argument(
        "--pdf-variant", metavar="VARIANT", type=_pdf_variant, default=DEFAULT_VARIANT,
        help=f"PDF standard to write (default: {DEFAULT_VARIANT}: archival PDF/A-2, level A, "
        "tagged, also claiming PDF/UA-1); 'none' for a plain PDF; also pdf/a-2b, pdf/a-3u, "
        "pdf/ua-1, ... and any PDF/A-2 or -3 variant with '+ua-1'")
    return common


# ------------------------------------------------------------------ commands

def _new(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    n = sub.add_parser(
        "new", parents=[_debug()],
        help="start a report project: a minimal one that builds at once",
        description="Write a minimal report project into FOLDER (new or empty): report.yaml "
        "with one period (this year), one activity data file, one section per edition with a "
        "chart and a table, every file commented. Build it with 'reportgen build FOLDER'.",
    )
    n.add_argument("folder", metavar="FOLDER", type=Path, help="the project folder to make")
    n.add_argument("--languages", metavar="LIST", default="ru", type=_languages,
                   help="the editions, separated by commas, the main language first "
                   "(ru, kk, en; default: ru)")


def _build(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    b = sub.add_parser(
        "build", parents=[_project(), _editions("build"), _outputs(), _debug()],
        help="build the report of one period, in each of its languages",
        description="Build the report of one reporting period into OUTDIR as "
        "report-<period>.pdf and report-<period>.docx; a report with several languages gets "
        "one edition per language, report-<period>.<lang>.pdf and .docx. Outputs are "
        "replaced atomically: a failed build leaves the previous files intact.",
    )
    b.add_argument("-o", "--out", metavar="OUTDIR", type=Path, default=Path("dist"),
                   help="output folder (default: dist)")
    b.add_argument("--draft", action="store_true",
                   help="let a section missing from an edition stand in with its main-language "
                   "text, marked as a draft, instead of stopping")
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
    b.add_argument("--format", metavar="LIST", dest="formats", type=_formats,
                   default=("pdf", "docx"),
                   help="comma-separated output formats: pdf, docx (default: pdf,docx)")
    b.add_argument("--docx-pages", action="store_true",
                   help="lay each DOCX out with LibreOffice (soffice) to write its contents' "
                   "page numbers; without it they have none (release always does it)")


def _release(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    rel = sub.add_parser(
        "release", parents=[_project(), _outputs(), _debug()],
        help="strict builds with a manifest, one folder per period",
        description="Build the PDF and DOCX of one period (--period) or of every period "
        "(--all-periods, in parallel over the CPU cores) into OUTDIR/<period>/, with warnings "
        "treated as errors, and write OUTDIR/<period>/manifest.json: every output's SHA-256, "
        "size and page count, the SHA-256 of every input file, the tool and library versions "
        "and the timestamp used (SOURCE_DATE_EPOCH if set, else the report's date).",
    )
    which = rel.add_mutually_exclusive_group(required=True)
    which.add_argument("--period", metavar="ID", action="append", dest="periods",
                       help="a reporting period to release (repeatable)")
    which.add_argument("--all-periods", action="store_true", help="release every period")
    rel.add_argument("-o", "--out", metavar="OUTDIR", type=Path, default=Path("release"),
                     help="output folder (default: release)")
    rel.add_argument("--jobs", metavar="N", type=_positive, default=None,
                     help="parallel builds (default: the number of CPU cores)")


def _verify_manifest(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    v = sub.add_parser(
        "verify-manifest", parents=[_debug()],
        help="check a release folder against its manifest.json",
        description="Check that every output listed in FOLDER/manifest.json is there with the "
        "recorded SHA-256 and size, and that the folder holds nothing else; with --project, "
        "also that the project's input files are those the release was built from. "
        "Exit code 0 if everything matches, 1 otherwise.",
    )
    v.add_argument("folder", metavar="FOLDER", type=Path, help="a release folder, e.g. release/2018-9m")
    v.add_argument("--project", metavar="PROJECT", type=Path,
                   help="also check the input files of this report project")


def _check(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    c = sub.add_parser(
        "check", parents=[_project(), _editions("check"), _debug()],
        help="check a period's input without rendering anything",
        description="Check everything a build of one period would use (report.yaml, the "
        "activity data, the sections, images, expressions) and the numbers typed by hand "
        "in the narrative against the data, without rendering. Every problem is reported at "
        "once as FILE:LINE:COL: SEVERITY: MESSAGE (or as JSON). Exit code 1 if there is an "
        "error (with --strict: any problem), else 0. 'build' runs the same checks first.",
    )
    c.add_argument("--draft", action="store_true",
                   help="check as a draft build: a section missing from an edition is a warning")
    c.add_argument("--format", choices=("text", "json"), default="text", dest="output",
                   help="text: one problem a line (default); json: an object with a "
                   "'problems' list, for CI annotations")


def _preview(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "preview", parents=[_project(), _editions("preview"), _debug()],
        help="a local web page showing the report's PDF pages, updated on every save",
        description="Serve a web page, on this computer only (127.0.0.1), that shows the pages "
        "of each edition's PDF as 'reportgen build' writes them, the contents beside them, "
        "and every problem 'check' finds; on each save of a file of the project (or of its "
        "layout) only what changed is read, checked and typeset again, and only the pages "
        "that changed are sent. The pages of the last good build stay while the input has "
        "an error. 'Write DOCX' on the page writes the edition's DOCX into OUTDIR. Ctrl-C "
        "stops it.",
    )
    p.add_argument("--port", metavar="N", type=_port, default=8000,
                   help="TCP port to listen on (default: 8000; 0: any free port)")
    p.add_argument("--host", metavar="ADDRESS", default="127.0.0.1",
                   help="address to listen on (default: 127.0.0.1, this computer only; any "
                   "other lets other computers see the report, and is warned about)")
    p.add_argument("--open", action="store_true", help="open the preview in a web browser")
    p.add_argument("-o", "--out", metavar="OUTDIR", type=Path, default=Path("dist"),
                   help="where 'Write DOCX' writes (default: dist)")
    p.add_argument("--draft", action="store_true",
                   help="let a section missing from an edition stand in with its main-language "
                   "text, marked as a draft, instead of stopping")
    p.add_argument(
        "--pdf-variant", metavar="VARIANT", type=_pdf_variant, default=DEFAULT_VARIANT,
        help=f"PDF standard of the pages shown (default: {DEFAULT_VARIANT}, as 'build')")
    p.add_argument("-j", "--jobs", metavar="N", type=_positive, default=None,
                   help="worker processes typesetting (default: one per usable core)")


def _schema(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    s = sub.add_parser(
        "schema", parents=[_debug()],
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


def _reference_docx(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    r = sub.add_parser(
        "reference-docx", parents=[_debug()],
        help="write the default reference document, to customize the DOCX's styles",
        description="Write the reference document that styles the DOCX output to OUT. "
        "Change its styles in Word (keep the style names), then build with "
        "--reference-docx OUT.",
    )
    r.add_argument("out", metavar="OUT", type=Path, help="the .docx file to write")


# ------------------------------------------------------------------ value types

def _pdf_variant(value: str) -> str:
    try:
        parse_variant(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return value


def _formats(value: str) -> tuple[str, ...]:
    from reportgen.rendering import FORMATS  # not at the top: --help imports no writer

    formats = tuple(value.split(","))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown format {', '.join(repr(f) for f in unknown)}; "
            f"choose from {', '.join(FORMATS)}")
    return formats


def _languages(value: str) -> list[str]:
    return [x.strip() for x in value.split(",") if x.strip()]


def _port(value: str) -> int:
    if not value.isdigit() or int(value) > 65535:
        raise argparse.ArgumentTypeError(f"expected a TCP port from 0 to 65535, got {value!r}")
    return int(value)


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {value!r}")
    return int(value)


def _existing_file(value: str) -> Path:
    path = Path(value)
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"{value}: no such file")
    return path
