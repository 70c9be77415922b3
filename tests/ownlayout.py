"""A project with a layout and fonts of its own (tests/fixtures/ownlayout/), and the fonts it
uses, derived here from the bundled ones with fontTools (``derive``).

The bundled fonts come from ParaType's PT Serif and PT Sans, whose licence allows modified
copies under another name only (fonts/LICENSE-ParaType.txt): every font made here is
renamed ("Fixture ..."; no "PT" and no "Report" in any name record), keeps the copyright
and licence records, and says in its description what was changed.
"""

from __future__ import annotations

import copy
import shutil
import zipfile
from pathlib import Path

import docx
from fontTools import subset
from fontTools.ttLib import TTFont

from reportgen import resources

FIXTURE = Path(__file__).parent / "fixtures" / "ownlayout"
FONTS = resources.data_dir("fonts")
#: The DOCX styles the fixture's reference document sets in its display font.
DISPLAY_STYLES = ("Cover Title", "Heading 1")


def rename(font: TTFont, family: str, style: str, what: str) -> None:
    """Name ``font`` '``family`` ``style``' in every name record that names it."""
    ps = f"{family.replace(' ', '')}-{style.replace(' ', '')}"
    legacy = style if style in ("Regular", "Italic", "Bold", "Bold Italic") else "Regular"
    records = {1: family, 2: legacy, 3: f"reportgen tests: {family} {style}",
               4: family if style == "Regular" else f"{family} {style}", 6: ps,
               10: f"{what}, for reportgen's tests; from PT fonts by ParaType (renamed, as "
                   "their licence asks of modified copies).", 16: family, 17: style}
    names = font["name"]
    for name_id in (7, 18):  # a trademark, a Mac name: not this font's
        names.removeNames(nameID=name_id)
    for name_id, value in records.items():
        names.removeNames(nameID=name_id)
        names.setName(value, name_id, 3, 1, 0x409)
        names.setName(value, name_id, 1, 0, 0)


def derive(source: str, dest: Path, family: str, style: str, *,
           unicodes: list[int] | None = None, add: dict[int, str] | None = None,
           fs_type: int | None = None) -> Path:
    """A renamed copy of the bundled font ``source`` at ``dest``: subset to ``unicodes`` (None:
    every character), with each code point of ``add`` given a copy of the glyph it names
    (a glyph of its own, so the PDF's ToUnicode map keeps the character), and an OS/2
    ``fs_type`` if given."""
    font = TTFont(FONTS / source)
    for cp, model in (add or {}).items():
        name = f"uni{cp:04X}"
        glyph_name = font.getBestCmap()[ord(model)]
        font["glyf"][name] = copy.deepcopy(font["glyf"][glyph_name])
        font["hmtx"][name] = font["hmtx"][glyph_name]
        for table in font["cmap"].tables:
            if table.isUnicode():
                table.cmap[cp] = name
    if unicodes is not None:
        options = subset.Options()
        options.name_IDs = ["*"]
        options.name_languages = ["*"]
        options.notdef_outline = True
        options.layout_features = ["*"]
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=[*unicodes, *(add or {})])
        subsetter.subset(font)
    what = "A subset" if unicodes is not None else "A copy"
    rename(font, family, style, what + (" with added characters" if add else ""))
    if fs_type is not None:
        font["OS/2"].fsType = fs_type
    dest.parent.mkdir(parents=True, exist_ok=True)
    font.save(dest)
    return dest


def make_ownlayout(dest: Path, without: tuple[str, ...] = ()) -> Path:
    """The fixture project at ``dest`` with its font: Fixture Display Bold, a copy of the
    bundled Report Sans Bold (``without`` those characters)."""
    shutil.copytree(FIXTURE, dest)
    source = "ReportSans-Bold.ttf"
    kept = None
    if without:
        kept = sorted(set(TTFont(FONTS / source).getBestCmap()) - {ord(c) for c in without})
    derive(source, dest / "fonts" / "FixtureDisplay-Bold.ttf", "Fixture Display", "Bold",
           unicodes=kept)
    # The DOCX's titles in it too: the default reference with two styles changed, as an
    # editor would change them in Word (python-docx writes the style's w:rFonts).
    reference = docx.Document(str(resources.layout_dir("default") / "reference.docx"))
    for name in DISPLAY_STYLES:
        reference.styles[name].font.name = "Fixture Display"
    reference.save(str(dest / "layout" / "reference.docx"))
    return dest


#: The bundled faces and the family and style names their copies get (``replace_fonts``).
FACES = {"ReportSerif-Regular.ttf": "Regular", "ReportSerif-Bold.ttf": "Bold",
         "ReportSerif-Italic.ttf": "Italic", "ReportSerif-BoldItalic.ttf": "Bold Italic"}


def replace_fonts(project: Path, family: str = "Fixture Serif",
                  add: dict[int, str] | None = None) -> list[str]:
    """Give ``project`` a layout folder that sets every text in ``family``: copies of the four
    Report Serif faces (with ``add``), the base's stylesheets, chart style and reference
    DOCX with both bundled families renamed to it; the ``fonts:`` entries, to add to
    report.yaml."""
    folder = project / "layout"
    folder.mkdir(exist_ok=True)
    base = resources.layout_dir("default")
    for name in ("report.css", "folio.css", "chart.mplstyle"):
        text = (base / name).read_text(encoding="utf-8")
        for old in ("Report Serif", "Report Sans"):
            text = text.replace(old, family)
        (folder / name).write_text(text, encoding="utf-8")
    with zipfile.ZipFile(base / "reference.docx") as src, \
            zipfile.ZipFile(folder / "reference.docx", "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith(".xml"):
                for old in (b"Report Serif", b"Report Sans"):
                    data = data.replace(old, family.encode())
            out.writestr(info, data)
    entries = []
    for source, style in FACES.items():
        file = f"fonts/{family.replace(' ', '')}-{style.replace(' ', '')}.ttf"
        derive(source, project / file, family, style, add=add)
        entries.append(file)
    return entries
