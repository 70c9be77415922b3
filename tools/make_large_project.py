"""Generate a large report project (~250 pages by default) from the sample in data/.

    python tools/make_large_project.py OUT [--pages 250] [--sample data]

OUT gets the sample's report.yaml, activity data and assets, and its sections
repeated in rounds until the report reaches about PAGES pages: each round is
every sample section once, in a rotated order, under its own id and a title
that names the round. A chart of report.yaml can be placed once only, so from
the second round on a section's ```{chart} NAME``` block holds a copy of the
chart's spec under its own id: every round draws its charts. The project
builds and checks clean like the sample; it is meant for benchmarks
(`tools/bench_check.py`, build timings), so it is generated, never committed.

Other tools can import it: ``make_project(out, pages)`` writes the project and
returns the section files in report order; ``write_report(out, sections)``
rewrites report.yaml for another list of sections.
"""

from __future__ import annotations

import argparse
import math
import re
import shutil
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "data"

#: Pages one round of the sample's sections takes (the sample is 23 pages with cover,
#: contents, list of figures and summary page; 14 rounds made 283 pages); measured with
#: `reportgen build`, the generated report's real page count is printed by the benchmark.
SAMPLE_SECTION_PAGES = 20
FRONT_PAGES = 3


def rounds_for(pages: int) -> int:
    """How many rounds of the sample's sections make about ``pages`` pages."""
    return max(1, math.ceil((pages - FRONT_PAGES) / SAMPLE_SECTION_PAGES))


def sample_report(sample: Path = SAMPLE) -> dict[str, Any]:
    return yaml.safe_load((sample / "report.yaml").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def sample_sections(sample: Path = SAMPLE) -> list[Path]:
    """The sample's section files, in its report order."""
    return [sample / ref for ref in sample_report(sample)["sections"]]


def vary_section(text: str, stem: str, round_no: int, charts: dict[str, Any]) -> str:
    """A sample section as round ``round_no`` of the large report: own id, own title, and
    from round 2 on its own copies of the charts it places (``charts``: report.yaml's)."""
    front, body = re.match(r"\A---\n(.*?\n)---\n(.*)\Z", text, re.S).groups()  # type: ignore[union-attr]
    front = re.sub(r"(?m)^id:.*\n", "", front)
    front = re.sub(r'(?m)^title:[ \t]*"?(.*?)"?[ \t]*$',
                   lambda m: f'title: "{m.group(1)} ({round_no})"', front, count=1)
    if round_no > 1:
        def inline(m: re.Match[str]) -> str:
            spec = {"id": f"{m.group(1)}-{round_no}", **charts[m.group(1)]}
            dumped = yaml.safe_dump(spec, allow_unicode=True, sort_keys=False)
            return f"```{{chart}}\n{dumped}```"

        body = re.sub(r"```\{chart\}\n([A-Za-z0-9][\w-]*)\n```", inline, body)
    return f"---\nid: {stem}-{round_no}\n{front}---\n{body}"


def write_report(out: Path, sections: list[Path], sample: Path = SAMPLE) -> None:
    """OUT/report.yaml: the sample's, listing ``sections`` (files under ``out``) instead."""
    lines = (sample / "report.yaml").read_text(encoding="utf-8").splitlines()
    start = lines.index("sections:")
    end = start + 1
    while end < len(lines) and lines[end].startswith("  - "):
        end += 1
    listed = [f"  - {p.relative_to(out).as_posix()}" for p in sections]
    kept = [line for line in lines[:start] if not line.startswith("# yaml-language-server:")]
    text = "\n".join([*kept, "sections:", *listed, *lines[end:]]) + "\n"
    (out / "report.yaml").write_text(text, encoding="utf-8")


def make_project(out: Path, pages: int = 250, sample: Path = SAMPLE) -> list[Path]:
    """Write a project of about ``pages`` pages into ``out`` (which must not exist)."""
    out.mkdir(parents=True)
    shutil.copytree(sample / "assets", out / "assets")
    shutil.copytree(sample / "activity", out / "activity")
    (out / "sections").mkdir()
    originals = sample_sections(sample)
    charts = sample_report(sample).get("charts") or {}
    sections: list[Path] = []
    for round_no in range(1, rounds_for(pages) + 1):
        shift = (round_no - 1) % len(originals)
        for src in originals[shift:] + originals[:shift]:
            stem = src.stem
            target = out / "sections" / f"{stem}-{round_no:03d}.md"
            text = src.read_text(encoding="utf-8")
            target.write_text(vary_section(text, stem, round_no, charts), encoding="utf-8")
            sections.append(target)
    write_report(out, sections, sample)
    return sections


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to create")
    parser.add_argument("--pages", type=int, default=250, help="about how many pages")
    parser.add_argument("--sample", type=Path, default=SAMPLE, help="project to repeat")
    args = parser.parse_args()
    if args.out.exists():
        parser.error(f"{args.out} exists; give a new folder")
    sections = make_project(args.out, args.pages, args.sample)
    print(f"wrote {args.out}: {len(sections)} sections, about {args.pages} pages")


if __name__ == "__main__":
    main()
