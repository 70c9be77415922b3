"""Derive the bundled "Report Serif" / "Report Sans" fonts from ParaType's PT Serif / PT Sans.

PT Serif and PT Sans (Debian's fonts-paratype) lack characters that Russian, Kazakh
and English official texts need. This tool adds them, every one made from the
font's own glyphs (docs/fonts.md shows what was checked and why the rest is left out):

- TENGE SIGN ₸ (U+20B8): the font's own T with its bar (serifs and all) moved down
  by two bar heights along the stem, under a second bar of the same height and
  length at the T's top: the tenge sign is a T with two bars. Same advance and
  weight as the T.
- LATIN SMALL/CAPITAL LETTER SCHWA ə Ə (U+0259, U+018F), which Kazakh texts typed on
  Latin keyboards use for ә Ә: the Cyrillic ә Ә (U+04D9, U+04D8) as a component, with
  their advance, kerning classes and other OpenType behaviour. Separate glyphs, not a
  second cmap entry for the same glyph, so that the PDF's ToUnicode map can tell them
  apart and copied text keeps the letter that was typed.
- HYPHEN ‐ (U+2010): the hyphen-minus glyph as a component, likewise.
- FIGURE DASH ‒ (U+2012): the en dash shortened to the width of a figure (the digits
  are tabular), keeping the en dash's side bearings.
- PRIME ′ and DOUBLE PRIME ″ (U+2032, U+2033): the straight quotes ' and " slanted by
  PRIME_SLANT degrees about their middle height (degrees, minutes, feet, inches).
- Spaces, as empty glyphs of the width Unicode gives them: EN SPACE (1/2 em), EM SPACE
  (1 em), THREE-, FOUR- and SIX-PER-EM SPACE (U+2002-U+2006), FIGURE SPACE (the width of
  a digit, U+2007), PUNCTUATION SPACE (the width of the full stop, U+2008), THIN SPACE and
  NARROW NO-BREAK SPACE (1/5 em, the width DejaVu and most text faces give them; Russian
  and Kazakh put them between digit groups, "1 004", and Babel's CLDR data in dates and
  ranges). The characters stay in the text: the PDF's ToUnicode map keeps them and
  pdftotext shows them.

Derived glyphs carry no TrueType hinting instructions (the PDF output does not use them;
components use their model's).

The ParaType Free Font License (fonts/LICENSE-ParaType.txt) allows modified
copies but forbids distributing them "under the Original name or a combination
of Original name with any other words". The derived fonts are therefore
renamed "Report Serif" and "Report Sans" (no "PT" in any name), keep
ParaType's copyright and licence name records, drop the trademark record,
and say what was changed, and from which font, in the description record only (the
unique ID and version records give the source's version and "reportgen N", N =
DERIVATION). The licence travels with them.

    python tools/derive_fonts.py [SOURCE_DIR]   # default: Debian's fonts-paratype folder

Deterministic: the same source files give byte-identical fonts.
"""

from __future__ import annotations

import copy
import math
import sys
from pathlib import Path

from fontTools.ttLib import TTFont
from fontTools.ttLib.tables import ttProgram
from fontTools.ttLib.tables._g_l_y_f import (
    ROUND_XY_TO_GRID,
    USE_MY_METRICS,
    Glyph,
    GlyphComponent,
    GlyphCoordinates,
)
from fontTools.ttLib.tables.O_S_2f_2 import intersectUnicodeRanges

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = Path("/usr/share/fonts/truetype/paratype")

#: Bumped whenever the derivation changes what the fonts hold: it is in their version
#: string and unique ID, so the derived fonts of one version are told from another's.
DERIVATION = 2

#: source file -> (family, style)
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

#: code point -> (glyph name, recipe, argument), in the order the glyphs are appended.
#: Recipes: "space" (an empty glyph; argument: its width in em, or the code point of the
#: character whose advance it takes), "alias" (the glyph of the argument's code point as
#: a component, with its OpenType behaviour), "tenge", "figure dash", "prime" (the
#: argument's glyph slanted).
ADDED: dict[int, tuple[str, str, float | int | None]] = {
    0x2009: ("uni2009", "space", 0.2),  # THIN SPACE
    0x202F: ("uni202F", "space", 0.2),  # NARROW NO-BREAK SPACE
    0x2002: ("uni2002", "space", 1 / 2),  # EN SPACE
    0x2003: ("uni2003", "space", 1.0),  # EM SPACE
    0x2004: ("uni2004", "space", 1 / 3),  # THREE-PER-EM SPACE
    0x2005: ("uni2005", "space", 1 / 4),  # FOUR-PER-EM SPACE
    0x2006: ("uni2006", "space", 1 / 6),  # SIX-PER-EM SPACE
    0x2007: ("uni2007", "space", 0x0030),  # FIGURE SPACE: a digit's width
    0x2008: ("uni2008", "space", 0x002E),  # PUNCTUATION SPACE: the full stop's width
    0x0259: ("uni0259", "alias", 0x04D9),  # LATIN SMALL LETTER SCHWA = Cyrillic ә
    0x018F: ("uni018F", "alias", 0x04D8),  # LATIN CAPITAL LETTER SCHWA = Cyrillic Ә
    0x2010: ("uni2010", "alias", 0x002D),  # HYPHEN = hyphen-minus
    0x2012: ("uni2012", "figure dash", 0x2013),  # FIGURE DASH from the EN DASH
    0x2032: ("uni2032", "prime", 0x0027),  # PRIME from the APOSTROPHE (straight quote)
    0x2033: ("uni2033", "prime", 0x0022),  # DOUBLE PRIME from the QUOTATION MARK
    0x20B8: ("uni20B8", "tenge", 0x0054),  # TENGE SIGN from the T
}
#: How far the primes lean to the right of their straight quotes, in degrees.
PRIME_SLANT = 15.0
#: Tables indexed by glyph whose data cannot simply grow; they are optional and
#: only hold hinting caches (hdmx, LTSH) or a signature the change invalidates (DSIG).
#: The legacy 'kern' table is kept as it is (its pairs overflow the format's 64 KiB
#: length field, so it is copied, not rewritten): the added glyphs kern through GPOS,
#: which every shaper in use (HarfBuzz, for WeasyPrint) prefers.
DROPPED = ("hdmx", "LTSH", "DSIG")


def file_name(family: str, style: str) -> str:
    return f"{family.replace(' ', '')}-{style.replace(' ', '')}.ttf"


def description(family: str, original: str) -> str:
    return (f"{family} is {original} by ParaType Ltd with glyphs added by reportgen "
            f"(derivation {DERIVATION}), each made from the font's own: TENGE SIGN (U+20B8, "
            "from the T with a second bar), LATIN SCHWA (U+0259, U+018F: the Cyrillic "
            "schwa), HYPHEN (U+2010), FIGURE DASH (U+2012, from the en dash), PRIME and "
            "DOUBLE PRIME (U+2032, U+2033, from the straight quotes), and the spaces "
            "U+2002-U+2009 and U+202F; renamed as the ParaType Free Font License requires "
            "of modified versions.")


def derive(source: Path, family: str, style: str) -> TTFont:
    font = TTFont(source, recalcTimestamp=False)
    original = font["name"].getDebugName(1)
    version = font["name"].getDebugName(5) or f"Version {font['head'].fontRevision:.3f}"
    for tag in DROPPED:
        if tag in font:
            del font[tag]
    add_glyphs(font)
    rename(font, family, style, original, version)
    return font


# ------------------------------------------------------------------ glyphs

def add_glyphs(font: TTFont) -> None:
    cmap = font.getBestCmap()
    order = font.getGlyphOrder()
    added: list[int] = []
    for cp, (name, recipe, arg) in ADDED.items():
        if cp in cmap:
            continue
        if name in order:
            raise ValueError(f"{name}: the source already has a glyph of that name")
        if recipe == "space":
            advance = (font["hmtx"][cmap[arg]][0] if isinstance(arg, int)
                       else round(font["head"].unitsPerEm * arg))
            glyph = empty_glyph()
        elif recipe == "alias":
            glyph, advance = component_glyph(font, cmap[arg])
        elif recipe == "tenge":
            glyph, advance = tenge(font, cmap[arg])
        elif recipe == "figure dash":
            glyph, advance = figure_dash(font, cmap[arg], font["hmtx"][cmap[0x30]][0])
        elif recipe == "prime":
            glyph, advance = slanted(font, cmap[arg], PRIME_SLANT)
        else:
            raise ValueError(recipe)
        glyf = font["glyf"]
        glyf.glyphs[name] = glyph
        order.append(name)  # after every source glyph: the OpenType lists stay in glyph order
        font.setGlyphOrder(order)
        glyf.glyphOrder = order
        glyph.recalcBounds(glyf)
        font["hmtx"].metrics[name] = (advance, glyph.xMin if glyph.numberOfContours else 0)
        for table in font["cmap"].tables:
            if table.isUnicode() and (table.format != 4 or cp <= 0xFFFF):
                table.cmap[cp] = name
        if recipe == "alias":
            alias_layout(font, cmap[arg], name)
        added.append(cp)
    font["maxp"].numGlyphs = len(order)
    if font["post"].formatType == 2.0:
        font["post"].extraNames = []
        font["post"].mapping = {}
    os2 = font["OS/2"]
    os2.setUnicodeRanges(os2.getUnicodeRanges() | intersectUnicodeRanges(added))


def empty_glyph() -> Glyph:
    glyph = Glyph()
    glyph.numberOfContours = 0
    return glyph


def simple_glyph(coords: list[tuple[int, int]], ends: list[int], on_curve: list[bool]) -> Glyph:
    glyph = Glyph()
    glyph.numberOfContours = len(ends)
    glyph.coordinates = GlyphCoordinates(coords)
    glyph.endPtsOfContours = list(ends)
    glyph.flags = bytearray(1 if on else 0 for on in on_curve)
    glyph.program = ttProgram.Program()
    glyph.program.fromBytecode(b"")
    return glyph


def outline(font: TTFont, name: str) -> tuple[list[tuple[int, int]], list[int], list[bool]]:
    """The glyph's points (components resolved), contour ends and on-curve flags."""
    coords, ends, flags = font["glyf"][name].getCoordinates(font["glyf"])
    return [(round(x), round(y)) for x, y in coords], list(ends), [bool(f & 1) for f in flags]


def component_glyph(font: TTFont, model: str) -> tuple[Glyph, int]:
    """A glyph made of ``model`` alone, taking its metrics (USE_MY_METRICS)."""
    component = GlyphComponent()
    component.glyphName = model
    component.x = component.y = 0
    component.flags = ROUND_XY_TO_GRID | USE_MY_METRICS
    glyph = Glyph()
    glyph.numberOfContours = -1
    glyph.components = [component]
    return glyph, font["hmtx"][model][0]


def slant(font: TTFont) -> float:
    """Horizontal shift per unit of height of the font's italic slant (0 for upright)."""
    return math.tan(math.radians(-font["post"].italicAngle))


def tenge(font: TTFont, t_name: str) -> tuple[Glyph, int]:
    """₸ from the font's T: the T's bar (with its serifs) slides down its stem by two bar
    heights, and a plain bar as high as the T's and as long as its top edge takes the T's
    place at the top; the gap between the bars is one bar height."""
    coords, ends, on = outline(font, t_name)
    top = max(y for _, y in coords)
    half = top / 2
    # the bar's underside: the highest on-curve point below the top (where the stem joins)
    bar = top - max(y for (_, y), o in zip(coords, on, strict=True) if o and half < y < top)
    if not 0.04 * top < bar < 0.25 * top:
        raise ValueError(f"{t_name}: cannot tell the bar of the T (height {bar})")
    drop = 2 * bar
    lean = slant(font)
    upper = [p for p in coords if p[1] > half]
    lower = [p for p in coords if p[1] <= half]
    if min(y for _, y in upper) - drop <= max(y for _, y in lower):
        raise ValueError(f"{t_name}: the T's stem is too short to lower its bar")
    moved = [(x - round(drop * lean), y - drop) if y > half else (x, y) for x, y in coords]
    edge = [x for (x, y), o in zip(coords, on, strict=True) if o and y == top]
    left, right = min(edge), max(edge)
    shift = round(bar * lean)
    # clockwise, as TrueType draws outer contours
    second = [(left, top), (right, top), (right - shift, top - bar), (left - shift, top - bar)]
    glyph = simple_glyph(moved + second, [*ends, len(coords) + 3], [*on, True, True, True, True])
    return glyph, font["hmtx"][t_name][0]


def figure_dash(font: TTFont, dash: str, figure: int) -> tuple[Glyph, int]:
    """The en dash with its right end moved in so that it is a figure wide (same bearings)."""
    coords, ends, on = outline(font, dash)
    advance = font["hmtx"][dash][0]
    cut = advance - figure
    if cut < 0:
        raise ValueError(f"{dash}: the en dash is narrower than a figure")
    middle = (min(x for x, _ in coords) + max(x for x, _ in coords)) / 2
    moved = [(x - cut, y) if x > middle else (x, y) for x, y in coords]
    return simple_glyph(moved, ends, on), figure


def slanted(font: TTFont, model: str, degrees: float) -> tuple[Glyph, int]:
    """``model`` leaning ``degrees`` further right, sheared about its middle height."""
    coords, ends, on = outline(font, model)
    lean = math.tan(math.radians(degrees))
    middle = (min(y for _, y in coords) + max(y for _, y in coords)) / 2
    sheared = [(round(x + lean * (y - middle)), y) for x, y in coords]
    return simple_glyph(sheared, ends, on), font["hmtx"][model][0]


# -------------------------------------------------- OpenType: aliases behave as their model

def alias_layout(font: TTFont, model: str, alias: str) -> None:
    """Wherever GSUB or GPOS name ``model`` as an input, ``alias`` (a glyph after every
    other one, so appending keeps every list in glyph order) gets the same rule."""
    for tag in ("GSUB", "GPOS"):
        if tag not in font:
            continue
        for lookup in font[tag].table.LookupList.Lookup:
            for sub in lookup.SubTable:
                kind = lookup.LookupType
                if (tag, kind) in (("GSUB", 7), ("GPOS", 9)):
                    kind, sub = sub.ExtensionLookupType, sub.ExtSubTable
                (_gsub if tag == "GSUB" else _gpos)(kind, sub, model, alias)


def _cover(coverage, model: str, alias: str) -> bool:
    if coverage is not None and model in coverage.glyphs:
        coverage.glyphs.append(alias)
        return True
    return False


def _classes(class_def, model: str, alias: str) -> None:
    if class_def is not None and model in class_def.classDefs:
        class_def.classDefs[alias] = class_def.classDefs[model]


def _gsub(kind: int, sub, model: str, alias: str) -> None:
    if kind == 1:
        if model in sub.mapping:
            sub.mapping[alias] = sub.mapping[model]
    elif kind == 3:
        if model in sub.alternates:
            sub.alternates[alias] = list(sub.alternates[model])
    elif kind == 4:
        if model in sub.ligatures or any(model in lig.Component for ligs in sub.ligatures.values()
                                         for lig in ligs):
            raise NotImplementedError(f"GSUB ligature with {model}")
    elif kind in (5, 6) and sub.Format == 3:
        for name in ("Coverage", "BacktrackCoverage", "InputCoverage", "LookAheadCoverage"):
            for coverage in getattr(sub, name, None) or []:
                _cover(coverage, model, alias)
    elif kind in (5, 6) and sub.Format == 2:
        _cover(sub.Coverage, model, alias)
        for name in ("ClassDef", "BacktrackClassDef", "InputClassDef", "LookAheadClassDef"):
            _classes(getattr(sub, name, None), model, alias)
    elif kind == 2 or (kind in (5, 6) and sub.Format == 1):
        raise NotImplementedError(f"GSUB lookup type {kind} format {getattr(sub, 'Format', '')}")


def _gpos(kind: int, sub, model: str, alias: str) -> None:
    if kind == 1:
        if _cover(sub.Coverage, model, alias) and sub.Format == 2:
            sub.Value.append(copy.deepcopy(sub.Value[sub.Coverage.glyphs.index(model)]))
            sub.ValueCount = len(sub.Value)
    elif kind == 2 and sub.Format == 1:
        if model in sub.Coverage.glyphs:
            sub.PairSet.append(copy.deepcopy(sub.PairSet[sub.Coverage.glyphs.index(model)]))
            sub.Coverage.glyphs.append(alias)
            sub.PairSetCount = len(sub.PairSet)
        for pair_set in sub.PairSet:
            for record in list(pair_set.PairValueRecord):
                if record.SecondGlyph == model:
                    twin = copy.deepcopy(record)
                    twin.SecondGlyph = alias
                    pair_set.PairValueRecord.append(twin)
            pair_set.PairValueCount = len(pair_set.PairValueRecord)
    elif kind == 2 and sub.Format == 2:
        _cover(sub.Coverage, model, alias)
        _classes(sub.ClassDef1, model, alias)
        _classes(sub.ClassDef2, model, alias)
    else:
        raise NotImplementedError(f"GPOS lookup type {kind}")


# ------------------------------------------------------------------ names

def rename(font: TTFont, family: str, style: str, original: str, version: str) -> None:
    ps_family = family.replace(" ", "")
    ps_style = style.replace(" ", "")
    bold, italic = "Bold" in style, "Italic" in style
    names = font["name"]
    legacy_style = style if style in ("Regular", "Italic", "Bold", "Bold Italic") else "Regular"
    source_version = version.removeprefix("Version ").split(";")[0].strip()
    records = {
        1: family,
        2: legacy_style,
        3: f"reportgen {DERIVATION}: {family} {style}: {source_version}",
        4: family if style == "Regular" else f"{family} {style}",
        5: f"Version {source_version}; reportgen {DERIVATION}",
        6: f"{ps_family}-{ps_style}",
        10: description(family, original),
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
