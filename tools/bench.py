"""Benchmark: `reportgen build` against Pandoc (DOCX) and Typst (PDF) on the same content.

    python tools/bench.py [--runs 3] [--pages 250] [--charts 30] [--cases sample,large]
                          [--keep DIR]          (or: make bench)

Every timing is a whole process, as a user runs it (imports included), and the
figure shown is the median of RUNS runs; the peak memory is the largest resident
set of the process and of the worker processes it waited for (``os.wait4``).

Projects (copied or generated into a temporary folder, never touching data/):
- ``sample``: the sample project in data/, all its editions, PDF + DOCX;
- ``large``: about PAGES pages made by tools/make_large_project.py from a Russian-only
  view of the sample, its charts drawn from CHARTS distinct specs.

``--cases preview``: ``reportgen preview`` of each project, driven by headless Chromium
(Selenium): the first preview against a cold build, the time from saving one edited
paragraph to the browser showing the new page, the idle CPU and the resident size after
10 and 200 edits, and ``typst watch`` on the Typst reference (see ``typst_watch_latency``).

``--cases memory``: cold builds (``--lang ru``, PDF and DOCX) of the projects of
tools/make_memory_project.py, about 160 pages with a list table of 1,200 rows, and the same
with 5,000 rows (``--memory-rows``), each with ``-j 1`` and ``-j 2`` (``--memory-jobs``);
for each, the peak resident memory of the build process and of its largest worker,
each process on its own (the kernel's VmHWM, read every 10 ms), against 400 MiB.

Cases, for each project: ``cold`` (no chart or render cache, no previous output),
``warm`` (everything as the previous build left it), and for the large project
``edit`` (one section in the middle gets a paragraph longer, then a rebuild).

Reference, on the same content: the document model is assembled once (expressions
evaluated, charts drawn: not timed), each edition's sections go into one plain HTML
file (title, section titles, leads, bodies; no cover, no hand-made contents), and
then Pandoc writes it as DOCX with a contents field, Pandoc writes it as Typst, and
Typst typesets that with Report Serif, A4, a contents page and "N / M" page numbers.
The reference time is the sum of those three processes per edition. Not a test:
timings depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_large_project import REPO, SAMPLE, make_project  # noqa: E402

sys.path.insert(0, str(REPO))


@dataclass
class Run:
    seconds: float
    peak_mib: float
    output: str


def run(cmd: list[str], cwd: Path = REPO) -> Run:
    """Run ``cmd`` to the end; its wall time, peak memory and output. Fails loudly."""
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{text}")
    return Run(seconds, usage.ru_maxrss / 1024, text)  # ru_maxrss is in KiB on Linux


def reportgen(*args: str) -> list[str]:
    return [sys.executable, "-m", "reportgen", *args]


# ------------------------------------------------------------------ projects

def russian_sample(out: Path) -> Path:
    """The sample as a one-language (Russian) project: the large report is one edition."""
    shutil.copytree(SAMPLE, out, ignore=shutil.ignore_patterns(".reportgen-cache"))
    report = yaml.safe_load((out / "report.yaml").read_text(encoding="utf-8"))

    def ru(value: Any) -> Any:
        if isinstance(value, dict):
            if "ru" in value and set(value) <= {"ru", "kk", "en"}:
                return ru(value["ru"])
            return {k: ru(v) for k, v in value.items()}
        return [ru(v) for v in value] if isinstance(value, list) else value

    sections = [s["ru"] if isinstance(s, dict) else s for s in report.pop("sections")]
    # Appendices (translated since) keep their Russian file only.
    report["appendices"] = [{"id": a["id"], "ru": a["ru"]} if isinstance(a, dict) else a
                            for a in report.get("appendices", [])]
    report.pop("languages", None)
    report = {k: v if k == "charts" else ru(v) for k, v in report.items()}
    # make_large_project.write_report expects the sections as "  - path" lines at the end.
    text = yaml.safe_dump(report, allow_unicode=True, sort_keys=False)
    text += "sections:\n" + "".join(f"  - {s}\n" for s in sections)
    (out / "report.yaml").write_text(text, encoding="utf-8")
    return out


def large_project(out: Path, pages: int, charts: int, tmp: Path) -> list[Path]:
    """The generated large project; its charts drawn from about ``charts`` distinct specs.

    make_large_project gives every round its own copies of the sample's charts, but a copy
    with the same spec is the same picture (the chart cache is keyed by content); here the
    copies of the first rounds get their round in the title, the later rounds' copies
    repeat those, so that about ``charts`` distinct charts are drawn in a cold build.
    """
    entries = make_project(out, pages, russian_sample(tmp / "sample-ru"))
    sections = [out / entry["ru"] for entry in entries]
    per_round = len(re.findall(r"```\{chart\}", "".join(
        p.read_text(encoding="utf-8") for p in sections if p.stem.endswith("-001"))))
    distinct_rounds = max(1, -(-charts // max(per_round, 1)))
    for path in sections:
        round_no = int(path.stem.rsplit("-", 1)[1])
        if round_no == 1:
            continue
        tag = (round_no - 2) % max(distinct_rounds - 1, 1) + 2 if distinct_rounds > 1 else 0
        text = path.read_text(encoding="utf-8")
        if tag:
            text = re.sub(r"(```\{chart\}\n(?:(?!```).*\n)*?)title: (.*)\n",
                          rf"\g<1>title: \g<2> ({tag})\n", text)
        path.write_text(text, encoding="utf-8")
    return sections


# ----------------------------------------------------------------- reference

def reference_inputs(project: Path, work: Path) -> list[Path]:
    """One plain HTML file per edition with the content of our model (charts as SVG files)."""
    from markupsafe import escape

    from reportgen.assemble.document import assemble
    from reportgen.load.project import load_project
    from reportgen.render.chartfiles import draw_all
    from reportgen.render.html import HtmlWriter

    loaded = load_project(project)
    period = loaded.period(None)
    files = []
    for lang in loaded.report.editions:
        doc = assemble(loaded, period, lang=lang)
        draw_all(doc, loaded.layout)
        writer = HtmlWriter(doc.meta.strings)
        parts = [f"<h1>{escape(s.title)}</h1>"
                 + (f"<p><strong>{writer.inlines(s.lead)}</strong></p>" if s.lead else "")
                 + str(writer.blocks(s.blocks)) for s in doc.sections]
        html = (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
                f"<title>{escape(doc.meta.title)}</title></head><body>"
                + "\n".join(parts) + "</body></html>")
        # Links inside the report point at ids Pandoc would have to carry over exactly
        # (appendices are left out here): the reference gets their text only.
        html = re.sub(r'<a\b[^>]*href="#[^"]*"[^>]*>(.*?)</a>', r"\1", html, flags=re.S)
        # Paths relative to the project: Typst reads files under its root only.
        html = html.replace(f'src="{project.resolve().as_uri()}/', 'src="')
        target = work / f"reference.{lang}.html"
        target.write_text(html, encoding="utf-8")
        files.append(target)
    return files


def reference_runs(project: Path, html_files: list[Path]) -> tuple[float, float, dict[str, float]]:
    """One run of the reference over every edition: total seconds, peak MiB, seconds per tool."""
    import pypandoc

    pandoc = pypandoc.get_pandoc_path()
    fonts = REPO / "fonts"
    compile_typst = ("import sys, typst; typst.compile(sys.argv[1], output=sys.argv[2], "
                     "root=sys.argv[3], font_paths=[sys.argv[4]], ignore_system_fonts=True)")
    parts = {"pandoc docx": 0.0, "pandoc typst": 0.0, "typst pdf": 0.0}
    peak = 0.0
    for html in html_files:
        stem = html.with_suffix("")
        steps = {
            "pandoc docx": [pandoc, str(html), "-f", "html", "-o", f"{stem}.docx", "--toc",
                            "--resource-path", str(project)],
            "pandoc typst": [pandoc, str(html), "-f", "html", "-t", "typst", "-s", "-o",
                             str(project / f"{stem.name}.typ"), "--toc", "--toc-depth=2",
                             "-V", "papersize=a4", "-V", "mainfont=Report Serif",
                             "-V", "fontsize=11pt", "-V", "page-numbering=1 / 1"],
            "typst pdf": [sys.executable, "-c", compile_typst, str(project / f"{stem.name}.typ"),
                          f"{stem}.pdf", str(project), str(fonts)],
        }
        for name, cmd in steps.items():
            done = run(cmd, cwd=project)
            parts[name] += done.seconds
            peak = max(peak, done.peak_mib)
    return sum(parts.values()), peak, parts


# ---------------------------------------------------------------------- cases

@dataclass
class Result:
    case: str
    seconds: float
    peak_mib: float
    pages: str
    reference: float | None = None


def median_of(runs: int, once: Callable[[], Run]) -> tuple[float, float, str]:
    done = [once() for _ in range(runs)]
    pages = ",".join(re.findall(r"\((\d+) pages\)", done[-1].output)) or "-"
    return (statistics.median(r.seconds for r in done), max(r.peak_mib for r in done), pages)


def bench_project(name: str, project: Path, out: Path, runs: int, edit: Path | None,
                  extra: list[str]) -> list[Result]:
    build = reportgen("build", str(project), "-o", str(out), *extra)

    def cold() -> Run:
        shutil.rmtree(project / ".reportgen-cache", ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
        return run(build)

    results = [Result(f"{name} cold", *median_of(runs, cold))]
    results.append(Result(f"{name} warm", *median_of(runs, lambda: run(build))))
    if edit is not None:
        counter = iter(range(1, 1000))

        def edited() -> Run:
            with edit.open("a", encoding="utf-8") as fh:
                fh.write(f"\nДобавленный при замере абзац номер {next(counter)}.\n")
            return run(build)

        results.append(Result(f"{name} edit", *median_of(runs, edited)))
    return results


# ------------------------------------------------------------------ preview

PREVIEW_MARK = "является постоянно"  # a sentence of sections/about.md (each round's copy in large)


class PreviewServer:
    """``reportgen preview`` in a process of its own, as a user starts it; its URL."""

    def __init__(self, project: Path, *args: str) -> None:
        env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
        self.start = time.perf_counter()
        self.proc = subprocess.Popen(reportgen("preview", str(project), "--port", "0", *args),
                                     cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True, start_new_session=True)
        assert self.proc.stderr is not None
        line = ""
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and "http://" not in line:
            line = self.proc.stderr.readline()
            if not line and self.proc.poll() is not None:
                sys.exit("reportgen preview did not start")
        self.url = re.search(r"(http://[\d.]+:\d+/)", line).group(1)  # type: ignore[union-attr]
        # What it says later is kept (a pipe nobody reads would stop it once full).
        self.log = project.parent / f"preview-{project.name}.log"
        threading.Thread(target=self._keep_log, daemon=True).start()

    def _keep_log(self) -> None:
        assert self.proc.stderr is not None
        with self.log.open("w", encoding="utf-8") as out:
            for line in self.proc.stderr:
                out.write(line)
                out.flush()

    def state(self) -> dict[str, Any]:
        import json
        import urllib.request

        if self.proc.poll() is not None:
            sys.exit(f"reportgen preview ended (exit {self.proc.returncode}); its log: {self.log}")
        with urllib.request.urlopen(self.url + "state", timeout=30) as response:
            return json.loads(response.read())  # type: ignore[no-any-return]

    def ready(self, timeout: float = 300) -> float:
        """Seconds from the start of the process to its first pages."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.state()["generation"] >= 1:
                return time.perf_counter() - self.start
            time.sleep(0.05)
        sys.exit("the preview's first build did not end in time")

    def wait_idle(self, generation_after: int, timeout: float = 60) -> None:
        """Until a rebuild after ``generation_after`` has ended and none runs."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = self.state()
            if state["generation"] > generation_after and state["status"] == "ready":
                return
            time.sleep(0.02)
        sys.exit("the preview's rebuild did not end in time")

    def processes(self) -> list[int]:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.proc.pid)],
                             capture_output=True, text=True).stdout
        return [self.proc.pid, *(int(x) for x in out.split())]

    def rss_mib(self) -> tuple[float, float]:
        """Resident size of the server process, and of it with its workers (MiB)."""
        sizes = []
        for pid in self.processes():
            status = Path(f"/proc/{pid}/status").read_text()
            sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)  # type: ignore[union-attr]
        return sizes[0], sum(sizes)

    def cpu_seconds(self) -> float:
        """CPU time of the server and its workers so far."""
        tick = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for pid in self.processes():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        return total

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, 2)  # Ctrl-C
            self.proc.wait(timeout=60)


def _browser() -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1300,1000", "--no-proxy-server"):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service(shutil.which("chromedriver") or "chromedriver"),
                            options=options)


def _page_of(server: PreviewServer, lang: str, phrase: str, section: Path) -> int:
    """The page of ``section`` (its title in the PDF's outline, then the pages from there)
    that shows ``phrase``."""
    import urllib.request

    edition = next(e for e in server.state()["editions"] if e["lang"] == lang)
    title = next(line.split(":", 1)[1].strip().strip("'\"") for line in
                 section.read_text(encoding="utf-8").splitlines() if line.startswith("title:"))
    start = next((o["page"] for o in edition["outline"]
                  if o["title"].split() == title.split()), 1)
    for n, version in list(enumerate(edition["versions"], 1))[start - 1:]:
        with urllib.request.urlopen(f"{server.url}text/{lang}/{n}.txt?v={version}", timeout=30) as r:
            if phrase in " ".join(r.read().decode("utf-8").split()):
                return n
    sys.exit(f"no page shows {phrase!r}")


def first_preview(name: str, project: Path, runs: int) -> list[str]:
    """The first preview (from the process's start to its first pages) against cold builds
    of the same project: ``reportgen build`` as the issue names it (every format: the PDF and
    the DOCX) and ``reportgen build --format pdf`` (what the preview makes), ``runs`` rounds
    of the three, one after the other (the machine's speed drifts: each round compares runs
    made within a minute or so). Every run starts without the project's cache."""
    out = project.parent / f"out-{name}-cold"
    rounds: list[tuple[float, float, float]] = []
    for _ in range(runs):
        times = []
        for formats in (("--format", "pdf"), ()):
            shutil.rmtree(project / ".reportgen-cache", ignore_errors=True)
            times.append(run(reportgen("build", str(project), "-o", str(out), *formats)).seconds)
        shutil.rmtree(project / ".reportgen-cache", ignore_errors=True)
        server = PreviewServer(project)
        try:
            rounds.append((server.ready(), times[0], times[1]))
        finally:
            server.stop()
    lines = []
    for label, column in (("`reportgen build` (PDF and DOCX)", 2),
                          ("`reportgen build --format pdf`", 1)):
        ratios = [r[0] / r[column] for r in rounds]
        lines.append(f"| {name}: first preview / cold {label}, {runs} rounds | " + "; ".join(
            f"{r[0]:.2f} / {r[column]:.2f} s" for r in rounds)
            + f" (preview earlier in {sum(x < 1 for x in ratios)} of {runs}; median "
            f"{statistics.median(ratios):.3f}) |")
    return lines


def bench_preview(name: str, project: Path, edit: Path, edits: int, lang: str,
                  memory_edits: int = 0, first_runs: int = 1) -> list[str]:
    """The first preview against cold builds (``first_preview``); save-to-browser latency of
    ``edits`` saves of one paragraph of ``edit``; idle CPU; resident size after 10 and
    ``memory_edits`` edits."""
    lines = first_preview(name, project, first_runs) if first_runs else []
    server = PreviewServer(project)
    driver = _browser()
    original = edit.read_text(encoding="utf-8")
    try:
        server.ready()
        driver.get(f"{server.url}#{lang}")
        page = _page_of(server, lang, PREVIEW_MARK, edit)
        driver.execute_script(f"document.getElementById('page-{page}').scrollIntoView()")
        time.sleep(1.0)
        latencies = []
        rss: dict[int, tuple[float, float]] = {}
        total = max(edits, memory_edits)
        text = original
        for i in range(1, total + 1):
            before = f"является ({i - 1}) постоянно" if i > 1 else PREVIEW_MARK
            text = text.replace(before, f"является ({i}) постоянно", 1)
            shown = driver.execute_script("return window.reportgenPreview.shown.length")
            generation = server.state()["generation"]
            wrote = time.time()
            edit.write_text(text, encoding="utf-8")
            got = _shown_in_page(driver, shown, page)
            if got is None:
                sys.exit(f"edit {i}: the page did not change in the browser")
            if i <= edits:
                latencies.append(got[0] / 1000 - wrote)
            # Each save is made to an idle server, as each of Typst's is to an idle
            # compiler: the rebuild goes on after the edited page is shown (the whole PDF
            # joined, the caches kept), and a save meanwhile would wait for it.
            server.wait_idle(generation_after=generation)
            if i in (10, memory_edits):
                rss[i] = server.rss_mib()
            time.sleep(0.3)
        lines.append(f"| {name}: save → page shown, median of {edits} (min–max) | "
                     f"{statistics.median(latencies):.3f} s "
                     f"({min(latencies):.3f}–{max(latencies):.3f}) |")
        cpu = server.cpu_seconds()
        time.sleep(20)
        lines.append(f"| {name}: CPU while idle (server and workers, 20 s) | "
                     f"{server.cpu_seconds() - cpu:.3f} s |")
        for count, (alone, whole) in sorted(rss.items()):
            lines.append(f"| {name}: resident after {count} edits (server; with workers) | "
                         f"{alone:.0f} MiB; {whole:.0f} MiB |")
    finally:
        driver.quit()
        server.stop()
        edit.write_text(original, encoding="utf-8")
    return lines


def _shown_in_page(driver: Any, after: int, page: int) -> list[Any] | None:
    """The first entry after the ``after`` first of the page's record of pictures shown
    (``window.reportgenPreview.shown``: when, page, version) for ``page``;
    waited for in the page itself, which looks every 10 ms (polling it from here through
    WebDriver, every 5 ms, took the browser's time and added 0.1-0.2 s to what it
    measured). None after 60 s."""
    driver.set_script_timeout(60)
    try:
        found = driver.execute_async_script("""
const [after, page, done] = arguments;
const look = () => {
  const entry = window.reportgenPreview.shown.slice(after).find((e) => e[1] === page);
  if (entry) done(entry); else setTimeout(look, 10);
};
look();""", after, page)
    except Exception:  # noqa: BLE001 - the script's timeout
        return None
    return found  # type: ignore[no-any-return]


def typst_watch_latency(project: Path, work: Path, edits: int) -> float:
    """What ``typst watch`` does, with the typst package the reference uses (its CLI is not
    among the packages this project installs): a compiler kept between compilations
    (Typst's incremental engine), the file watched with watchfiles; seconds from each save
    of the reference's .typ to its new PDF written, the median."""

    import pypandoc
    import typst
    from watchfiles import watch

    html = reference_inputs(project, work)[0]
    source = project / f"{html.stem}.typ"
    subprocess.run([pypandoc.get_pandoc_path(), str(html), "-f", "html", "-t", "typst", "-s",
                    "-o", str(source), "--toc", "--toc-depth=2", "-V", "papersize=a4",
                    "-V", "mainfont=Report Serif", "-V", "fontsize=11pt",
                    "-V", "page-numbering=1 / 1"], check=True, cwd=project)
    output = work / "watch.pdf"
    compiler = typst.Compiler(str(source), root=str(project), font_paths=[str(REPO / "fonts")],
                              ignore_system_fonts=True)
    compiler.compile(output=str(output))
    stop = threading.Event()
    done: list[float] = []

    def watcher() -> None:
        for _ in watch(str(source), debounce=400, step=20, stop_event=stop):
            compiler.compile(output=str(output))
            done.append(time.time())

    thread = threading.Thread(target=watcher, daemon=True)
    thread.start()
    time.sleep(0.5)
    text = source.read_text(encoding="utf-8")
    latencies = []
    for i in range(edits):
        count = len(done)
        text = text.replace(PREVIEW_MARK if i == 0 else f"является [{i - 1}] постоянно",
                            f"является [{i}] постоянно", 1)
        wrote = time.time()
        source.write_text(text, encoding="utf-8")
        deadline = time.monotonic() + 60
        while len(done) == count and time.monotonic() < deadline:
            time.sleep(0.005)
        latencies.append(done[-1] - wrote)
        time.sleep(0.3)
    stop.set()
    thread.join(timeout=10)
    return statistics.median(latencies)


def preview_cases(args: argparse.Namespace, base: Path, tmp: Path) -> None:
    """``--cases preview``: the sample (its Russian edition's about.md edited) and the large
    project (a copy of about.md in the middle), each against ``typst watch``."""
    rows = ["| preview case | figure |", "| --- | ---: |"]
    for name in args.preview_projects.split(","):
        project = base / f"preview-{name}"
        shutil.rmtree(project, ignore_errors=True)
        if name == "sample":
            shutil.copytree(SAMPLE, project, ignore=shutil.ignore_patterns(".reportgen-cache"))
            edit = project / "sections" / "about.md"
            memory = args.memory_edits
        else:
            shutil.rmtree(tmp / "sample-ru", ignore_errors=True)
            sections = large_project(project, args.pages, args.charts, tmp)
            abouts = [s for s in sections if s.stem.startswith("about-")]
            edit = abouts[len(abouts) // 2]
            memory = 0
        ours = bench_preview(name, project, edit, args.preview_edits, "ru", memory,
                             args.first_runs if name != "sample" else 1)
        rows += ours
        saves = next(line for line in ours if "save → page shown" in line)
        median = float(re.search(r"\| ([\d.]+) s \(", saves).group(1))  # type: ignore[union-attr]
        work = base / f"preview-{name}-typst"
        work.mkdir(exist_ok=True)
        typst_s = typst_watch_latency(project, work, args.preview_edits)
        rows.append(f"| {name}: `typst watch` equivalent, save → new PDF, median | {typst_s:.3f} s |")
        rows.append(f"| {name}: ours / Typst's | {median / typst_s:.1f}× |")
        print("\n".join(rows[-len(ours) - 2:]), flush=True)
    print("\n" + "\n".join(rows))


# ------------------------------------------------------------------- memory

#: The most resident memory a process of a build may use (issue 21).
MEMORY_LIMIT_MIB = 400


def _descendants(pid: int) -> list[int]:
    """The processes under ``pid`` (its workers), from /proc/PID/task/*/children."""
    found, todo = [], [pid]
    while todo:
        try:
            tasks = list(Path(f"/proc/{todo.pop()}/task").glob("*"))
        except OSError:  # the process ended meanwhile
            continue
        for task in tasks:
            try:
                kids = [int(x) for x in (task / "children").read_text().split()]
            except OSError:  # the task ended meanwhile
                continue
            found += kids
            todo += kids
    return found


def _high_water_mib(pid: int) -> float | None:
    """The peak resident size of ``pid`` so far (the kernel's VmHWM), None once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    found = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(found.group(1)) / 1024 if found else None


@dataclass
class TreeRun:
    """A build's wall time and output, and the peak resident memory of each of its
    processes: the build process's, and each other's (workers, a join apart) by pid."""

    seconds: float
    main_mib: float
    worker_mib: dict[int, float]
    output: str

    @property
    def worst_worker(self) -> float:
        return max(self.worker_mib.values(), default=0.0)


def _cmdline(pid: int) -> bytes | None:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None


#: A process under the build counts as one of its own (a worker, or the process that joins a
#: long PDF) once it has run the build's Python this long; the others are tools the build
#: starts, or forks read between fork and exec (WeasyPrint's ctypes.util.find_library runs
#: ldconfig and gcc, for instance).
WORKER_SECONDS = 0.1


def run_tree(cmd: list[str], every: float = 0.01) -> TreeRun:
    """Run ``cmd`` to the end, reading every ``every`` s the peak resident size (VmHWM) of it
    and of each worker under it. VmHWM only grows, so the last reading of a worker is its
    peak but for the last ``every`` s of its life (a pool's workers idle at the end). The
    build process's own peak is exact: ``os.wait4`` gives the largest of it and of the
    workers it reaped (Linux's RUSAGE_BOTH), and when that is above every worker's, it is
    the build process's."""
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    main_mib, peaks = 0.0, dict[int, float]()
    since, last = dict[int, float](), dict[int, float]()
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
        program = None
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            program = program or _cmdline(proc.pid)
            now = time.perf_counter()
            for child in _descendants(proc.pid):
                seen = _high_water_mib(child)
                line = _cmdline(child)
                if seen is None or not line or not program or \
                        line.split(b"\0")[0] != program.split(b"\0")[0]:
                    continue
                since.setdefault(child, now)
                last[child] = now
                peaks[child] = max(peaks.get(child, 0.0), seen)
            main_mib = max(main_mib, _high_water_mib(proc.pid) or 0.0)
            time.sleep(every)
        end = time.perf_counter()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{text}")
    workers = {pid: mib for pid, mib in peaks.items() if last[pid] - since[pid] >= WORKER_SECONDS}
    either = usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux
    if either > max(workers.values(), default=0.0):
        main_mib = either
    return TreeRun(end - start, main_mib, workers, text)


def memory_cases(args: argparse.Namespace, base: Path) -> None:
    """``--cases memory``: cold builds (PDF and DOCX of the Russian edition) of the projects
    of tools/make_memory_project.py, one per ``--memory-rows``, with each ``--memory-jobs``;
    the peak resident memory of the build process and of the largest other process of it
    (its workers, and the process a long PDF is joined in)."""
    from make_memory_project import make_memory_project

    rows = ["| case | -j | pages | wall s | peak MiB main | peak MiB max other | others |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    over = []
    for count in (int(x) for x in args.memory_rows.split(",")):
        project = base / f"memory-{count}"
        shutil.rmtree(project, ignore_errors=True)
        make_memory_project(project, count, args.memory_pages)
        for jobs in args.memory_jobs.split(","):
            out = base / f"out-memory-{count}-j{jobs}"
            build = reportgen("build", str(project), "-o", str(out), "--lang", "ru", "-j", jobs,
                              *args.build_args)
            done = []
            for _ in range(args.runs):
                shutil.rmtree(project / ".reportgen-cache", ignore_errors=True)
                shutil.rmtree(out, ignore_errors=True)
                done.append(run_tree(build))
            pages = ",".join(re.findall(r"\((\d+) pages\)", done[-1].output)) or "-"
            main_mib = max(r.main_mib for r in done)
            worker_mib = max(r.worst_worker for r in done)
            workers = max(len(r.worker_mib) for r in done)
            worst = f"{worker_mib:.0f}" if workers else "-"
            line = (f"| {count} rows | {jobs} | {pages} | "
                    f"{statistics.median(r.seconds for r in done):.1f} | {main_mib:.0f} | "
                    f"{worst} | {workers} |")
            rows.append(line)
            print(line, flush=True)
            if max(main_mib, worker_mib) > MEMORY_LIMIT_MIB:
                over.append(f"{count} rows, -j {jobs}")
    print(f"\n{args.runs} run(s) per case, median wall time, the largest peak of a process "
          f"over the runs (VmHWM; limit {MEMORY_LIMIT_MIB} MiB)\n")
    print("\n".join(rows))
    if over:
        print(f"\nover {MEMORY_LIMIT_MIB} MiB: " + "; ".join(over))


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
               platform.processor())
    mem = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
               if line.startswith("MemTotal"))
    import pypandoc
    import typst
    import weasyprint

    return (f"{os.cpu_count()} cores ({len(os.sched_getaffinity(0))} usable), {cpu}, "
            f"{mem / 1024 / 1024:.1f} GiB RAM; Python {platform.python_version()}, "
            f"WeasyPrint {weasyprint.__version__}, Pandoc {pypandoc.get_pandoc_version()}, "
            f"typst-py {getattr(typst, '__version__', '?')}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per case (median shown)")
    parser.add_argument("--pages", type=int, default=250, help="size of the large project")
    parser.add_argument("--charts", type=int, default=30, help="distinct charts in it")
    parser.add_argument("--cases", default="sample,large", help="projects: sample, large; "
                        "or 'preview': reportgen preview's save-to-browser latency (headless "
                        "chromium), against typst watch; or 'memory': the peak resident "
                        "memory of the build process and of each worker, cold builds of "
                        "tools/make_memory_project.py's projects (limit 400 MiB a process)")
    parser.add_argument("--preview-edits", type=int, default=15,
                        help="saves timed per project in --cases preview")
    parser.add_argument("--preview-projects", default="sample,large",
                        help="the projects of --cases preview")
    parser.add_argument("--first-runs", type=int, default=3,
                        help="rounds of first preview, cold build and cold PDF build of the "
                        "large project in --cases preview (the sample: one)")
    parser.add_argument("--memory-edits", type=int, default=200,
                        help="saves of the sample after which the preview's memory is read")
    parser.add_argument("--memory-rows", default="1200,5000",
                        help="rows of the long table, one project each, in --cases memory")
    parser.add_argument("--memory-pages", type=int, default=160,
                        help="pages of the --cases memory project with a 1,200-row table "
                        "(more rows: the same sections, a longer table)")
    parser.add_argument("--memory-jobs", default="1,2",
                        help="the -j of each build in --cases memory")
    parser.add_argument("--keep", type=Path, help="make the projects here and keep them")
    parser.add_argument("build_args", nargs="*", help="more arguments for reportgen build "
                        "(after --)")
    args = parser.parse_args()
    wanted = args.cases.split(",")
    print(machine(), flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-") as tmpdir:
        tmp = Path(tmpdir)
        base = args.keep or tmp
        if wanted == ["preview"]:
            preview_cases(args, base, tmp)
            return
        if wanted == ["memory"]:
            memory_cases(args, base)
            return
        table: list[Result] = []
        for name in wanted:
            project = base / name
            shutil.rmtree(project, ignore_errors=True)
            if name == "sample":
                shutil.copytree(SAMPLE, project, ignore=shutil.ignore_patterns(".reportgen-cache"))
                edit = None
            elif name == "large":
                shutil.rmtree(tmp / "sample-ru", ignore_errors=True)
                sections = large_project(project, args.pages, args.charts, tmp)
                edit = sections[len(sections) // 2]
            else:
                parser.error(f"unknown case {name}")
            results = bench_project(name, project, tmp / f"out-{name}", args.runs, edit,
                                    args.build_args)
            work = base / f"{name}-reference"
            work.mkdir(exist_ok=True)
            html = reference_inputs(project, work)
            refs = [reference_runs(project, html) for _ in range(args.runs)]
            ref_s = statistics.median(r[0] for r in refs)
            for r in results:
                r.reference = ref_s
            parts = {k: statistics.median(r[2][k] for r in refs) for k in refs[0][2]}
            table += results
            table.append(Result(f"{name} Pandoc+Typst", ref_s, max(r[1] for r in refs), "-"))
            print(f"{name}: reference " + ", ".join(f"{k} {v:.2f} s" for k, v in parts.items()),
                  flush=True)
    print(f"\n{args.runs} run(s) per case, median wall time, peak RSS of a process\n")
    print("| case | pages | median s | peak MiB | ours / reference |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for r in table:
        ratio = f"{r.seconds / r.reference:.2f}×" if r.reference else "-"
        print(f"| {r.case} | {r.pages} | {r.seconds:.2f} | {r.peak_mib:.0f} | {ratio} |")


if __name__ == "__main__":
    main()
