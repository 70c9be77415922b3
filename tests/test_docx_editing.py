"""The DOCX an editor opens (issue 19), read back by LibreOffice on a machine without the
fonts: its contents' page numbers are where LibreOffice puts the headings, it uses the
embedded fonts, nothing asks to update fields, captions and references are Word's own,
charts are Word's with their data, running heads name the section, each edition has its
language's settings and no word is cut without a hyphen.

One build of the sample's three editions with the page-number pass, and of a generated
60-page project, each converted once by LibreOffice (module fixtures: the conversions are
the slow part)."""

from __future__ import annotations

import importlib.util
import io
import os
import re
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from fontTools.ttLib import TTFont
from lxml import etree
from PIL import Image

from reportgen.build import build
from reportgen.model import nodes as m
from reportgen.model import walk
from reportgen.render.docx import captions
from reportgen.render.docx.fonts import embedded_fonts
from reportgen.resources import font_faces

from .conftest import REPO, SAMPLE, need

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
#: Families LibreOffice must not find on the system: the fonts' originals, and the bundled
#: fonts themselves (should a user have installed them): only the embedded copies remain.
HIDDEN_FAMILIES = ("PT Serif", "PT Sans", "PT Serif Caption", "PT Sans Caption",
                   "PT Sans Narrow", "PT Mono", "Report Serif", "Report Sans")
#: The body of a page, below the running head (A4's top margin is 22 mm: 62 pt).
BODY_TOP = 60


@dataclass(frozen=True)
class Edition:
    lang: str
    docx: Path
    pdf: Path  # LibreOffice's
    doc: m.Document

    def part(self, name: str) -> bytes:
        with zipfile.ZipFile(self.docx) as zf:
            return zf.read(name)

    def parts(self) -> dict[str, bytes]:
        with zipfile.ZipFile(self.docx) as zf:
            return {n: zf.read(n) for n in zf.namelist()}


def _fontconfig(folder: Path) -> Path:
    """A Fontconfig setup: the system's, less the PT fonts and the bundled ones."""
    rejects = "".join(f'<pattern><patelt name="family"><string>{f}</string></patelt></pattern>'
                      for f in HIDDEN_FAMILIES)
    conf = folder / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f"<selectfont><rejectfont>{rejects}</rejectfont></selectfont>"
        f"<cachedir>{folder / 'fc-cache'}</cachedir></fontconfig>", encoding="utf-8")
    return conf


def libreoffice_pdfs(docxs: list[Path], folder: Path) -> list[Path]:
    """``docxs`` converted to PDF by LibreOffice headless in one run, without the fonts."""
    soffice = need("soffice")
    folder.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, HOME=str(folder / "home"), FONTCONFIG_FILE=str(_fontconfig(folder)))
    subprocess.run([soffice, f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                    "--headless", "--norestore", "--convert-to", "pdf", "--outdir",
                    str(folder / "out"), *map(str, docxs)],
                   check=True, capture_output=True, timeout=600, env=env)
    pdfs = [folder / "out" / (d.stem + ".pdf") for d in docxs]
    assert all(p.is_file() for p in pdfs), "LibreOffice wrote no PDF"
    return pdfs


def _page_texts(pdf: Path, top: int = 0, height: int = 2000, raw: bool = False) -> list[str]:
    """Each page's text (pdftotext), of the band ``top`` .. ``top + height`` points; ``raw``:
    in the order it was drawn (a turned label's words whole)."""
    out = subprocess.run([need("pdftotext"), "-enc", "UTF-8", *(["-raw"] if raw else []),
                          "-x", "0", "-y", str(top), "-W", "2000", "-H", str(height), str(pdf),
                          "-"],
                         check=True, capture_output=True, text=True).stdout
    return out.split("\f")[:-1]


def _squash(text: str) -> str:
    return re.sub(r"[\s\u00ad\u200b\u2010\u2011-]+", "", text)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Edition]:
    """The sample's editions built with the page-number pass, and LibreOffice's PDF of each."""
    out = tmp_path_factory.mktemp("docx-pages")
    result = build(SAMPLE, out, formats=("docx",), docx_pages=True)
    langs = list(result.editions)
    docxs = [result.edition(lang).outputs["docx"] for lang in langs]
    pdfs = libreoffice_pdfs(docxs, out / "lo")
    return {lang: Edition(lang, d, p, result.edition(lang).doc)
            for lang, d, p in zip(langs, docxs, pdfs, strict=True)}


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Edition:
    """A generated project of about 60 pages (tools/make_large_project.py), its Russian
    edition with the page-number pass, and LibreOffice's PDF of it."""
    spec = importlib.util.spec_from_file_location("mlp", REPO / "tools" / "make_large_project.py")
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    root = tmp_path_factory.mktemp("large")
    tool.make_project(root / "big", pages=60)
    result = build(root / "big", root / "out", formats=("docx",), langs=("ru",), docx_pages=True)
    edition = result.edition("ru")
    (pdf,) = libreoffice_pdfs([edition.outputs["docx"]], root / "lo")
    return Edition("ru", edition.outputs["docx"], pdf, edition.doc)


def _editions(sample: dict[str, Edition], large: Edition | None = None) -> list[Edition]:
    return [*sample.values(), *([large] if large else [])]


# ------------------------------------------------------------------ page numbers


@dataclass(frozen=True)
class Entry:
    style: str
    text: str
    page: int | None


def _entries(edition: Edition) -> list[Entry]:
    """The contents' and the list of figures' entries as written: title, cached page."""
    body = etree.fromstring(edition.part("word/document.xml"))
    found = []
    for p in body.iter(f"{W}p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        name = style.get(f"{W}val") if style is not None else ""
        if not re.fullmatch(r"TOC\d|TableofFigures", name):
            continue
        texts, page, in_result, field = [], None, False, ""
        for node in p.iter(f"{W}t", f"{W}instrText", f"{W}fldChar"):
            if node.tag == f"{W}instrText":
                field = node.text or ""
            elif node.tag == f"{W}fldChar":
                in_result = node.get(f"{W}fldCharType") == "separate" and "PAGEREF" in field
            elif in_result:
                page = int(node.text or "0")
            else:
                texts.append(node.text or "")
        found.append(Entry(name, "".join(texts), page))
    return found


def _check_pages(edition: Edition) -> int:
    entries = _entries(edition)
    assert entries and all(e.page is not None for e in entries), \
        [e.text for e in entries if e.page is None]
    bodies = _page_texts(edition.pdf, top=BODY_TOP)
    for entry in entries:
        assert entry.page is not None
        page = _squash(bodies[entry.page - 1])
        title = _squash(entry.text)
        if entry.style == "TOC1":
            # A section (and the summary, the list of figures) starts its page.
            assert page.startswith(title), (edition.lang, entry, bodies[entry.page - 1][:200])
        else:
            assert title in page, (edition.lang, entry)
    return len(entries)


def test_contents_pages_are_where_libreoffice_puts_the_headings(sample: dict[str, Edition]
                                                                  ) -> None:
    for edition in sample.values():
        assert _check_pages(edition) > 20


def test_the_large_projects_contents_pages_too(large: Edition) -> None:
    assert _check_pages(large) > 60
    with zipfile.ZipFile(large.docx) as zf:
        assert b"updateFields" not in zf.read("word/settings.xml")


def test_nothing_asks_to_update_fields(sample: dict[str, Edition]) -> None:
    for edition in sample.values():
        for name, blob in edition.parts().items():
            if name.endswith(".xml"):
                assert b"updateFields" not in blob and b"w:dirty=" not in blob, (edition.lang, name)


# --------------------------------------------------------------------- fonts


def test_libreoffice_uses_the_embedded_fonts(sample: dict[str, Edition]) -> None:
    for edition in sample.values():
        listing = subprocess.run([need("pdffonts"), str(edition.pdf)], check=True,
                                 capture_output=True, text=True).stdout.splitlines()[2:]
        names = {line.split()[0].split("+")[-1] for line in listing if line.strip()}
        assert {"ReportSerif-Regular", "ReportSerif-Bold", "ReportSerif-Italic",
                "ReportSans-Regular", "ReportSans-Bold"} <= names, names
        substitutes = {n for n in names if not n.startswith(("ReportSerif", "ReportSans"))}
        assert not substitutes, (edition.lang, substitutes)


def test_embedded_fonts_are_the_bundled_truetype_files(sample: dict[str, Edition]) -> None:
    edition = sample["ru"]
    parts = edition.parts()
    fonts = embedded_fonts(parts["word/fontTable.xml"], parts,
                           parts["word/_rels/fontTable.xml.rels"])
    expected = {}
    for face in font_faces():
        slot = ("Bold" if face.weight >= 600 else "") + ("Italic" if face.style == "italic" else "")
        expected[f"{face.family}/{slot or 'Regular'}"] = face.path
    assert set(fonts) == set(expected)
    for key, data in fonts.items():
        assert data == expected[key].read_bytes(), key
        TTFont(io.BytesIO(data))["name"].getDebugName(1)  # fontTools reads it
    settings = etree.fromstring(parts["word/settings.xml"])
    assert settings.find(f"{W}embedTrueTypeFonts") is not None
    types = etree.fromstring(parts["[Content_Types].xml"])
    odttf = [t for t in types if t.get("PartName", "").endswith(".odttf")
             or t.get("Extension") == "odttf"]
    assert odttf and {t.get("ContentType") for t in odttf} == {
        "application/vnd.openxmlformats-officedocument.obfuscatedFont"}


# --------------------------------------------------------- captions and references


def _fields(body: etree._Element) -> list[str]:
    return [" ".join((t.text or "").split()) for t in body.iter(f"{W}instrText")]


def test_captions_number_in_the_editions_own_sequences(sample: dict[str, Edition]) -> None:
    expected = {"ru": ("Рисунок", "Таблица"), "kk": ("сурет", "кесте"), "en": ("Figure", "Table")}
    for lang, edition in sample.items():
        figure, table = expected[lang]
        assert captions.label("figure", edition.doc.meta.strings).seq == figure
        body = etree.fromstring(edition.part("word/document.xml"))
        seqs = [f.split()[1] for f in _fields(body) if f.startswith("SEQ ")]
        figures = sum(len(walk.figures(s.blocks)) for s in edition.doc.sections)
        tables = sum(isinstance(b, m.Table) for s in edition.doc.sections
                     for b in walk.walk_blocks(s.blocks))
        appendices = sum(s.appendix is not None for s in edition.doc.sections)
        assert seqs.count(figure) == figures and seqs.count(table) == tables
        assert len(seqs) == figures + tables + appendices
        assert f'TOC \\h \\z \\c "{figure}"' in _fields(body)
        settings = etree.fromstring(edition.part("word/settings.xml"))
        assert [c.get(f"{W}name") for c in settings.iterfind(f"{W}captions/{W}caption")] == [
            figure, table]


def test_every_reference_field_points_at_a_bookmark(sample: dict[str, Edition]) -> None:
    for edition in sample.values():
        body = etree.fromstring(edition.part("word/document.xml"))
        names = {b.get(f"{W}name") for b in body.iter(f"{W}bookmarkStart")}
        refs = [f.split()[1] for f in _fields(body) if f.split()[0] in ("REF", "PAGEREF")]
        assert refs and set(refs) <= names, set(refs) - names
        numbers = [r for f in _fields(body) if f.startswith("REF ") for r in [f.split()[1]]]
        assert any(r.endswith("_n") for r in numbers), edition.lang  # a number follows


def test_a_reference_shows_its_targets_number_as_a_field(sample: dict[str, Edition]) -> None:
    """'таблица 1', 'рисунок 4', 'приложении 1': the number is a REF to the bookmark
    around the SEQ field of the target's caption or heading, whose text it shows."""
    body = etree.fromstring(sample["ru"].part("word/document.xml"))
    marked: dict[str, str] = {}
    for start in body.iter(f"{W}bookmarkStart"):
        name = start.get(f"{W}name")
        if name.endswith("_n"):
            texts = []
            for node in start.itersiblings():
                if node.tag == f"{W}bookmarkEnd" and node.get(f"{W}id") == start.get(f"{W}id"):
                    break
                texts += [t.text or "" for t in node.iter(f"{W}t")]
            marked[name] = "".join(texts)
    shown: list[tuple[str, str]] = []
    runs = list(body.iter(f"{W}instrText", f"{W}t", f"{W}fldChar"))
    for i, node in enumerate(runs):
        if node.tag == f"{W}instrText" and (node.text or "").split()[:1] == ["REF"]:
            name = node.text.split()[1]
            if name.endswith("_n"):
                shown.append((name, runs[i + 2].text or ""))  # separate, then the result
    assert len(shown) >= 3
    for name, text in shown:
        assert text == marked[name]


# ----------------------------------------------------------------------- charts


def _chart_parts(edition: Edition) -> list[tuple[etree._Element, bytes]]:
    parts = edition.parts()
    rels = etree.fromstring(parts["word/_rels/document.xml.rels"])
    order = [r.get("Target") for r in rels if r.get("Type", "").endswith("/chart")]
    out = []
    for target in sorted(order, key=lambda t: int(re.sub(r"\D", "", t))):
        name = "word/" + target
        space = etree.fromstring(parts[name])
        folder, file = name.rsplit("/", 1)
        chart_rels = etree.fromstring(parts[f"{folder}/_rels/{file}.rels"])
        book_id = space.find(f"{C}externalData").get(f"{R}id")
        book = next(r.get("Target") for r in chart_rels if r.get("Id") == book_id)
        out.append((space, parts["word/" + book.replace("../", "")]))
    return out


def test_charts_are_words_own_with_their_data(sample: dict[str, Edition]) -> None:
    for edition in sample.values():
        charts = [c for s in edition.doc.sections for c in walk.charts(s.blocks)]
        parts = _chart_parts(edition)
        assert len(parts) == len(charts) > 3
        for chart, (space, book) in zip(charts, parts, strict=True):
            sheet = openpyxl.load_workbook(io.BytesIO(book))["Sheet1"]
            rows = list(sheet.iter_rows(values_only=True))
            assert [r[0] for r in rows[1:]] == list(chart.categories)
            for s, (name, values) in enumerate(chart.series):
                assert rows[0][1 + s] == name
                assert [r[1 + s] for r in rows[1:]] == list(values)
            cached = [float(v.text) for v in space.iter(f"{C}val")
                      for v in v.iter(f"{C}v")]
            model = [float(v) for _, values in chart.series for v in values]
            assert cached[:len(model)] == model, chart.id
            kinds = {e.tag.removeprefix(C) for e in space.find(f"{C}chart/{C}plotArea")}
            assert {"bar": "barChart", "hbar": "barChart", "stacked_bar": "barChart",
                    "line": "lineChart", "pie": "pieChart", "donut": "doughnutChart"}[
                chart.kind] in kinds


def test_libreoffice_draws_the_charts_not_their_pictures(sample: dict[str, Edition]) -> None:
    for edition in sample.values():
        charts = [c for s in edition.doc.sections for c in walk.charts(s.blocks)]
        sizes = {Image.open(c.png).size for c in charts}
        listing = subprocess.run([need("pdfimages"), "-list", str(edition.pdf)], check=True,
                                 capture_output=True, text=True).stdout.splitlines()[2:]
        drawn = {(int(line.split()[3]), int(line.split()[4])) for line in listing}
        assert not sizes & drawn, "a chart's fallback picture was drawn"
        text = _squash("".join(_page_texts(edition.pdf, raw=True)))
        for chart in charts:
            for category in chart.categories:
                for word in category.split():
                    assert _squash(word) in text, (edition.lang, chart.id, word)


# ------------------------------------------------------------- heads, languages


def test_running_heads_show_each_sections_title(sample: dict[str, Edition]) -> None:
    for edition in sample.values():
        heads = _page_texts(edition.pdf, top=0, height=BODY_TOP)
        for entry in _entries(edition):
            if entry.style == "TOC1" and entry.page is not None:
                head = _squash(heads[entry.page - 1])
                assert _squash(edition.doc.meta.title) in head
                assert head.endswith(_squash(entry.text)), (edition.lang, entry, head)


@pytest.mark.parametrize(("lang", "tag", "decimal", "listing"), [
    ("ru", "ru-RU", ",", ";"), ("kk", "kk-KZ", ",", ";"), ("en", "en-US", ".", ",")])
def test_each_edition_has_its_languages_settings(sample: dict[str, Edition], lang: str,
                                                 tag: str, decimal: str, listing: str) -> None:
    settings = etree.fromstring(sample[lang].part("word/settings.xml"))
    assert settings.find(f"{W}themeFontLang").get(f"{W}val") == tag
    assert settings.find(f"{W}decimalSymbol").get(f"{W}val") == decimal
    assert settings.find(f"{W}listSeparator").get(f"{W}val") == listing
    assert settings.find(f"{W}autoHyphenation") is not None
    styles = etree.fromstring(sample[lang].part("word/styles.xml"))
    assert styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang").get(f"{W}val") == tag


def broken_words(lines: list[list[str]], words: set[str]) -> list[str]:
    """Words cut between two lines without a hyphen: the end of a line and the start of the
    next make a word of the document that one of them alone is not."""
    found = []
    for line, following in zip(lines, lines[1:], strict=False):
        if not line or not following:
            continue
        head = re.search(r"([^\W\d_]+)$", line[-1])
        tail = re.match(r"([^\W\d_]+)", following[0])
        if not head or not tail:
            continue
        whole = (head.group(1) + tail.group(1)).lower()
        if whole in words and not (head.group(1).lower() in words
                                   and tail.group(1).lower() in words):
            found.append(f"{head.group(1)}|{tail.group(1)}")
    return found


def test_the_detector_finds_a_cut_word() -> None:
    words = {"изменение", "показатель", "по", "мощь", "помощь"}
    assert broken_words([["Изменени"], ["е"], ["по"], ["мощь"]], words) == ["Изменени|е"]


def _pdf_lines(pdf: Path) -> list[list[str]]:
    """Each line of each text block of LibreOffice's PDF, as its words (pdftotext -bbox)."""
    xhtml = subprocess.run([need("pdftotext"), "-bbox-layout", str(pdf), "-"], check=True,
                           capture_output=True).stdout
    root = etree.fromstring(xhtml, etree.XMLParser(recover=True))
    lines: list[list[str]] = []
    for block in root.iter("{*}block"):
        for line in block.iter("{*}line"):
            lines.append([w.text or "" for w in line.iter("{*}word")])
        lines.append([])  # no word runs from one block into the next
    return lines


def test_no_word_is_cut_without_a_hyphen(sample: dict[str, Edition]) -> None:
    for edition in sample.values():
        body = etree.fromstring(edition.part("word/document.xml"))
        text = " ".join("".join(t.text or "" for t in p.iter(f"{W}t")) for p in body.iter(f"{W}p"))
        words = {w.lower() for w in re.findall(r"[^\W\d_]+", text.replace("\u00ad", ""))}
        assert broken_words(_pdf_lines(edition.pdf), words) == [], edition.lang


def test_galleries_and_tiles_are_layout_tables(sample: dict[str, Edition]) -> None:
    body = etree.fromstring(sample["ru"].part("word/document.xml"))
    kinds: dict[str, int] = {}
    for table in body.iter(f"{W}tbl"):
        style = table.find(f"{W}tblPr/{W}tblStyle").get(f"{W}val")
        kinds[style] = kinds.get(style, 0) + 1
        look = table.find(f"{W}tblPr/{W}tblLook")
        headers = table.findall(f"{W}tr/{W}trPr/{W}tblHeader")
        if style == "DataTable":
            assert headers and look.get(f"{W}firstRow") == "1"
            continue
        assert not headers
        assert {look.get(f"{W}{a}") for a in ("firstRow", "lastRow", "firstColumn",
                                               "lastColumn")} == {"0"}
        assert table.find(f"{W}tblPr/{W}tblCaption").get(f"{W}val")
        assert table.find(f"{W}tblPr/{W}tblDescription").get(f"{W}val")
    assert kinds.get("GalleryGrid") and kinds.get("MetricTiles") and kinds.get("DataTable")
