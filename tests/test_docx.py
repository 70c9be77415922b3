"""The DOCX writer: the sample built to DOCX and PDF from one model and read back
(python-docx, the zip's XML, poppler), plus small model fixtures; LibreOffice reads
them in tests/test_docx_editing.py."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import docx
import pikepdf
import pytest
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree
from PIL import Image

from reportgen.assemble.references import rewrite_refs
from reportgen.build import build
from reportgen.cli import main
from reportgen.errors import SourceLoc
from reportgen.model import nodes as m
from reportgen.render import rules
from reportgen.render.docx import REQUIRED_STYLES, default_reference, render_docx

from .conftest import SAMPLE, need

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP_DOCPR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"


@dataclass(frozen=True)
class Built:
    docx: Path
    pdf: Path
    doc: m.Document


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The sample's default period as DOCX and PDF, from the same model, once per module."""
    out = tmp_path_factory.mktemp("docx")
    edition = build(SAMPLE, out, formats=("pdf", "docx"), langs=("ru",)).edition("ru")
    assert edition.document is not None
    return Built(edition.outputs["docx"], edition.outputs["pdf"], edition.document)


@pytest.fixture(scope="module")
def word(built: Built) -> DocxDocument:
    return docx.Document(str(built.docx))


def _parts(path: Path | bytes) -> dict[str, bytes]:
    source = io.BytesIO(path) if isinstance(path, bytes) else path
    with zipfile.ZipFile(source) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _style(p: Paragraph) -> str:
    return p.style.name if p.style is not None else ""


def _blocks(blocks: tuple[m.Block, ...]) -> Iterator[m.Block]:
    for block in blocks:
        yield block
        match block:
            case m.Div(blocks=inner) | m.Quote(blocks=inner):
                yield from _blocks(inner)
            case m.ListBlock(items=items):
                for item in items:
                    yield from _blocks(item)


def _expected_headings(doc: m.Document) -> list[str]:
    titles = [doc.meta.strings["summary"]] if doc.has_summaries else []
    for section in doc.sections:
        titles.append(rules.section_title(section, doc.meta.strings))
        titles += [m.plain_text(b.children) for b in _blocks(section.blocks)
                   if isinstance(b, m.Heading)]
    return titles


def _docx_headings(word: DocxDocument) -> list[str]:
    return [p.text for p in word.paragraphs if _style(p).startswith("Heading")]


# ------------------------------------------------------------------ structure


def test_headings_use_the_heading_styles_and_section_titles(built: Built, word: DocxDocument) -> None:
    level1 = [p.text for p in word.paragraphs if _style(p) == "Heading 1"]
    strings = built.doc.meta.strings
    assert level1 == [strings["summary"]] + [rules.section_title(s, strings)
                                             for s in built.doc.sections]
    assert _docx_headings(word) == _expected_headings(built.doc)
    styles = {_style(p) for p in word.paragraphs}
    assert {"Heading 2", "Heading 3", "Lead", "Body Text", "List Bullet", "Caption"} <= styles


def test_every_style_applied_is_defined_in_the_document(built: Built) -> None:
    parts = _parts(built.docx)
    defined = {s.get(f"{W}styleId") for s in etree.fromstring(parts["word/styles.xml"])
               .iter(f"{W}style")}
    used = set()
    for name, blob in parts.items():
        if name.startswith("word/") and name.endswith(".xml") and name != "word/styles.xml":
            root = etree.fromstring(blob)
            for tag in ("pStyle", "rStyle", "tblStyle"):
                used |= {e.get(f"{W}val") for e in root.iter(f"{W}{tag}")}
    assert used <= defined, used - defined


def test_no_direct_formatting(built: Built) -> None:
    """Fonts, sizes, colours, spacing and alignment all come from styles."""
    body = etree.fromstring(_parts(built.docx)["word/document.xml"])
    banned = ("rFonts", "sz", "color", "spacing", "jc", "ind", "shd", "u", "highlight")
    for run_props in body.iter(f"{W}rPr", f"{W}pPr"):
        found = [c.tag.replace(W, "") for c in run_props if c.tag.replace(W, "") in banned]
        assert not found, etree.tostring(run_props.getparent(), encoding="unicode")[:300]


def test_contents_is_a_filled_toc_field(built: Built, word: DocxDocument) -> None:
    body = word.element.body
    instr = [t.text for t in body.iter(f"{W}instrText") if "TOC" in (t.text or "")]
    # The contents (the PDF's levels), and the sample's list of figures (over the captions'
    # SEQ fields, named by the edition's label).
    assert instr == [' TOC \\o "1-2" \\h \\z \\u ', ' TOC \\h \\z \\c "Рисунок" ']
    begin = body.iter(f"{W}fldChar").__next__()
    assert begin.get(f"{W}fldCharType") == "begin" and begin.get(f"{W}dirty") is None
    entries = [p for p in word.paragraphs if re.fullmatch(r"toc \d", _style(p).lower())]
    entry_texts = [p.text for p in entries]
    for section in built.doc.sections:
        assert rules.section_title(section, built.doc.meta.strings) in entry_texts
    assert entry_texts[:2] == [built.doc.meta.strings["list_of_figures"],
                               built.doc.meta.strings["summary"]]
    # Entries link to bookmarks on the headings, as Word's own TOC does (\h).
    anchors = {h.get(f"{W}anchor") for p in entries for h in p._p.iter(f"{W}hyperlink")}
    names = {b.get(f"{W}name") for b in body.iter(f"{W}bookmarkStart")}
    assert len(anchors) == len(entries) and anchors <= names
    # Nothing asks Word to update the fields on opening.
    for name, blob in _parts(built.docx).items():
        assert b"updateFields" not in blob and b'w:dirty="' not in blob, name


def test_footer_numbers_pages_and_the_cover_has_none(built: Built, word: DocxDocument) -> None:
    section = word.sections[0]
    assert section.different_first_page_header_footer
    footer = "".join(t.text for t in section.footer._element.iter(f"{W}instrText"))
    assert "PAGE" in footer.split() and "NUMPAGES" in footer.split()
    assert re.fullmatch(r"1 / 1", section.footer.paragraphs[0].text)  # cached field results
    assert section.header.paragraphs[0].text == built.doc.meta.title
    for story in (section.first_page_header, section.first_page_footer):
        assert not story.is_linked_to_previous
        assert "".join(p.text for p in story.paragraphs) == ""


def test_each_section_starts_a_page_and_figures_are_numbered(built: Built, word: DocxDocument) -> None:
    heading1 = word.styles["Heading 1"]
    assert heading1.paragraph_format.page_break_before
    numbers = []
    for p in word.paragraphs:
        if _style(p) == "Caption":
            instr = [t.text for t in p._p.iter(f"{W}instrText")]
            assert instr == [" SEQ Рисунок \\* ARABIC "]
            match = re.match(rf"{built.doc.meta.strings['figure']}\u00a0(\d+)\.", p.text)
            assert match, p.text
            numbers.append(int(match.group(1)))
    model_numbers = [b.number for s in built.doc.sections for b in _blocks(s.blocks)
                     if isinstance(b, m.Figure | m.Gallery | m.Chart)]
    assert numbers == model_numbers


def test_images_all_there_with_alt_text_and_unique_ids(built: Built, word: DocxDocument) -> None:
    expected = 1 if built.doc.meta.logo else 0
    charts = 0
    for section in built.doc.sections:
        expected += section.cover is not None
        for block in _blocks(section.blocks):
            if isinstance(block, m.Figure):
                expected += 1
            elif isinstance(block, m.Chart):
                charts += 1
            elif isinstance(block, m.Gallery):
                expected += len(block.images)
    assert charts
    # A chart is Word's own (mc:Choice), its picture the fallback: neither a plain picture.
    assert len(word.inline_shapes) == expected
    ids = []
    for name, blob in _parts(built.docx).items():
        if name.endswith(".xml"):
            for doc_pr in etree.fromstring(blob).iter(WP_DOCPR):
                assert doc_pr.get("descr", "").strip(), etree.tostring(doc_pr)
                ids.append(doc_pr.get("id"))
    assert len(ids) == expected + 2 * charts and len(set(ids)) == len(ids)


def test_parts_are_well_formed_and_no_run_is_empty(built: Built) -> None:
    for name, blob in _parts(built.docx).items():
        if not name.endswith((".xml", ".rels")):
            continue
        root = etree.fromstring(blob)  # raises on malformed XML
        for run in root.iter(f"{W}r"):
            content = [c for c in run if c.tag != f"{W}rPr"]
            assert content, f"{name}: empty run {etree.tostring(run)[:200]!r}"
            for t in run.iter(f"{W}t"):
                assert t.text, f"{name}: empty w:t"


def test_english_section_is_marked_english(built: Built, word: DocxDocument) -> None:
    english = [s.title for s in built.doc.sections if s.lang == "en"]
    assert english, "the sample has an English section"
    langs = etree.fromstring(_parts(built.docx)["word/styles.xml"]).find(
        f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert langs.get(f"{W}val") == "ru-RU"
    current = None
    checked = 0
    for p in word.paragraphs:
        if _style(p) == "Heading 1":
            current = p.text
        if current is None or re.fullmatch(r"toc \d", _style(p).lower()):
            continue  # the cover is in the report's language; contents entries are checked below
        for run in p._p.iter(f"{W}r"):
            if not "".join(t.text or "" for t in run.iter(f"{W}t")).strip():
                continue
            lang = run.find(f"{W}rPr/{W}lang")
            value = lang.get(f"{W}val") if lang is not None else "ru-RU"
            assert value == ("en-US" if current in english else "ru-RU"), (current, p.text[:60])
            checked += 1
    assert checked > 200
    toc = {p.text: p for p in word.paragraphs if re.fullmatch(r"toc \d", _style(p).lower())}
    for title in english:
        assert toc[title].runs == [] and toc[title].hyperlinks[0].runs[0]._r.find(
            f"{W}rPr/{W}lang").get(f"{W}val") == "en-US"


def test_metadata_is_the_reports_and_fixed(built: Built, word: DocxDocument) -> None:
    props = word.core_properties
    meta = built.doc.meta
    assert props.title.startswith(m.metadata_text(meta.title))
    assert "\u00a0" not in props.title and "\u202f" not in props.title
    assert props.author == m.metadata_text(meta.organization)
    assert m.metadata_text(meta.period_label) in props.subject
    assert props.language == "ru-RU"
    assert meta.date is not None
    day = dt.datetime(meta.date.year, meta.date.month, meta.date.day, tzinfo=dt.UTC)
    assert props.created == props.modified == day
    with zipfile.ZipFile(built.docx) as zf:
        assert {i.date_time for i in zf.infolist()} == {(2018, 10, 5, 0, 0, 0)}


# ------------------------------------------------------- parity with the PDF


def _squash(text: str) -> str:
    """Text without whitespace, hyphens and soft hyphens: immune to line breaks and hyphenation."""
    return re.sub(r"[\s\u00ad\u200b\u2010\u2011-]+", "", text)


def _pdf_body_text(pdf: Path) -> str:
    """The PDF's text without running headers and footers (they split paragraphs across pages)."""
    tool = need("pdftotext")
    cover = subprocess.run([tool, "-enc", "UTF-8", "-f", "1", "-l", "1", str(pdf), "-"],
                           check=True, capture_output=True, text=True).stdout
    # A4 in points; the print layout's top and bottom margins are 22 and 20 mm.
    top, bottom = round(22 / 25.4 * 72), round(20 / 25.4 * 72)
    # -raw: in the order of the content, as a justified line with wide gaps (a long date
    # bound by no-break spaces) would otherwise be read as columns.
    rest = subprocess.run(
        [tool, "-enc", "UTF-8", "-raw", "-f", "2", "-x", "0", "-y", str(top), "-W", "595",
         "-H", str(842 - top - bottom), str(pdf), "-"],
        check=True, capture_output=True, text=True).stdout
    return cover + rest


def _pdf_outline(pdf: Path) -> list[str]:
    titles: list[str] = []

    def walk(items: list[pikepdf.OutlineItem]) -> None:
        for item in items:
            titles.append(item.title)
            walk(item.children)

    with pikepdf.open(pdf) as doc, doc.open_outline() as outline:
        walk(outline.root)
    return titles


def _text_with_note_calls(p: Paragraph) -> list[str]:
    """A paragraph's text with its footnotes' numbers where they are called, as in print,
    in pieces: a cross-reference that shows a page is left out (each writer spells it for
    its own pages: the PDF says 'таблица 1 ниже' on the table's page, the DOCX keeps its
    PAGEREF field, which follows the editor's pages)."""
    pieces, out = [], []
    for node in p._p.iter(f"{W}t", f"{W}tab", f"{W}footnoteReference", f"{W}hyperlink"):
        link = next(node.iterancestors(f"{W}hyperlink"), None)
        if link is not None and _page_reference(link):
            continue
        if node.tag == f"{W}hyperlink":
            if _page_reference(node):
                pieces.append("".join(out))
                out = []
        elif node.tag == f"{W}t":
            out.append(node.text or "")
        elif node.tag == f"{W}tab":
            out.append(" ")
        else:
            out.append(node.get(f"{W}id"))
    return [*pieces, "".join(out)]


def _page_reference(link: etree._Element) -> bool:
    return any("PAGEREF" in (t.text or "") for t in link.iter(f"{W}instrText"))


def test_content_parity_with_the_pdf(built: Built, word: DocxDocument) -> None:
    """Same headings in the same order; every DOCX paragraph's text is in the PDF."""
    norm = " ".join
    pdf_headings = [norm(t.split()) for t in _pdf_outline(built.pdf)]
    docx_headings = [norm(t.split()) for t in _docx_headings(word)]
    for i, (a, b) in enumerate(zip(docx_headings, pdf_headings, strict=False)):
        assert a == b, f"heading {i} differs: DOCX {a!r}, PDF {b!r}"
    assert len(docx_headings) == len(pdf_headings)

    pdf_text = _squash(_pdf_body_text(built.pdf))
    checked = 0
    for i, p in enumerate(word.paragraphs):
        for piece in _text_with_note_calls(p):
            text = _squash(piece)
            if not text:
                continue
            checked += 1
            if text not in pdf_text:
                pytest.fail(f"paragraph {i} ({_style(p)}) is not in the PDF: {piece[:100]!r}")
    assert checked > 100
    # ... and nothing is missing: every paragraph of the model made it into the DOCX.
    docx_text = _squash("".join(p.text for p in word.paragraphs))
    for section in built.doc.sections:
        for block in _blocks(section.blocks):
            if isinstance(block, m.Paragraph):
                # Page numbers are the writers' own (PAGEREF results): check around them.
                marked = rewrite_refs(block.children, lambda r: replace(r, children=tuple(
                    m.Text("\0") if isinstance(c, m.PageRef) else c for c in r.children)))
                for text in m.plain_text(marked).split("\0"):
                    assert _squash(text) in docx_text, f"{block.loc}: not in the DOCX: {text[:80]!r}"
    for table in word.tables:  # tiles: the PDF's grid interleaves cells, so each paragraph
        if table.style is not None and table.style.name == "Data Table":
            continue  # wrapped cells interleave line by line: see test_tables.py
        for cell in table._cells:
            for p in cell.paragraphs:
                assert _squash(p.text) in pdf_text, f"tile text not in the PDF: {p.text!r}"


# --------------------------------------------------------- small model fixtures

LOC = SourceLoc(Path("t.md"), 1)
STRINGS = {"contents": "Contents", "summary": "Key results", "figure": "Figure",
           "addressee": "Submitted to", "period": "Reporting period"}


def _doc(root: Path, blocks: tuple[m.Block, ...], lang: str = "en") -> m.Document:
    meta = m.Meta(title="Report", subtitle=None, organization="Org", organization_short="O",
                  addressee=None, lang=lang, period_id="p1", period_label="2018", city=None,
                  date=None, strings=STRINGS)
    return m.Document(meta, (m.Section("s", "Section", lang, blocks, root / "s.md"),))


@pytest.fixture
def picture(tmp_path: Path) -> m.Image:
    path = tmp_path / "pic.png"
    Image.new("RGB", (300, 100), (120, 140, 160)).save(path)
    return m.Image(path, 300, 100, "")


def _body(data: bytes) -> etree._Element:
    return etree.fromstring(_parts(data)["word/document.xml"])


def test_inlines_map_to_character_styles_links_and_languages(tmp_path: Path) -> None:
    inlines = (
        m.Text("a "), m.Strong((m.Text("b"), m.Emph((m.Text("bi"),)))), m.LineBreak(),
        m.Code("x = 1"), m.Link("https://example.org/", (m.Text("site"),)),
        m.Link("#h", (m.Text("there"),)), m.Span((m.Text("текст"),), lang="ru"),
        m.Span((m.Text("2"),), role="sup"),
    )
    blocks = (m.Heading(2, (m.Text("H"),), "h", LOC), m.Paragraph(inlines, LOC))
    data = render_docx(_doc(tmp_path, blocks), tmp_path)
    word = docx.Document(io.BytesIO(data))
    p = word.paragraphs[-1]
    assert p.text == "a bbi\nx = 1sitethereтекст2"
    styled = {r.text: (r.style.name, r._r.find(f"{W}rPr/{W}lang")) for r in p.iter_inner_content()
              if isinstance(r, Run)}
    assert styled["b"][0] == "Strong" and styled["bi"][0] == "Strong Emphasis"
    assert styled["x = 1"][0] == "Code"
    assert styled["текст"][1].get(f"{W}val") == "ru-RU"
    assert styled["2"][0] == "Superscript"
    links = p._p.findall(f"{W}hyperlink")
    assert word.part.rels[links[0].get(qn("r:id"))].target_ref == "https://example.org/"
    heading_bookmark = word.paragraphs[-2]._p.find(f"{W}bookmarkStart").get(f"{W}name")
    assert links[1].get(f"{W}anchor") == heading_bookmark


def test_lists_nest_and_ordered_lists_restart(tmp_path: Path) -> None:
    def item(text: str, *more: m.Block) -> tuple[m.Block, ...]:
        return (m.Paragraph((m.Text(text),), LOC), *more)

    inner = m.ListBlock((item("inner"),), LOC)
    blocks = (
        m.ListBlock((item("one", m.Paragraph((m.Text("more"),), LOC), inner), item("two")), LOC),
        m.ListBlock((item("first"),), LOC, ordered=True, start=3),
        m.ListBlock((item("again"),), LOC, ordered=True),
        m.Quote((m.Paragraph((m.Text("q"),), LOC),), LOC),
        m.ThematicBreak(LOC),
        m.Div((m.Paragraph((m.Text("mot"),), LOC),), LOC, lang="fr"),
    )
    word = docx.Document(io.BytesIO(render_docx(_doc(tmp_path, blocks), tmp_path)))
    by_text = {p.text: p for p in word.paragraphs}
    assert _style(by_text["one"]) == "List Bullet"
    assert _style(by_text["more"]) == "List Continue"
    assert _style(by_text["inner"]) == "List Bullet 2"
    assert _style(by_text["q"]) == "Quote"
    assert "Thematic Break" in [_style(p) for p in word.paragraphs]
    assert by_text["mot"].runs[0]._r.find(f"{W}rPr/{W}lang").get(f"{W}val") == "fr-FR"
    numbering = word.part.numbering_part.element
    first, again = (by_text[t]._p.find(f"{W}pPr/{W}numPr/{W}numId").get(f"{W}val")
                    for t in ("first", "again"))
    assert first != again  # each ordered list is its own instance
    starts = {n.get(f"{W}numId"): n.find(f"{W}lvlOverride/{W}startOverride").get(f"{W}val")
              for n in numbering.iterfind(f"{W}num") if n.find(f"{W}lvlOverride") is not None}
    assert starts[first] == "3" and starts[again] == "1"


def test_figure_and_gallery_captions_and_cropping(tmp_path: Path, picture: m.Image) -> None:
    blocks = (
        m.Figure(picture, (m.Text("A chart"),), 7, "fig-7", LOC),
        m.Gallery((picture,) * 4, (m.Text("Photos"),), 8, "fig-8", LOC),
        m.Gallery((picture,) * 5, (), 9, "fig-9", LOC),
        m.MetricGrid((m.Metric("30", "items", "10 + 20"), m.Metric("4", "days")), LOC),
    )
    word = docx.Document(io.BytesIO(render_docx(_doc(tmp_path, blocks), tmp_path)))
    captions = [p.text for p in word.paragraphs if _style(p) == "Caption"]
    assert captions == ["Figure\u00a07. A chart", "Figure\u00a08. Photos", "Figure\u00a09."]
    grid4, grid5, tiles = word.tables
    assert (len(grid4.columns), len(grid4.rows)) == (2, 2)
    assert (len(grid5.columns), len(grid5.rows)) == (3, 2)
    assert len(grid5.rows[1]._tr.findall(f"{W}tc")) == 2  # no empty cell in a short row
    assert [t.style.name if t.style else None for t in (grid4, tiles)] == [
        "Gallery Grid", "Metric Tiles"]
    assert [p.text for p in tiles.rows[0].cells[0].paragraphs] == ["30", "items", "10 + 20"]
    # Gallery pictures are cropped to a uniform frame; the single figure is not.
    body = word.element.body
    assert len(body.findall(".//" + qn("a:srcRect"))) == 9
    assert word.inline_shapes[0].width <= word.sections[0].page_width


def test_same_input_same_bytes(tmp_path: Path, picture: m.Image) -> None:
    blocks = (m.Figure(picture, (), 1, "fig-1", LOC), m.Paragraph((m.Text("x"),), LOC))
    doc = _doc(tmp_path, blocks)
    assert render_docx(doc, tmp_path) == render_docx(doc, tmp_path)


def test_unknown_nodes_are_bugs(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="unknown block"):
        render_docx(_doc(tmp_path, ("not a block",)), tmp_path)  # type: ignore[arg-type]
    bad = m.Paragraph(("not an inline",), LOC)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="unknown inline"):
        render_docx(_doc(tmp_path, (bad,)), tmp_path)


def test_images_outside_the_project_are_refused(tmp_path: Path, picture: m.Image) -> None:
    from reportgen.errors import RenderError

    doc = _doc(tmp_path, (m.Figure(picture, (), 1, "fig-1", LOC),))
    with pytest.raises(RenderError, match="outside the report project"):
        render_docx(doc, tmp_path / "elsewhere")


def test_a_reference_without_our_styles_gets_them(tmp_path: Path) -> None:
    """A corporate template keeps its own look and borrows the styles it lacks."""
    reference = tmp_path / "corporate.docx"
    plain = docx.Document()
    plain.styles["Heading 1"].font.name = "Corporate Sans"
    plain.save(str(reference))
    blocks = (m.ListBlock(((m.Paragraph((m.Text("x"),), LOC),),), LOC, ordered=True),)
    data = render_docx(_doc(tmp_path, blocks), tmp_path, reference)
    word = docx.Document(io.BytesIO(data))
    assert word.styles["Heading 1"].font.name == "Corporate Sans"
    names = {s.name.lower() for s in word.styles}
    for kind_names in REQUIRED_STYLES.values():
        assert {n.lower() for n in kind_names} <= names
    assert _style(word.paragraphs[-1]) == "List Number"


def test_default_reference_defines_every_style_with_the_report_fonts() -> None:
    word = docx.Document(str(default_reference()))
    names = {s.name.lower() for s in word.styles}
    for kind_names in REQUIRED_STYLES.values():
        assert {n.lower() for n in kind_names} <= names
    styles = etree.fromstring(_parts(default_reference())["word/styles.xml"])
    for fonts in styles.iter(f"{W}rFonts"):
        values = {fonts.get(f"{W}{a}") for a in ("ascii", "hAnsi", "cs", "eastAsia")}
        assert values in ({"Report Serif"}, {"Report Sans"}), etree.tostring(fonts)


# ------------------------------------------------------------------------ CLI


def test_cli_writes_the_reference_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                          ) -> None:
    out = tmp_path / "mine.docx"
    assert main(["reference-docx", str(out)]) == 0
    assert out.read_bytes() == default_reference().read_bytes()
    assert "mine.docx" in capsys.readouterr().out


@pytest.mark.parametrize("value", ["odt", "pdf,", "pdf,html", ""])
def test_cli_rejects_unknown_formats(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["build", "--format", value])
    assert exc.value.code == 2
    assert "format" in capsys.readouterr().err


def test_cli_builds_only_the_formats_asked(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                          ) -> None:
    assert main(["build", str(SAMPLE), "-o", str(tmp_path), "--format", "docx"]) == 0
    names = ["report-2018-9m.ru.docx", "report-2018-9m.kk.docx", "report-2018-9m.en.docx"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)
    out = capsys.readouterr().out
    wrote = [line.split("/")[-1] for line in out.splitlines() if line.startswith("wrote ")]
    assert wrote == names  # every edition, in order


def test_cli_builds_the_editions_asked(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                      ) -> None:
    assert main(["build", str(SAMPLE), "-o", str(tmp_path), "--format", "docx",
                 "--lang", "kk,en"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "report-2018-9m.en.docx", "report-2018-9m.kk.docx"]
    assert main(["build", str(SAMPLE), "-o", str(tmp_path), "--lang", "de"]) == 1
    assert "no de edition in this report (its languages: ru, kk, en)" in capsys.readouterr().err
