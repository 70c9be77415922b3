"""Wall time of `reportgen check` against `reportgen build` on a large generated project.

    python tools/bench_check.py [--pages 250] [--runs 3] [--keep DIR]

Generates a project with tools/make_large_project.py, then runs the CLI as a
user would (a new process each time, imports included): `check --strict`
RUNS times and `build` (PDF and DOCX of every edition) RUNS times, and prints
the best and the median of each, the page counts and the ratio. Not a test: timings depend on
the machine.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_large_project import REPO, make_project  # noqa: E402


def run(args: list[str]) -> tuple[float, str]:
    """Seconds taken by `python -m reportgen ARGS` and its output; fails loudly on failure."""
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "reportgen", *args], cwd=REPO, env=env,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"reportgen {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    return seconds, done.stdout + done.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=250, help="size of the generated report")
    parser.add_argument("--runs", type=int, default=3, help="runs of each command")
    parser.add_argument("--keep", type=Path, help="generate the project here and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-check-") as tmp:
        project = args.keep or Path(tmp) / "project"
        sections = make_project(project, args.pages)
        out = Path(tmp) / "out"
        checks = [run(["check", str(project), "--strict"])[0] for _ in range(args.runs)]
        builds, pages = [], ""
        for _ in range(args.runs):
            seconds, output = run(["build", str(project), "-o", str(out)])
            builds.append(seconds)
            pages = ", ".join(f"{name} {n} pages" for name, n in
                              re.findall(r"(report-[^/\s]+\.pdf) \((\d+) pages\)", output))
    print(f"project: {len(sections)} sections; built {pages}; {args.runs} runs each")
    print(f"{'':8} {'best':>8} {'median':>8}")
    for name, times in (("check", checks), ("build", builds)):
        print(f"{name:8} {min(times):7.2f}s {statistics.median(times):7.2f}s")
    print(f"check takes {min(checks) / min(builds):.0%} of the build time")


if __name__ == "__main__":
    main()
