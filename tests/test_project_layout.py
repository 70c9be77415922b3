"""A project's own layout and fonts (issue 21): tests/fixtures/ownlayout built end to end and
read with pdffonts, pdftotext, pikepdf, python-docx and LibreOffice; the glyph check over the
project's fonts; the errors of report.yaml's ``layout:`` and ``fonts:``; the cache keys."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import docx
import pikepdf
import pytest
from lxml import etree

from reportgen.build import BuildResult, build, check
from reportgen.cache import outputs as outcache
from reportgen.cache.charts import chart_digest
from reportgen.layout import DEFAULT as DEFAULT_LAYOUT
from reportgen.load.project import load_project
from reportgen.model.nodes import Document
from reportgen.render.pdf.variant import DEFAULT_VARIANT
from tests.conftest import need
from tests.ownlayout import DISPLAY_STYLES, derive, make_ownlayout, replace_fonts
from tests.test_docx_editing import libreoffice_pdfs

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildResult]:
    root = make_ownlayout(tmp_path_factory.mktemp("ownlayout") / "proj")
    return root, build(root, root / "out", jobs=1)


def pdffonts(pdf: Path) -> dict[str, str]:
    """The fonts of ``pdf`` by their name without the subset tag, with pdffonts' 'emb'."""
    lines = subprocess.run([need("pdffonts"), str(pdf)], check=True, capture_output=True,
                           text=True).stdout.splitlines()[2:]
    return {line.split()[0].split("+")[-1]: line.split()[-5] for line in lines if line.strip()}


def page_fonts(pdf: Path, page: int) -> set[str]:
    """The fonts one page's content uses (pikepdf: its /Resources /Font)."""
    with pikepdf.open(pdf) as doc:
        fonts = doc.pages[page - 1].Resources.get("/Font", {})
        return {str(font.BaseFont).split("+")[-1] for _, font in fonts.items()}


def pdftotext(pdf: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run([need("pdftotext"), "-enc", "UTF-8", *pages, str(pdf), "-"],
                          check=True, capture_output=True, text=True).stdout


# ------------------------------------------------------------------ built end to end


def test_each_pdf_embeds_the_project_font_where_its_css_uses_it(
        built: tuple[Path, BuildResult]) -> None:
    _, result = built
    for lang in ("ru", "kk"):
        pdf = result.edition(lang).outputs["pdf"]
        fonts = pdffonts(pdf)
        assert fonts.get("Fixture-Display-Bold") == "yes", (lang, fonts)
        assert set(fonts) <= {"Fixture-Display-Bold", "Report-Serif", "Report-Serif-Bold",
                              "Report-Sans", "Report-Sans-Bold"}, fonts
        # The added stylesheet sets the titles in it: the cover's and the section's pages.
        assert "Fixture-Display-Bold" in page_fonts(pdf, 1)
        assert "Fixture-Display-Bold" in page_fonts(pdf, 3)
        assert "Report-Serif" in page_fonts(pdf, 3)  # the body text: the base's CSS


def test_the_projects_template_extends_the_base_one(built: tuple[Path, BuildResult]) -> None:
    _, result = built
    cover = pdftotext(result.edition("ru").outputs["pdf"], 1).split()
    # The base's cover, then the project's line (its block calls super()).
    assert cover[:4] == ["Институт", "прикладных", "исследований", "Отчёт"]
    assert cover.index("ИПИ") > cover.index("год")
    kk = pdftotext(result.edition("kk").outputs["pdf"])
    assert "ҚЗИ" in kk.split() and "Мазмұны" in kk  # the base's contents too
    assert "1 204 ₸" in kk.replace("\u00a0", " ").replace("\u202f", " ")


def test_each_docx_names_and_embeds_the_project_font(built: tuple[Path, BuildResult],
                                                     tmp_path: Path) -> None:
    root, result = built
    docxs = [result.edition(lang).outputs["docx"] for lang in ("ru", "kk")]
    for path in docxs:
        word = docx.Document(str(path))
        for name in DISPLAY_STYLES:  # the layout folder's reference.docx
            assert word.styles[name].font.name == "Fixture Display", (path.name, name)
        with zipfile.ZipFile(path) as zf:
            table = etree.fromstring(zf.read("word/fontTable.xml"))
        entry = table.find(f"{W}font[@{W}name='Fixture Display']")
        assert entry is not None and entry.find(f"{W}embedBold") is not None
    # LibreOffice, with no system font of that name, sets the titles in the embedded one.
    for pdf in libreoffice_pdfs(docxs, tmp_path / "lo"):
        assert "FixtureDisplay-Bold" in pdffonts(pdf), pdf.name


# ------------------------------------------------------------------ the glyph check


def test_a_character_the_project_font_lacks_is_an_error_where_it_is_written(
        tmp_path: Path) -> None:
    root = make_ownlayout(tmp_path / "proj", without=("₸",))
    found = [str(p).replace(str(root) + "/", "") for p in check(root).problems]
    fonts = "the fonts of the layout (Fixture Display, Report Sans, Report Serif)"
    # (The kk edition is not checked for glyphs once the ru one has an error.)
    assert found == [
        f"sections/work.md:5: error: character '₸' (U+20B8 TENGE SIGN) is not in {fonts}; "
        "replace it or add a font that has it (docs/fonts.md; context: "
        "'ние; бюджет\\xa0— 1\\xa0204\\xa0₸.')"]
    kk = [str(p).replace(str(root) + "/", "") for p in check(root, langs=["kk"]).problems]
    assert kk == [
        f"sections/work.kk.md:5: error: character '₸' (U+20B8 TENGE SIGN) is not in {fonts}; "
        "replace it or add a font that has it (docs/fonts.md; context: "
        "'лды; бюджет\\xa0— 1\\xa0204\\xa0₸.')"]


def _snowman_project(root: Path, replace: bool) -> Path:
    """The fixture with a text that has ☃ (U+2603, in no bundled font) and a font family
    that has it (a copy of the asterisk); ``replace``: its layout sets every text in it."""
    make_ownlayout(root)
    for name in ("work.md", "work.kk.md"):
        path = root / "sections" / name
        path.write_text(path.read_text(encoding="utf-8").replace("₸.", "₸ ☃."),
                        encoding="utf-8")
    report = root / "report.yaml"
    text = report.read_text(encoding="utf-8")
    if replace:  # and a chart, which the layout's chart style sets in that family too
        text = text.replace("sections:\n", "charts:\n  studies:\n    type: bar\n"
                            "    title: {ru: Исследования ☃, kk: Зерттеулер ☃}\n"
                            "    data: {indicators: [studies]}\nsections:\n")
        for name in ("work.md", "work.kk.md"):
            path = root / "sections" / name
            path.write_text(path.read_text(encoding="utf-8") + "\n```{chart}\nstudies\n```\n",
                            encoding="utf-8")
        for name in ("institute.css", "reference.docx"):  # the display font: not used
            (root / "layout" / name).unlink()
        for file in replace_fonts(root, add={0x2603: "*"}):
            text = text.replace("fonts:\n", f"fonts:\n  - {file}\n")
        text = text.replace("  - fonts/FixtureDisplay-Bold.ttf\n", "")
    else:
        derive("ReportSerif-Regular.ttf", root / "fonts" / "Snow.ttf", "Fixture Serif",
               "Regular", add={0x2603: "*"})
        text = text.replace("fonts:\n", "fonts:\n  - fonts/Snow.ttf\n")
    report.write_text(text, encoding="utf-8")
    return root


def test_a_character_only_the_project_font_has_builds_when_the_layout_uses_it_alone(
        tmp_path: Path) -> None:
    # Added beside the bundled fonts, which the base's CSS still names: still an error.
    added = _snowman_project(tmp_path / "added", replace=False)
    (message,) = [p.message for p in check(added).problems]
    assert message.startswith("character '☃' (U+2603 SNOWMAN) is not in the fonts of the "
                              "layout (Fixture Display, Report Sans, Report Serif)"), message
    # Named by every rule of the layout instead: it builds, in that font alone.
    root = _snowman_project(tmp_path / "replaced", replace=True)
    result = build(root, root / "out", jobs=1)
    for lang in ("ru", "kk"):
        pdf = result.edition(lang).outputs["pdf"]
        fonts = pdffonts(pdf)
        assert set(fonts) == {"Fixture-Serif", "Fixture-Serif-Bold"}, fonts
        assert "₸ ☃." in pdftotext(pdf).replace("\u00a0", " ")

        path = result.edition(lang).outputs["docx"]
        assert any("☃" in p.text for p in docx.Document(str(path)).paragraphs)
        with zipfile.ZipFile(path) as zf:
            table = etree.fromstring(zf.read("word/fontTable.xml"))
        embedded = {font.get(f"{W}name") for font in table
                    if any(child.tag.startswith(f"{W}embed") for child in font)}
        assert embedded == {"Fixture Serif"}, embedded
    svgs = [p.read_text("utf-8") for p in (root / ".reportgen-cache" / "charts").glob("*.svg")]
    assert len(svgs) == 2  # one chart per edition, its text set in the family
    assert all("Fixture Serif" in svg and "Report S" not in svg for svg in svgs)


# ------------------------------------------------------------------ report.yaml's errors


def _yaml(root: Path, old: str, new: str) -> None:
    report = root / "report.yaml"
    text = report.read_text(encoding="utf-8")
    assert old in text
    report.write_text(text.replace(old, new), encoding="utf-8")


def _font(root: Path, data: bytes, name: str = "fonts/Bad.ttf") -> None:
    (root / name).parent.mkdir(exist_ok=True)
    (root / name).write_bytes(data)
    _yaml(root, "  - fonts/FixtureDisplay-Bold.ttf\n", f"  - {name}\n")


FONT_LINE = "report.yaml:28:5"
FOLDER_LINE = "report.yaml:26:11"


def _restricted(root: Path) -> None:
    derive("ReportSans-Regular.ttf", root / "fonts" / "Locked.ttf", "Locked Sans", "Regular",
           fs_type=0x0002)
    _yaml(root, "FixtureDisplay-Bold.ttf", "Locked.ttf")


def _bundled_name(root: Path) -> None:
    derive("ReportSans-Regular.ttf", root / "fonts" / "Again.ttf", "Report Sans", "Regular")
    _yaml(root, "FixtureDisplay-Bold.ttf", "Again.ttf")


def _twice(root: Path) -> None:
    _yaml(root, "  - fonts/FixtureDisplay-Bold.ttf\n",
          "  - fonts/FixtureDisplay-Bold.ttf\n  - fonts/./FixtureDisplay-Bold.ttf\n")


def _link_out(root: Path, name: str, outside: Path) -> None:
    (root / name).unlink() if (root / name).is_file() else None
    (root / name).symlink_to(outside)


LOAD_ERRORS = [
    ("a missing font file",
     lambda r, o: _yaml(r, "FixtureDisplay-Bold.ttf", "Missing.ttf"),
     f"{FONT_LINE}: error: font file 'fonts/Missing.ttf' not found in the report project"),
    ("a font file that is no font", lambda r, o: _font(r, b"\x00\x01\x00\x00 not a font"),
     f"{FONT_LINE}: error: font file 'fonts/Bad.ttf': 'Bad.ttf' cannot be read as a font "),
    ("a text file named .ttf", lambda r, o: _font(r, b"hello"),
     f"{FONT_LINE}: error: font file 'fonts/Bad.ttf': 'Bad.ttf' is not a TrueType or "
     "OpenType font"),
    ("a WOFF2 font", lambda r, o: _font(r, b"wOF2....", "fonts/Web.woff2"),
     f"{FONT_LINE}: error: font file 'fonts/Web.woff2': 'Web.woff2' is not a .ttf or .otf font "
     "file (a WOFF or WOFF2 font can be unpacked with fontTools: fonttools ttLib.woff2 "
     "decompress FILE)"),
    ("a font whose licence forbids embedding", lambda r, o: _restricted(r),
     f"{FONT_LINE}: error: font file 'fonts/Locked.ttf': 'Locked.ttf' may not be embedded: its "
     "OS/2 fsType is 0x0002 (restricted licence embedding), and the PDF and the DOCX embed "
     "it; use a font whose licence allows embedding"),
    ("a font named as a bundled one", lambda r, o: _bundled_name(r),
     f"{FONT_LINE}: error: font file 'fonts/Again.ttf': its family 'Report Sans' is a bundled "
     "font's; a project font needs a family name of its own"),
    ("the same face twice", lambda r, o: _twice(r),
     "report.yaml:29:5: error: font file 'fonts/./FixtureDisplay-Bold.ttf': the same face "
     "(Fixture Display, normal, weight 700) as 'fonts/FixtureDisplay-Bold.ttf'"),
    ("a font climbing out", lambda r, o: _yaml(r, "fonts/FixtureDisplay-Bold.ttf",
                                              "../outside/x.ttf"),
     f"{FONT_LINE}: error: font file '../outside/x.ttf' is outside the report project (to "
     "{outside}/x.ttf); copy it into the project"),
    ("a font by an absolute path", lambda r, o: _yaml(r, "fonts/FixtureDisplay-Bold.ttf",
                                                     "/usr/share/fonts/x.ttf"),
     f"{FONT_LINE}: error: font file '/usr/share/fonts/x.ttf' is an absolute path; name it "
     "relative to the report project (a project reads only its own files)"),
    ("a font that is a link out", lambda r, o: _link_out(r, "fonts/FixtureDisplay-Bold.ttf",
                                                         o / "x.ttf"),
     f"{FONT_LINE}: error: font file 'fonts/FixtureDisplay-Bold.ttf' leads out of the report "
     "project (to {outside}/x.ttf); copy it into the project"),
    ("a missing layout folder", lambda r, o: _yaml(r, "folder: layout", "folder: looks"),
     f"{FOLDER_LINE}: error: layout folder 'looks' not found in the report project"),
    ("a layout folder that is a file", lambda r, o: _yaml(r, "folder: layout",
                                                         "folder: report.yaml"),
     f"{FOLDER_LINE}: error: layout folder 'report.yaml' is not a folder"),
    ("a layout folder climbing out", lambda r, o: _yaml(r, "folder: layout",
                                                       "folder: ../outside"),
     f"{FOLDER_LINE}: error: layout folder '../outside' is outside the report project (to "
     "{outside}); copy it into the project"),
    ("a layout folder that is a link out", lambda r, o: _link_out(r, "looks", o),
     f"{FOLDER_LINE}: error: layout folder 'looks' leads out of the report project (to "
     "{outside}); copy it into the project"),
    ("an unknown base layout", lambda r, o: _yaml(r, "base: default", "base: fancy"),
     "report.yaml:25:9: error: layout: no layout 'fancy' (known: default)"),
]


@pytest.mark.parametrize(("name", "setup", "expected"), LOAD_ERRORS,
                         ids=[c[0] for c in LOAD_ERRORS])
def test_a_bad_layout_or_font_is_an_error_at_its_line(tmp_path: Path, name: str,
                                                      setup: object, expected: str) -> None:
    root = make_ownlayout(tmp_path / "proj")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.ttf").write_bytes((root / "fonts" / "FixtureDisplay-Bold.ttf").read_bytes())
    if name == "a layout folder that is a link out":
        _yaml(root, "folder: layout", "folder: looks")
    setup(root, outside)  # type: ignore[operator]
    found = [str(p).replace(str(root) + "/", "").replace(str(outside), "{outside}")
             for p in check(root).problems]
    assert len(found) == 1 and found[0].startswith(expected), found


# ------------------------------------------------------------------ cache keys


def test_a_changed_project_font_or_layout_file_changes_the_keys(
        built: tuple[Path, BuildResult]) -> None:
    root, result = built
    doc = result.edition("ru").document
    assert isinstance(doc, Document)

    def keys() -> tuple[str, ...]:
        layout = load_project(root).layout
        parts = outcache.PartCache(root, layout, DEFAULT_VARIANT)
        return (outcache.output_key("pdf", doc, layout, None, DEFAULT_VARIANT),
                outcache.output_key("docx", doc, layout, None, DEFAULT_VARIANT),
                parts.key("part", "<p>x</p>"), chart_digest({"v": 1}, layout))

    base = keys()
    assert base[:3] != (outcache.output_key("pdf", doc, DEFAULT_LAYOUT, None, DEFAULT_VARIANT),
                        outcache.output_key("docx", doc, DEFAULT_LAYOUT, None, DEFAULT_VARIANT),
                        outcache.PartCache(root, DEFAULT_LAYOUT, DEFAULT_VARIANT)
                        .key("part", "<p>x</p>"))
    css = root / "layout" / "institute.css"
    saved = css.read_bytes()
    css.write_bytes(saved.replace(b"14pt", b"15pt"))
    changed = keys()
    assert all(a != b for a, b in zip(base[:3], changed[:3], strict=True)), "layout file"
    css.write_bytes(saved)
    assert keys() == base
    font = root / "fonts" / "FixtureDisplay-Bold.ttf"
    saved = font.read_bytes()
    font.write_bytes(saved + b"\0\0\0\0")  # padded: still a font, other bytes
    try:
        changed = keys()
        assert all(a != b for a, b in zip(base, changed, strict=True)), "font file"
    finally:
        font.write_bytes(saved)
