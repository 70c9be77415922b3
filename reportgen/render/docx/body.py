"""The body of the DOCX report: cover, contents, summary page and sections, block by block.

Part of the render stage. Walks the document model once and appends
WordprocessingML to the reference document's (emptied) body. Every paragraph,
run and table refers to a named style of the reference document; the only
direct properties are those no style can carry: languages, list restarts,
table geometry, picture sizes, and bold or italic on a
run whose one character-style slot another style took (a bold word in inline
code). Unknown model nodes are bugs (TypeError). Reads no other writer's
output; the pages of link targets, if given, are only the cached results of
PAGEREF fields, which Word and LibreOffice recompute.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace

from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from lxml import etree

from reportgen.errors import RenderError
from reportgen.model import nodes as m
from reportgen.model import walk
from reportgen.render.docx.context import Context
from reportgen.render.docx.notes import Footnotes
from reportgen.render.docx.ooxml import (
    bookmark,
    break_run,
    el,
    field_end,
    hyperlink,
    lang_tag,
    paragraph,
    set_numbering,
    text_runs,
)
from reportgen.render.docx.ooxml import field as make_field
from reportgen.render.docx.page import page_setup, section_break, turned
from reportgen.render.docx.pictures import EMU_PER_MM, EMU_PER_TWIP, Pictures, fit
from reportgen.render.docx.styles import StyleMap
from reportgen.render.docx.tabular import caption as table_caption
from reportgen.render.docx.tabular import data_table
from reportgen.render.docx.targets import plan

#: The contents field: levels 1-3 of the outline, as links, hiding page numbers on the web.
TOC_FIELD = 'TOC \\o "1-3" \\h \\z \\u'
LOF_FIELD = 'TOC \\h \\z \\c "Figure"'  # the captions' SEQ Figure fields
FIGURE_MAX_HEIGHT = 88 * EMU_PER_MM  # as the print layout's ``figure img { max-height }``
SECTION_COVER_HEIGHT = 52 * EMU_PER_MM
LOGO_WIDTH = 24 * EMU_PER_MM
GALLERY_RATIO = 0.635  # height / width of a gallery cell's picture (34 mm high in print)

#: Span roles (HTML tags or classes) that have a character style of their own.
SPAN_STYLES = {"sup": "Superscript", "sub": "Subscript", "u": "Underlined", "mark": "Marked",
               "code": "Code"}
#: Which character style wins when several apply to one run (a run has one style).
_CHAR_PRIORITY = ("Code", "Superscript", "Subscript", "Strong Emphasis", "Strong", "Emphasis",
                  "Hyperlink", "Underlined", "Marked")
#: Bold and italic are kept as toggles when another style took the run's one style slot.
_TOGGLES = {"Strong": ("b",), "Emphasis": ("i",), "Strong Emphasis": ("b", "i")}


class BodyWriter:
    """Appends the report to the body of ``document``, in reading order."""

    def __init__(self, document: DocxDocument, styles: StyleMap, doc: m.Document,
                 pictures: Pictures, pages: Mapping[str, int] | None = None) -> None:
        self.document = document
        self.styles = styles
        self.doc = doc
        self.meta = doc.meta
        self.strings = doc.meta.strings
        self.pictures = pictures
        self.default_lang = lang_tag(doc.meta.lang)
        body = document.element.body
        self._end = body.get_or_add_sectPr()
        section = document.sections[-1]
        page, left, right = section.page_width, section.left_margin, section.right_margin
        if page is None or left is None or right is None:
            raise RenderError("the reference document's page setup has no page size or margins")
        self.column = int(page - left - right)  # the text column's width, EMU
        self.column_twips = self.column // EMU_PER_TWIP
        height = section.page_height
        self.landscape_twips = int((height or page) - left - right) // EMU_PER_TWIP
        self.page_setup = page_setup(self._end)
        self._bookmarks = 0
        self.targets = plan(doc, self._lang)
        self.footnotes = Footnotes(document, styles)
        #: Page of each link target in the PDF: the PAGEREF fields' cached results.
        self.pages = pages or {}

    # ------------------------------------------------------------ the parts
    def write(self) -> None:
        self.cover()
        self.contents()
        if self.meta.list_of_figures == "after_contents":
            self.list_of_figures()
        if self.doc.has_summaries:
            self.summary()
        for section in self.doc.sections:
            self.section(section)
        if self.meta.list_of_figures == "end":
            self.list_of_figures()
        self._end_with_last_section()

    def _end_with_last_section(self) -> None:
        """A landscape table at the very end: its page setup becomes the document's last one
        (else the break after it would open an empty portrait page)."""
        last = self._end.getprevious()
        sect_pr = last.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") if last is not None else None
        if sect_pr is None:
            return
        for tag in ("w:pgSz", "w:pgMar"):
            mine, theirs = self._end.find(qn(tag)), sect_pr.find(qn(tag))
            if mine is not None and theirs is not None:
                mine.getparent().replace(mine, theirs)
        last.getparent().remove(last)

    def cover(self) -> None:
        meta = self.meta
        if meta.logo is not None:
            logo = meta.logo
            width = LOGO_WIDTH
            height = round(width * logo.height / logo.width)
            p = self._new("Cover Logo")
            p.append(el("w:r", None, self.pictures.drawing(
                logo, width, height, logo.alt or meta.organization)))
        ctx = Context()
        self.text_paragraph("Cover Org", meta.organization, ctx)
        self.text_paragraph("Cover Title", meta.title, ctx)
        if meta.subtitle:
            self.text_paragraph("Cover Subtitle", meta.subtitle, ctx)
        self.text_paragraph("Cover Period", meta.period_label, ctx)
        if meta.addressee:
            p = self._new("Cover Addressee")
            p.extend(text_runs(f"{self.strings['addressee']}:", self.styles.char("Cover Label")))
            p.extend(text_runs(f" {meta.addressee}"))
        place = ", ".join(x for x in (meta.city, str(meta.date.year) if meta.date else None) if x)
        if place:
            self.text_paragraph("Cover Place", place, ctx)

    def contents(self) -> None:
        """The contents as a real TOC field, its result filled in so it is never empty."""
        self.text_paragraph("TOC Heading", self.strings["contents"], Context())
        entries: list[etree._Element] = []
        for entry in self.targets.toc:
            # Titles without page numbers: this writer cannot know Word's pagination
            # (LibreOffice shows a cached TOC as is, and leaders to nothing look broken).
            # Word fills the numbers in when it updates the field, which the document asks.
            p = self._new(f"TOC {entry.level}")
            p.append(hyperlink(text_runs(entry.text, None, entry.lang), anchor=entry.anchor))
            entries.append(p)
        if not entries:
            entries.append(self._new("TOC 1"))
        begin = make_field(TOC_FIELD, [], dirty=True)[:-1]  # the end closes the last entry
        ppr = entries[0].find(qn("w:pPr"))
        for run in reversed(begin):
            ppr.addnext(run)
        entries[-1].append(field_end())

    def list_of_figures(self) -> None:
        """Word's list of figures: a TOC field over the captions' SEQ Figure, pre-filled."""
        figures = [f for s in self.doc.sections for f in walk.figures(s.blocks)]
        if not figures:
            return
        heading = self.text_paragraph("TOC Heading", self.strings["list_of_figures"], Context())
        self._bookmark(heading, self.targets.by_anchor["list-of-figures"])
        entries = []
        for figure in figures:
            p = self._new("Table of Figures")
            text = f"{self._label(figure.number)}. {m.plain_text(figure.caption)}".rstrip()
            p.append(hyperlink(text_runs(text), anchor=self.targets.by_node[id(figure)]))
            entries.append(p)
        begin = make_field(LOF_FIELD, [], dirty=True)[:-1]
        ppr = entries[0].find(qn("w:pPr"))
        for run in reversed(begin):
            ppr.addnext(run)
        entries[-1].append(field_end())

    def summary(self) -> None:
        heading = self.text_paragraph("Heading 1", self.strings["summary"], Context())
        self._bookmark(heading, self.targets.by_anchor["summary"])
        for section in self.doc.sections:
            if section.summary:
                ctx = self._section_context(section)
                self.text_paragraph("Summary Heading", section.title, ctx)
                self.paragraph(ctx.para, section.summary, ctx)

    def section(self, section: m.Section) -> None:
        ctx = self._section_context(section)
        heading = self.text_paragraph("Heading 1", m.section_title(section, self.strings), ctx)
        self._bookmark(heading, self.targets.by_node[id(section)])
        if section.cover is not None:
            p = self._new("Section Cover")
            p.append(el("w:r", None, self.pictures.drawing(
                section.cover, self.column, SECTION_COVER_HEIGHT,
                section.cover.alt or section.title, crop=True)))
        if section.lead:
            self.paragraph("Lead", section.lead, ctx)
        self.blocks(section.blocks, ctx)

    # --------------------------------------------------------------- blocks
    def blocks(self, blocks: Sequence[m.Block], ctx: Context, depth: int = 0) -> None:
        for block in blocks:
            self.block(block, ctx, depth)

    def block(self, block: m.Block, ctx: Context, depth: int = 0) -> None:
        match block:
            case m.Heading(level=level, children=children):
                p = self.paragraph(f"Heading {min(max(level, 2), 4)}", children, ctx)
                self._bookmark(p, self.targets.by_node[id(block)])
            case m.Paragraph(children=children, role=role):
                self.paragraph(self._role_style(role, ctx.para), children, ctx)
            case m.ListBlock():
                self.list_block(block, ctx, depth)
            case m.Quote(blocks=blocks):
                self.blocks(blocks, replace(ctx, para="Quote"), depth)
            case m.Figure():
                self.figure(block, ctx)
            case m.Gallery():
                self.gallery(block, ctx)
            case m.Chart():
                self.chart(block, ctx)
            case m.MetricGrid():
                self.metrics(block, ctx)
            case m.Div(blocks=blocks, lang=lang):
                inner = replace(ctx, lang=self._lang(lang)) if lang else ctx
                self.blocks(blocks, inner, depth)
            case m.ThematicBreak():
                self._new("Thematic Break")
            case m.Table():
                self.table(block, ctx)
            case _:
                raise TypeError(f"unknown block {block!r}")

    def table(self, table: m.Table, ctx: Context) -> None:
        if table.role != "landscape":
            table_caption(self, table, ctx)
            self._append(data_table(self, table, ctx, self.column_twips))
            return
        # A section of its own, turned: the break before ends the portrait pages.
        normal = self.styles.para("Normal")
        self._append(section_break(self.page_setup, normal))
        table_caption(self, table, ctx)
        self._append(data_table(self, table, ctx, self.landscape_twips))
        self._append(section_break(turned(self.page_setup), normal))

    def list_block(self, block: m.ListBlock, ctx: Context, depth: int) -> None:
        suffix = "" if depth == 0 else " 2"  # deeper lists share the second level's look
        style = ("List Number" if block.ordered else "List Bullet") + suffix
        inner = replace(ctx, para="List Continue" + suffix)
        num = self._restart(style, block.start) if block.ordered else None
        for item in block.items:
            # The marker needs a paragraph even when an item starts with something else.
            first = item[0] if item and isinstance(item[0], m.Paragraph) else None
            rest = item[1:] if first is not None else item
            p = self.paragraph(style, first.children if first is not None else (), ctx)
            if num is not None:
                set_numbering(p, *num)
            self.blocks(rest, inner, depth + 1)

    def figure(self, figure: m.Figure, ctx: Context) -> None:
        width, height = fit(figure.image, self.column, FIGURE_MAX_HEIGHT)
        alt = m.figure_alt(figure, self.strings['figure'])
        p = self._new("Figure")
        p.append(el("w:r", None, self.pictures.drawing(figure.image, width, height, alt)))
        self.caption(figure, ctx)

    def chart(self, chart: m.Chart, ctx: Context) -> None:
        """The chart's print-resolution PNG at its drawn size, with the chart's alt text."""
        width = min(round(chart.width_mm * EMU_PER_MM), self.column)
        height = round(width * chart.height_mm / chart.width_mm)
        image = m.Image(chart.png, round(chart.width_mm / 25.4 * 96),
                        round(chart.height_mm / 25.4 * 96), chart.alt)
        p = self._new("Figure")
        p.append(el("w:r", None, self.pictures.drawing(image, width, height, chart.alt)))
        self.caption(chart, ctx)

    def gallery(self, gallery: m.Gallery, ctx: Context) -> None:
        count = len(gallery.images)
        cols = 2 if count in (2, 4) else 3
        widths = self._columns(cols)
        left, right = self._cell_margins("Gallery Grid")
        width = (widths[0] - left - right) * EMU_PER_TWIP
        height = round(width * GALLERY_RATIO)
        cells = []
        for image, alt in zip(gallery.images, m.gallery_alts(gallery, self.strings["figure"]),
                              strict=True):
            p = paragraph(self.styles.para("Gallery Image"))
            p.append(el("w:r", None, self.pictures.drawing(image, width, height, alt, crop=True)))
            cells.append([p])
        self._append(self._table("Gallery Grid", widths, cells))
        self.caption(gallery, ctx)

    def metrics(self, grid: m.MetricGrid, ctx: Context) -> None:
        count = len(grid.metrics)
        cols = 1 if count == 1 else 2 if count in (2, 4) else 3
        cells = []
        for metric in grid.metrics:
            content = [self._text_p("Metric Value", metric.value, ctx),
                       self._text_p("Metric Label", metric.label, ctx)]
            if metric.detail:
                content.append(self._text_p("Metric Detail", metric.detail, ctx))
            cells.append(content)
        if cells:
            self._append(self._table("Metric Tiles", self._columns(cols), cells))

    def caption(self, figure: m.Figure | m.Gallery | m.Chart, ctx: Context) -> None:
        self.numbered_caption("Caption", self.strings["figure"], "Figure", figure, ctx)

    def numbered_caption(self, style: str, word: str, seq: str,
                         node: m.Figure | m.Gallery | m.Chart | m.Table,
                         ctx: Context) -> etree._Element:
        """'Рисунок N. caption' / 'Таблица N. caption', N a SEQ field whose cached value is the
        model's number (so Word's lists of figures and tables find it)."""
        label = self.styles.char("Caption Label")
        p = self._new(style, ctx.lang)
        p.extend(text_runs(f"{word}\u00a0", label))
        p.extend(make_field(f"SEQ {seq} \\* ARABIC", text_runs(str(node.number), label), label))
        p.extend(text_runs(".", label))
        if node.caption:
            p.extend(text_runs(" ", None, ctx.lang))
            p.extend(self.inlines(node.caption, ctx))
        self._bookmark(p, self.targets.by_node[id(node)])
        return p

    # -------------------------------------------------------------- inlines
    def paragraph(self, style: str, inlines: Sequence[m.Inline], ctx: Context) -> etree._Element:
        p = self._new(style, ctx.lang)
        p.extend(self.inlines(inlines, ctx))
        return p

    def text_paragraph(self, style: str, text: str, ctx: Context) -> etree._Element:
        return self.paragraph(style, (m.Text(text),), ctx)

    def inlines(self, nodes: Sequence[m.Inline], ctx: Context) -> list[etree._Element]:
        out: list[etree._Element] = []
        for node in nodes:
            match node:
                case m.Text(text=text):
                    out.extend(self._runs(text, ctx))
                case m.Strong(children=children):
                    out.extend(self.inlines(children, ctx.styled("Strong")))
                case m.Emph(children=children):
                    out.extend(self.inlines(children, ctx.styled("Emphasis")))
                case m.Code(text=text):
                    out.extend(self._runs(text, ctx.styled("Code")))
                case m.Link(url=url, children=children):
                    runs = self.inlines(children, ctx.styled("Hyperlink"))
                    if runs:
                        out.append(self._link(url, runs))
                case m.LineBreak():
                    out.append(break_run(ctx.lang))
                case m.Span(children=children, role=role, lang=lang):
                    inner = replace(ctx, lang=self._lang(lang)) if lang else ctx
                    if role in SPAN_STYLES:
                        inner = inner.styled(SPAN_STYLES[role])
                    out.extend(self.inlines(children, inner))
                case m.Note(number=number, paragraphs=paragraphs):
                    plain = Context(lang=ctx.lang)  # a note in bold text is not bold
                    out.append(self.footnotes.add(
                        number, [self.inlines(p, plain) for p in paragraphs], ctx.lang))
                case m.PageRef(target=target):
                    bookmark_name = self.targets.by_anchor[target]
                    cached = str(self.pages.get(target, "?"))
                    out.extend(make_field(f"PAGEREF {bookmark_name} \\h",
                                          self._runs(cached, ctx)))
                case m.CrossRef(target=target, children=children):
                    runs = self.inlines(children, ctx)
                    if runs:
                        out.append(hyperlink(runs, anchor=self.targets.by_anchor[target]))
                case _:
                    raise TypeError(f"unknown inline node {node!r}")
        return out

    def _runs(self, text: str, ctx: Context) -> list[etree._Element]:
        styles = set(ctx.chars)
        if {"Strong", "Emphasis"} <= styles:
            styles -= {"Strong", "Emphasis"}
            styles.add("Strong Emphasis")
        ranked = [s for s in _CHAR_PRIORITY if s in styles]
        style = ranked[0] if ranked else None
        # A run has one character style; bold or italic that lost the slot stay as toggles.
        toggles = {t for s in ranked[1:] for t in _TOGGLES.get(s, ())}
        return text_runs(text, self.styles.char(style) if style else None, ctx.lang, toggles)

    def _link(self, url: str, runs: list[etree._Element]) -> etree._Element:
        if url.startswith("#"):
            anchor = self.targets.by_anchor.get(url[1:])
            if anchor is not None:
                return hyperlink(runs, anchor=anchor)
        r_id = self.document.part.relate_to(url, RT.HYPERLINK, is_external=True)
        return hyperlink(runs, r_id=r_id)

    # -------------------------------------------------------------- helpers
    def _section_context(self, section: m.Section) -> Context:
        return Context(lang=self._lang(section.lang))

    def _lang(self, lang: str) -> str | None:
        tag = lang_tag(lang)
        return None if tag == self.default_lang else tag

    def _role_style(self, role: str | None, default: str) -> str:
        """A paragraph role's own style ('attribution' -> 'Attribution') if the template has it."""
        if role:
            name = role.replace("-", " ").replace("_", " ").title()
            if self.styles.has("paragraph", name):
                return name
        return default

    def _label(self, number: int) -> str:
        return f"{self.strings['figure']} {number}"

    def _append(self, node: etree._Element) -> etree._Element:
        self._end.addprevious(node)
        return node

    def _new(self, style: str, lang: str | None = None) -> etree._Element:
        return self._append(paragraph(self.styles.para(style), lang))

    def _text_p(self, style: str, text: str, ctx: Context) -> etree._Element:
        p = paragraph(self.styles.para(style), ctx.lang)
        p.extend(self._runs(text, ctx))
        return p

    def _bookmark(self, p: etree._Element, name: str) -> None:
        self._bookmarks += 1
        bookmark(p, name, self._bookmarks)

    def _restart(self, style: str, start: int) -> tuple[int, int] | None:
        """A new list instance of ``style``'s numbering starting at ``start``: (numId, level)."""
        linked = self.styles.numbering(self.styles.para(style))
        if linked is None:
            return None
        num_id, level = linked
        numbering = self.document.part.numbering_part.element
        abstract = numbering.num_having_numId(num_id).abstractNumId.val
        num = numbering.add_num(abstract)
        num.add_lvlOverride(ilvl=level).add_startOverride(start)
        return int(num.numId), level

    def _columns(self, cols: int) -> list[int]:
        width = self.column_twips // cols
        return [width] * cols

    def _cell_margins(self, table_style: str) -> tuple[int, int]:
        """Left and right cell margins (twips) of a table style, following basedOn."""
        found: dict[str, int] = {}
        node = self.styles.element(self.styles.id("table", table_style))
        while node is not None and len(found) < 2:
            margins = node.find(f"{qn('w:tblPr')}/{qn('w:tblCellMar')}")
            for side in ("left", "right"):
                for tag in (side, "start" if side == "left" else "end"):
                    value = margins.find(qn(f"w:{tag}")) if margins is not None else None
                    if value is not None and side not in found:
                        found[side] = int(value.get(qn("w:w"), "0"))
            based = node.find(qn("w:basedOn"))
            node = self.styles.element(based.get(qn("w:val"))) if based is not None else None
        return found.get("left", 108), found.get("right", 108)  # Word's default: 0.19 cm

    def _table(self, style: str, widths: list[int],
               cells: list[list[etree._Element]]) -> etree._Element:
        """A fixed-layout table of ``style``: ``cells`` fill rows left to right."""
        cols = len(widths)
        look = {"w:val": "0000", "w:firstRow": "0", "w:lastRow": "0", "w:firstColumn": "0",
                "w:lastColumn": "0", "w:noHBand": "1", "w:noVBand": "1"}
        table = el(
            "w:tbl", None,
            el("w:tblPr", None,
               el("w:tblStyle", {"w:val": self.styles.id("table", style)}),
               el("w:tblW", {"w:w": str(sum(widths)), "w:type": "dxa"}),
               el("w:tblLayout", {"w:type": "fixed"}),
               el("w:tblLook", look)),
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
