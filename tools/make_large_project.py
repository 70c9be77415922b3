"""Generate a large report project (~250 pages by default) from the sample in data/.

    python tools/make_large_project.py OUT [--pages 250] [--sample data]

OUT gets the sample's report.yaml, activity data and assets, and its sections
repeated in rounds until the report reaches about PAGES pages: each round is
every sample section once, in a rotated order, under its own id and a title
that names the round. A chart of report.yaml can be placed once only, so from
the second round on a section's ```{chart} NAME``` block holds a copy of the
chart's spec under its own id: every round draws its charts (and its tables get
ids of their own, which its cross-references follow). The appendices are kept
once, as they are. The project
builds and checks clean like the sample; it is meant for benchmarks
(`tools/bench_check.py`, build timings), so it is generated, never committed.

Other tools can import it: ``make_project(out, pages)`` writes the project and
returns its section entries in report order ({id, <lang>: file, editions});
``write_report(out, sections)`` rewrites report.yaml for another list of them.
"""

from __future__ import annotations

import argparse
import json
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


def sample_sections(sample: Path = SAMPLE) -> list[dict[str, Any]]:
    """The sample's sections in report order, each as {id, <lang>: file, editions?}.

    A plain path in report.yaml stands for its main-language file and the editions
    next to it (about.md, about.kk.md, about.en.md).
    """
    report = sample_report(sample)
    main = report.get("language", "ru")
    others = [lang for lang in report.get("languages") or [main] if lang != main]
    entries = []
    for entry in report["sections"]:
        if isinstance(entry, str):
            path = Path(entry)
            files = {main: entry}
            for lang in others:
                sibling = path.with_name(f"{path.stem}.{lang}{path.suffix}")
                if (sample / sibling).is_file():
                    files[lang] = sibling.as_posix()
            entry = {"id": path.stem, **files}
        entries.append(dict(entry))
    return entries


def vary_section(text: str, section_id: str, round_no: int, charts: dict[str, Any]) -> str:
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

        # tables get ids of their own too (before the charts' specs bring their 'id:' lines),
        # and references follow them and the charts
        tables = re.findall(r"(?m)^id:[ \t]*([A-Za-z0-9][\w-]*)[ \t]*$", body)
        body = re.sub(r"(?m)^(id:[ \t]*)([A-Za-z0-9][\w-]*)[ \t]*$",
                      lambda m: f"{m.group(1)}{m.group(2)}-{round_no}", body)
        for name in [*tables, *charts]:
            body = body.replace(f"<{name}>`", f"<{name}-{round_no}>`")
        body = re.sub(r"```\{chart\}\n([A-Za-z0-9][\w-]*)\n```", inline, body)
    return f"---\nid: {section_id}-{round_no}\n{front}---\n{body}"


def write_report(out: Path, sections: list[dict[str, Any]], sample: Path = SAMPLE) -> None:
    """OUT/report.yaml: the sample's, listing ``sections`` (entries as report.yaml has them)."""
    lines = (sample / "report.yaml").read_text(encoding="utf-8").splitlines()
    start = lines.index("sections:")
    end = start + 1
    while end < len(lines) and lines[end].startswith("  - "):
        end += 1
    listed = [f"  - {json.dumps(entry, ensure_ascii=False)}" for entry in sections]
    kept = [line for line in lines[:start] if not line.startswith("# yaml-language-server:")]
    text = "\n".join([*kept, "sections:", *listed, *lines[end:]]) + "\n"
    (out / "report.yaml").write_text(text, encoding="utf-8")


def make_project(out: Path, pages: int = 250, sample: Path = SAMPLE) -> list[dict[str, Any]]:
    """Write a project of about ``pages`` pages into ``out`` (which must not exist); returns
    its section entries in report order."""
    out.mkdir(parents=True)
    shutil.copytree(sample / "assets", out / "assets")
    shutil.copytree(sample / "activity", out / "activity")
    if (sample / "appendices").is_dir():  # the appendices stay as they are, once
        shutil.copytree(sample / "appendices", out / "appendices")
    (out / "sections").mkdir()
    originals = sample_sections(sample)
    charts = sample_report(sample).get("charts") or {}
    sections: list[dict[str, Any]] = []
    for round_no in range(1, rounds_for(pages) + 1):
        shift = (round_no - 1) % len(originals)
        for entry in originals[shift:] + originals[:shift]:
            new: dict[str, Any] = {"id": f"{entry['id']}-{round_no}"}
            written: dict[str, str] = {}  # one copy of a file several editions share
            for key, value in entry.items():
                if key in ("id", "editions"):
                    new[key] = new.get(key, value)
                    continue
                if value not in written:
                    src = Path(value)
                    rel = src.with_name(f"{src.stem}-{round_no:03d}{src.suffix}").as_posix()
                    text = (sample / src).read_text(encoding="utf-8")
                    (out / rel).write_text(vary_section(text, entry["id"], round_no, charts),
                                           encoding="utf-8")
                    written[value] = rel
                new[key] = written[value]
            sections.append(new)
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
