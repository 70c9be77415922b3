"""Native, editable Word charts in the DOCX: a chart part with its data, an embedded workbook,
and the print picture as the fallback.

Part of the render stage. Each ``model.Chart`` becomes a DrawingML chart part
(``word/charts/chartN.xml``, ``chartxml``) related to the document, with its workbook
(``word/embeddings/chartN.xlsx``, ``workbook``) related to the chart part, so that an
editor double-clicks the chart, edits a value in the sheet and the chart follows. The
drawing is an ``mc:AlternateContent``: its choice, the chart, requires Word 2010's
markup (``w14``), which Word and LibreOffice read; its fallback, for a reader that knows
neither, is the chart's print picture (the PNG drawn for the DOCX), with the same
description (alt text) for screen readers.

The chart style is the layout's (``chart.mplstyle``, matplotlib's rc format), read here as
text: its font family and sizes, colour cycle, text, axis and grid colours and line
widths. matplotlib is not imported (it draws only the print charts).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.parts.document import DocumentPart
from lxml import etree

from reportgen.model import nodes as m
from reportgen.render.docx.chartxml import ChartStyle, chart_space
from reportgen.render.docx.ooxml import el
from reportgen.render.docx.workbook import ranges, workbook

CHART = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
W14_NS = "http://schemas.microsoft.com/office/word/2010/wordml"
_C_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
_WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_SIZES = {"xx-small": 0.579, "x-small": 0.694, "small": 0.833, "medium": 1.0,
          "large": 1.2, "x-large": 1.44, "xx-large": 1.728}


@cache
def chart_style(path: Path) -> ChartStyle:
    """What a native chart takes from a matplotlib style file (defaults where it is silent)."""
    rc: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        key, colon, value = line.split("#", 1)[0].partition(":")
        if colon:
            rc[key.strip()] = value.strip()
    default = ChartStyle()

    def size(key: str, base: float) -> float:
        value = rc.get(key, "")
        try:
            return float(value)
        except ValueError:
            return base * _SIZES.get(value, 1.0)

    def color(key: str, fallback: str) -> str:
        value = rc.get(key, "").strip("'\"#")
        return value.upper() if re.fullmatch(r"[0-9a-fA-F]{6}", value) else fallback

    font_size = size("font.size", default.size)
    family = rc.get("font.family", default.font).split(",")[0].strip().strip("'\"")
    cycle = re.findall(r"['\"]#?([0-9a-fA-F]{6})['\"]", rc.get("axes.prop_cycle", ""))
    return ChartStyle(
        font=family or default.font,
        size=size("legend.fontsize", font_size),
        tick_size=size("xtick.labelsize", font_size),
        text=color("text.color", default.text),
        colors=tuple(c.upper() for c in cycle) or default.colors,
        edge=color("axes.edgecolor", default.edge),
        edge_width=size("axes.linewidth", default.edge_width),
        grid=color("grid.color", default.grid),
        grid_width=size("grid.linewidth", default.grid_width),
        line_width=size("lines.linewidth", default.line_width),
        marker=size("lines.markersize", default.marker),
    )


class Charts:
    """Adds native charts to one document part, numbering their parts 1, 2, 3, ..."""

    def __init__(self, part: DocumentPart, style: ChartStyle) -> None:
        self.part = part
        self.style = style
        self.count = 0

    def drawing(self, chart: m.Chart, width: int, height: int, shape_id: int,
                fallback: etree._Element) -> etree._Element:
        """A run's content showing ``chart`` at ``width`` x ``height`` EMU: the native
        chart, with ``fallback`` (the picture's ``w:drawing``) for readers without charts."""
        self.count += 1
        n = self.count
        totals = chart.kind == "stacked_bar"
        package = self.part.package
        chart_part = Part(PackURI(f"/word/charts/chart{n}.xml"), CHART, b"", package)
        book = Part(PackURI(f"/word/embeddings/chart{n}.xlsx"), XLSX,
                    workbook(chart, totals), package)
        book_rel = chart_part.relate_to(book, RT.PACKAGE)
        chart_part._blob = chart_space(chart, self.style, ranges(chart, totals), book_rel)
        r_id = self.part.relate_to(chart_part, RT.CHART)
        return _alternate(_chart_drawing(r_id, width, height, shape_id, chart.alt), fallback)


def _chart_drawing(r_id: str, width: int, height: int, shape_id: int,
                   alt: str) -> etree._Element:
    inline = etree.Element(f"{{{_WP_NS}}}inline", {"distT": "0", "distB": "0", "distL": "0",
                                                    "distR": "0"}, nsmap={"wp": _WP_NS})
    etree.SubElement(inline, f"{{{_WP_NS}}}extent", {"cx": str(width), "cy": str(height)})
    etree.SubElement(inline, f"{{{_WP_NS}}}effectExtent", {"l": "0", "t": "0", "r": "0",
                                                            "b": "0"})
    etree.SubElement(inline, f"{{{_WP_NS}}}docPr", {"id": str(shape_id),
                                                     "name": f"Chart {shape_id}", "descr": alt})
    etree.SubElement(inline, f"{{{_WP_NS}}}cNvGraphicFramePr")
    graphic = etree.SubElement(inline, f"{{{_A_NS}}}graphic", nsmap={"a": _A_NS})
    data = etree.SubElement(graphic, f"{{{_A_NS}}}graphicData", {"uri": _C_NS})
    etree.SubElement(data, f"{{{_C_NS}}}chart", {f"{{{_R_NS}}}id": r_id},
                     nsmap={"c": _C_NS, "r": _R_NS})
    return el("w:drawing", None, inline)


def _alternate(choice: etree._Element, fallback: etree._Element) -> etree._Element:
    """``mc:AlternateContent``: ``choice`` for readers of Word 2010's markup, else
    ``fallback``."""
    node = etree.Element(f"{{{MC_NS}}}AlternateContent", nsmap={"mc": MC_NS, "w14": W14_NS})
    etree.SubElement(node, f"{{{MC_NS}}}Choice", {"Requires": "w14"}).append(choice)
    etree.SubElement(node, f"{{{MC_NS}}}Fallback").append(fallback)
    return node
