"""reportgen preview: the build that stays up equals a clean build; the server shows it safely.

Three kinds of test: the engine (``preview.session`` against ``build``, after each kind of
edit), the server (Host and Origin checks, paths, the rebuild thread) and, in a real
browser (Debian's chromium and chromium-driver, driven by Selenium, headless), the page
itself: a save updates it in place, a broken save shows the problems over the last good
pages, the fix clears them. Only 127.0.0.1 is ever contacted; every wait is bounded.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():  # Starlette's TestClient would rather have httpx2 than httpx
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from reportgen.build import build, check
from reportgen.preview.guard import own_hosts
from reportgen.preview.hub import problem_view
from reportgen.preview.pages import EditionPages
from reportgen.preview.server import Preview
from reportgen.preview.session import Outcome, Session
from reportgen.preview.watch import is_input
from reportgen.workers import SerialExecutor

from .conftest import REPO, REPORT_YAML, Project, need
from .test_charts import chart_project

LONG = "Длинный абзац текста раздела, который занимает место на странице. " * 12

TWO_SECTIONS = REPORT_YAML + "  - sections/b.md\n"

SECTION_A = """\
---
title: Первый раздел
id: first
---

**Подготовлено {{ indicators.materials.text }}.**

Подробнее см. {ref}`раздел «{title}», с. {page} <second>`.

{body}
"""

SECTION_B = """\
---
title: Второй раздел
id: second
---

Текст второго раздела.
"""


# ------------------------------------------------------------------ helpers

def facts(data: bytes) -> dict[str, Any]:
    """What a preview and a build must share: pages, each page's text, the outline."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    try:
        texts = []
        for i in range(len(doc)):
            textpage = doc[i].get_textpage()
            texts.append(" ".join(textpage.get_text_range().split()))
            textpage.close()
        outline = [(item.level, item.get_title(),
                    item.get_dest().get_index() + 1 if item.get_dest() else None)
                   for item in doc.get_toc()]
        return {"pages": len(doc), "texts": texts, "outline": outline}
    finally:
        doc.close()


def clean_build(root: Path, out: Path, lang: str | None = None) -> bytes:
    """A build from scratch (no cache used or kept), its PDF."""
    result = build(root, out, formats=("pdf",), use_cache=False, jobs=1,
                   langs=[lang] if lang else None)
    return result.edition(lang).outputs["pdf"].read_bytes()


def session(root: Path) -> Session:
    return Session(root, SerialExecutor(), 1)


def rendered(outcome: Outcome, lang: str = "ru") -> bytes:
    assert outcome.ok, (outcome.problems, outcome.failure)
    return outcome.rendered[lang].data


def two_sections(project: Project, body: str = "Короткий текст.") -> None:
    project.write("report.yaml", TWO_SECTIONS)
    project.write("sections/a.md", SECTION_A.replace("{body}", body))
    project.write("sections/b.md", SECTION_B)


def contents_number(text: str, title: str) -> int:
    found = re.search(re.escape(title) + r"[ .…]*(\d+)", text)
    assert found, (title, text)
    return int(found.group(1))


# ------------------------------------------------------------------ the engine

def test_the_preview_equals_a_clean_build_and_build_reuses_it(project: Project) -> None:
    two_sections(project)
    live = session(project.root)
    shown = rendered(live.rebuild())
    built = clean_build(project.root, project.root / "clean")
    assert facts(shown) == facts(built)
    # What the preview typeset is in the build's own caches: a build takes it from there.
    again = build(project.root, project.root / "out", formats=("pdf",), jobs=1)
    assert again.reused == [again.edition().outputs["pdf"]]
    assert again.edition().outputs["pdf"].read_bytes() == shown


def test_a_section_that_grows_by_pages_moves_later_numbers(project: Project) -> None:
    two_sections(project)
    live = session(project.root)
    before = facts(rendered(live.rebuild()))
    project.write("sections/a.md", SECTION_A.replace("{body}", "\n\n".join([LONG] * 14)))
    after = facts(rendered(live.rebuild()))
    assert after["pages"] > before["pages"]
    assert after == facts(clean_build(project.root, project.root / "clean"))
    # The contents and the page reference show the new page of the second section.
    page_of_b = next(page for level, title, page in after["outline"] if title == "Второй раздел")
    old_page_of_b = next(p for _, t, p in before["outline"] if t == "Второй раздел")
    assert page_of_b > old_page_of_b
    contents = next(t for t in after["texts"] if "Содержание" in t)
    assert contents_number(contents, "Второй раздел") == page_of_b
    assert f"с. {page_of_b}" in " ".join(after["texts"])
    assert f"с. {old_page_of_b}" not in " ".join(after["texts"])


def _edit_data(project: Project) -> None:
    data = (project.root / "activity/p1.yaml").read_text(encoding="utf-8")
    project.write("activity/p1.yaml", data.replace("value: 23", "value: 31"))


def _edit_report(project: Project) -> None:
    report = (project.root / "report.yaml").read_text(encoding="utf-8")
    project.write("report.yaml", report.replace("Отчёт о деятельности", "Годовой отчёт"))


def _add_section(project: Project) -> None:
    project.write("sections/c.md", "---\ntitle: Третий раздел\n---\n\nНовый раздел.\n")
    report = (project.root / "report.yaml").read_text(encoding="utf-8")
    project.write("report.yaml", report + "  - sections/c.md\n")


def _remove_section(project: Project) -> None:
    report = (project.root / "report.yaml").read_text(encoding="utf-8")
    project.write("report.yaml", report.replace("  - sections/b.md\n", ""))
    text = (project.root / "sections/a.md").read_text(encoding="utf-8")
    project.write("sections/a.md", text.replace(
        "Подробнее см. {ref}`раздел «{title}», с. {page} <second>`.", ""))


@pytest.mark.parametrize("edit", [_edit_data, _edit_report, _add_section, _remove_section])
def test_each_kind_of_edit_equals_a_clean_build(project: Project,
                                               edit: Callable[[Project], None]) -> None:
    two_sections(project)
    live = session(project.root)
    first = rendered(live.rebuild())
    edit(project)
    shown = rendered(live.rebuild())
    assert shown != first
    assert facts(shown) == facts(clean_build(project.root, project.root / "clean"))


def test_deleting_a_chart_equals_a_clean_build(project: Project) -> None:
    chart_project(project)
    live = session(project.root)
    before = facts(rendered(live.rebuild()))
    text = (project.root / "sections/a.md").read_text(encoding="utf-8")
    project.write("sections/a.md", text.replace("```{chart}\nmedia\n```\n", ""))
    after = facts(rendered(live.rebuild()))
    assert after != before
    assert "Рисунок 3" not in " ".join(after["texts"])
    assert after == facts(clean_build(project.root, project.root / "clean"))


def test_a_layout_file_changing_equals_a_clean_build(project: Project, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import reportgen.resources as resources

    layouts = tmp_path / "layouts"
    shutil.copytree(resources.data_dir("layouts"), layouts)
    real = resources.data_dir
    monkeypatch.setattr(resources, "data_dir",
                        lambda name: layouts if name == "layouts" else real(name))
    two_sections(project, "\n\n".join([LONG] * 3))
    live = session(project.root)
    before = facts(rendered(live.rebuild()))
    css = layouts / "default" / "report.css"
    css.write_text(css.read_text("utf-8") + "\np { font-size: 40pt !important; }\n", encoding="utf-8")
    after = facts(rendered(live.rebuild()))
    assert after["pages"] > before["pages"]
    assert after == facts(clean_build(project.root, project.root / "clean"))


def test_an_error_keeps_the_last_pages_and_lists_checks_problems(project: Project) -> None:
    two_sections(project)
    preview = Preview(session(project.root), project.root / "dist", project.root)
    good = preview.rebuild()
    shown = preview.hub.editions["ru"].data
    assert good.ok and shown
    text = (project.root / "sections/a.md").read_text(encoding="utf-8")
    project.write("sections/a.md", text.replace("Короткий текст.", "Подготовлено 25 материалов."))
    broken = preview.rebuild()
    assert not broken.ok and broken.rendered == {}
    assert [str(p) for p in broken.problems] == [str(p) for p in check(project.root).problems]
    assert preview.hub.editions["ru"].data == shown  # the last good pages stay
    (problem,) = preview.hub.snapshot()["problems"]
    assert "sections/a.md:10:14: error: '25 материалов' contradicts the data" in problem["text"]
    assert problem["source"] == "Подготовлено 25 материалов."
    project.write("sections/a.md", text)
    fixed = preview.rebuild()
    assert fixed.ok and preview.hub.snapshot()["problems"] == []


def test_warnings_are_listed_and_the_pages_still_update(project: Project) -> None:
    two_sections(project)
    preview = Preview(session(project.root), project.root / "dist", project.root)
    preview.rebuild()
    text = (project.root / "sections/a.md").read_text(encoding="utf-8")
    project.write("sections/a.md", text.replace("id: first\n", "id: first\nlead: Вводка\n"))
    outcome = preview.rebuild()
    assert outcome.ok and outcome.rendered
    (problem,) = preview.hub.snapshot()["problems"]
    assert problem["severity"] == "warning" and "lead" in problem["message"]
    assert problem["text"].startswith("sections/a.md:") or "a.md:" in problem["text"]


def test_the_release_gates_warnings_are_listed_as_check_lists_them(project: Project) -> None:
    """The preview runs the release gate in a thread beside the workers (its findings are
    warnings): after every rebuild its problems are ``check``'s, in the same order; under
    --strict the gate's warnings are errors, found before anything is rendered."""
    from reportgen.checking import check

    two_sections(project)
    text = (project.root / "sections/a.md").read_text(encoding="utf-8")
    project.write("sections/a.md", text + "\nВстреча прошла 1 января 1990 года.\n")
    live = session(project.root)
    for _ in range(2):  # the first rebuild, then one that reuses the checked edition
        outcome = live.rebuild()
        assert outcome.ok and outcome.rendered
        expected = check(project.root, cache=True).problems
        assert outcome.problems == expected
        assert any("1990" in p.message and p.severity == "warning" for p in outcome.problems)
        assert [name for name, _ in outcome.timings].count("release gate") == 1
    strict = Session(project.root, SerialExecutor(), 1, strict=True).rebuild()
    assert not strict.rendered and any("1990" in p.message for p in strict.errors)


def test_only_the_pages_that_changed_get_a_new_version(project: Project) -> None:
    two_sections(project, "\n\n".join([LONG] * 6))
    live = session(project.root)
    first = live.rebuild().rendered["ru"]
    pages = EditionPages("ru")
    pages.update(first.name, first.data, first.page_keys)
    for n in range(len(pages.versions)):  # the browser has seen every page
        assert pages.png(n, pages.versions[n]) is not None
    project.write("sections/b.md", SECTION_B.replace("второго", "последнего"))
    second = live.rebuild().rendered["ru"]
    changed = pages.update(second.name, second.data, second.page_keys,
                           visible=range(len(pages.versions)))
    text = facts(second.data)["texts"]
    assert changed == [i for i, t in enumerate(text) if "последнего" in t]


# ------------------------------------------------------------------ the server

def test_is_input() -> None:
    root = Path("/p")
    assert is_input(root / "sections/a.md", [root])
    for path in ("/p/.reportgen-cache/parts/x.pdf", "/p/sections/.a.md.swp", "/p/sections/a.md~",
                 "/p/sections/.#a.md", "/p/dist/report.pdf", "/elsewhere/a.md", "/p/sections/4913"):
        assert not is_input(Path(path), [root], [root / "dist"]), path


@pytest.fixture
def client(project: Project) -> Iterator[tuple[TestClient, Preview]]:
    two_sections(project)
    preview = Preview(session(project.root), project.root / "dist", project.root)
    preview.rebuild()
    preview.hosts = own_hosts("127.0.0.1", 8123)
    with TestClient(preview.app(), base_url="http://127.0.0.1:8123") as test_client:
        yield test_client, preview


def test_serves_its_pages(client: tuple[TestClient, Preview]) -> None:
    http, preview = client
    home = http.get("/")
    assert home.status_code == 200 and "preview.js" in home.text
    assert "default-src 'none'" in home.headers["content-security-policy"]
    state = http.get("/state").json()
    (edition,) = state["editions"]
    version = edition["versions"][0]
    page = http.get(f"/page/ru/1.png?v={version}")
    assert page.status_code == 200 and page.content.startswith(b"\x89PNG")
    assert http.get(f"/page/ru/1.png?v={version + 1000}").status_code == 404  # not that version
    assert "деятельности" in http.get(f"/text/ru/1.txt?v={version}").text
    assert http.get("/assets/preview.js").status_code == 200


@pytest.mark.parametrize("path", [
    "/assets/../server.py", "/assets/..%2Fserver.py", "/assets/%2e%2e/%2e%2e/pyproject.toml",
    "/assets//etc/passwd", "/assets/%2Fetc%2Fpasswd", "//etc/passwd", "/etc/passwd",
    "/page/ru/../../report.yaml", "/page/ru/%2e%2e%2freport.yaml", "/page/../report.yaml",
    "/report.yaml", "/sections/a.md", "/.reportgen-cache/", "/page/ru/1.png/../../../a.md",
    "/assets/index.html", "/assets/", "/static/preview.js",
])
def test_serves_nothing_else_from_the_disk(client: tuple[TestClient, Preview], path: str) -> None:
    http, _ = client
    response = http.get(path)
    assert response.status_code == 404, (path, response.status_code)
    assert "Отчёт" not in response.text and "title:" not in response.text


def test_answers_only_its_own_host(client: tuple[TestClient, Preview]) -> None:
    http, _ = client
    assert http.get("/state", headers={"Host": "localhost:8123"}).status_code == 200
    for host in ("evil.example:8123", "127.0.0.1:9999", "attacker.test", ""):
        response = http.get("/state", headers={"Host": host})
        assert response.status_code == 421, host
        assert "editions" not in response.text


def test_refuses_other_sites_writes_and_sockets(client: tuple[TestClient, Preview]) -> None:
    from starlette.websockets import WebSocketDisconnect

    http, _ = client
    other = {"Origin": "http://evil.example", "X-Reportgen-Preview": "1"}
    assert http.post("/docx/ru", headers=other).status_code == 403
    assert http.post("/docx/ru").status_code == 403  # without the preview's own header
    with pytest.raises(WebSocketDisconnect), http.websocket_connect(
            "/updates", headers={"Host": "127.0.0.1:8123", "Origin": "http://evil.example"}) as ws:
        ws.receive_text()
    with pytest.raises(WebSocketDisconnect), http.websocket_connect(
            "/updates", headers={"Host": "evil.example:8123"}) as ws:
        ws.receive_text()
    with http.websocket_connect("/updates", headers={"Host": "127.0.0.1:8123",
                                                     "Origin": "http://127.0.0.1:8123"}) as ws:
        assert '"type": "state"' in ws.receive_text()


def test_write_docx(client: tuple[TestClient, Preview], project: Project) -> None:
    http, _ = client
    response = http.post("/docx/ru", headers={"X-Reportgen-Preview": "1",
                                              "Origin": "http://127.0.0.1:8123"})
    assert response.status_code == 200, response.text
    assert (project.root / "dist" / "report-p1.docx").is_file()


# ------------------------------------------------------------------ the command

class Server:
    """``reportgen preview`` as a user starts it, on a free port of 127.0.0.1."""

    def __init__(self, root: Path, *args: str) -> None:
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "reportgen", "preview", str(root), "--port", "0", "-j", "2", *args],
            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env, text=True,
            start_new_session=True)
        self.url = ""
        self.lines: list[str] = []
        deadline = time.monotonic() + 60
        assert self.proc.stderr is not None
        while time.monotonic() < deadline:
            line = self.proc.stderr.readline()
            self.lines.append(line)
            found = re.search(r"at (http://127\.0\.0\.\d+:\d+/)", line)
            if found:
                self.url = found.group(1)
                break
            if not line and self.proc.poll() is not None:
                break
        assert self.url, "the preview did not start"

    def wait_ready(self, generation: int = 1, timeout: float = 90) -> dict[str, Any]:
        import json

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with urllib.request.urlopen(self.url + "state", timeout=10) as response:
                state = json.loads(response.read())
            if state["generation"] >= generation:
                return state
            time.sleep(0.1)
        raise AssertionError("the preview did not build in time")

    def children(self) -> list[int]:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.proc.pid)],
                             capture_output=True, text=True).stdout
        return [int(x) for x in out.split()]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=30)


def _alive(pids: list[int]) -> list[int]:
    alive = []
    for pid in pids:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        stat = Path(f"/proc/{pid}/stat")
        if stat.exists() and stat.read_text().split()[2] != "Z":
            alive.append(pid)
    return alive


def _gone(pids: list[int], timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pids):
            return True
        time.sleep(0.1)
    return False


def test_ctrl_c_ends_it_with_its_workers(project: Project) -> None:
    two_sections(project)
    server = Server(project.root)
    try:
        server.wait_ready()
        workers = server.children()
        assert len(workers) == 2
        os.killpg(server.proc.pid, signal.SIGINT)  # as a terminal sends it: to the whole group
        assert server.proc.wait(timeout=30) == 0
        assert _gone(workers)
    finally:
        server.stop()


def test_ctrl_c_twice_ends_it_without_a_traceback(project: Project) -> None:
    """An impatient second Ctrl-C (or a signal to the server and its group at once, as
    ``timeout`` sends it) makes uvicorn skip its shutdown steps: nothing of it may show."""
    two_sections(project)
    server = Server(project.root)
    try:
        server.wait_ready()
        workers = server.children()
        os.kill(server.proc.pid, signal.SIGINT)
        os.killpg(server.proc.pid, signal.SIGINT)
        assert server.proc.wait(timeout=30) == 0
        assert _gone(workers)
        assert server.proc.stderr is not None
        said = server.proc.stderr.read()
        assert "Traceback" not in said and "Error" not in said, said
    finally:
        server.stop()


def test_a_killed_server_leaves_no_process(project: Project) -> None:
    two_sections(project)
    server = Server(project.root)
    try:
        server.wait_ready()
        workers = server.children()
        assert workers
        server.proc.kill()
        server.proc.wait(timeout=30)
        assert _gone(workers)
    finally:
        server.stop()


def test_help_and_a_host_elsewhere_warns(project: Project) -> None:
    out = subprocess.run([sys.executable, "-m", "reportgen", "preview", "--help"], capture_output=True,
                         text=True, env={**os.environ, "PYTHONPATH": str(REPO)}, check=True).stdout
    for option in ("--period", "--lang", "--port", "--open", "--host", "127.0.0.1"):
        assert option in out
    two_sections(project)
    server = Server(project.root, "--host", "127.0.0.2")  # still this machine's loopback
    try:
        assert server.url.startswith("http://127.0.0.2:")
        assert any("--host 127.0.0.2" in line and "warning" in line for line in server.lines)
    finally:
        server.stop()


# ------------------------------------------------------------------ in a browser

@pytest.fixture
def browser() -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = need("chromium")
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1300,900", "--no-proxy-server"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(need("chromedriver")), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def _until(predicate: Callable[[], Any], timeout: float = 60, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _page_text(driver: Any, n: int) -> str:
    return str(driver.execute_script(
        "const d = document.getElementById('page-' + arguments[0]);"
        "return d ? d.querySelector('.text').textContent : '';", n))


def test_in_a_browser(project: Project, browser: Any) -> None:
    two_sections(project, "\n\n".join([LONG] * 8))
    server = Server(project.root)
    try:
        server.wait_ready()
        browser.get(server.url)
        _until(lambda: "Первый раздел" in " ".join(_page_text(browser, n) for n in range(1, 8)),
               what="the pages")
        pages = browser.find_elements("css selector", "#pages .page")
        last = len(pages)
        # Scroll to the last page (the second section), zoomed in.
        browser.find_element("id", "zoom-in").click()
        browser.execute_script("document.getElementById('page-' + arguments[0]).scrollIntoView()", last)
        _until(lambda: "Текст второго раздела" in _page_text(browser, last), what="the last page")
        scroll = browser.execute_script("return document.getElementById('pages').scrollTop")
        generation = int(browser.find_element("tag name", "body").get_attribute("data-generation"))

        # A save: the page's text changes in place, the scroll position and zoom stay.
        project.write("sections/b.md", SECTION_B.replace("Текст второго", "Исправленный текст второго"))
        _until(lambda: "Исправленный текст второго" in _page_text(browser, last), what="the edit")
        assert browser.execute_script("return document.getElementById('pages').scrollTop") == scroll
        assert browser.find_element("id", "zoom-level").text == "120 %"
        assert browser.find_element("id", "problems").get_attribute("hidden") is not None

        # A new picture the browser fails to fetch or decode, twice: asked again, not left
        # stale (every try after the save's last update fails without the retry).
        browser.execute_script("""
            const Real = window.Image; let failing = 2;
            window.Image = function () {
              const image = new Real();
              if (failing > 0) { failing -= 1; image.decode = () => Promise.reject(new Error("no")); }
              return image;
            };""")
        project.write("sections/b.md", SECTION_B.replace("Текст второго", "Новый текст второго"))
        _until(lambda: "Новый текст второго" in _page_text(browser, last), what="the retry")
        assert browser.execute_script("return window.Image.name") == ""  # still the stand-in

        # A broken save: the overlay lists the problem with its file:line, the pages stay.
        project.write("sections/b.md", SECTION_B + "\n{{ nosuch.value }}\n")
        overlay = _until(lambda: browser.find_element("id", "problems").is_displayed()
                         and browser.find_element("id", "problems"), what="the overlay")
        assert re.search(r"sections/b\.md:8:\d+: error: ", overlay.text), overlay.text
        assert "{{ nosuch.value }}" in overlay.text  # the source line
        assert len(browser.find_elements("css selector", "#pages .page")) == last
        assert "Новый текст второго" in _page_text(browser, last)

        # The fix clears it.
        project.write("sections/b.md", SECTION_B)
        _until(lambda: not browser.find_element("id", "problems").is_displayed(), what="no overlay")
        _until(lambda: "Текст второго раздела" in _page_text(browser, last)
               and "Новый" not in _page_text(browser, last), what="the fixed page")
        assert browser.execute_script("return document.getElementById('pages').scrollTop") == scroll
        assert int(browser.find_element("tag name", "body").get_attribute("data-generation")) > generation
    finally:
        server.stop()


def test_problem_view_reads_only_project_files(project: Project, tmp_path: Path) -> None:
    from reportgen.errors import Problem, SourceLoc

    outside = tmp_path / "secret.txt"
    outside.write_text("secret\n", encoding="utf-8")
    view = problem_view(Problem(SourceLoc(outside, 1, 1), "x"), project.root.resolve())
    assert view["source"] == ""
    inside = problem_view(Problem(SourceLoc(project.root / "report.yaml", 1, 1), "x"),
                          project.root.resolve())
    assert inside["source"].startswith("title:")


# ------------------------------------------------------------------ what a save leaves as it was

def test_a_translation_saved_leaves_the_other_editions_as_they_were(tmp_path: Path) -> None:
    """Editing the Kazakh text of a section re-does the Kazakh edition only (the others are
    taken as they were checked and typeset); a change of the data re-does every edition; each
    time every edition shown equals its clean build."""
    root = tmp_path / "sample"
    shutil.copytree(REPO / "data", root, ignore=shutil.ignore_patterns(".reportgen-cache"))
    live = Session(root, SerialExecutor(), 1, langs=["ru", "kk"])
    first = live.rebuild()
    assert first.ok, first.problems
    kk = root / "sections" / "about.kk.md"
    text = kk.read_text(encoding="utf-8")
    sentence = next(line for line in text.splitlines()
                    if len(line) > 80 and not line.startswith(("#", "-", "!")))
    kk.write_text(text.replace(sentence, sentence + " Жаңа сөйлем қосылды."), encoding="utf-8")
    second = live.rebuild()
    stages = [name for name, _ in second.timings]
    assert "assemble kk" in stages and "assemble ru" not in stages
    assert second.rendered["ru"] is first.rendered["ru"]  # the same PDF, not planned again
    assert "Жаңа сөйлем қосылды" in " ".join(facts(rendered(second, "kk"))["texts"])
    for lang in ("ru", "kk"):
        assert facts(rendered(second, lang)) == facts(clean_build(root, tmp_path / f"c-{lang}", lang))
    data = root / "activity" / "2018-9m.yaml"
    data.write_text(data.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # touched
    third = live.rebuild()
    stages = [name for name, _ in third.timings]
    assert "assemble kk" in stages and "assemble ru" in stages


def test_repeated_edits_of_a_refined_report_equal_a_clean_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sample's Russian edition asks its layout for refinements (figures deferred, words
    kept whole); from the second save on, the preview lays out ahead the parts the last
    rebuild's refinements give (``SplitRender._lay_out_ahead``). The pages are those of a
    clean build after each save."""
    root = tmp_path / "sample"
    shutil.copytree(REPO / "data", root, ignore=shutil.ignore_patterns(".reportgen-cache"))
    from reportgen.render.pdf.plan import SplitRender

    ahead: list[int] = []
    original = SplitRender._lay_out_ahead

    def counted(machine: SplitRender, *args: Any) -> None:
        queued = len(machine._queue)
        original(machine, *args)
        ahead.append(len(machine._queue) - queued)

    monkeypatch.setattr(SplitRender, "_lay_out_ahead", counted)
    live = Session(root, SerialExecutor(), 1, langs=["ru"])
    assert live.rebuild().ok
    about = root / "sections" / "about.md"
    text = about.read_text(encoding="utf-8")
    for i in range(2):
        text = text.replace("является постоянно", f"является ({i}) постоянно", 1)
        about.write_text(text, encoding="utf-8")
        shown = rendered(live.rebuild())
        assert f"является ({i}) постоянно" in " ".join(facts(shown)["texts"])
        assert facts(shown) == facts(clean_build(root, tmp_path / f"clean-{i}", "ru"))
        text = text.replace(f"является ({i}) постоянно", "является постоянно", 1)
    assert sum(ahead) >= 1  # a part was laid out ahead, and the pages are still right
