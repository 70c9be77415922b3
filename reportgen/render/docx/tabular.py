"""Data tables of the DOCX report: caption, header rows that repeat, rows that never split.

Part of the render stage. A model ``Table`` becomes a 'Table Caption'
paragraph ("Таблица N." with a SEQ field, kept with the table) and a
fixed-layout 'Data Table' whose header rows are marked ``w:tblHeader`` (Word
and LibreOffice repeat them on every page) and whose rows are all
``w:cantSplit``. Column widths are the model's shares (measured from the content by
``assemble.columns``), in ``w:gridCol`` and every cell's ``w:tcW``, so the columns match
the PDF; a column's alignment picks the cell style ('Table Text Right' for
numbers). Landscape tables are put in a section of their own (see
``page.section_break``). A cell's words carry their soft hyphens (``text.hyphenation``),
so that a word longer than its column is hyphenated, never cut anywhere: Word and
LibreOffice break a word at a soft hyphen whatever their own hyphenation knows (Kazakh:
nothing), and the header's style turns automatic hyphenation off.
"""

from __future__ import annotations

from lxml import etree

from reportgen.model import nodes as m
from reportgen.render.docx.context import Context, Writer
from reportgen.render.docx.ooxml import el, paragraph


def caption(writer: Writer, table: m.Table, ctx: Context) -> etree._Element:
    """'Таблица N. caption' above the table."""
    return writer.numbered_caption("Table Caption", "table", table, ctx)


def data_table(writer: Writer, table: m.Table, ctx: Context, width: int) -> etree._Element:
    """The table itself, ``width`` twips wide."""
    styles = writer.styles
    ctx = writer.hyphenated(ctx)
    grid = [round(share * width) for share in table.widths]
    look = {"w:val": "0020", "w:firstRow": "1", "w:lastRow": "0", "w:firstColumn": "0",
            "w:lastColumn": "0", "w:noHBand": "1", "w:noVBand": "1"}
    node = el(
        "w:tbl", None,
        el("w:tblPr", None,
           el("w:tblStyle", {"w:val": styles.id("table", "Data Table")}),
           el("w:tblW", {"w:w": str(sum(grid)), "w:type": "dxa"}),
           el("w:tblLayout", {"w:type": "fixed"}),
           el("w:tblLook", look)),
        el("w:tblGrid", None, *(el("w:gridCol", {"w:w": str(w)}) for w in grid)),
    )
    for row in table.head:
        node.append(_row(writer, row, table, grid, ctx, "Table Heading", header=True))
    for row in table.body:
        node.append(_row(writer, row, table, grid, ctx, "Table Text"))
    return node


def _row(writer: Writer, row: m.Row, table: m.Table, grid: list[int], ctx: Context,
         style: str, header: bool = False) -> etree._Element:
    props = el("w:trPr", None, el("w:cantSplit"))
    if header:
        props.append(el("w:tblHeader"))  # repeated at the top of every page
    tr = el("w:tr", None, props)
    if row.role == "group":
        tc_pr = el("w:tcPr", None, el("w:tcW", {"w:w": str(sum(grid)), "w:type": "dxa"}),
                   el("w:gridSpan", {"w:val": str(len(grid))}))
        p = paragraph(writer.styles.para("Table Group"), ctx.lang)
        p.extend(writer.inlines(row.cells[0].children, ctx))
        tr.append(el("w:tc", None, tc_pr, p))
        return tr
    for cell, width, align in zip(row.cells, grid, table.align, strict=True):
        tc_pr = el("w:tcPr", None, el("w:tcW", {"w:w": str(width), "w:type": "dxa"}))
        # 'Table Text Right' for a column of numbers, and so on: alignment by style too.
        name = style if align == "left" else f"{style} {align.title()}"
        p = paragraph(writer.styles.para(name), ctx.lang)
        p.extend(writer.inlines(cell.children, ctx))
        tr.append(el("w:tc", None, tc_pr, p))
    return tr
