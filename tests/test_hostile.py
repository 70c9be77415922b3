"""Closed world: hostile inputs are refused with their location, and nothing outside is read.

Every case is a crafted project file. Each must stop the build with exactly the
messages given, write nothing, and open no file of the folder next to the
project, which holds a sentinel whose text must never reach an output. An
audit hook (PEP 578) sees every file Python opens during the build.
"""

from __future__ import annotations

import base64
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from reportgen.build import build

from .conftest import DATA_YAML, REPORT_YAML, SECTION_MD, OpenedFiles, Project, problems_of
from .test_pdf import pdftotext

SENTINEL = "SENTINEL-7f3a9c-outside-the-project"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (255, 0, 0)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder next to the project with the sentinel in every form a project could ask for."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.txt").write_text(SENTINEL, encoding="utf-8")
    (folder / "secret.md").write_text(f"---\ntitle: {SENTINEL}\n---\n\n{SENTINEL}\n", encoding="utf-8")
    (folder / "secret.yaml").write_text(DATA_YAML.replace("Конференция", SENTINEL), encoding="utf-8")
    (folder / "secret.png").write_bytes(_png())
    (folder / "report.html.j2").write_text(SENTINEL, encoding="utf-8")
    return folder


def _section(body: str) -> tuple[str, str]:
    return "sections/a.md", SECTION_MD.replace("Текст раздела.", body)


def _symlink(rel: str, target: str) -> Callable[[Project], None]:
    def make(project: Project) -> None:
        link = project.root / rel
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(target)
    return make


def _bomb_png(project: Project) -> None:
    # 9000 x 9000 one-bit pixels: a small file that would decode to 81 million pixels.
    Image.new("1", (9000, 9000)).save(project.root / "img" / "bomb.png")


def _truncated_png(project: Project) -> None:
    data = (project.root / "img" / "pic.png").read_bytes()
    (project.root / "img" / "cut.png").write_bytes(data[: len(data) // 2])


def _eps_as_png(project: Project) -> None:
    (project.root / "img" / "eps.png").write_bytes(b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 1 1\n")


def _svg(project: Project) -> None:
    (project.root / "img" / "chart.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', encoding="utf-8")


BILLION_LAUGHS = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
"""

Setup = Callable[[Project], None] | None

#: (name, file, content, setup, expected messages with {root} for the project folder)
CASES: list[tuple[str, str, str, Setup, list[str]]] = [
    ("image path with ..", *_section("![x](../../outside/secret.png)"), None,
     ["sections/a.md:7: error: '../../outside/secret.png' points outside the report project ({root})"]),
    ("image path percent-encoded ..", *_section("![x](..%2F..%2Foutside%2Fsecret.png)"), None,
     ["sections/a.md:7: error: '..%2F..%2Foutside%2Fsecret.png' points outside the report project "
      "({root})"]),
    ("absolute image path stays in the project", *_section("![x](/outside/secret.png)"), None,
     ["sections/a.md:7: error: image '/outside/secret.png' not found (looked for "
      "{root}/outside/secret.png)"]),
    ("file: URL", *_section('<img src="file:///etc/passwd" alt="x">'), None,
     ["sections/a.md:7: error: 'file:///etc/passwd' is not a file of the project (a report reads no "
      "URLs); put the file in the project and refer to it by a relative path"]),
    ("http: URL", *_section("![x](http://example.org/x.png)"), None,
     ["sections/a.md:7: error: 'http://example.org/x.png' is not a file of the project (a report reads "
      "no URLs); put the file in the project and refer to it by a relative path"]),
    ("data: URL", *_section("![x](data:image/png;base64," + base64.b64encode(_png()).decode() + ")"),
     None,
     ["sections/a.md:7: error: 'data:image/png;base64," + base64.b64encode(_png()).decode()
      + "' is not a file of the project (a report reads no URLs); put the file in the project and "
      "refer to it by a relative path"]),
    ("Windows share", *_section('<img src="\\\\server\\share\\x.png" alt="x">'), None,
     ["sections/a.md:7: error: '\\\\server\\share\\x.png' is not a file of the project (a report reads "
      "no URLs); put the file in the project and refer to it by a relative path"]),
    ("network path", *_section("![x](//server/share/x.png)"), None,
     ["sections/a.md:7: error: '//server/share/x.png' is not a file of the project (a report reads no "
      "URLs); put the file in the project and refer to it by a relative path"]),
    ("NUL in a file name", *_section("![x](../img/pic.png%00.jpg)"), None,
     ["sections/a.md:7: error: '../img/pic.png%00.jpg' is not a file name (it contains a NUL or a "
      "backslash)"]),
    ("symlink to an image outside", *_section("![x](../img/link.png)"),
     _symlink("img/link.png", "../../outside/secret.png"),
     ["sections/a.md:7: error: '../img/link.png' points outside the report project ({root})"]),
    ("symlinked folder leading out", *_section("![x](../shared/secret.png)"),
     _symlink("shared", "../outside"),
     ["sections/a.md:7: error: '../shared/secret.png' points outside the report project ({root})"]),
    ("section file outside", "report.yaml",
     REPORT_YAML.replace("sections/a.md", "../outside/secret.md"), None,
     ["report.yaml:13:5: error: section '../outside/secret.md' is outside the report project"]),
    ("section symlink leading out", "report.yaml", REPORT_YAML.replace("sections/a.md", "sections/s.md"),
     _symlink("sections/s.md", "../../outside/secret.md"),
     ["report.yaml:13:5: error: section 'sections/s.md' is outside the report project"]),
    ("activity data outside", "report.yaml", REPORT_YAML.replace(
        "    label: январь–сентябрь 2018 года\n",
        "    label: январь–сентябрь 2018 года\n    data: ../outside/secret.yaml\n"), None,
     ["report.yaml:12:11: error: activity data '../outside/secret.yaml' is outside the report project"]),
    ("layout outside the layouts", "report.yaml", REPORT_YAML + "layout: ../../../outside\n", None,
     ["report.yaml:14:9: error: layout: expected the name of a package layout (latin letters, "
      "digits, '_' or '-'), or 'base:' and 'folder:' for a folder of the project, got "
      "'../../../outside'"]),
    ("script", *_section("<script>fetch('http://example.org')</script>"), None,
     ["sections/a.md:7: error: <script> is not allowed in a report: it would run code in a browser"]),
    ("iframe", *_section('<iframe src="file:///etc/passwd"></iframe>'), None,
     ["sections/a.md:7: error: <iframe> is not allowed in a report: it would embed another document"]),
    ("object", *_section('<object data="../../outside/secret.txt"></object>'), None,
     ["sections/a.md:7: error: <object> is not allowed in a report: it would embed another document"]),
    ("embed", *_section('<embed src="../../outside/secret.txt">'), None,
     ["sections/a.md:7: error: <embed> is not allowed in a report: it would embed another document"]),
    ("base", *_section('<base href="file:///">'), None,
     ["sections/a.md:7: error: <base> is not allowed in a report: it would change where every link "
      "and image is looked for"]),
    ("link rel=attachment", *_section('<link rel="attachment" href="../../outside/secret.txt">'), None,
     ["sections/a.md:7: error: <link> is not allowed in a report: it would load a stylesheet or "
      "attach a file"]),
    ("meta refresh", *_section('<meta http-equiv="refresh" content="0; url=http://example.org">'),
     None,
     ["sections/a.md:7: error: <meta> is not allowed in a report: it would change the document's "
      "metadata or behaviour"]),
    ("style element", *_section("<style>@import url(../../outside/secret.txt);</style>"), None,
     ["sections/a.md:7: error: <style> is not allowed in a report: it would restyle the layout "
      "(change the look in the layout's CSS)"]),
    ("event handler", *_section('<div onclick="alert(1)">\n\nТекст.\n\n</div>'), None,
     ["sections/a.md:7: error: <div onclick=...>: event handler attributes are not allowed (a report "
      "runs no code)"]),
    ("style with url()", *_section('Текст <span style="background: url(../../outside/secret.png)">'
                                   "x</span>."), None,
     ["sections/a.md:7: error: <span style=...>: a style that loads a URL is not allowed "
      "(background: url(../../outside/secret.png))"]),
    ("javascript: link", *_section('Текст <a href="java\tscript:alert(1)">x</a>.'), None,
     ["sections/a.md:7: error: link to 'java\tscript:alert(1)': javascript: links are not allowed "
      "(use http:, https:, mailto:)"]),
    ("file: link", *_section('Текст <a href="file:///etc/passwd">x</a>.'), None,
     ["sections/a.md:7: error: link to 'file:///etc/passwd': file: links are not allowed "
      "(use http:, https:, mailto:)"]),
    ("relative link", *_section("Текст [x](../../outside/secret.txt)."), None,
     ["sections/a.md:7: error: link to '../../outside/secret.txt': a relative link has no target in "
      "a printed report; write the full https:// address"]),
    ("carousel slide outside", *_section(
        '<div class="carousel">\n<div class="swiper-slide" '
        'style="background-image: url(../../outside/secret.png)"></div>\n</div>'), None,
     ["sections/a.md:7: error: a carousel without any slide images",
      "sections/a.md:8: error: '../../outside/secret.png' points outside the report project ({root})"]),
    ("video poster outside", *_section('<video poster="../../outside/secret.png">\n</video>'), None,
     ["sections/a.md:7: error: '../../outside/secret.png' points outside the report project ({root})"]),
    ("python internals", *_section("{{ ''.__class__.__mro__ }}"), None,
     ["sections/a.md:7:7: error: expression not allowed: access to attribute '__class__' of 'str' "
      "object is unsafe."]),
    ("globals through cycler", *_section("{{ cycler.__init__.__globals__ }}"), None,
     ["sections/a.md:7:11: error: expression not allowed: access to attribute '__init__' of "
      "'Collecting' object is unsafe."]),
    ("lipsum", *_section("{{ lipsum(10**6) }}"), None,
     ["sections/a.md:7:4: error: undefined name 'lipsum'"]),
    ("range bomb", *_section("{{ range(10**9) | list | length }}"), None,
     ["sections/a.md:7: error: expression not allowed: range() of 1,000,000,000 numbers goes over "
      "the limit of 100,000 per text"]),
    ("string multiplication bomb", *_section("{{ 'lol' * 10**9 }}"), None,
     ["sections/a.md:7: error: expression not allowed: repeating a value to more than 100,000 items "
      "is not allowed"]),
    ("power bomb", *_section("{{ 9 ** 999999 }}"), None,
     ["sections/a.md:7: error: expression not allowed: a power of more than 4096 bits is not allowed"]),
    ("format width bomb", *_section("{{ '{:>999999999}'.format(1) }}"), None,
     ["sections/a.md:7: error: expression not allowed: a format width of 999999999 is not allowed"]),
    ("include a file", *_section("{% include '../../outside/secret.txt' %}"), None,
     ["sections/a.md:7: error: expression failed: no loader for this environment specified"]),
    ("billion laughs in YAML", "activity/p1.yaml", DATA_YAML + "extra:\n" + "".join(
        "  " + line + "\n" for line in BILLION_LAUGHS.splitlines()), None,
     ["activity/p1.yaml:22:24: error: the YAML document expands to more than 200000 values or nests "
      "deeper than 64 levels (recursive or repeated aliases?)"]),
    ("python object in YAML", "activity/p1.yaml",
     DATA_YAML + 'extra:\n  x: !!python/object/apply:os.system ["cat ../outside/secret.txt"]\n', None,
     ["activity/p1.yaml:22:6: error: YAML: unknown tag !!python/object/apply:os.system (a report "
      "holds plain data only)"]),
    ("decompression bomb", *_section("![x](../img/bomb.png)"), _bomb_png,
     ["sections/a.md:7: error: image '../img/bomb.png' has 9000×9000 pixels, more than 80,000,000 "
      "(a decompression bomb?)"]),
    ("truncated image", *_section("![x](../img/cut.png)"), _truncated_png,
     ["sections/a.md:7: error: image '../img/cut.png' cannot be read: Truncated File Read"]),
    ("EPS named .png", *_section("![x](../img/eps.png)"), _eps_as_png,
     ["sections/a.md:7: error: image '../img/eps.png' is not a GIF, JPEG, PNG, WEBP image"]),
    ("SVG in the narrative", *_section("![x](../img/chart.svg)"), _svg,
     ["sections/a.md:7: error: image '../img/chart.svg' is SVG; use one of GIF, JPEG, PNG, WEBP (the "
      "DOCX cannot show SVG)"]),
]


def test_the_table_has_at_least_25_attacks() -> None:
    assert len(CASES) >= 25
    assert len({c[0] for c in CASES}) == len(CASES)


@pytest.mark.parametrize(("name", "file", "text", "setup", "expected"), CASES,
                         ids=[c[0] for c in CASES])
def test_hostile_input_is_refused_and_nothing_outside_is_read(
        project: Project, outside: Path, tmp_path: Path, name: str, file: str, text: str,
        setup: Setup, expected: list[str], opened_files: OpenedFiles) -> None:
    project.write(file, text)
    if setup is not None:
        setup(project)
    out = tmp_path / "out"
    with opened_files.recording() as opened:
        problems = problems_of(project, out, formats=None)
    root = str(project.root.resolve())
    assert problems == [e.format(root=root) for e in expected]
    assert not out.exists(), "a refused build wrote something"
    read = [p for p in opened if Path(p).resolve().is_relative_to(outside.resolve())]
    assert not read, f"read outside the project: {read}"


def test_a_project_with_links_out_builds_without_reading_them(
        project: Project, outside: Path, tmp_path: Path, opened_files: OpenedFiles) -> None:
    """Symlinks to outside files that nothing refers to, a sentinel everywhere around: the outputs
    (PDF text, PDF bytes, every part of the DOCX) never contain it."""
    _symlink("img/secret.png", "../../outside/secret.png")(project)
    _symlink("sections/secret.md", "../../outside/secret.md")(project)
    _symlink("activity/p2.yaml", "../../outside/secret.yaml")(project)
    with opened_files.recording() as opened:
        result = build(project.root, tmp_path / "out")
    assert not [p for p in opened if Path(p).resolve().is_relative_to(outside.resolve())]
    written = sorted((tmp_path / "out").iterdir())
    assert [p.name for p in written] == ["report-p1.docx", "report-p1.pdf"]
    for path in written:
        assert SENTINEL.encode() not in path.read_bytes()
    assert SENTINEL not in pdftotext(result.edition().outputs["pdf"])
    with zipfile.ZipFile(result.edition().outputs["docx"]) as z:
        for name in z.namelist():
            assert SENTINEL.encode() not in z.read(name), name
        media = [z.read(n) for n in z.namelist() if n.startswith("word/media/")]
    assert (outside / "secret.png").read_bytes() not in media
