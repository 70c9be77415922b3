"""What each command does once its arguments are parsed: call the library, print the outcome.

CLI layer. Each ``run_<command>(args)`` returns the exit code; errors are raised and
mapped to exit codes by ``cli.main``. Libraries are imported inside the commands, so
that ``reportgen --help`` imports no writer.
"""

from __future__ import annotations

import argparse
import json
import sys

from reportgen.cli.progress import progress_bars
from reportgen.errors import Problem, SourceLoc, display_path

EXIT_OK, EXIT_INPUT = 0, 1


def run_new(args: argparse.Namespace) -> int:
    from reportgen.cli.new import new_project

    for path in new_project(args.folder, args.languages):
        print(f"wrote {display_path(path)}")
    print(f"reportgen: build it with: reportgen build {display_path(args.folder)}",
          file=sys.stderr)
    return EXIT_OK


def run_build(args: argparse.Namespace) -> int:
    from reportgen.build import build

    langs = _langs(args.lang)
    with progress_bars(args.progress) as progress:
        result = build(args.project, args.out, args.period, formats=args.formats,
                       strict=args.strict, reference_docx=args.reference_docx, langs=langs,
                       draft=args.draft, pdf_variant=args.pdf_variant,
                       jobs=args.jobs, progress=progress, use_cache=args.use_cache,
                       docx_pages=args.docx_pages)
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


def run_release(args: argparse.Namespace) -> int:
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


def run_verify_manifest(args: argparse.Namespace) -> int:
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


def run_check(args: argparse.Namespace) -> int:
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


def run_preview(args: argparse.Namespace) -> int:
    from reportgen.preview.run import preview

    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"reportgen: warning: --host {args.host}: the preview (the report, its sources' "
              "problems, writing its DOCX) is open to every computer that reaches this address",
              file=sys.stderr)

    def ready(url: str) -> None:
        print(f"reportgen: previewing {display_path(args.project)} at {url} (Ctrl-C stops)",
              file=sys.stderr, flush=True)
        if args.open:
            import webbrowser

            webbrowser.open(url)

    preview(args.project, args.host, args.port, period_id=args.period, langs=_langs(args.lang),
            pdf_variant=args.pdf_variant, draft=args.draft, strict=args.strict, jobs=args.jobs,
            out_dir=args.out,
            ready=ready)
    return EXIT_OK


def _problem_json(problem: Problem) -> dict[str, object]:
    def place(loc: SourceLoc | None) -> dict[str, object]:
        if loc is None:
            return {"file": None, "line": None, "column": None}
        where: dict[str, object] = {"file": display_path(loc.file), "line": loc.line,
                                    "column": loc.col}
        if loc.cell is not None:  # a spreadsheet's cell, 'Events!B12' (line: its row)
            where["cell"] = loc.cell
        return where

    return {**place(problem.loc), "severity": problem.severity, "message": problem.message,
            "related": [place(loc) for loc in problem.related]}


def run_schema(args: argparse.Namespace) -> int:
    from reportgen.atomic import write_atomic
    from reportgen.load.fields import field_reference, json_schemas

    targets = {args.out / name: text for name, text in json_schemas().items()}
    if args.markdown:
        targets[args.markdown] = field_reference()
    for path, text in targets.items():
        write_atomic(path, text.encode("utf-8"))
        print(f"wrote {display_path(path)}")
    return EXIT_OK


def run_reference_docx(args: argparse.Namespace) -> int:
    from reportgen.atomic import write_atomic
    from reportgen.render.docx import default_reference

    write_atomic(args.out, default_reference().read_bytes())
    print(f"wrote {display_path(args.out)}")
    return EXIT_OK


def run_pull(args: argparse.Namespace) -> int:
    """``reportgen pull``: the diffs on stdout, the notes and conflicts on stderr; exit 1
    when there is a conflict (nothing is applied at a conflict's place)."""
    from reportgen.pull import apply, pull

    outcome = pull(args.docx, args.project, args.track_changes)
    for name in sorted(outcome.diffs):
        sys.stdout.write(outcome.diffs[name])
    for note in outcome.notes:
        print(note, file=sys.stderr)
    for conflict in outcome.conflicts:
        print(conflict, file=sys.stderr)
    if args.apply:
        written = apply(outcome, data=args.apply_data)
        for path in written:
            print(f"reportgen: wrote {display_path(path)}", file=sys.stderr)
    return 1 if outcome.conflicts else 0
