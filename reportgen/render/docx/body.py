"""The body of the DOCX report: the pages around the sections, then the sections, block by
block.

Part of the render stage. Walks the document model once and appends
WordprocessingML to the reference document's (emptied) body. Every paragraph,
run and table refers to a named style of the reference document; the only
direct properties are those no style can carry: languages, list restarts,
table geometry, picture sizes, and bold or italic on a
run whose one character-style slot another style took (a bold word in inline
code). Unknown model nodes are bugs (TypeError). Reads no other writer's
output; the pages of link targets, if given, are only the cached results of
PAGEREF fields, which Word and LibreOffice recompute.

``BodyWriter`` keeps what the whole body shares (the end of the body, bookmarks,
link targets, the text column) and writes the blocks; the cover, contents and
summary pages are ``front``'s, figures ``figures``', tables ``tabular``'s and runs
``inlines``'.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from lxml import etree

from reportgen.errors import RenderError
from reportgen.model import nodes as m
from reportgen.render import rules
from reportgen.render.docx import figures, front
from reportgen.render.docx.context import Context
from reportgen.render.docx.inlines import InlineWriter
from reportgen.render.docx.notes import Footnotes
from reportgen.render.docx.ooxml import bookmark, el, lang_tag, paragraph, set_numbering, text_runs
from reportgen.render.docx.ooxml import field as make_field
from reportgen.render.docx.page import page_setup, section_break, turned
from reportgen.render.docx.pictures import EMU_PER_MM, EMU_PER_TWIP, Pictures
from reportgen.render.docx.styles import StyleMap
from reportgen.render.docx.tabular import caption as table_caption
from reportgen.render.docx.tabular import data_table
from reportgen.render.docx.targets import plan

SECTION_COVER_HEIGHT = rules.SECTION_COVER_HEIGHT_MM * EMU_PER_MM


class BodyWriter:
    """Appends the report to the body of ``document``, in reading order."""

    def __init__(self, document: DocxDocument, styles: StyleMap, doc: m.Document,
                 pictures: Pictures, pages: Mapping[str, int] | None = None) -> None:
        self.document = document
        self.styles = styles
        self.doc = doc
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
        self.targets = plan(doc, self.lang)
        self._inlines = InlineWriter(document.part, styles, self.targets,
                                     Footnotes(document, styles), pages or {}, self.lang)

    # ------------------------------------------------------------ the parts
    def write(self) -> None:
        place = rules.list_of_figures_place(self.doc)
        front.cover(self)
        front.contents(self)
        if place == rules.AFTER_CONTENTS:
            front.list_of_figures(self)
        if self.doc.has_summaries:
            front.summary(self)
        for section in self.doc.sections:
            self.section(section)
        if place == rules.AT_END:
            front.list_of_figures(self)
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

    def section(self, section: m.Section) -> None:
        ctx = self.section_context(section)
        title = rules.section_title(section, self.strings)
        heading = self.text_paragraph("Heading 1", title, ctx)
        self.bookmark(heading, self.targets.by_node[id(section)])
        if section.cover is not None:
            p = self.new("Section Cover")
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
                self.bookmark(p, self.targets.by_node[id(block)])
            case m.Paragraph(children=children, role=role):
                self.paragraph(self._role_style(role, ctx.para), children, ctx)
            case m.ListBlock():
                self.list_block(block, ctx, depth)
            case m.Quote(blocks=blocks):
                self.blocks(blocks, replace(ctx, para="Quote"), depth)
            case m.Figure():
                figures.figure(self, block, ctx)
            case m.Gallery():
                figures.gallery(self, block, ctx)
            case m.Chart():
                figures.chart(self, block, ctx)
            case m.MetricGrid():
                figures.metrics(self, block, ctx)
            case m.Div(blocks=blocks, lang=lang):
                inner = replace(ctx, lang=self.lang(lang)) if lang else ctx
                self.blocks(blocks, inner, depth)
            case m.ThematicBreak():
                self.new("Thematic Break")
            case m.Table():
                self.table(block, ctx)
            case _:
                raise TypeError(f"unknown block {block!r}")

    def table(self, table: m.Table, ctx: Context) -> None:
        if table.role != "landscape":
            table_caption(self, table, ctx)
            self.append(data_table(self, table, ctx, self.column_twips))
            return
        # A section of its own, turned: the break before ends the portrait pages.
        normal = self.styles.para("Normal")
        self.append(section_break(self.page_setup, normal))
        table_caption(self, table, ctx)
        self.append(data_table(self, table, ctx, self.landscape_twips))
        self.append(section_break(turned(self.page_setup), normal))

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

    def numbered_caption(self, style: str, word: str, seq: str,
                         node: m.Figure | m.Gallery | m.Chart | m.Table,
                         ctx: Context) -> etree._Element:
        """'Рисунок N. caption' / 'Таблица N. caption', N a SEQ field whose cached value is the
        model's number (so Word's lists of figures and tables find it)."""
        label = self.styles.char("Caption Label")
        p = self.new(style, ctx.lang)
        p.extend(text_runs(f"{word}\u00a0", label))
        p.extend(make_field(f"SEQ {seq} \\* ARABIC", text_runs(str(node.number), label), label))
        p.extend(text_runs(".", label))
        if node.caption:
            p.extend(text_runs(" ", None, ctx.lang))
            p.extend(self.inlines(node.caption, ctx))
        self.bookmark(p, self.targets.by_node[id(node)])
        return p

    # ---------------------------------------------------- paragraphs and runs
    def inlines(self, nodes: Sequence[m.Inline], ctx: Context) -> list[etree._Element]:
        return self._inlines.inlines(nodes, ctx)

    def runs(self, text: str, ctx: Context) -> list[etree._Element]:
        return self._inlines.runs(text, ctx)

    def paragraph(self, style: str, inlines: Sequence[m.Inline], ctx: Context) -> etree._Element:
        p = self.new(style, ctx.lang)
        p.extend(self.inlines(inlines, ctx))
        return p

    def text_paragraph(self, style: str, text: str, ctx: Context) -> etree._Element:
        return self.paragraph(style, (m.Text(text),), ctx)

    def append(self, node: etree._Element) -> etree._Element:
        self._end.addprevious(node)
        return node

    def new(self, style: str, lang: str | None = None) -> etree._Element:
        return self.append(paragraph(self.styles.para(style), lang))

    def bookmark(self, p: etree._Element, name: str) -> None:
        self._bookmarks += 1
        bookmark(p, name, self._bookmarks)

    # -------------------------------------------------------------- helpers
    def section_context(self, section: m.Section) -> Context:
        return Context(lang=self.lang(section.lang))

    def lang(self, lang: str) -> str | None:
        """The Word tag of ``lang``, None for the document's own language."""
        tag = lang_tag(lang)
        return None if tag == self.default_lang else tag

    def _role_style(self, role: str | None, default: str) -> str:
        """A paragraph role's own style ('attribution' -> 'Attribution') if the template has it."""
        if role:
            name = role.replace("-", " ").replace("_", " ").title()
            if self.styles.has("paragraph", name):
                return name
        return default

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
