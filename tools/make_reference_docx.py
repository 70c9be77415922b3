"""Generate ``layouts/default/reference.docx``: the styles of the editable DOCX report.

A build tool, not part of the pipeline: run it after changing a style here and
commit both this script and the .docx. The DOCX writer only ever applies these
styles by name, so an organization can open the generated file in Word,
restyle it (or add its own header, margins, fonts), save it and pass it with
``reportgen build --reference-docx``. The body holds one sample paragraph per
style so that a person customizing the template sees every style at work; the
writer drops the body and keeps the styles, numbering, settings and page setup.

The package is written by hand (stdlib only) so that it stays small (no
latent-style or table-style ballast) and byte-identical between runs.

Usage: python tools/make_reference_docx.py [OUT]   (default: layouts/default/reference.docx)
"""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "layouts" / "default" / "reference.docx"

# The bundled fonts' families (fonts/, docs/fonts.md), which the DOCX embeds.
SERIF = "Report Serif"
SANS = "Report Sans"
# Colours of the print layout (layouts/default/report.css).
INK, BLUE, DARK, GREY, CAPTION, RULE, GOLD, TILE = (
    "1D2327", "1F4E79", "2C3E50", "5B6770", "3D4A55", "9AA8B4", "C8A951", "EEF3F8")

# A4 with the print layout's margins (22 18 20 25 mm), in twentieths of a point.
PAGE_W, PAGE_H = 11906, 16838
MARGIN_T, MARGIN_R, MARGIN_B, MARGIN_L = 1247, 1020, 1134, 1417
TEXT_W = PAGE_W - MARGIN_L - MARGIN_R


def mm(value: float) -> int:
    """Millimetres in twips (twentieths of a point)."""
    return round(value * 1440 / 25.4)


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


# ------------------------------------------------------------------ properties


def rpr(font: str | None = None, size: float | None = None, bold: bool = False,
        italic: bool = False, color: str | None = None, underline: bool = False,
        shade: str | None = None, vert: str | None = None, lang: str | None = None) -> str:
    """Run properties in the order CT_RPr requires."""
    out = []
    if font:
        # All four slots, so that Cyrillic (and any script) stays in the same font.
        out.append(f'<w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:cs="{font}" '
                   f'w:eastAsia="{font}"/>')
    if bold:
        out.append("<w:b/><w:bCs/>")
    if italic:
        out.append("<w:i/><w:iCs/>")
    if color:
        out.append(f'<w:color w:val="{color}"/>')
    if size:
        half = round(size * 2)
        out.append(f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>')
    if underline:
        out.append('<w:u w:val="single"/>')
    if shade:
        out.append(f'<w:shd w:val="clear" w:color="auto" w:fill="{shade}"/>')
    if vert:
        out.append(f'<w:vertAlign w:val="{vert}"/>')
    if lang:
        out.append(f'<w:lang w:val="{lang}" w:eastAsia="{lang}" w:bidi="ar-SA"/>')
    return f"<w:rPr>{''.join(out)}</w:rPr>" if out else ""


def border(side: str, size_eighths: int, color: str, space_pt: int = 0) -> str:
    return (f'<w:{side} w:val="single" w:sz="{size_eighths}" w:space="{space_pt}" '
            f'w:color="{color}"/>')


def ppr(keep_next: bool = False, keep_lines: bool = False, page_break: bool = False,
        num_id: int | None = None, borders: str = "", tab_right: int | None = None,
        leader: str | None = None, no_hyphens: bool = False, before: int | None = None,
        after: int | None = None, line: float | None = None, left: int | None = None,
        hanging: int | None = None, right: int | None = None, jc: str | None = None,
        outline: int | None = None) -> str:
    """Paragraph properties in the order CT_PPrBase requires (spacing in twips)."""
    out = []
    if keep_next:
        out.append("<w:keepNext/>")
    if keep_lines:
        out.append("<w:keepLines/>")
    if page_break:
        out.append("<w:pageBreakBefore/>")
    if num_id is not None:
        out.append(f'<w:numPr><w:numId w:val="{num_id}"/></w:numPr>')
    if borders:
        out.append(f"<w:pBdr>{borders}</w:pBdr>")
    if tab_right is not None:
        lead = f' w:leader="{leader}"' if leader else ""
        out.append(f'<w:tabs><w:tab w:val="right"{lead} w:pos="{tab_right}"/></w:tabs>')
    if no_hyphens:
        out.append("<w:suppressAutoHyphens/>")
    if before is not None or after is not None or line is not None:
        attrs = ""
        if before is not None:
            attrs += f' w:before="{before}"'
        if after is not None:
            attrs += f' w:after="{after}"'
        if line is not None:
            attrs += f' w:line="{round(line * 240)}" w:lineRule="auto"'
        out.append(f"<w:spacing{attrs}/>")
    if left is not None or hanging is not None or right is not None:
        attrs = f' w:left="{left or 0}"' + (f' w:right="{right}"' if right else "") \
            + (f' w:hanging="{hanging}"' if hanging else "")
        out.append(f"<w:ind{attrs}/>")
    if jc:
        out.append(f'<w:jc w:val="{jc}"/>')
    if outline is not None:
        out.append(f'<w:outlineLvl w:val="{outline}"/>')
    return f"<w:pPr>{''.join(out)}</w:pPr>" if out else ""


# ---------------------------------------------------------------------- styles


def style(kind: str, style_id: str, name: str, *, based_on: str | None = None,
          next_id: str | None = None, default: bool = False, ui_priority: int | None = None,
          q_format: bool = False, p: str = "", r: str = "", extra: str = "",
          link: str | None = None) -> str:
    attrs = f'w:type="{kind}"' + (' w:default="1"' if default else "")
    body = f'<w:name w:val={quoteattr(name)}/>'
    if based_on:
        body += f'<w:basedOn w:val="{based_on}"/>'
    if next_id:
        body += f'<w:next w:val="{next_id}"/>'
    if link:
        body += f'<w:link w:val="{link}"/>'
    if ui_priority is not None:
        body += f'<w:uiPriority w:val="{ui_priority}"/>'
    if q_format:
        body += "<w:qFormat/>"
    return f'<w:style {attrs} w:styleId="{style_id}">{body}{p}{r}{extra}</w:style>'


#: The sizes (pt) of the text the paragraph styles set, by style id (docDefaults: 11 pt).
BASE_SIZE = 11.0
#: Paragraphs that hold a picture keep a line height relative to it ('auto').
PICTURE_STYLES = ("CoverLogo", "Figure", "SectionCover", "GalleryImage")


def exact_lines(p: str, size: float) -> str:
    """``p`` with its relative line height made exact (points, as CSS's line-height is a
    multiple of the font size): Word's and LibreOffice's 'auto' multiply the font's own
    line height, a fifth taller than its size for these fonts, so that the DOCX ran three
    pages longer than the PDF and the two office suites did not agree."""
    def exact(match: re.Match[str]) -> str:
        return f'w:line="{round(int(match.group(1)) / 240 * size * 20)}" w:lineRule="exact"'
    return re.sub(r'w:line="(\d+)" w:lineRule="auto"', exact, p)


def paragraph_styles() -> list[str]:
    s = []
    sizes: dict[str, float] = {}

    def para(style_id: str, name: str, based_on: str | None = "Normal", **kw: Any) -> None:
        found = re.search(r'<w:sz w:val="(\d+)"/>', kw.get("r", ""))
        size = int(found.group(1)) / 2 if found else sizes.get(based_on or "", BASE_SIZE)
        sizes[style_id] = size
        if style_id not in PICTURE_STYLES and style_id not in ("Header", "Footer"):
            kw["p"] = exact_lines(kw.get("p", ""), size)
        s.append(style("paragraph", style_id, name, based_on=based_on, **kw))

    # Body: serif, justified and hyphenated, as in print.
    para("Normal", "Normal", based_on=None, default=True, q_format=True,
         p=ppr(after=mm(2.6), line=1.42, jc="both"), r=rpr(color=INK))
    para("BodyText", "Body Text", q_format=True, next_id="BodyText")
    para("Lead", "Lead", q_format=True, next_id="BodyText",
         p=ppr(borders=border("left", 36, GOLD, 12), no_hyphens=True, before=mm(1),
               after=mm(6), line=1.45, left=mm(6.6), jc="left"),
         r=rpr(SANS, 12.5, color=BLUE))
    # Headings: built-in names and outline levels, so navigation and the TOC field work.
    heading: dict[str, Any] = {"keep_next": True, "keep_lines": True, "no_hyphens": True, "jc": "left"}
    para("Heading1", "heading 1", next_id="BodyText", q_format=True, ui_priority=9,
         p=ppr(page_break=True, before=0, after=mm(6), line=1.2, outline=0, **heading),
         r=rpr(SANS, 21, bold=True, color=BLUE))
    para("Heading2", "heading 2", next_id="BodyText", q_format=True, ui_priority=9,
         p=ppr(before=mm(7), after=mm(3), line=1.25, outline=1, **heading),
         r=rpr(SANS, 14, bold=True, color=BLUE))
    para("Heading3", "heading 3", next_id="BodyText", q_format=True, ui_priority=9,
         p=ppr(before=mm(5), after=mm(2.5), line=1.25, outline=2, **heading),
         r=rpr(SANS, 12, bold=True, color=BLUE))
    para("Heading4", "heading 4", next_id="BodyText", q_format=True, ui_priority=9,
         p=ppr(before=mm(4), after=mm(2), line=1.25, outline=3, **heading),
         r=rpr(SANS, 11, bold=True, color=BLUE))
    # The cover page.
    para("Title", "Title", q_format=True, next_id="Subtitle",
         p=ppr(no_hyphens=True, after=mm(6), line=1.15, jc="left"),
         r=rpr(SANS, 30, bold=True, color=BLUE))
    para("Subtitle", "Subtitle", q_format=True,
         p=ppr(no_hyphens=True, after=mm(4), line=1.25, jc="left"),
         r=rpr(SANS, 15, color=DARK))
    para("CoverOrg", "Cover Org", q_format=True,
         p=ppr(no_hyphens=True, after=0, line=1.3, jc="left"),
         r=rpr(SANS, 13, bold=True, color=BLUE))
    para("CoverLogo", "Cover Logo", p=ppr(after=mm(3), line=1.0, jc="left"))
    para("CoverTitle", "Cover Title", based_on="Title", q_format=True, next_id="CoverSubtitle",
         p=ppr(before=mm(70)))
    para("CoverSubtitle", "Cover Subtitle", based_on="Subtitle", next_id="CoverPeriod")
    para("CoverPeriod", "Cover Period", p=ppr(no_hyphens=True, after=0, line=1.25, jc="left"),
         r=rpr(SANS, 16, color=DARK))
    para("CoverAddressee", "Cover Addressee",
         p=ppr(borders=border("top", 5, RULE, 11), no_hyphens=True, before=mm(62),
               after=0, line=1.3, jc="left"),
         r=rpr(SANS, 11.5, color=DARK))
    para("CoverPlace", "Cover Place", p=ppr(no_hyphens=True, before=mm(6), after=0, jc="left"),
         r=rpr(SANS, 11, color=GREY))
    # Contents.
    para("TOCHeading", "TOC Heading", next_id="TOC1", ui_priority=39,
         p=ppr(keep_next=True, page_break=True, no_hyphens=True, after=mm(8), line=1.2,
               jc="left"),
         r=rpr(SANS, 20, bold=True, color=BLUE))
    # The page number right-aligned at the margin after a dotted leader (a right indent
    # that wrapped long titles short of it would hide the number in LibreOffice).
    toc: dict[str, Any] = {"tab_right": TEXT_W, "leader": "dot", "no_hyphens": True, "jc": "left"}
    para("TOC1", "toc 1", next_id="BodyText", ui_priority=39,
         p=ppr(before=mm(3), after=0, line=1.25, **toc),
         r=rpr(SANS, 11.5, bold=True))
    para("TOC2", "toc 2", next_id="BodyText", ui_priority=39,
         p=ppr(before=mm(1.2), after=0, line=1.25, left=mm(7), **toc),
         r=rpr(SERIF, 10.5))
    para("TOC3", "toc 3", next_id="BodyText", ui_priority=39,
         p=ppr(before=mm(0.8), after=0, line=1.25, left=mm(14), **toc),
         r=rpr(SERIF, 10))
    # The list of figures' heading: the contents' look, but an outline level, so that the
    # contents lists it (as the PDF's does) when Word updates the TOC field.
    para("ListofFiguresHeading", "List of Figures Heading", based_on="TOCHeading",
         next_id="TableofFigures", ui_priority=39, p=ppr(outline=0))
    # The list of figures (Word's TOC field with \\c "<label>" styles its entries with this).
    para("TableofFigures", "table of figures", next_id="BodyText", ui_priority=99,
         p=ppr(before=0, after=mm(2), line=1.25, **toc),
         r=rpr(SERIF, 10.5))
    # The summary page.
    para("SummaryHeading", "Summary Heading", next_id="BodyText",
         p=ppr(keep_next=True, keep_lines=True, no_hyphens=True, before=mm(5), after=mm(2),
               line=1.25, jc="left"),
         r=rpr(SANS, 12.5, bold=True, color=BLUE))
    # Lists: numbering is linked to the style (numbering.xml), so a list is just its style.
    list_spacing: dict[str, Any] = {"after": mm(1.2)}
    para("ListBullet", "List Bullet", based_on="BodyText", p=ppr(num_id=1, **list_spacing))
    para("ListBullet2", "List Bullet 2", based_on="BodyText", p=ppr(num_id=2, **list_spacing))
    para("ListNumber", "List Number", based_on="BodyText", p=ppr(num_id=3, **list_spacing))
    para("ListNumber2", "List Number 2", based_on="BodyText", p=ppr(num_id=4, **list_spacing))
    para("ListContinue", "List Continue", based_on="BodyText",
         p=ppr(after=mm(1.2), left=mm(6)))
    para("ListContinue2", "List Continue 2", based_on="BodyText",
         p=ppr(after=mm(1.2), left=mm(12)))
    para("Quote", "Quote", based_on="BodyText", q_format=True,
         p=ppr(borders=border("left", 18, RULE, 11), left=mm(10.8)), r=rpr(italic=True))
    para("Attribution", "Attribution", based_on="BodyText", p=ppr(jc="right"),
         r=rpr(italic=True, color=GREY))
    para("ThematicBreak", "Thematic Break", based_on="Normal",
         p=ppr(borders=border("bottom", 4, RULE, 1), before=mm(2), after=mm(5), line=0.5))
    # Figures: the picture's paragraph keeps with its caption.
    para("Figure", "Figure", next_id="Caption",
         p=ppr(keep_next=True, before=mm(4), after=0, line=1.0, jc="center"))
    para("Caption", "caption", next_id="BodyText", q_format=True,
         p=ppr(keep_lines=True, no_hyphens=True, before=mm(2), after=mm(5), line=1.25,
               jc="center"),
         r=rpr(SANS, 9, color=CAPTION))
    para("SectionCover", "Section Cover", p=ppr(after=mm(6), line=1.0, jc="center"))
    para("GalleryImage", "Gallery Image", p=ppr(keep_next=True, after=0, line=1.0, jc="center"))
    # Indicator tiles (inside the "Metric Tiles" table).
    tile: dict[str, Any] = {"no_hyphens": True, "jc": "left"}
    para("MetricValue", "Metric Value", p=ppr(after=0, line=1.1, **tile),
         r=rpr(SANS, 24, bold=True, color=BLUE))
    para("MetricLabel", "Metric Label",
         p=ppr(before=mm(1.5), after=0, line=1.3, **tile),
         r=rpr(SANS, 9.5, color=DARK))
    para("MetricDetail", "Metric Detail",
         p=ppr(before=mm(1.5), after=0, line=1.3, **tile),
         r=rpr(SANS, 8.5, color=GREY))
    # Data tables (inside the "Data Table" table) and their captions, above the table.
    para("TableCaption", "Table Caption", next_id="BodyText",
         p=ppr(keep_next=True, keep_lines=True, no_hyphens=True, before=mm(4), after=mm(1.5),
               line=1.25, jc="left"),
         r=rpr(SANS, 9, color=CAPTION))
    para("TableText", "Table Text", p=ppr(after=0, line=1.3, jc="left"), r=rpr(SANS, 9))
    para("TableHeading", "Table Heading", based_on="TableText",
         p=ppr(keep_next=True, no_hyphens=True, after=0, line=1.3, jc="left"),
         r=rpr(bold=True, color=BLUE))
    for side in ("Right", "Center"):
        for base in ("TableText", "TableHeading"):
            para(f"{base}{side}", f"{base[:5]} {base[5:]} {side}", based_on=base,
                 p=ppr(jc=side.lower()))
    para("TableGroup", "Table Group", based_on="TableText",
         p=ppr(keep_next=True, no_hyphens=True, after=0, line=1.3, jc="left"),
         r=rpr(bold=True, color=BLUE))
    # Footnotes (Word's built-in names, so Word's own footnote commands use them too).
    para("FootnoteText", "footnote text", ui_priority=99,
         p=ppr(no_hyphens=True, after=0, line=1.3, jc="left"), r=rpr(SERIF, 8.5))
    # Running header and footer.
    para("Header", "header", p=ppr(tab_right=TEXT_W, no_hyphens=True, after=0, line=1.0,
                                   jc="left"),
         r=rpr(SANS, 8.5, color=GREY))
    para("Footer", "footer", p=ppr(no_hyphens=True, after=0, line=1.0, jc="center"),
         r=rpr(SANS, 9, color=DARK))
    return s


def character_styles() -> list[str]:
    def char(style_id: str, name: str, r: str, ui: int | None = None) -> str:
        return style("character", style_id, name, based_on="DefaultParagraphFont",
                     ui_priority=ui, q_format=ui is not None, r=r)

    return [
        style("character", "DefaultParagraphFont", "Default Paragraph Font", default=True,
              ui_priority=1),
        char("Strong", "Strong", rpr(bold=True), 22),
        char("Emphasis", "Emphasis", rpr(italic=True), 20),
        char("StrongEmphasis", "Strong Emphasis", rpr(bold=True, italic=True)),
        char("Hyperlink", "Hyperlink", rpr(color=BLUE)),
        char("Code", "Code", rpr(SANS, 10)),
        char("Superscript", "Superscript", rpr(vert="superscript")),
        char("Subscript", "Subscript", rpr(vert="subscript")),
        char("Underlined", "Underlined", rpr(underline=True)),
        char("Marked", "Marked", rpr(shade="FFF3B0")),
        char("CaptionLabel", "Caption Label", rpr(bold=True)),
        char("CoverLabel", "Cover Label", rpr(color=GREY)),
        char("FootnoteReference", "footnote reference", rpr(vert="superscript"), 99),
    ]


def table_styles() -> list[str]:
    def cell_margins(top: int, left: int, bottom: int, right: int) -> str:
        return (f'<w:tblCellMar><w:top w:w="{top}" w:type="dxa"/>'
                f'<w:left w:w="{left}" w:type="dxa"/><w:bottom w:w="{bottom}" w:type="dxa"/>'
                f'<w:right w:w="{right}" w:type="dxa"/></w:tblCellMar>')

    no_borders = "".join(f'<w:{b} w:val="nil"/>' for b in
                         ("top", "left", "bottom", "right", "insideH", "insideV"))
    return [
        style("table", "TableNormal", "Normal Table", default=True, ui_priority=99,
              extra=f'<w:tblPr><w:tblInd w:w="0" w:type="dxa"/>{cell_margins(0, 108, 0, 108)}'
                    "</w:tblPr>"),
        # Tiles: a light panel with a rule on top, 3 mm apart (cell spacing is per side).
        style("table", "MetricTiles", "Metric Tiles", based_on="TableNormal",
              p=ppr(after=0, line=1.0), extra=(
                  f'<w:tblPr><w:tblCellSpacing w:w="{mm(1.5)}" w:type="dxa"/>'
                  f"<w:tblBorders>{no_borders}</w:tblBorders>"
                  f"{cell_margins(mm(3), mm(4), mm(3.5), mm(4))}</w:tblPr>"
                  "<w:trPr><w:cantSplit/></w:trPr>"
                  f"<w:tcPr><w:tcBorders>{border('top', 27, BLUE)}</w:tcBorders>"
                  f'<w:shd w:val="clear" w:color="auto" w:fill="{TILE}"/></w:tcPr>')),
        # Data tables: rules between rows, a stronger one under the header row.
        style("table", "DataTable", "Data Table", based_on="TableNormal",
              p=ppr(after=0, line=1.15), extra=(
                  "<w:tblPr><w:tblBorders>"
                  + border("top", 4, RULE) + border("bottom", 4, RULE)
                  + border("insideH", 2, RULE)
                  + "</w:tblBorders>"
                  + f"{cell_margins(mm(1), mm(1.5), mm(1), mm(1.5))}</w:tblPr>"
                  + "<w:trPr><w:cantSplit/></w:trPr>"
                  + '<w:tblStylePr w:type="firstRow"><w:tcPr><w:tcBorders>'
                  + border("bottom", 8, BLUE) + "</w:tcBorders></w:tcPr></w:tblStylePr>")),
        # Photo grids: no borders, 2 mm between pictures.
        style("table", "GalleryGrid", "Gallery Grid", based_on="TableNormal",
              p=ppr(after=0, line=1.0), extra=(
                  f"<w:tblPr><w:tblBorders>{no_borders}</w:tblBorders>"
                  f"{cell_margins(0, mm(1), mm(2), mm(1))}</w:tblPr>"
                  "<w:trPr><w:cantSplit/></w:trPr>")),
    ]


def styles_xml() -> str:
    defaults = (
        "<w:docDefaults><w:rPrDefault>"
        + rpr(SERIF, 11, lang="ru-RU")
        + '</w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" '
        'w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>'
    )
    latent = '<w:latentStyles w:defLockedState="0" w:defUIPriority="99" w:defSemiHidden="0" ' \
             'w:defUnhideWhenUsed="0" w:defQFormat="0" w:count="376"/>'
    body = "".join(paragraph_styles() + character_styles() + table_styles()
                   + [style("numbering", "NoList", "No List", default=True, ui_priority=99)])
    return (f'{XML_HEAD}<w:styles xmlns:w="{W_NS}" xmlns:r="{R_NS}">'
            f"{defaults}{latent}{body}</w:styles>")


# ------------------------------------------------------------------- numbering


def numbering_xml() -> str:
    def abstract(num: int, style_id: str, fmt: str, text: str, left: int, hanging: int) -> str:
        return (
            f'<w:abstractNum w:abstractNumId="{num}"><w:multiLevelType w:val="singleLevel"/>'
            f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
            f'<w:pStyle w:val="{style_id}"/><w:lvlText w:val={quoteattr(text)}/>'
            f'<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="{left}" w:hanging="{hanging}"/>'
            "</w:pPr></w:lvl></w:abstractNum>"
        )

    abstracts = [
        abstract(0, "ListBullet", "bullet", "•", mm(6), mm(4)),
        abstract(1, "ListBullet2", "bullet", "–", mm(12), mm(4)),
        abstract(2, "ListNumber", "decimal", "%1.", mm(7), mm(6)),
        abstract(3, "ListNumber2", "decimal", "%1.", mm(13), mm(6)),
    ]
    nums = "".join(f'<w:num w:numId="{i + 1}"><w:abstractNumId w:val="{i}"/></w:num>'
                   for i in range(len(abstracts)))
    return f'{XML_HEAD}<w:numbering xmlns:w="{W_NS}">{"".join(abstracts)}{nums}</w:numbering>'


# ------------------------------------------------------------------- the body


def sample_body() -> str:
    """One paragraph per style, so that whoever customizes the template sees them all."""

    def p(style_id: str, *runs: str) -> str:
        return f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/></w:pPr>{"".join(runs)}</w:p>'

    def t(text: str, char_style: str | None = None) -> str:
        props = f'<w:rPr><w:rStyle w:val="{char_style}"/></w:rPr>' if char_style else ""
        chunks = (f'<w:t xml:space="preserve">{escape(c)}</w:t>' for c in text.split("\t"))
        return f"<w:r>{props}{'<w:tab/>'.join(chunks)}</w:r>"

    def cell(*paras: str) -> str:
        return f"<w:tc><w:tcPr><w:tcW w:w=\"{TEXT_W // 3}\" w:type=\"dxa\"/></w:tcPr>" \
               f"{''.join(paras)}</w:tc>"

    tiles = (
        '<w:tbl><w:tblPr><w:tblStyle w:val="MetricTiles"/><w:tblW w:w="5000" w:type="pct"/>'
        '<w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>'
        + f'<w:gridCol w:w="{TEXT_W // 3}"/>' * 3 + "</w:tblGrid><w:tr>"
        + "".join(cell(p("MetricValue", t(v)), p("MetricLabel", t("Metric Label")),
                       p("MetricDetail", t("Metric Detail"))) for v in ("30", "31", "1 004"))
        + "</w:tr></w:tbl>"
    )
    def row(style_id: str, texts: tuple[str, ...], header: bool = False) -> str:
        props = "<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" if header else \
            "<w:trPr><w:cantSplit/></w:trPr>"
        return "<w:tr>" + props + "".join(
            f'<w:tc><w:tcPr><w:tcW w:w="{TEXT_W // len(texts)}" w:type="dxa"/></w:tcPr>'
            f"{p(style_id, t(x))}</w:tc>" for x in texts) + "</w:tr>"

    data_table = (
        '<w:tbl><w:tblPr><w:tblStyle w:val="DataTable"/><w:tblW w:w="5000" w:type="pct"/>'
        '<w:tblLayout w:type="fixed"/><w:tblLook w:val="0020" w:firstRow="1" w:lastRow="0" '
        'w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>'
        + f'<w:gridCol w:w="{TEXT_W // 2}"/>' * 2 + "</w:tblGrid>"
        + row("TableHeading", ("Table Heading", "repeated on every page"), header=True)
        + "<w:tr><w:trPr><w:cantSplit/></w:trPr><w:tc><w:tcPr>"
        f'<w:tcW w:w="{TEXT_W}" w:type="dxa"/><w:gridSpan w:val="2"/></w:tcPr>'
        + p("TableGroup", t("Table Group: a row heading the rows below")) + "</w:tc></w:tr>"
        + row("TableText", ("Table Text", "in a Data Table"))
        + "</w:tbl>"
    )
    return "".join([
        p("CoverOrg", t("Cover Org: the organization")),
        p("CoverTitle", t("Cover Title: the report's title")),
        p("CoverSubtitle", t("Cover Subtitle")),
        p("CoverPeriod", t("Cover Period: January–September 2018")),
        p("CoverAddressee", t("Cover Label:", "CoverLabel"), t(" Cover Addressee")),
        p("CoverPlace", t("Cover Place, 2018")),
        p("TOCHeading", t("TOC Heading")),
        p("TOC1", t("TOC 1: a section title\t3")),
        p("TOC2", t("TOC 2: a heading inside the section\t4")),
        p("TOC3", t("TOC 3: a heading of the third level\t5")),
        p("ListofFiguresHeading", t("List of Figures Heading")),
        p("TableofFigures", t("Table of Figures: Figure 1. A chart\t6")),
        p("Heading1", t("Heading 1: a section title")),
        p("SummaryHeading", t("Summary Heading: a section on the summary page")),
        p("Lead", t("Lead: the section's opening paragraph, set apart.")),
        p("Heading2", t("Heading 2")),
        p("BodyText", t("Body Text: ordinary paragraphs, with "), t("Strong", "Strong"),
          t(", "), t("Emphasis", "Emphasis"), t(", "), t("Strong Emphasis", "StrongEmphasis"),
          t(", "), t("Hyperlink", "Hyperlink"), t(", "), t("Code", "Code"), t(", "),
          t("Superscript", "Superscript"), t(", "), t("Subscript", "Subscript"), t(", "),
          t("Underlined", "Underlined"), t(" and "), t("Marked", "Marked"), t(" text.")),
        p("Heading3", t("Heading 3")),
        p("ListBullet", t("List Bullet")),
        p("ListContinue", t("List Continue: a further paragraph of a list item")),
        p("ListBullet2", t("List Bullet 2")),
        p("ListNumber", t("List Number")),
        p("ListNumber2", t("List Number 2")),
        p("ListContinue2", t("List Continue 2")),
        p("Heading4", t("Heading 4")),
        p("Quote", t("Quote: a quotation.")),
        p("Attribution", t("Attribution")),
        p("ThematicBreak"),
        p("Figure", t("Figure: the paragraph that holds a picture")),
        p("Caption", t("Caption Label 1.", "CaptionLabel"), t(" Caption")),
        p("SectionCover", t("Section Cover: the picture under a section title")),
        tiles,
        p("TableCaption", t("Caption Label 1.", "CaptionLabel"), t(" Table Caption")),
        data_table,
        p("BodyText", t("Body Text with a footnote reference"),
          t("1", "FootnoteReference"), t(" (the notes use Footnote Text).")),
        p("FootnoteText", t("1", "FootnoteReference"), t(" Footnote Text")),
        p("GalleryImage", t("Gallery Image: a picture in a Gallery Grid table")),
        p("BodyText", t("The writer replaces this body; header and footer use the Header "
                        "and Footer styles.")),
    ])


def document_xml() -> str:
    sect = (
        f'<w:sectPr><w:pgSz w:w="{PAGE_W}" w:h="{PAGE_H}"/>'
        f'<w:pgMar w:top="{MARGIN_T}" w:right="{MARGIN_R}" w:bottom="{MARGIN_B}" '
        f'w:left="{MARGIN_L}" w:header="{mm(10)}" w:footer="{mm(9)}" w:gutter="0"/>'
        '<w:cols w:space="708"/><w:titlePg/><w:docGrid w:linePitch="360"/></w:sectPr>'
    )
    return (f'{XML_HEAD}<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}">'
            f"<w:body>{sample_body()}{sect}</w:body></w:document>")


def settings_xml() -> str:
    return (
        f'{XML_HEAD}<w:settings xmlns:w="{W_NS}">'
        '<w:zoom w:percent="100"/>'
        '<w:defaultTabStop w:val="709"/>'
        # Justified Russian text needs hyphenation, as in the print layout.
        '<w:autoHyphenation/><w:consecutiveHyphenLimit w:val="2"/>'
        '<w:characterSpacingControl w:val="doNotCompress"/>'
        '<w:compat><w:compatSetting w:name="compatibilityMode" '
        'w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>'
        '<w:themeFontLang w:val="ru-RU"/>'
        '<w:decimalSymbol w:val=","/><w:listSeparator w:val=";"/>'
        "</w:settings>"
    )


def font_table_xml() -> str:
    def font(name: str, family: str, panose: str) -> str:
        return (f'<w:font w:name="{name}"><w:panose1 w:val="{panose}"/><w:charset w:val="CC"/>'
                f'<w:family w:val="{family}"/><w:pitch w:val="variable"/></w:font>')

    return (f'{XML_HEAD}<w:fonts xmlns:w="{W_NS}">'
            + font(SERIF, "roman", "020A0603040505020204")
            + font(SANS, "swiss", "020B0503020203020204")
            + "</w:fonts>")


def content_types_xml() -> str:
    ct = "application/vnd.openxmlformats-officedocument.wordprocessingml"
    over = {
        "/word/document.xml": f"{ct}.document.main+xml",
        "/word/styles.xml": f"{ct}.styles+xml",
        "/word/numbering.xml": f"{ct}.numbering+xml",
        "/word/settings.xml": f"{ct}.settings+xml",
        "/word/fontTable.xml": f"{ct}.fontTable+xml",
        "/docProps/core.xml": "application/vnd.openxmlformats-package.core-properties+xml",
        "/docProps/app.xml": "application/vnd.openxmlformats-officedocument.extended-properties+xml",
    }
    return (
        f'{XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        + "".join(f'<Override PartName="{k}" ContentType="{v}"/>' for k, v in over.items())
        + "</Types>"
    )


def rels_xml(rels: list[tuple[str, str]]) -> str:
    items = "".join(f'<Relationship Id="rId{i + 1}" Type="{t}" Target="{target}"/>'
                    for i, (t, target) in enumerate(rels))
    return (f'{XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'relationships">{items}</Relationships>')


def core_xml() -> str:
    return (
        f"{XML_HEAD}<cp:coreProperties "
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<dc:title>reportgen reference document</dc:title><dc:creator>reportgen</dc:creator>"
        "<cp:revision>1</cp:revision>"
        '<dcterms:created xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z</dcterms:created>'
        '<dcterms:modified xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z</dcterms:modified>'
        "</cp:coreProperties>"
    )


def app_xml() -> str:
    return (f"{XML_HEAD}<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/"
            "2006/extended-properties\"><Application>reportgen</Application></Properties>")


def build_reference() -> dict[str, str]:
    """The parts of the reference document, by name inside the package."""
    od = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    return {
        "[Content_Types].xml": content_types_xml(),
        "_rels/.rels": rels_xml([
            (f"{od}/officeDocument", "word/document.xml"),
            ("http://schemas.openxmlformats.org/package/2006/relationships/metadata/"
             "core-properties", "docProps/core.xml"),
            (f"{od}/extended-properties", "docProps/app.xml"),
        ]),
        "docProps/core.xml": core_xml(),
        "docProps/app.xml": app_xml(),
        "word/document.xml": document_xml(),
        "word/_rels/document.xml.rels": rels_xml([
            (f"{od}/styles", "styles.xml"),
            (f"{od}/numbering", "numbering.xml"),
            (f"{od}/settings", "settings.xml"),
            (f"{od}/fontTable", "fontTable.xml"),
        ]),
        "word/styles.xml": styles_xml(),
        "word/numbering.xml": numbering_xml(),
        "word/settings.xml": settings_xml(),
        "word/fontTable.xml": font_table_xml(),
    }


def write_zip(parts: dict[str, str], out: Path) -> None:
    """A zip with fixed entry dates, so the file is byte-identical between runs."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w") as zf:
        for name, text in parts.items():
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            zf.writestr(info, text.encode("utf-8"))


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUT
    write_zip(build_reference(), out)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
