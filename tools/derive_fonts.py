"""Derive the bundled "Report Serif" / "Report Sans" fonts from ParaType's PT Serif / PT Sans.

PT Serif and PT Sans have no THIN SPACE (U+2009) and no NARROW NO-BREAK SPACE
(U+202F), which Russian and Kazakh need between digit groups ("1 004") and
Babel's CLDR data puts in dates and ranges. This tool adds both as empty
glyphs one fifth of an em wide (the width DejaVu and most text faces give them),
so the characters stay in the text: the PDF's ToUnicode map keeps them and
pdftotext shows them.

The ParaType Free Font License (fonts/LICENSE-ParaType.txt) allows modified
copies but forbids distributing them "under the Original name or a combination
of Original name with any other words". The derived fonts are therefore
renamed "Report Serif" and "Report Sans" (no "PT" in any name), keep
ParaType's copyright and licence name records, drop the trademark record,
and say what was changed in the description record. The licence travels with them.

    python tools/derive_fonts.py [SOURCE_DIR]   # default: Debian's fonts-paratype folder

Deterministic: the same source files give byte-identical fonts.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools.ttLib import TTFont
from fontTools.ttLib.tables._g_l_y_f import Glyph

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = Path("/usr/share/fonts/truetype/paratype")

#: source file -> (family, style, PostScript style)
FONTS = {
    "PTF55F.ttf": ("Report Serif", "Regular"),
    "PTF56F.ttf": ("Report Serif", "Italic"),
    "PTF75F.ttf": ("Report Serif", "Bold"),
    "PTF76F.ttf": ("Report Serif", "Bold Italic"),
    "PTS55F.ttf": ("Report Sans", "Regular"),
    "PTS56F.ttf": ("Report Sans", "Italic"),
    "PTS75F.ttf": ("Report Sans", "Bold"),
    "PTS76F.ttf": ("Report Sans", "Bold Italic"),
}
#: code point -> (glyph name, advance width in em)
ADDED = {0x2009: ("uni2009", 0.2), 0x202F: ("uni202F", 0.2)}
#: Tables indexed by glyph whose data cannot simply grow; they are optional and
#: only hold hinting caches (hdmx, LTSH) or a signature the change invalidates (DSIG).
DROPPED = ("hdmx", "LTSH", "DSIG")


def file_name(family: str, style: str) -> str:
    return f"{family.replace(' ', '')}-{style.replace(' ', '')}.ttf"


def derive(source: Path, family: str, style: str) -> TTFont:
    font = TTFont(source, recalcTimestamp=False)
    original = font["name"].getDebugName(1)
    for tag in DROPPED:
        if tag in font:
            del font[tag]
    upm = font["head"].unitsPerEm
    order = font.getGlyphOrder()
    for cp, (glyph_name, em) in ADDED.items():
        if any(cp in table.cmap for table in font["cmap"].tables if table.isUnicode()):
            continue
        glyph = Glyph()
        glyph.numberOfContours = 0
        font["glyf"].glyphs[glyph_name] = glyph
        order.append(glyph_name)
        font["hmtx"].metrics[glyph_name] = (round(upm * em), 0)
        for table in font["cmap"].tables:
            if table.isUnicode() and (table.format != 4 or cp <= 0xFFFF):
                table.cmap[cp] = glyph_name
    font.setGlyphOrder(order)
    font["glyf"].glyphOrder = order
    font["maxp"].numGlyphs = len(order)
    if font["post"].formatType == 2.0:
        font["post"].extraNames = []
        font["post"].mapping = {}

    ps_family = family.replace(" ", "")
    ps_style = style.replace(" ", "")
    bold, italic = "Bold" in style, "Italic" in style
    names = font["name"]
    legacy_style = style if style in ("Regular", "Italic", "Bold", "Bold Italic") else "Regular"
    records = {
        1: family,
        2: legacy_style,
        3: f"reportgen: {family} {style}: derived from {original} 1.002",
        4: family if style == "Regular" else f"{family} {style}",
        6: f"{ps_family}-{ps_style}",
        10: f"{family} is {original} by ParaType Ltd with THIN SPACE (U+2009) and NARROW "
            "NO-BREAK SPACE (U+202F) added by reportgen; renamed as the ParaType Free Font "
            "License requires of modified versions.",
        16: family,
        17: style,
    }
    names.removeNames(nameID=7)  # "PT Serif is a trademark of ...": not this font's name
    names.removeNames(nameID=18)
    for name_id, value in records.items():
        names.removeNames(nameID=name_id)
        names.setName(value, name_id, 3, 1, 0x409)
        names.setName(value, name_id, 1, 0, 0)
    font["OS/2"].fsSelection = (font["OS/2"].fsSelection & ~0b1100001) | (
        (1 if italic else 0) | (0b100000 if bold else 0) | (0 if bold or italic else 0b1000000))
    return font


def main(argv: list[str]) -> int:
    source = Path(argv[1]) if len(argv) > 1 else DEFAULT_SOURCE
    out = ROOT / "fonts"
    for src_name, (family, style) in FONTS.items():
        src = source / src_name
        if not src.is_file():
            print(f"{src}: not found (install Debian's fonts-paratype or pass the folder)",
                  file=sys.stderr)
            return 1
        target = out / file_name(family, style)
        derive(src, family, style).save(target)
        print(f"wrote {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
