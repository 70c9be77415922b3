"""Figures of the DOCX report: photos, charts, galleries, metric tiles, and their captions.

Part of the render stage, written through the body writer's face (``context.Writer``).
Pictures are sized as in print (``rules``: the tallest a figure is shown, a gallery's
columns); a gallery and a grid of metric tiles are fixed-layout tables of the 'Gallery
Grid' and 'Metric Tiles' styles whose cells fill rows left to right, marked as layout
(``_grid``), so that a screen reader does not take them for data tables. Every picture has
a description, the same one the print writer gives it (``model.figure_alt``); a chart is
Word's own (``charts``).
"""

from __future__ import annotations

import math

from docx.oxml.ns import qn
from lxml import etree

from reportgen.model import nodes as m
from reportgen.render import rules
from reportgen.render.docx.chartxml import KINDS
from reportgen.render.docx.context import Context, Writer
from reportgen.render.docx.ooxml import el, paragraph
from reportgen.render.docx.pictures import EMU_PER_MM, EMU_PER_TWIP, fit
from reportgen.render.docx.styles import StyleMap

FIGURE_MAX_HEIGHT = rules.FIGURE_MAX_HEIGHT_MM * EMU_PER_MM
GALLERY_RATIO = 0.635  # height / width of a gallery cell's picture (34 mm high in print)
#: A layout table's title where the catalog has no ``layout_table``.
LAYOUT_TABLE = "Layout table"


def figure(w: Writer, figure: m.Figure, ctx: Context) -> None:
    width, height = fit(figure.image, w.column, FIGURE_MAX_HEIGHT)
    alt = m.figure_alt(figure, w.strings['figure'])
    p = w.new("Figure")
    p.append(el("w:r", None, w.pictures.drawing(figure.image, width, height, alt)))
    caption(w, figure, ctx)


def chart(w: Writer, chart: m.Chart, ctx: Context) -> None:
    """The chart at its drawn size: Word's own chart with its data (``charts``), the print
    picture (PNG) as its fallback; both with the chart's alt text."""
    width = min(round(chart.width_mm * EMU_PER_MM), w.column)
    height = round(width * chart.height_mm / chart.width_mm)
    image = m.Image(chart.png, round(chart.width_mm / 25.4 * 96),
                    round(chart.height_mm / 25.4 * 96), chart.alt)
    content = w.pictures.drawing(image, width, height, chart.alt)
    if chart.kind in KINDS:
        content = w.charts.drawing(chart, width, height, w.pictures.new_id(), content)
        w.chart_fonts.add(w.charts.style.font)
    p = w.new("Figure")
    p.append(el("w:r", None, content))
    caption(w, chart, ctx)


def gallery(w: Writer, gallery: m.Gallery, ctx: Context) -> None:
    widths = _columns(w, rules.gallery_columns(len(gallery.images)))
    left, right = _cell_margins(w.styles, "Gallery Grid")
    width = (widths[0] - left - right) * EMU_PER_TWIP
    height = round(width * GALLERY_RATIO)
    cells = []
    for image, alt in zip(gallery.images, m.gallery_alts(gallery, w.strings["figure"]),
                          strict=True):
        p = paragraph(w.styles.para("Gallery Image"))
        p.append(el("w:r", None, w.pictures.drawing(image, width, height, alt, crop=True)))
        cells.append([p])
    label = rules.caption_label("figure", gallery.number, w.strings)
    what = f"{label} {m.plain_text(gallery.caption)}".strip()
    w.append(_grid(w.styles, "Gallery Grid", widths, cells, _layout_title(w), what))
    caption(w, gallery, ctx)


def metrics(w: Writer, grid: m.MetricGrid, ctx: Context) -> None:
    ctx = w.hyphenated(ctx)
    cells = []
    for metric in grid.metrics:
        content = [_text_p(w, "Metric Value", metric.value, ctx),
                   _text_p(w, "Metric Label", metric.label, ctx)]
        if metric.detail:
            content.append(_text_p(w, "Metric Detail", metric.detail, ctx))
        cells.append(content)
    if cells:
        widths = _columns(w, rules.metric_columns(len(grid.metrics)))
        what = "; ".join(f"{metric.value} {metric.label}" for metric in grid.metrics)
        w.append(_grid(w.styles, "Metric Tiles", widths, cells, _layout_title(w), what))


def caption(w: Writer, figure: m.Figure | m.Gallery | m.Chart, ctx: Context) -> None:
    """«Рисунок N. caption» below the figure (a SEQ field of the label's sequence, which the
    list of figures lists)."""
    w.numbered_caption("Caption", "figure", figure, ctx)


def _text_p(w: Writer, style: str, text: str, ctx: Context) -> etree._Element:
    """A paragraph of ``style`` with ``text``, for a table cell (not added to the body)."""
    p = paragraph(w.styles.para(style), ctx.lang)
    p.extend(w.runs(text, ctx))
    return p


def _columns(w: Writer, cols: int) -> list[int]:
    """The widths (twips) of ``cols`` equal columns across the text column."""
    width = w.column_twips // cols
    return [width] * cols


def _cell_margins(styles: StyleMap, table_style: str) -> tuple[int, int]:
    """Left and right cell margins (twips) of a table style, following basedOn."""
    found: dict[str, int] = {}
    node = styles.element(styles.id("table", table_style))
    while node is not None and len(found) < 2:
        margins = node.find(f"{qn('w:tblPr')}/{qn('w:tblCellMar')}")
        for side in ("left", "right"):
            for tag in (side, "start" if side == "left" else "end"):
                value = margins.find(qn(f"w:{tag}")) if margins is not None else None
                if value is not None and side not in found:
                    found[side] = int(value.get(qn("w:w"), "0"))
        based = node.find(qn("w:basedOn"))
        node = styles.element(based.get(qn("w:val"))) if based is not None else None
    return found.get("left", 108), found.get("right", 108)  # Word's default: 0.19 cm


def _layout_title(w: Writer) -> str:
    """The title a layout table gives screen readers (the catalog's ``layout_table``)."""
    return w.strings.get("layout_table") or LAYOUT_TABLE


def _grid(styles: StyleMap, style: str, widths: list[int], cells: list[list[etree._Element]],
          title: str, description: str) -> etree._Element:
    """A fixed-layout table of ``style``: ``cells`` fill rows left to right. A layout, not
    data: no header row, every conditional look off (``w:tblLook``), and a title and a
    description (``w:tblCaption``, ``w:tblDescription``: Word's Alt Text of a table, what
    a screen reader announces) that say so and what it lays out."""
    cols = len(widths)
    look = {"w:val": "0000", "w:firstRow": "0", "w:lastRow": "0", "w:firstColumn": "0",
            "w:lastColumn": "0", "w:noHBand": "1", "w:noVBand": "1"}
    table = el(
        "w:tbl", None,
        el("w:tblPr", None,
           el("w:tblStyle", {"w:val": styles.id("table", style)}),
           el("w:tblW", {"w:w": str(sum(widths)), "w:type": "dxa"}),
           el("w:tblLayout", {"w:type": "fixed"}),
           el("w:tblLook", look),
           el("w:tblCaption", {"w:val": title}),  # CT_TblPr: after tblLook
           el("w:tblDescription", {"w:val": description})),
        el("w:tblGrid", None, *(el("w:gridCol", {"w:w": str(w)}) for w in widths)),
    )
    for start in range(0, math.ceil(len(cells) / cols) * cols, cols):
        row_cells = cells[start:start + cols]
        row = el("w:tr")
        missing = cols - len(row_cells)
        if missing:  # a short last row: no empty cells, like the print layout's grid
            row.append(el("w:trPr", None,
                          el("w:gridAfter", {"w:val": str(missing)}),
                          el("w:wAfter", {"w:w": str(sum(widths[-missing:])),
                                          "w:type": "dxa"})))
        for content, width in zip(row_cells, widths, strict=False):
            tc_pr = el("w:tcPr", None, el("w:tcW", {"w:w": str(width), "w:type": "dxa"}))
            row.append(el("w:tc", None, tc_pr, *content))
        table.append(row)
    return table
