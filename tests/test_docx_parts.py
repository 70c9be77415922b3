"""The DOCX's editing parts from small model fixtures, without LibreOffice: font
obfuscation, native charts and their workbooks, reference fields, the edition's settings,
soft hyphens in narrow cells, running heads, and the page-number pass when LibreOffice is
missing or fails (tests/test_docx_editing.py reads the sample's DOCX with LibreOffice)."""

from __future__ import annotations

import io
import logging
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree
from PIL import Image

from reportgen.errors import SourceLoc
from reportgen.model import nodes as m
from reportgen.render.docx import render_docx
from reportgen.render.docx.fonts import font_key, obfuscate
from reportgen.render.docx.pagination import destination_name, destinations
from reportgen.text.strings import strings_for

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
LOC = SourceLoc(Path("t.md"), 1)


def _doc(root: Path, blocks: tuple[m.Block, ...], lang: str = "en",
         sections: int = 1) -> m.Document:
    meta = m.Meta(title="Report", subtitle=None, organization="Org", organization_short="O",
                  addressee=None, lang=lang, period_id="p1", period_label="2018", city=None,
                  date=None, strings=strings_for(lang))
    return m.Document(meta, tuple(
        m.Section(f"s{i}", f"Section {i}", lang, blocks if i == 1 else (), root / f"s{i}.md")
        for i in range(1, sections + 1)))


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _chart(root: Path, kind: str, number: int = 1) -> m.Chart:
    png = root / f"chart-{kind}.png"
    Image.new("RGB", (600, 300), "white").save(png)
    series = (("2017", (3, 5.5, 1004)), ("2018", (4, 6, 980))) if kind in (
        "bar", "stacked_bar", "line") else (("", (30, 12, 5)),)
    return m.Chart(kind, ("Астана", "Алматы", "Шымкент"), series, (1,), None, "events",
                   150, 75, "ru", (m.Text(f"A {kind} chart"),), f"alt of {kind}", number,
                   f"chart-{kind}", LOC, kind, root / f"chart-{kind}.svg", png)


# ---------------------------------------------------------------------- fonts


def test_obfuscation_key_is_the_guids_digits_reversed() -> None:
    guid = "{00112233-4455-6677-8899-AABBCCDDEEFF}"
    key = bytes.fromhex("FFEEDDCCBBAA99887766554433221100")
    data = bytes(range(40))
    hidden = obfuscate(data, guid)
    assert hidden[:16] == bytes(a ^ b for a, b in zip(data[:16], key, strict=True))
    assert hidden[16:32] == bytes(a ^ b for a, b in zip(data[16:32], key, strict=True))
    assert hidden[32:] == data[32:]
    assert obfuscate(hidden, guid) == data


def test_font_keys_are_guids_made_from_the_font() -> None:
    key = font_key(b"font bytes")
    assert key == font_key(b"font bytes") != font_key(b"other font")
    assert len(key) == 38 and key.startswith("{") and key.endswith("}") and key == key.upper()


# --------------------------------------------------------------------- charts


@pytest.mark.parametrize("kind", ["bar", "hbar", "stacked_bar", "line", "pie", "donut"])
def test_each_chart_kind_is_a_native_chart_with_its_workbook(tmp_path: Path, kind: str) -> None:
    chart = _chart(tmp_path, kind)
    if kind == "hbar":
        chart = m.Chart(**{**{f: getattr(chart, f) for f in chart.__dataclass_fields__},
                           "series": (("", (3, 5.5, 1004)),)})
    parts = _parts(render_docx(_doc(tmp_path, (chart,)), tmp_path))
    space = etree.fromstring(parts["word/charts/chart1.xml"])
    plot = space.find(f"{C}chart/{C}plotArea")
    tag = {"bar": "barChart", "hbar": "barChart", "stacked_bar": "barChart",
           "line": "lineChart", "pie": "pieChart", "donut": "doughnutChart"}[kind]
    assert plot.find(f"{C}{tag}") is not None
    names = [v.text for ser in plot.iter(f"{C}ser") for v in ser.iterfind(f"{C}tx//{C}v")]
    assert names[:len([n for n, _ in chart.series if n])] == [n for n, _ in chart.series if n]
    book = openpyxl.load_workbook(io.BytesIO(parts["word/embeddings/chart1.xlsx"]),
                                  data_only=True)["Sheet1"]
    rows = list(book.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == list(chart.categories)
    for s, (_name, values) in enumerate(chart.series):
        assert [r[1 + s] for r in rows[1:]] == list(values)
    if kind == "stacked_bar":  # the totals: SUM formulas, their values cached
        formulas = openpyxl.load_workbook(io.BytesIO(parts["word/embeddings/chart1.xlsx"]))
        assert formulas["Sheet1"]["D2"].value == "=SUM(B2:C2)"
        assert [r[3] for r in rows[1:]] == [7, 11.5, 1984]
    # Word's chart, with the print picture as the fallback; both described.
    body = etree.fromstring(parts["word/document.xml"])
    (alternate,) = body.iter(f"{MC}AlternateContent")
    choice, fallback = alternate
    assert choice.get("Requires") == "w14"
    descriptions = [d.get("descr") for d in alternate.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")]
    assert descriptions == [chart.alt, chart.alt]
    assert fallback.find(".//{http://schemas.openxmlformats.org/drawingml/2006/main}blip") \
        is not None


def test_chart_numbers_are_written_in_the_charts_language(tmp_path: Path) -> None:
    parts = _parts(render_docx(_doc(tmp_path, (_chart(tmp_path, "bar"),)), tmp_path))
    space = etree.fromstring(parts["word/charts/chart1.xml"])
    formats = {n.get("formatCode") for n in space.iter(f"{C}numFmt")} - {"General"}
    assert formats == {"[$-419]#,##0.0"}  # Russian digit groups, one decimal (5.5)
    fonts = {n.get("typeface") for n in space.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/main}latin")}
    assert fonts == {"Report Sans"}  # the chart style's font, embedded with the others
    table = parts["word/fontTable.xml"].decode()
    assert 'w:name="Report Sans"' in table and "embedBold" in table


# ------------------------------------------------------------ captions, refs


def test_references_show_their_numbers_and_titles_as_fields(tmp_path: Path) -> None:
    table = m.Table((m.Text("Events"),), 3, "tab-events", LOC,
                    (m.Row((m.Cell((m.Text("City"),)),)),), (m.Row((m.Cell((m.Text("x"),)),)),),
                    ("left",), (1.0,))
    ref = m.CrossRef("tab-events", (m.Text("see table 3 «Events» on p. "),
                                    m.PageRef("tab-events")), LOC, kind="table", number=3)
    blocks = (table, m.Paragraph((ref,), LOC))
    body = etree.fromstring(_parts(render_docx(_doc(tmp_path, blocks), tmp_path,
                                               pages={"tab-events": 5}))["word/document.xml"])
    fields = [" ".join((t.text or "").split()) for t in body.iter(f"{W}instrText")][1:]  # no TOC
    caption = next(b.get(f"{W}name") for b in body.iter(f"{W}bookmarkStart")
                   if b.get(f"{W}name").startswith("_Ref") and "_" not in b.get(f"{W}name")[1:])
    assert fields == ["SEQ Table \\* ARABIC", f"REF {caption}_n \\h \\* MERGEFORMAT",
                      f"REF {caption}_t \\h \\* MERGEFORMAT", f"PAGEREF {caption} \\h"]
    last = body.findall(f"{W}body/{W}p")[-1]
    assert "".join(t.text for t in last.iter(f"{W}t")) == "see table 3 «Events» on p. 5"


def test_caption_labels_and_sequences_follow_the_catalog(tmp_path: Path) -> None:
    blocks = (_chart(tmp_path, "pie", 4),)
    body = etree.fromstring(_parts(render_docx(_doc(tmp_path, blocks, "kk"), tmp_path))[
        "word/document.xml"])
    caption = next(p for p in body.iter(f"{W}p")
                   if p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "Caption")
    assert "".join(t.text for t in caption.iter(f"{W}t")) == "4-сурет. A pie chart"
    assert [t.text.strip() for t in caption.iter(f"{W}instrText")] == ["SEQ сурет \\* ARABIC"]


# ------------------------------------------------------- settings, text, heads


@pytest.mark.parametrize(("lang", "decimal"), [("en", "."), ("ru", ","), ("kk", ",")])
def test_settings_are_the_editions(tmp_path: Path, lang: str, decimal: str) -> None:
    settings = etree.fromstring(_parts(render_docx(_doc(tmp_path, (), lang), tmp_path))[
        "word/settings.xml"])
    assert settings.find(f"{W}decimalSymbol").get(f"{W}val") == decimal
    assert settings.find(f"{W}updateFields") is None
    order = [child.tag for child in settings]
    assert order.index(f"{W}embedTrueTypeFonts") < order.index(f"{W}autoHyphenation") \
        < order.index(f"{W}themeFontLang") < order.index(f"{W}captions") \
        < order.index(f"{W}decimalSymbol")


def test_narrow_cells_get_soft_hyphens_and_plain_spaces_by_words(tmp_path: Path) -> None:
    head = m.Row((m.Cell((m.Text("Қатысушылар"),)), m.Cell((m.Text("қаңтар–маусым\u00a02018"),))))
    body = m.Row((m.Cell((m.Text("1\u00a0004"),)), m.Cell((m.Text("x"),))))
    table = m.Table((), 1, "tab-1", LOC, (head,), (body,), ("left", "right"), (0.5, 0.5))
    xml = etree.fromstring(_parts(render_docx(_doc(tmp_path, (table,), "kk"), tmp_path))[
        "word/document.xml"])
    cells = [c for c in xml.iter(f"{W}tc")]
    first = cells[0].find(f".//{W}r")
    assert first.find(f"{W}softHyphen") is not None  # Қа-ты-су-шы-лар
    assert "".join(t.text for t in first.iter(f"{W}t")) == "Қатысушылар"
    assert "".join(t.text for t in cells[1].iter(f"{W}t")).endswith(" 2018")  # may break
    assert "".join(t.text for t in cells[2].iter(f"{W}t")) == "1\u00a0004"  # digit groups


def test_a_text_in_another_language_gets_its_own_soft_hyphens(tmp_path: Path) -> None:
    # A Kazakh title in a table of a Russian section: the Kazakh patterns (issue 21).
    from reportgen.text.hyphenation import soft_hyphens_text

    title = "ғылыми-практикалық конференциясы"
    head = m.Row((m.Cell((m.Text("Тема"),)),))
    body = m.Row((m.Cell((m.Span((m.Text(title),), lang="kk"),)),))
    table = m.Table((), 1, "tab-1", LOC, (head,), (body,), ("left",), (1.0,))
    xml = etree.fromstring(_parts(render_docx(_doc(tmp_path, (table,), "ru"), tmp_path))[
        "word/document.xml"])
    cell = list(xml.iter(f"{W}tc"))[1]
    written = "".join("\u00ad" if n.tag == f"{W}softHyphen" else n.text or ""
                      for n in cell.iter(f"{W}t", f"{W}softHyphen"))
    assert written == soft_hyphens_text(title, "kk") != soft_hyphens_text(title, "ru")


def test_each_section_has_its_running_head(tmp_path: Path) -> None:
    """A Word section per report section, its head the report's title and its own; the
    cover none, the contents the title alone."""
    parts = _parts(render_docx(_doc(tmp_path, (m.Paragraph((m.Text("x"),), LOC),),
                                    sections=3), tmp_path))
    heads = sorted("".join("\t" if n.tag == f"{W}tab" else n.text or ""
                           for n in etree.fromstring(blob).iter(f"{W}t", f"{W}tab"))
                   for name, blob in parts.items() if name.startswith("word/header"))
    assert heads == ["", "Report", "Report\tSection 1", "Report\tSection 2",
                     "Report\tSection 3"]
    body = etree.fromstring(parts["word/document.xml"])
    assert len(list(body.iter(f"{W}sectPr"))) == 4


def test_a_landscape_tables_pages_keep_the_head_at_their_margin(tmp_path: Path) -> None:
    row = m.Row((m.Cell((m.Text("a"),)), m.Cell((m.Text("b"),))))
    table = m.Table((), 1, "tab-1", LOC, (row,), (row,), ("left", "left"), (0.5, 0.5),
                    role="landscape")
    parts = _parts(render_docx(_doc(tmp_path, (m.Paragraph((m.Text("x"),), LOC), table,
                                               m.Paragraph((m.Text("y"),), LOC))), tmp_path))
    body = etree.fromstring(parts["word/document.xml"])
    rels = {r.get("Id"): r.get("Target") for r in etree.fromstring(
        parts["word/_rels/document.xml.rels"])}
    stops = []
    for sect in body.iter(f"{W}sectPr"):
        size = sect.find(f"{W}pgSz")
        ref = sect.find(f"{W}headerReference[@{W}type='default']")
        head = etree.fromstring(parts["word/" + rels[ref.get(
            "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")]])
        tabs = [t.get(f"{W}pos") for t in head.iter(f"{W}tab") if t.get(f"{W}val") == "right"]
        stops.append((size.get(f"{W}orient"), tabs))
    # cover and contents, the section, its landscape table, the section again
    assert [o for o, _ in stops] == [None, None, "landscape", None]
    assert stops[1][1] == [] and stops[2][1] == [str(16838 - 1417 - 1020)]


# ------------------------------------------------------------ page-number pass


def test_without_libreoffice_the_contents_has_no_numbers_and_a_warning(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("REPORTGEN_SOFFICE", str(tmp_path / "no-soffice"))
    with caplog.at_level(logging.WARNING):
        data = render_docx(_doc(tmp_path, (m.Heading(2, (m.Text("H"),), "h", LOC),)), tmp_path,
                           pages={"h": 2}, paginate=True)
    assert "no LibreOffice" in caplog.text and "no page numbers" in caplog.text
    body = etree.fromstring(_parts(data)["word/document.xml"])
    assert not [t for t in body.iter(f"{W}instrText") if "PAGEREF" in (t.text or "")]


def test_a_failing_libreoffice_is_a_warning_not_an_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\necho 'Error: source file could not be loaded' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("REPORTGEN_SOFFICE", str(fake))
    with caplog.at_level(logging.WARNING):
        render_docx(_doc(tmp_path, ()), tmp_path, paginate=True)
    assert "could not convert the DOCX: Error: source file could not be loaded" in caplog.text


def test_destinations_are_read_by_libreoffices_names(tmp_path: Path) -> None:
    import pikepdf

    assert destination_name("_Toc00012") == "5FToc00012"
    assert destination_name("Рис") == "0420" "0438" "0441"
    pdf = pikepdf.new()
    for _ in range(3):
        pdf.add_blank_page()
    dests = pikepdf.Dictionary({"/5FToc00001": pikepdf.Array([pdf.pages[2].obj, pikepdf.Name.Fit])})
    pdf.Root.Dests = pdf.make_indirect(dests)
    out = io.BytesIO()
    pdf.save(out)
    assert destinations(out.getvalue()) == {"5FToc00001": 3}
