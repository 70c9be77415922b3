"""Closed world, the holes of issue 23: what a build may read is one definition (resources.World).

Each class of hole has several variants. A hostile input that must be refused gives exactly
the located messages of ``REFUSED``; one that must build (a ``file:`` URL that text only
mentions, a byte order mark, a crafted cache) is in ``BUILT``. Every one of them is built
under Python audit hooks (PEP 578: the session's ``opened_files`` for ``open``, and this
module's own for ``os.listdir``, ``os.scandir`` and ``socket.*``): a build opens nothing
outside the allowed set (the project, the output folder, the installation, the libraries,
the user's cache, the libraries' temporary files) and opens no socket at all.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sys
import tempfile
import threading
import types
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PIL import Image

from reportgen import resources
from reportgen.assemble.assets import AssetError, check_svg, layout_problems
from reportgen.assemble.expressions import Expressions
from reportgen.build import build, check
from reportgen.cache import outputs as outcache
from reportgen.cache import root as cacheroot
from reportgen.cache.charts import verified
from reportgen.errors import InputError, Problems, SourceLoc
from reportgen.layout import DEFAULT as DEFAULT_LAYOUT
from reportgen.load.yamlsrc import parse_yaml
from reportgen.model.walk import charts as charts_of
from reportgen.render.pdf.variant import DEFAULT_VARIANT
from reportgen.resources import OutsideWorld, World
from reportgen.text.chars import decode

from .conftest import DATA_YAML, REPORT_YAML, SECTION_MD, OpenedFiles, Project
from .test_charts import chart_project
from .test_pdf import pdftotext

SENTINEL = "SENTINEL-23-outside-the-project"
# ------------------------------------------------------------------ audit hooks


class Watched:
    """What this process lists and connects to while ``recording()`` (``opened_files`` sees the
    opens); a hook cannot be removed, so one is added for the module."""

    def __init__(self) -> None:
        self.listed: list[str] = []
        self.sockets: list[str] = []
        self.removing: set[str] = set()  # names shutil.rmtree opens (relative, to delete them)
        self.active = False

    def __call__(self, event: str, args: tuple[object, ...]) -> None:
        if not self.active:
            return
        if event == "open" and isinstance(args[0], str) and not os.path.isabs(args[0]) and (
                "_rmtree_safe_fd" in {f.f_code.co_name for f in _frames()}):
            self.removing.add(args[0])
        elif event in ("os.listdir", "os.scandir") and args and isinstance(
                args[0], str | bytes | os.PathLike):
            self.listed.append(os.fsdecode(args[0]))
        elif event.startswith("socket."):
            self.sockets.append(f"{event} {args!r}")

    @contextmanager
    def recording(self) -> Iterator[Watched]:
        self.listed, self.sockets, self.removing, self.active = [], [], set(), True
        try:
            yield self
        finally:
            self.active = False


def _frames() -> Iterator[types.FrameType]:
    frame: types.FrameType | None = sys._getframe(2)
    while frame is not None:
        yield frame
        frame = frame.f_back


WATCHED = Watched()
sys.addaudithook(WATCHED)


def _allowed_roots(project: Path, out: Path) -> list[Path]:
    """Where a build may open files: its project and output folder, the installation, the
    libraries (their code and data), the user's cache (the signing key, matplotlib's font
    list) and the temporary files of the libraries (WeasyPrint's fonts, the Fontconfig
    file reportgen writes)."""
    return [project.resolve(), out.resolve(), resources.package_root(), *resources.installation_dirs(),
            Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(),
            Path(os.environ["XDG_CACHE_HOME"]).resolve()]


#: The temporary folders of a build (gone when it ends): reportgen's Fontconfig file, and
#: WeasyPrint's fonts.
TEMPORARY = ("reportgen-fc-", "weasyprint-")


def _outside(paths: list[str], roots: list[Path], also: tuple[Path, ...] = ()) -> list[str]:
    bad = []
    for name in paths:
        if name.isdigit():  # a file descriptor (os.fdopen)
            continue
        path = Path(name)
        real = (path if path.is_absolute() else Path.cwd() / path).resolve()
        tmp = Path(tempfile.gettempdir()).resolve()
        if real.is_relative_to(tmp) and real != tmp and real.relative_to(tmp).parts[0].startswith(
                TEMPORARY):
            continue
        if not any(real.is_relative_to(r) for r in (*roots, *also)):
            bad.append(name)
    return bad


@contextmanager
def closed_world(project: Path, out: Path, opened_files: OpenedFiles) -> Iterator[None]:
    """The block opens and lists nothing outside the allowed roots, and opens no socket.
    (Python's import machinery may list the folders of ``sys.path``.)"""
    with opened_files.recording() as opened, WATCHED.recording() as watched:
        yield
    roots = _allowed_roots(project, out)
    # shutil.rmtree opens what it deletes relative to its folder (a temporary one of the build).
    opened = [p for p in opened if p not in watched.removing]
    assert _outside(opened, roots) == [], "opened outside the closed world"
    imports = tuple(Path(p or ".").resolve() for p in sys.path)
    assert _outside(watched.listed, roots, imports) == [], "listed outside the closed world"
    assert watched.sockets == [], "a build opened a socket"


@pytest.fixture(scope="module", autouse=True)
def _warm(tmp_path_factory: pytest.TempPathFactory) -> None:
    """One build first, unwatched: the libraries' one-time set-up (imports, WeasyPrint's
    libraries, matplotlib's font list) is theirs, not a build's."""
    root = tmp_path_factory.mktemp("warm")
    build(chart_project(Project(root / "proj")).root, root / "out", jobs=1)


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder next to the project with the sentinel in every form a project could ask for."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.txt").write_text(SENTINEL, encoding="utf-8")
    (folder / "secret.yaml").write_text(DATA_YAML.replace("Конференция", SENTINEL), encoding="utf-8")
    (folder / "secret.css").write_text(f'body::before {{ content: "{SENTINEL}" }}', encoding="utf-8")
    Image.new("RGB", (4, 4), (255, 0, 0)).save(folder / "secret.png")
    return folder


# ------------------------------------------------------------------ the tables

Setup = Callable[[Project, Path], None]


def _at(text: str, outside: Path) -> str:
    """``text`` with ``{outside}`` standing for the folder next to the project."""
    return text.replace("{outside}", str(outside))


def _section(body: str) -> Setup:
    def make(project: Project, outside: Path) -> None:
        project.write("sections/a.md", SECTION_MD.replace("Текст раздела.", _at(body, outside)))
    return make


def _file(rel: str, text: str) -> Setup:
    def make(project: Project, outside: Path) -> None:
        project.write(rel, _at(text, outside))
    return make


def _bytes(rel: str, data: bytes) -> Setup:
    def make(project: Project, outside: Path) -> None:
        (project.root / rel).write_bytes(data)
    return make


def _symlink(rel: str, target: str) -> Setup:
    def make(project: Project, outside: Path) -> None:
        link = project.root / rel
        link.parent.mkdir(parents=True, exist_ok=True)
        link.unlink(missing_ok=True)
        link.symlink_to(_at(target, outside))
    return make


def _with_extra(yaml: str) -> Setup:
    return _file("activity/p1.yaml", DATA_YAML + "extra:\n" + yaml)


def _named_link(project: Project, outside: Path) -> None:
    _symlink("activity/link.yaml", "{outside}/secret.yaml")(project, outside)
    project.write("report.yaml", REPORT_YAML.replace(
        "    label: январь–сентябрь 2018 года\n",
        "    label: январь–сентябрь 2018 года\n    data: activity/link.yaml\n"))


def _photo(size: tuple[int, int] = (64, 48), **save: object) -> bytes:
    """A JPEG of noise (a photo's worth of detail), with whatever metadata ``save`` gives."""
    import random

    rnd = random.Random(23)
    picture = Image.new("RGB", size)
    picture.putdata([(rnd.randrange(256), rnd.randrange(256), rnd.randrange(256))
                     for _ in range(size[0] * size[1])])
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=90, **save)
    return out.getvalue()


def _picture(rel: str, data: bytes, body: str) -> Setup:
    def make(project: Project, outside: Path) -> None:
        (project.root / rel).write_bytes(data)
        _section(body)(project, outside)
    return make


def _png(size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 200, 200)).save(out, "PNG")
    return out.getvalue()


def _bad_crc(png: bytes) -> bytes:
    """``png`` with its image data's checksum changed."""
    at = png.index(b"IDAT")
    crc = at + 4 + int.from_bytes(png[at - 4:at], "big")
    return png[:crc] + bytes([png[crc] ^ 0xFF]) + png[crc + 1:]


#: A valid PNG followed by an HTML page and a ZIP: a polyglot (issue 23's finding).
POLYGLOT = (_png() + f"<html><body>{SENTINEL}</body></html>".encode()
            + b"PK\x03\x04" + SENTINEL.encode() + b"PK\x05\x06" + bytes(18))


SECTION_BYTES = SECTION_MD.encode()
NOT_A_VALUE = "expression not allowed: expected a number, a text, a date or a list of them, got"
TOO_LONG = "would build a text of more than 100,000 characters"

#: (name, setup, the messages a build must stop with, paths relative to the project)
REFUSED: list[tuple[str, Setup, list[str]]] = [
    # The sandbox prints values, never objects.
    ("attr('format')", _section("{{ ''|attr('format') }}"),
     [f"sections/a.md:7: error: {NOT_A_VALUE} a function (format)"]),
    (".format_map", _section("{{ 'x'.format_map }}"),
     [f"sections/a.md:7: error: {NOT_A_VALUE} a function (format_map)"]),
    ("|attr('items')", _section("{{ extra|attr('items') }}"),
     [f"sections/a.md:7: error: {NOT_A_VALUE} a function (items)"]),
    ("a method made text by |string", _section("{{ ''.format|string }}"),
     [f"sections/a.md:7: error: {NOT_A_VALUE} a function (format)"]),
    ("a method made text by ~", _section("{{ 'x' ~ ''.format }}"),
     [f"sections/a.md:7: error: {NOT_A_VALUE} a function (format)"]),
    ("a method made text inside a filter", _section("{{ ('x' ~ ''.format)|upper }}"),
     [f"sections/a.md:7: error: {NOT_A_VALUE} a function (format)"]),
    ("a function made text by format()", _section("{{ '{}'.format(range) }}"),
     [f"sections/a.md:7: error: {NOT_A_VALUE} a function (range)"]),
    ("a type made text by percent-formatting", _section("{{ '%s' % dict }}"),
     [f"sections/a.md:7: error: {NOT_A_VALUE} a type (dict)"]),
    ("records", _section("{{ events }}"),
     [f"sections/a.md:7: error: {NOT_A_VALUE} an object (Event)"]),
    ("a mapping", _section("{{ extra }}"),
     [f"sections/a.md:7: error: {NOT_A_VALUE} a mapping (print one of its values)"]),
    ("a generator", _section("{{ events|map(attribute='title') }}"),
     [f"sections/a.md:7: error: {NOT_A_VALUE} a sequence not made into a list (add | list, "
      "or | join(', '))"]),
    ("None", _section("{{ none }}"), [f"sections/a.md:7: error: {NOT_A_VALUE} None (no value)"]),
    # A string that grows past the limit says so (it once said 'expression failed: ').
    ("replace, again and again", _section("{{ ('a' * 60000)" + "|replace('a', 'aaaa')" * 22 + " }}"),
     [f"sections/a.md:7: error: expression not allowed: replace() {TOO_LONG}"]),
    ("replace() of a method", _section("{{ ('a' * 1000).replace('a', 'a' * 99).replace('a', 'a' * 99) }}"),
     [f"sections/a.md:7: error: expression not allowed: replace() {TOO_LONG}"]),
    ("~ past the limit", _section("{{ ('x' * 99999) ~ ('y' * 99999) }}"),
     [f"sections/a.md:7: error: expression not allowed: joining texts {TOO_LONG}"]),
    ("|join past the limit", _section("{{ (['x' * 99999] * 1000)|join }}"),
     [f"sections/a.md:7: error: expression not allowed: join {TOO_LONG}"]),
    ("str.join past the limit", _section("{{ ('x' * 99999).join(['a'] * 1000) }}"),
     [f"sections/a.md:7: error: expression not allowed: join {TOO_LONG}"]),
    # Control characters from any input: named by their code, where they are written.
    ("NUL as a YAML escape in report.yaml", _file("report.yaml", REPORT_YAML.replace(
        "title: Отчёт о деятельности", 'title: "Отчёт\\0 о деятельности"')),
     ["report.yaml:1:8: error: title: expected text, got the control character U+0000 NUL; "
      "remove it"]),
    ("BEL as a YAML escape in the data", _file("activity/p1.yaml", DATA_YAML.replace(
        "title: Конференция", 'title: "Конфе\\aренция"')),
     ["activity/p1.yaml:17:12: error: events[0].title: expected text, got the control character "
      "U+0007 BEL; remove it"]),
    ("a lone surrogate as a YAML escape", _file("activity/p1.yaml", DATA_YAML.replace(
        "title: Конференция", 'title: "\\ud800"')),
     ["activity/p1.yaml:17:12: error: events[0].title: expected text, got U+D800, half of a "
      "surrogate pair (no character); remove it"]),
    ("ESC written into report.yaml", _bytes("report.yaml", REPORT_YAML.replace(
        "Администрация", "Админ\x1bистрация").encode()),
     ["report.yaml:4:17: error: expected text, got the control character U+001B ESC; remove it"]),
    ("an escape in the front matter", _file("sections/a.md", SECTION_MD.replace(
        "title: Раздел", 'title: "Раз\\x1bдел"')),
     ["sections/a.md:2:8: error: title: expected text, got the control character U+001B ESC; "
      "remove it"]),
    ("a control character an expression prints", _section("{{ '\\x00' }}"),
     ["sections/a.md:7: error: expression not allowed: the value printed holds the control "
      "character U+0000 NUL"]),
    ("a control character a format prints", _section("{{ '{:c}'.format(7) }}"),
     ["sections/a.md:7: error: expression not allowed: the value printed holds the control "
      "character U+0007 BEL"]),
    # Not UTF-8: where the byte is.
    ("invalid UTF-8 in report.yaml", _bytes("report.yaml", REPORT_YAML.encode().replace(
        "Тестовая".encode(), b"\xff\xfe")),
     ["report.yaml:3:9: error: expected UTF-8 text, got the byte 0xFF: save the file as UTF-8"]),
    # What no output can hold is an error, not dropped.
    ("<a rel=attachment>", _section('Текст <a rel="attachment" href="https://example.org/x.pdf">'
                                    "x</a>."),
     ["sections/a.md:7: error: <a rel=...>: a report attaches no files (neither the PDF nor the "
      "DOCX would hold it); link to the file's https:// address"]),
    ("<a download>", _section('Текст <a href="https://example.org/x.pdf" download>x</a>.'),
     ["sections/a.md:7: error: <a download=...>: a report attaches no files (neither the PDF nor "
      "the DOCX would hold it); link to the file's https:// address"]),
    ("rel with attachment among others", _section(
        'Текст <a rel="nofollow Attachment" href="https://example.org/x.pdf">x</a>.'),
     ["sections/a.md:7: error: <a rel=...>: a report attaches no files (neither the PDF nor the "
      "DOCX would hold it); link to the file's https:// address"]),
    # Pictures: decoded in full, their real format the one their name says.
    ("a JPEG cut to 60 %", _picture("img/cut.jpg", _photo()[:len(_photo()) * 6 // 10],
                                    "![x](../img/cut.jpg)"),
     ["sections/a.md:7: error: image '../img/cut.jpg' is cut short: the file ends before its "
      "last pixel"]),
    ("JPEG bytes named .png", _picture("img/photo.png", _photo(), "![x](../img/photo.png)"),
     ["sections/a.md:7: error: image '../img/photo.png' is a JPEG file, not PNG as its name "
      "says; give it the extension of its format"]),
    ("PNG bytes named .jpg", _picture("img/pic.jpg", _png(), "![x](../img/pic.jpg)"),
     ["sections/a.md:7: error: image '../img/pic.jpg' is a PNG file, not JPEG as its name "
      "says; give it the extension of its format"]),
    ("a picture whose name says no format", _picture("img/pic.bin", _png(), "![x](../img/pic.bin)"),
     ["sections/a.md:7: error: image '../img/pic.bin': a picture's name ends in one of .gif, "
      ".jpeg, .jpg, .png, .webp (it says which format it is)"]),
    ("a PNG with a bad checksum", _picture("img/crc.png", _bad_crc(_png()),
                                           "![x](../img/crc.png)"),
     ["sections/a.md:7: error: image '../img/crc.png' cannot be read: broken PNG file (bad "
      "header checksum in b'IDAT')"]),
    # Activity data named by report.yaml behind a link leading out.
    ("activity data behind a link, named", _named_link,
     ["report.yaml:12:11: error: activity data 'activity/link.yaml' is outside the report "
      "project"]),
]

#: The same, for the readers of the load stage (sections, activity data).
REFUSED_PATCHED: list[tuple[str, Setup, list[str]]] = [
    ("activity data behind a link, by default", _symlink("activity/p1.yaml", "{outside}/secret.yaml"),
     ["report.yaml:8:5: error: activity data 'activity/p1.yaml' is outside the report project"]),
    ("NUL written into a section", _bytes("sections/a.md", SECTION_BYTES.replace(
        "Текст раздела.".encode(), "Текст\x00 раздела.".encode())),
     ["sections/a.md:7:6: error: expected text, got the control character U+0000 NUL; remove it"]),
    ("C1 control in a section", _bytes("sections/a.md", SECTION_BYTES.replace(
        "Текст раздела.".encode(), "Текст \x9b раздела.".encode())),
     ["sections/a.md:7:7: error: expected text, got the control character U+009B CSI; remove it"]),
    ("invalid UTF-8 in a section", _bytes("sections/a.md", SECTION_BYTES.replace(
        "Текст".encode(), b"Te\xc3xt")),
     ["sections/a.md:7:3: error: expected UTF-8 text, got the byte 0xC3: save the file as UTF-8"]),
]


def _problems(project: Project, out: Path) -> list[str]:
    """``problems_of`` for a build in this process (``jobs=1``: the hooks see everything)."""
    with pytest.raises(InputError) as info:
        build(project.root, out, jobs=1)
    lines = []
    for p in info.value.problems:
        assert p.loc is not None, p
        rel = Path(p.loc.file).resolve().relative_to(project.root.resolve()).as_posix()
        where = ":".join(str(x) for x in (rel, p.loc.line, p.loc.col) if x is not None)
        lines.append(f"{where}: {p.severity}: {p.message}")
    return lines


def _run_refused(project: Project, outside: Path, tmp_path: Path, setup: Setup,
                 expected: list[str], opened_files: OpenedFiles) -> None:
    setup(project, outside)
    out = tmp_path / "out"
    with closed_world(project.root, out, opened_files):
        problems = _problems(project, out)
    assert problems == expected
    assert not out.exists(), "a refused build wrote something"


@pytest.mark.parametrize(("name", "setup", "expected"), REFUSED, ids=[c[0] for c in REFUSED])
def test_refused_with_its_location_and_nothing_outside_is_read(
        project: Project, outside: Path, tmp_path: Path, name: str, setup: Setup,
        expected: list[str], opened_files: OpenedFiles) -> None:
    _run_refused(project, outside, tmp_path, setup, expected, opened_files)


@pytest.mark.parametrize(("name", "setup", "expected"), REFUSED_PATCHED,
                         ids=[c[0] for c in REFUSED_PATCHED])
def test_refused_by_the_readers_of_the_other_stages(
        project: Project, outside: Path, tmp_path: Path, name: str, setup: Setup,
        expected: list[str], opened_files: OpenedFiles) -> None:
    _run_refused(project, outside, tmp_path, setup, expected, opened_files)


#: (name, setup, a text the PDF must show): hostile inputs that build, reading nothing outside.
BUILT: list[tuple[str, Setup, str]] = [
    ("a device named by a file: URL in the text", _section("The device file:///dev/zero is endless."),
     "file:///dev/zero"),
    ("an outside file named by a file: URL in the text",
     _section("See file://{outside}/secret.txt now."), "secret.txt"),
    ("file: URLs a data value prints", _with_extra(
        '  note: "file:///dev/zero and file:///dev/urandom"\n'), "file:///dev/urandom"),
    ("an image the Markdown parser leaves as text", _section("![x](file:////host/share/x.png)"),
     "//host/share/x.png"),
    ("an outside image left as text", _section("![x](file://{outside}/secret.png)"), "secret.png"),
    ("an escaped img element in the text", _section('&lt;img src="file:///dev/zero"&gt;'),
     "<img src=»file:///dev/zero»>"),
    ("a file: URL in the report's title", _file("report.yaml", REPORT_YAML.replace(
        "Отчёт о деятельности", "Отчёт file:///dev/zero")), "Отчёт file:///dev/zero"),
]


def _data_note(project: Project) -> None:
    project.write("sections/a.md", SECTION_MD.replace("Текст раздела.", "{{ extra.note }}"))


@pytest.mark.parametrize(("name", "setup", "shown"), BUILT, ids=[c[0] for c in BUILT])
def test_text_that_names_a_file_is_never_read(
        project: Project, outside: Path, tmp_path: Path, name: str, setup: Setup, shown: str,
        opened_files: OpenedFiles) -> None:
    """A string in the text is never a path: the part cache hashes only the files the document
    itself refers to (the pictures, charts, cover, logo), whatever the text says."""
    setup(project, outside)
    if name.startswith("file: URLs a data value"):
        _data_note(project)
    out = tmp_path / "out"
    for _ in range(2):  # the second build takes its parts from the cache
        with closed_world(project.root, out, opened_files):
            result = build(project.root, out, jobs=1)
    text = " ".join(pdftotext(result.edition().outputs["pdf"]).split())
    assert shown in text
    assert SENTINEL not in text
    with zipfile.ZipFile(result.edition().outputs["docx"]) as z:
        assert all(SENTINEL.encode() not in z.read(n) for n in z.namelist())


@pytest.mark.parametrize(("name", "file", "data"), [
    ("a PNG followed by an HTML page and a ZIP", "img/pic.png", POLYGLOT),
    ("a JPEG with EXIF, a comment and an ICC profile", "img/pic.jpg", _photo(
        comment=f"reportgen:placeholder {SENTINEL}".encode(), icc_profile=SENTINEL.encode() * 4,
        exif=Image.Exif().tobytes() + SENTINEL.encode())),
])
def test_a_picture_goes_into_the_outputs_as_its_pixels_only(
        project: Project, outside: Path, tmp_path: Path, name: str, file: str, data: bytes,
        opened_files: OpenedFiles) -> None:
    """Both writers get the re-encoded pixels (``.reportgen-cache/pictures``): nothing the file
    held besides them reaches an output, a JPEG stays a JPEG, and two builds give the same
    bytes. The release gate still reads the project's file, whose metadata marks it."""
    (project.root / file).write_bytes(data)
    _section(f"![x](../{file})")(project, outside)
    out = tmp_path / "out"
    with closed_world(project.root, out, opened_files):
        result = build(project.root, out, jobs=1)
    copies = sorted((project.root / ".reportgen-cache" / "pictures").iterdir())
    with Image.open(project.root / file) as source:
        pixels = source.convert("RGB").tobytes()
    shown = [c for c in copies if c.suffix == Path(file).suffix]
    assert len(shown) == 1 and SENTINEL.encode() not in shown[0].read_bytes()
    with Image.open(shown[0]) as copy:
        assert copy.format == {".png": "PNG", ".jpg": "JPEG"}[Path(file).suffix]
        assert copy.info.keys() <= {"jfif", "jfif_version", "jfif_unit", "jfif_density", "dpi"}
        if copy.format == "PNG":
            assert copy.convert("RGB").tobytes() == pixels
    outputs = {fmt: path.read_bytes() for fmt, path in result.edition().outputs.items()}
    assert SENTINEL.encode() not in outputs["pdf"]
    with zipfile.ZipFile(result.edition().outputs["docx"]) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/")]
        assert all(SENTINEL.encode() not in z.read(n) for n in z.namelist())
        assert shown[0].read_bytes() in [z.read(n) for n in media]
    again = build(project.root, tmp_path / "again", jobs=1, use_cache=False)
    assert {f: p.read_bytes() for f, p in again.edition().outputs.items()} == outputs
    warned = [str(w) for w in check(project.root).warnings]
    assert any("is a placeholder" in w for w in warned) == file.endswith(".jpg")  # its comment


def test_the_part_cache_hashes_the_documents_files_only(project: Project, tmp_path: Path,
                                                        opened_files: OpenedFiles) -> None:
    picture = project.root / "img" / "pic.png"
    known = outcache.PartCache(project.root, DEFAULT_LAYOUT, DEFAULT_VARIANT, files=[picture])
    told = outcache.PartCache(project.root, DEFAULT_LAYOUT, DEFAULT_VARIANT)
    (tmp_path / "x.txt").write_text(SENTINEL, encoding="utf-8")
    # Text as the HTML writer escapes it; then a picture, and an img no writer would make.
    html = (f"<p>file:///dev/zero file://{tmp_path}/x.txt &lt;img src=&#34;file:///dev/zero&#34;"
            f'&gt;</p><img src="{picture.as_uri()}" alt=""><img src="file://{tmp_path}/x.txt">')
    with opened_files.recording() as opened:
        keys = [known.key("part", html), told.key("part", html)]
    assert {Path(p).resolve() for p in opened} == {picture.resolve()}
    picture.write_bytes(picture.read_bytes() + b"\0")  # the same HTML, another picture
    fresh = outcache.PartCache(project.root, DEFAULT_LAYOUT, DEFAULT_VARIANT, files=[picture])
    assert fresh.key("part", html) != keys[0]
    assert outcache.PartCache(project.root, DEFAULT_LAYOUT, DEFAULT_VARIANT).key("part", html) != keys[1]


def test_yaml_text_from_anywhere_goes_through_the_same_check() -> None:
    """Front matter is parsed from a section's text: the same check as a file's."""
    with pytest.raises(InputError) as info:
        parse_yaml("\ntitle: a\x1bb\n", Path("a.md"))
    assert [str(p) for p in info.value.problems] == [
        "a.md:2:9: error: expected text, got the control character U+001B ESC; remove it"]


def test_a_bom_at_the_start_of_any_file_is_dropped() -> None:
    assert decode("\ufeffa: 1\n".encode(), Path("x.yaml")) == "a: 1\n"
    assert decode("\ufefftitle".encode(), Path("a.md")) == "title"


def test_a_section_with_a_bom_builds(project: Project, tmp_path: Path,
                                     opened_files: OpenedFiles) -> None:
    (project.root / "sections" / "a.md").write_bytes(b"\xef\xbb\xbf" + SECTION_BYTES)
    with closed_world(project.root, tmp_path / "out", opened_files):
        result = build(project.root, tmp_path / "out", jobs=1)
    assert "Текст раздела." in pdftotext(result.edition().outputs["pdf"])


# ------------------------------------------------------------------ the expression sandbox


@pytest.mark.parametrize(("text", "shown"), [
    ("{{ [1, 2] }}", "1, 2"),
    ("{{ ['a', ['b', 3]] }}", "a, b, 3"),
    ("{{ 'a' ~ 1 ~ 2.5 }}", "a12.5"),
    ("{{ '%s и %d' % ('a', 3) }}", "a и 3"),
    ("{{ '{:,}'.format(1000) }}", "1,000"),
    ("{{ ('a' * 50000).replace('a', 'aa')|length }}", "100000"),
    ("{{ ['x', 'y']|join(', ') }}", "x, y"),
])
def test_the_sandbox_prints_values(text: str, shown: str) -> None:
    problems = Problems()
    out = Expressions({"extra": {}}, "ru").render(text, SourceLoc(Path("a.md"), 7), problems)
    assert (out, problems.items) == (shown, [])


@pytest.mark.parametrize(("error", "message"), [
    (MemoryError(), "expression not allowed: it needs more memory than there is (a value that "
                    "grows without end?)"),
    (ValueError(), "expression failed: ValueError"),
    (ValueError(f"{object()!r} is wrong"), "expression failed: <object object> is wrong"),
])
def test_a_failed_expression_says_what_failed(error: Exception, message: str) -> None:
    """Never 'expression failed: ' with nothing after it, nor a memory address."""
    expressions = Expressions({"extra": {}}, "ru")

    def fail(value: object) -> None:
        raise error

    expressions.env.filters["fail"] = fail
    problems = Problems()
    expressions.render("{{ 1|fail }}", SourceLoc(Path("a.md"), 7), problems)
    assert [p.message for p in problems.items] == [message]


# ------------------------------------------------------------------ caches


def _forge_json(path: Path, **change: object) -> None:
    info = json.loads(path.read_text(encoding="utf-8"))
    info.update(change)
    path.write_text(json.dumps(info), encoding="utf-8")


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]


def test_a_forged_cache_is_never_used(project: Project, tmp_path: Path, opened_files: OpenedFiles,
                                      caplog: pytest.LogCaptureFixture) -> None:
    """Outputs, typeset parts and charts: each is used only while its bytes match the record
    this user's build signed; a signed entry whose bytes changed is made again, with a warning
    at it; an entry nobody signed (planted, or another user's) is silently not used."""
    chart_project(project)
    out = tmp_path / "out"
    pdf = build(project.root, out, jobs=1).edition().outputs["pdf"].read_bytes()
    cache = project.root / ".reportgen-cache"
    changed = "in .reportgen-cache does not match the digest recorded when it was made " \
              "(changed since?): made again"

    def rebuild() -> list[str]:
        caplog.clear()
        with closed_world(project.root, out, opened_files):
            result = build(project.root, out, jobs=1)
        assert result.edition().outputs["pdf"].read_bytes() == pdf
        return _warnings(caplog)

    outputs = sorted((cache / "outputs").glob("*.out"))
    for output in outputs:
        output.write_bytes(b"%PDF-1.7 forged")
    assert sorted(rebuild()) == [f"{SourceLoc(o)}: warning: the file {changed}" for o in outputs]
    shutil.rmtree(cache / "outputs")
    parts = sorted((cache / "parts").glob("*.pdf"))
    assert parts
    parts[0].write_bytes(parts[0].read_bytes() + b"%forged")
    assert rebuild() == [f"{SourceLoc(parts[0])}: warning: the file {changed}"]
    shutil.rmtree(cache / "outputs")
    (chart, *_) = sorted((cache / "charts").glob("*.svg"))
    assert verified(chart)
    drawn = chart.read_bytes()
    chart.write_bytes(drawn.replace(b"</svg>", b"<text>42</text></svg>"))  # a forged number
    (warning,) = rebuild()
    assert warning.endswith(f"warning: chart file {chart.name} in .reportgen-cache was not drawn "
                            "by this user's builds or was changed since: drawn again")
    assert chart.read_bytes() == drawn and verified(chart)
    # Forged with a record to match: bytes and digest rewritten, but no key of this user's
    # signed it. Not used, nothing said.
    shutil.rmtree(cache / "outputs")
    build(project.root, out, jobs=1)
    layouts = sorted(cache.glob(f"parts/*{outcache.LAYOUT}.json"))
    assert layouts  # the layouts the refinement replaced, kept without their PDF
    keys = [record.name.removesuffix(f"{outcache.LAYOUT}.json") for record in layouts]
    part_cache = outcache.PartCache(project.root, DEFAULT_LAYOUT, DEFAULT_VARIANT)
    assert all(part_cache.load_layout(key) is not None for key in keys)
    for record in layouts:  # a page count that would move every later number
        info = json.loads(record.read_text(encoding="utf-8"))
        info["info"]["pages"] += 1
        record.write_text(json.dumps(info), encoding="utf-8")
    part_cache = outcache.PartCache(project.root, DEFAULT_LAYOUT, DEFAULT_VARIANT)
    assert all(part_cache.load_layout(key) is None for key in keys)
    for record in [*cache.glob("outputs/*.json"), *cache.glob("parts/[0-9a-f]*.json")]:
        if record in layouts:
            continue
        data = record.with_suffix(".out" if record.parent.name == "outputs" else ".pdf")
        data.write_bytes(data.read_bytes() + b"%forged")
        info = json.loads(record.read_text(encoding="utf-8"))
        info["sha256"] = hashlib.sha256(data.read_bytes()).hexdigest()
        record.write_text(json.dumps(info), encoding="utf-8")
    caplog.clear()
    with closed_world(project.root, out, opened_files):
        result = build(project.root, out, jobs=1)
    assert result.reused == [] and _warnings(caplog) == []
    assert result.edition().outputs["pdf"].read_bytes() == pdf


def test_a_pipe_in_the_cache_is_no_entry(project: Project, tmp_path: Path) -> None:
    """A cache file is read only if it is a regular file: reading a pipe waits forever."""
    out = tmp_path / "out"
    build(project.root, out, jobs=1)
    entries = sorted((project.root / ".reportgen-cache" / "outputs").glob("*.out"))
    for entry in entries:
        entry.unlink()
        os.mkfifo(entry)
    unblocked = threading.Event()

    def unblock() -> None:  # ends a read that should never have started
        if not done.wait(30):
            unblocked.set()
            for entry in entries:
                with open(entry, "wb"):
                    pass

    done = threading.Event()
    threading.Thread(target=unblock, daemon=True).start()
    result = build(project.root, out, jobs=1)
    done.set()
    assert not unblocked.is_set(), "a build read a pipe in its cache"
    assert result.reused == []


@pytest.mark.parametrize("target", ["/dev/zero", "{outside}/secret.txt"])
def test_a_cache_file_that_links_out_is_no_entry(project: Project, outside: Path, tmp_path: Path,
                                                 target: str, opened_files: OpenedFiles) -> None:
    out = tmp_path / "out"
    build(project.root, out, jobs=1)
    cache = project.root / ".reportgen-cache"
    for entry in [*cache.glob("outputs/*.out"), *cache.glob("outputs/*.json"),
                  *cache.glob("parts/*"), *cache.glob("expressions"), *cache.glob("checks")]:
        entry.unlink()
        entry.symlink_to(target.format(outside=outside))
    with closed_world(project.root, out, opened_files):
        result = build(project.root, out, jobs=1)
    assert result.reused == []
    assert not (cache / "expressions").is_symlink()  # written anew, not through the link


# ------------------------------------------------------------------ charts


@pytest.mark.parametrize("label", ["$5 to $10", "$x^2$", "a \\$ b $", "100$"])
def test_chart_text_is_plain_text(project: Project, label: str) -> None:
    """matplotlib would read '$5 to $10' as mathematics and print '5to 10': chart text is text."""
    chart_project(project)
    for period in ("p0", "p1"):
        data = (project.root / "activity" / f"{period}.yaml").read_text(encoding="utf-8")
        project.write(f"activity/{period}.yaml", data.replace("Зарубежные СМИ", f"'{label}'")
                      .replace("Өзбекстан", f"'{label}'"))
    result = build(project.root, project.root / "out", jobs=1, formats=("pdf",))
    doc = result.edition().document
    assert doc is not None
    svgs = [c.svg.read_text(encoding="utf-8") for s in doc.sections for c in charts_of(s.blocks)]
    escaped = label.replace("&", "&amp;")
    assert escaped in svgs[0] and escaped in svgs[1]  # a category (hbar), a legend (donut)
    assert label in " ".join(pdftotext(result.edition().outputs["pdf"]).split())


# ------------------------------------------------------------------ the installation


@pytest.fixture
def installation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the installation (package, layouts, fonts) that resources points at."""
    top = tmp_path / "installed"
    shutil.copytree(resources.package_root(), top / "reportgen",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("layouts", "fonts"):
        shutil.copytree(resources.data_dir(name), top / name)
    monkeypatch.setattr(resources, "_PACKAGE", top / "reportgen")
    cacheroot.code_digest.cache_clear()
    yield top
    cacheroot.code_digest.cache_clear()


def _css(rule: str) -> Callable[[Path, Path], None]:
    def make(layout: Path, outside: Path) -> None:
        css = layout / "report.css"
        css.write_text(_at(rule, outside) + "\n" + css.read_text(encoding="utf-8"),
                       encoding="utf-8")
    return make


def _layout_link(name: str, target: str) -> Callable[[Path, Path], None]:
    def make(layout: Path, outside: Path) -> None:
        (layout / name).unlink(missing_ok=True)
        (layout / name).symlink_to(_at(target, outside))
    return make


REFUSED_LAYOUT: list[tuple[str, Callable[[Path, Path], None], str]] = [
    ("a stylesheet that is a link leading out", _layout_link("zz.css", "{outside}/secret.css"),
     "layouts/default/zz.css: error: 'zz.css' is a link to {outside}/secret.css, outside "
     "reportgen's layouts and fonts; copy the file into the layout instead"),
    ("the template, a link leading out", _layout_link("report.html.j2", "{outside}/secret.txt"),
     "layouts/default/report.html.j2: error: 'report.html.j2' is a link to {outside}/secret.txt, "
     "outside reportgen's layouts and fonts; copy the file into the layout instead"),
    ("the chart style, a link leading out", _layout_link("chart.mplstyle", "{outside}/secret.txt"),
     "layouts/default/chart.mplstyle: error: 'chart.mplstyle' is a link to {outside}/secret.txt, "
     "outside reportgen's layouts and fonts; copy the file into the layout instead"),
    ("@import of a file outside", _css('@import url("file://{outside}/secret.css");'),
     "layouts/default/report.css:1:9: error: url(file://{outside}/secret.css) is refused: outside "
     "the report project (a layout may use the project's files, the package's layouts and the bundled fonts)"),
    ("@import of a web address", _css('@import "https://example.org/x.css";'),
     "layouts/default/report.css:1:9: error: url(https://example.org/x.css) is refused: a https: "
     "URL (a report reads no URLs) (a layout may use the project's files, the package's "
     "layouts and the bundled fonts)"),
    ("@font-face src outside", _css('@font-face { font-family: X; src: url("file:///etc/hostname"); }'),
     "layouts/default/report.css:1:35: error: url(file:///etc/hostname) is refused: outside the "
     "report project (a layout may use the project's files, the package's layouts and the bundled fonts)"),
    ("url() climbing out", _css("body { background: url(../../../outside/secret.png) }"),
     "layouts/default/report.css:1:20: error: url(../../../outside/secret.png) is refused: outside "
     "the report project (a layout may use the project's files, the package's layouts and the bundled fonts)"),
    ("a data: URL", _css("p { background: url(data:image/png;base64,AAAA) }"),
     "layouts/default/report.css:1:17: error: url(data:image/png;base64,AAAA) is refused: a data: "
     "URL (a report reads no URLs) (a layout may use the project's files, the package's "
     "layouts and the bundled fonts)"),
]


def _layout_messages(problems: list[object], installation: Path, outside: Path) -> list[str]:
    shown = []
    for p in problems:
        text = str(p)
        text = text.replace(str(installation) + "/", "").replace(str(outside.resolve()), "{outside}")
        shown.append(text.replace(str(outside), "{outside}"))
    return shown


@pytest.mark.parametrize(("name", "setup", "expected"), REFUSED_LAYOUT,
                         ids=[c[0] for c in REFUSED_LAYOUT])
def test_a_layout_reads_nothing_outside(installation: Path, project: Project, outside: Path,
                                        monkeypatch: pytest.MonkeyPatch, name: str,
                                        setup: Callable[[Path, Path], None], expected: str) -> None:
    setup(installation / "layouts" / "default", outside)
    monkeypatch.chdir(installation)
    assert _layout_messages(layout_problems(DEFAULT_LAYOUT, project.root), installation,
                            outside) == [expected]


@pytest.mark.parametrize(("name", "setup", "expected"), REFUSED_LAYOUT[:1] + REFUSED_LAYOUT[3:],
                         ids=[c[0] for c in REFUSED_LAYOUT[:1] + REFUSED_LAYOUT[3:]])
def test_a_build_with_a_bad_layout_stops_with_its_location(
        installation: Path, project: Project, outside: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, name: str, setup: Callable[[Path, Path], None],
        expected: str, opened_files: OpenedFiles) -> None:
    setup(installation / "layouts" / "default", outside)
    monkeypatch.chdir(installation)
    with closed_world(project.root, tmp_path / "out", opened_files), \
            pytest.raises(InputError) as info:
        build(project.root, tmp_path / "out", jobs=1)
    assert _layout_messages(info.value.problems, installation, outside) == [expected]


def test_a_font_that_links_out_is_refused(installation: Path, project: Project,
                                          outside: Path) -> None:
    font = sorted((installation / "fonts").glob("*.ttf"))[0]
    font.unlink()
    font.symlink_to(outside / "secret.txt")
    with pytest.raises(OutsideWorld, match=f"'{font.name}' is a link to .*, outside reportgen's"):
        resources.font_files()
    (problem,) = layout_problems(DEFAULT_LAYOUT, project.root)
    assert problem.loc is not None and problem.loc.file == font


@pytest.mark.parametrize("make", ["fifo", "device"])
def test_an_svg_that_is_no_file_is_not_read(tmp_path: Path, make: str) -> None:
    """A chart file that is a pipe or a device is refused before it is read."""
    path = tmp_path / "chart.svg"
    if make == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/null")
    refused: list[str] = []

    def check() -> None:
        try:
            check_svg(path)
        except AssetError as exc:
            refused.append(str(exc))

    reader = threading.Thread(target=check, daemon=True)
    reader.start()
    reader.join(10)
    if reader.is_alive():  # it is reading the pipe: let it end
        with open(path, "wb"):
            pass
    assert refused == ["SVG 'chart.svg' is not a file"]


def test_a_refused_stylesheet_url_is_a_render_error(installation: Path, project: Project,
                                                    outside: Path) -> None:
    """Behind the layout check: WeasyPrint's fetcher refusing a stylesheet's URL stops the
    render with a RenderError that says what was refused, never a FatalURLFetchingError."""
    from reportgen.render.pdf.writer import ClosedWorldError, lay_out

    _css('@import url("file://{outside}/secret.css");')(installation / "layouts" / "default",
                                                       outside)
    with pytest.raises(ClosedWorldError, match=f"refused to read file://{outside}/secret.css: "
                       "outside the report project"), \
            lay_out("<html><body><p>x</p></body></html>", project.root, DEFAULT_LAYOUT,
                    DEFAULT_VARIANT):
        pass


def test_the_world(project: Project, outside: Path, tmp_path: Path) -> None:
    """One definition: the project after every link, the installation, files named by the
    person running the build."""
    (project.root / "img" / "out.png").symlink_to(outside / "secret.png")
    (project.root / "loop").symlink_to(project.root / "loop")
    world = World.of(project.root, named=(tmp_path / "ref.docx",))
    assert world.allows(project.root / "img" / "pic.png")
    assert world.allows(resources.layout_dir("default") / "report.css")
    assert world.allows(tmp_path / "ref.docx")
    for path in (project.root / "img" / "out.png", project.root / ".." / "outside" / "secret.txt",
                 Path("/dev/zero"), Path("/etc/passwd"), project.root / "loop",
                 Path(str(project.root) + "/a\0b")):
        assert not world.allows(path), path
    with pytest.raises(OutsideWorld, match="outside the report project"):
        world.in_project(resources.layout_dir("default") / "report.css")
    for url, reason in [("http://example.org/x", "a http: URL"), ("file://host/x", "another host"),
                        ("data:,x", "a data: URL"), ("file:///dev/zero", "outside")]:
        with pytest.raises(OutsideWorld, match=reason):
            world.resolve_url(url)
    with pytest.raises(InputError):
        decode(b"\xff", Path("x"))


def test_a_part_changed_after_it_was_verified_is_verified_again(
        project: Project, caplog: pytest.LogCaptureFixture) -> None:
    """The part cache remembers the entries it verified (a split render looks parts up in
    every round, the preview after every save), but only while their files are unchanged:
    bytes written over a verified part later, even of the same size and with its old
    modification time, are found and the part is made again."""
    parts = outcache.PartCache(project.root, DEFAULT_LAYOUT, DEFAULT_VARIANT)
    key = parts.key("part", "<p>x</p>")
    file = parts.store(key, b"%PDF-1.7 genuine", {"pages": 1})
    assert parts.load(key) == (file, {"pages": 1})
    assert parts.load(key) == (file, {"pages": 1})  # from what it verified
    before = file.stat()
    file.write_bytes(b"%PDF-1.7 forged!")  # the same size
    os.utime(file, ns=(before.st_atime_ns, before.st_mtime_ns))
    caplog.clear()
    assert parts.load(key) is None
    assert any("does not match the digest" in r.getMessage() for r in caplog.records)
