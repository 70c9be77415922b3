"""The bundled fonts (tools/derive_fonts.py): every character official Russian, Kazakh and
English texts need is in every face, the added glyphs are the font's own shapes, the
licence's renaming rule holds, and a report using the new characters builds into a PDF
that embeds only the bundled fonts and gives the characters back as text."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pikepdf
import pytest
from fontTools.ttLib import TTFont

from reportgen.build import build
from reportgen.resources import font_files

from .conftest import Project, need

KAZAKH_CYRILLIC = "АӘБВГҒДЕЁЖЗИЙКҚЛМНҢОӨПРСТУҰҮФХҺЦЧШЩЪЫІЬЭЮЯ"
#: The Latin alphabet of 2021 (with the schwa Kazakh texts typed on Latin keyboards use
#: for ә) and the acute letters of the 2018 one.
KAZAKH_LATIN = ("AÄBDEFGĞHIİJKLMNÑOÖPQRSŞTUŪÜVYZƏ" "aäbdefgğhıijklmnñoöpqrsştuūüvyzə"
                "ÁǴŃÓÚÝ" "áǵńóúý")
#: Signs of official texts: money, numbers, quotes, dashes, references.
SIGNS = ("₸₽€$£¢№%‰°′″±×÷−≈≠≤≥¹²³½¼¾·•…–—‒‐‑-«»„“”‘’‚'\"ʼ§©®™¶†‡"
         "\u00a0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u202f")
CHARACTERS = KAZAKH_CYRILLIC + KAZAKH_CYRILLIC.lower() + KAZAKH_LATIN + SIGNS

FONTS = font_files()


@pytest.fixture(scope="module", params=FONTS, ids=lambda p: p.stem)
def font(request: pytest.FixtureRequest) -> TTFont:
    return TTFont(request.param)


def test_all_eight_faces_are_bundled() -> None:
    assert [p.name for p in FONTS] == sorted(
        f"Report{family}-{style}.ttf" for family in ("Serif", "Sans")
        for style in ("Regular", "Italic", "Bold", "BoldItalic"))


def test_every_needed_character_has_a_glyph(font: TTFont) -> None:
    cmap = font.getBestCmap()
    missing = [f"U+{ord(ch):04X} {ch}" for ch in CHARACTERS if ord(ch) not in cmap]
    assert not missing


def glyph(font: TTFont, ch: str) -> str:
    return font.getBestCmap()[ord(ch)]


def outline(font: TTFont, ch: str) -> tuple[list[tuple[float, float]], list[int], list[int]]:
    coords, ends, flags = font["glyf"][glyph(font, ch)].getCoordinates(font["glyf"])
    return list(coords), list(ends), [f & 1 for f in flags]


def advance(font: TTFont, ch: str) -> int:
    return font["hmtx"][glyph(font, ch)][0]


@pytest.mark.parametrize(("latin", "cyrillic"), [("ə", "ә"), ("Ə", "Ә"), ("\u2010", "-")])
def test_twins_are_their_models_own_glyph_under_another_name(font: TTFont, latin: str,
                                                              cyrillic: str) -> None:
    """Same outline, advance and side bearing; a glyph of its own, so that the PDF's
    ToUnicode map can give back the character that was typed."""
    assert glyph(font, latin) != glyph(font, cyrillic)
    assert outline(font, latin) == outline(font, cyrillic)
    assert font["hmtx"][glyph(font, latin)] == font["hmtx"][glyph(font, cyrillic)]


def pair_kerning(font: TTFont, first: str, second: str) -> list[int]:
    """The x-advance adjustments GPOS's pair lookups give ``first`` before ``second``."""
    found = []
    for lookup in font["GPOS"].table.LookupList.Lookup:
        if lookup.LookupType != 2:
            continue
        for sub in lookup.SubTable:
            if first not in sub.Coverage.glyphs:
                continue
            if sub.Format == 1:
                pairs = sub.PairSet[sub.Coverage.glyphs.index(first)].PairValueRecord
                found += [getattr(r.Value1, "XAdvance", 0) for r in pairs
                          if r.SecondGlyph == second]
            else:
                c1 = sub.ClassDef1.classDefs.get(first, 0)
                c2 = sub.ClassDef2.classDefs.get(second, 0)
                value = sub.Class1Record[c1].Class2Record[c2].Value1
                found.append(getattr(value, "XAdvance", 0) if value else 0)
    return found


@pytest.mark.parametrize(("latin", "cyrillic"), [("ə", "ә"), ("Ə", "Ә")])
def test_latin_schwa_kerns_as_the_cyrillic(font: TTFont, latin: str, cyrillic: str) -> None:
    cmap = font.getBestCmap()
    lat, cyr = glyph(font, latin), glyph(font, cyrillic)
    others = [cmap[ord(c)] for c in "TVWYAvwy.,«»\"'Гг"]
    for other in others:
        assert pair_kerning(font, lat, other) == pair_kerning(font, cyr, other), other
        assert pair_kerning(font, other, lat) == pair_kerning(font, other, cyr), other
    assert any(any(pair_kerning(font, cyr, o) + pair_kerning(font, o, cyr)) for o in others)


def test_tenge_is_a_t_with_a_second_bar(font: TTFont) -> None:
    """₸: the T's width, height and stem, and one contour more than the T (the bar)."""
    glyf = font["glyf"]
    tenge, t = glyf[glyph(font, "₸")], glyf[glyph(font, "T")]
    tenge.recalcBounds(glyf)
    assert tenge.numberOfContours == t.numberOfContours + 1
    assert advance(font, "₸") == advance(font, "T")
    assert (tenge.yMin, tenge.yMax) == (t.yMin, t.yMax)
    assert abs((tenge.xMax - tenge.xMin) - (t.xMax - t.xMin)) < 0.15 * advance(font, "T")
    # the T's own points, its stem's foot where it was and its bar lowered, then the new bar
    coords, ends, on = outline(font, "₸")
    t_coords, t_ends, t_on = outline(font, "T")
    assert (ends[:-1], on[:len(t_on)]) == (t_ends, t_on) and ends[-1] == len(t_coords) + 3
    foot = [i for i, (_, y) in enumerate(t_coords) if y < t.yMax / 2]
    assert foot and all(coords[i] == t_coords[i] for i in foot)
    drops = {t_coords[i][1] - coords[i][1] for i in range(len(t_coords)) if i not in foot}
    assert len(drops) == 1 and drops.pop() > 0


def test_figure_dash_and_spaces_have_their_unicode_widths(font: TTFont) -> None:
    em, figure = font["head"].unitsPerEm, advance(font, "0")
    assert {advance(font, d) for d in "0123456789"} == {figure}
    assert advance(font, "‒") == figure < advance(font, "–")
    assert outline(font, "‒")[0] and outline(font, "′")[0] and outline(font, "″")[0]
    widths = {"\u2002": em / 2, "\u2003": em, "\u2004": em / 3, "\u2005": em / 4,
              "\u2006": em / 6, "\u2007": figure, "\u2008": advance(font, "."),
              "\u2009": em / 5, "\u202f": em / 5}
    for space, width in widths.items():
        assert advance(font, space) == round(width), f"U+{ord(space):04X}"
        assert not outline(font, space)[0]


def test_names_follow_the_licence(font: TTFont) -> None:
    """A modified version may not carry the original name or one combined with it: no 'PT'
    in any name record; ParaType's copyright and licence records are kept, the trademark
    record (of the original name) dropped, and the description says what changed."""
    names = font["name"]
    for record in names.names:
        if record.nameID in (1, 3, 4, 6, 16, 17, 18, 21, 22):
            assert not re.search(r"\bPT\b|PTSans|PTSerif|ParaType", record.toUnicode()), record
    assert names.getDebugName(1) in ("Report Serif", "Report Sans")
    assert "ParaType" in names.getDebugName(0) and names.getDebugName(13)
    assert names.getDebugName(7) is None
    description = names.getDebugName(10)
    for added in ("U+20B8", "U+0259", "U+018F", "U+2010", "U+2012", "U+2032", "U+2033"):
        assert added in description
    assert "reportgen" in names.getDebugName(5)


# ------------------------------------------------------------------ a report using them

PHRASE = "«Бағасы 1\u202f500 ₸, Әлия / Əliya»"
SECTION = f"""\
---
title: Баға ₸ Əliya
---

## {PHRASE}

{PHRASE}; **{PHRASE}**; *{PHRASE}*; ***{PHRASE}***.

Координаттар: 43°15′20″; кезең 2018‒2019; ‐ дефис; Ələm.
"""


def test_a_report_with_tenge_and_schwa_builds_with_the_bundled_fonts(project: Project) -> None:
    project.write("sections/a.md", SECTION)
    pdf = build(project.root, project.root / "out", formats=("pdf",)).edition().outputs["pdf"]
    listed = subprocess.run([need("pdffonts"), str(pdf)], check=True, capture_output=True,
                            text=True).stdout.splitlines()[2:]
    assert listed
    for line in listed:
        assert re.fullmatch(r"[A-Z]{6}\+Report-(Serif|Sans)(-Bold)?(-Italic)?",
                            line.split()[0]), line
        assert line.split()[-5] == "yes", line
    assert {line.split()[0].split("+")[1] for line in listed} >= {
        "Report-Serif", "Report-Serif-Bold", "Report-Serif-Italic", "Report-Serif-Bold-Italic"}
    text = subprocess.run([need("pdftotext"), "-enc", "UTF-8", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    flat = re.sub(r"\s+", " ", text)
    assert flat.count("Бағасы 1 500 ₸, Әлия / Əliya") >= 5
    # the Latin schwa comes back as U+018F, not as the Cyrillic Ә it looks like
    assert "\u018fliya" in text and "\u04d8liya" not in text
    assert "43°15′20″" in flat and "2018‒2019" in flat and "‐ дефис" in flat
    assert "\u018fl\u0259m" in text


def test_the_pdf_maps_the_added_glyphs_back_to_their_characters(project: Project) -> None:
    """pdftotext prints every space as U+0020: the ToUnicode maps show the others."""
    project.write("sections/a.md", SECTION)
    pdf = build(project.root, project.root / "out", formats=("pdf",)).edition().outputs["pdf"]
    with pikepdf.open(pdf) as doc:
        maps = b"".join(font.ToUnicode.read_bytes() for page in doc.pages
                        for font in page.Resources.Font.values() if "/ToUnicode" in font)
    for cp in (0x20B8, 0x0259, 0x018F, 0x04D8, 0x2032, 0x2033, 0x2012, 0x2010, 0x202F):
        assert re.search(rb"> <%04x>" % cp, maps, re.IGNORECASE), f"U+{cp:04X}"


def test_the_fonts_are_derived_as_the_script_says(tmp_path: Path) -> None:
    """tools/derive_fonts.py run on Debian's fonts-paratype gives the bundled files byte for
    byte (skipped where the source fonts are not installed)."""
    source = Path("/usr/share/fonts/truetype/paratype")
    if not (source / "PTF55F.ttf").is_file():
        pytest.skip("Debian's fonts-paratype is not installed")
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "derive_fonts", Path(__file__).resolve().parent.parent / "tools" / "derive_fonts.py")
    assert spec and spec.loader
    derive = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(derive)
    for src_name, (family, style) in derive.FONTS.items():
        target = tmp_path / derive.file_name(family, style)
        derive.derive(source / src_name, family, style).save(target)
        bundled = next(p for p in FONTS if p.name == target.name)
        assert target.read_bytes() == bundled.read_bytes(), target.name
