"""The body of the DOCX report: the pages around the sections, then the sections, block by
block.

Part of the render stage. Walks the document model once and appends
WordprocessingML to the reference document's (emptied) body. Every paragraph,
run and table refers to a named style of the reference document; the only
direct properties are those no style can carry: languages, list restarts,
table geometry, picture sizes, and bold or italic on a
run whose one character-style slot another style took (a bold word in inline
code). Unknown model nodes are bugs (TypeError). Reads no other writer's
output; the pages it writes are the cached results of fields (``context.Pages``).

Each part of the report (the cover and contents, the list of figures, the summary, each
section) is a Word section of its own, so that its running head can show its title, as
the print layout's does: ``start_part`` ends the Word section before it, and
``running`` lists each Word section's running head for ``page.furnish``.

``BodyWriter`` keeps what the whole body shares (the end of the body, bookmarks,
link targets, the text column) and writes the blocks; the cover, contents and
summary pages are ``front``'s, figures ``figures``', tables ``tabular``'s and runs
``inlines``'.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import replace

from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from lxml import etree

from reportgen.errors import RenderError
from reportgen.model import nodes as m
from reportgen.render import rules
from reportgen.render.docx import captions, figures, front
from reportgen.render.docx.charts import Charts
from reportgen.render.docx.chartxml import ChartStyle
from reportgen.render.docx.context import Context, Pages
from reportgen.render.docx.inlines import InlineWriter
from reportgen.render.docx.notes import Footnotes
from reportgen.render.docx.ooxml import (
    bookmark,
    bookmark_runs,
    el,
    lang_tag,
    paragraph,
    set_numbering,
    text_runs,
)
from reportgen.render.docx.ooxml import field as make_field
from reportgen.render.docx.page import page_setup, section_break, turned
from reportgen.render.docx.pictures import EMU_PER_MM, EMU_PER_TWIP, Pictures
from reportgen.render.docx.provenance import Provenance
from reportgen.render.docx.styles import StyleMap
from reportgen.render.docx.tabular import caption as table_caption
from reportgen.render.docx.tabular import data_table
from reportgen.render.docx.targets import plan

SECTION_COVER_HEIGHT = rules.SECTION_COVER_HEIGHT_MM * EMU_PER_MM


class BodyWriter:
    """Appends the report to the body of ``document``, in reading order."""

    def __init__(self, document: DocxDocument, styles: StyleMap, doc: m.Document,
                 pictures: Pictures, pages: Pages | None = None,
                 chart_style: ChartStyle | None = None) -> None:
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
        self.pages = pages or Pages()
        self.targets = plan(doc, self.lang)
        self._inlines = InlineWriter(document.part, styles, self.targets,
                                     Footnotes(document, styles), self.pages, self.lang)
        #: The running head of each Word section written so far, and of the current one.
        self.running: list[str] = []
        self._current = ""  # the cover and contents: the title alone
        self.charts = Charts(document.part, chart_style or ChartStyle())
        #: The font families the native charts use (embedded like the styles' fonts).
        self.chart_fonts: set[str] = set()
        #: Which paragraph each block made (for ``reportgen pull``, ``provenance``).
        self.provenance = Provenance()

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
        if not self._end_with_last_section():
            self.running.append(self._current)

    # ------------------------------------------------------------ Word sections
    def start_part(self, running: str) -> None:
        last = self._end.getprevious()
        if last is None:
            self._current = running
            return
        ppr = last.find(qn("w:pPr")) if last.tag == qn("w:p") else None
        if ppr is None or ppr.find(qn("w:sectPr")) is not None or \
                last.find(f".//{qn('w:fldChar')}") is not None:
            # After a table, a landscape section's end or a field (LibreOffice loses the
            # footer's fields when a section ends in the contents' last entry, which ends
            # its TOC field): a paragraph of its own holds the break.
            last = self.new("Normal")
            ppr = last.find(qn("w:pPr"))
        if not self.running:
            # The first Word section (the cover's) takes the reference's heads and feet and
            # its first-page flag; the later ones, the last included, have their own.
            ppr.append(copy.deepcopy(self._end))  # CT_PPr: sectPr after rPr
            for tag in ("w:headerReference", "w:footerReference", "w:titlePg"):
                for node in self._end.findall(qn(tag)):
                    self._end.remove(node)
        else:
            ppr.append(copy.deepcopy(self.page_setup))
        self.running.append(self._current)
        self._current = running

    def _break(self, sect_pr: etree._Element) -> None:
        """End a Word section with ``sect_pr`` (around a landscape table): the part goes on
        in the next one, with the same running head."""
        self.append(section_break(sect_pr, self.styles.para("Normal")))
        self.running.append(self._current)

    def layout_page(self, bookmark: str) -> str | None:
        return self.pages.of_entry(bookmark)

    def _end_with_last_section(self) -> bool:
        """A landscape table at the very end: its page setup becomes the document's last one
        (else the break after it would open an empty portrait page); whether it did."""
        last = self._end.getprevious()
        sect_pr = last.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") if last is not None else None
        if sect_pr is None or last.find(qn("w:r")) is not None:
            return False
        for tag in ("w:pgSz", "w:pgMar"):
            mine, theirs = self._end.find(qn(tag)), sect_pr.find(qn(tag))
            if mine is not None and theirs is not None:
                mine.getparent().replace(mine, theirs)
        last.getparent().remove(last)
        return True

    def section(self, section: m.Section) -> None:
        ctx = self.section_context(section)
        title = rules.section_title(section, self.strings)
        self.start_part(title)
        heading = self._section_heading(section, title, ctx)
        self.provenance.mark(heading, section)
        self.bookmark(heading, self.targets.by_node[id(section)])
        if section.cover is not None:
            p = self.new("Section Cover")
            p.append(el("w:r", None, self.pictures.drawing(
                section.cover, self.column, SECTION_COVER_HEIGHT,
                section.cover.alt or section.title, crop=True)))
        if section.lead:
            self.provenance.mark(self.paragraph("Lead", section.lead, ctx), section, "lead")
        self.blocks(section.blocks, ctx)

    def _section_heading(self, section: m.Section, title: str, ctx: Context) -> etree._Element:
        """The section's Heading 1; an appendix's number is a SEQ field (its label's
        sequence, so that references to it follow), bookmarked with its title apart."""
        number = section.appendix
        if number is None:
            return self.text_paragraph("Heading 1", title, ctx)
        label = captions.label("appendix", self.strings)
        prefix = f"{label.before}{number}{label.after}"
        plain = title.replace("\u00a0", " ")
        if not plain.startswith(prefix.replace("\u00a0", " ")) or not title.endswith(section.title):
            return self.text_paragraph("Heading 1", title, ctx)
        p = self.new("Heading 1", ctx.lang)
        p.extend(self.runs(title[:len(label.before)], ctx))
        seq = make_field(f"SEQ {label.seq} \\* ARABIC", self.runs(str(number), ctx))
        p.extend(seq)
        self.bookmark_runs(seq, self.targets.number_of(section))
        p.extend(self.runs(title[len(label.before) + len(str(number)):-len(section.title)], ctx))
        runs = self.runs(section.title, ctx)
        p.extend(runs)
        self.bookmark_runs(runs, self.targets.title_of(section))
        return p

    # --------------------------------------------------------------- blocks
    def blocks(self, blocks: Sequence[m.Block], ctx: Context, depth: int = 0) -> None:
        for block in blocks:
            self.block(block, ctx, depth)

    def block(self, block: m.Block, ctx: Context, depth: int = 0) -> None:
        match block:
            case m.Heading(level=level, children=children):
                p = self.paragraph(f"Heading {min(max(level, 2), 4)}", children, ctx)
                self.bookmark(p, self.targets.by_node[id(block)])
                self.provenance.mark(p, block)
            case m.Paragraph(children=children, role=role):
                self.provenance.mark(self.paragraph(self._role_style(role, ctx.para), children,
                                                    ctx), block)
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
        self._break(self.page_setup)
        table_caption(self, table, ctx)
        self.append(data_table(self, table, ctx, self.landscape_twips))
        self._break(turned(self.page_setup))

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
            if first is not None:
                self.provenance.mark(p, replace(block, loc=first.loc))
            self.blocks(rest, inner, depth + 1)

    def numbered_caption(self, style: str, kind: str,
                         node: m.Figure | m.Gallery | m.Chart | m.Table,
                         ctx: Context) -> etree._Element:
        """'Рисунок N. caption' / 'Таблица N. caption' as Word's Insert Caption writes it:
        N a SEQ field of the label's sequence, its cached value the model's number (so that
        Word's list of figures finds it), bookmarked alone (what references show), the
        caption's text bookmarked too, and the whole paragraph (what the lists link to)."""
        label = captions.label(kind, self.strings)
        char = self.styles.char("Caption Label")
        p = self.new(style, ctx.lang)
        p.extend(text_runs(label.before, char))
        seq = make_field(f"SEQ {label.seq} \\* ARABIC", text_runs(str(node.number), char), char)
        p.extend(seq)
        self.bookmark_runs(seq, self.targets.number_of(node))
        p.extend(text_runs(label.after, char))
        if node.caption:
            p.extend(text_runs(" ", None, ctx.lang))
            runs = self.inlines(node.caption, ctx)
            p.extend(runs)
            if runs:
                self.bookmark_runs(runs, self.targets.title_of(node))
        self.bookmark(p, self.targets.by_node[id(node)])
        what = {m.Figure: "figure", m.Gallery: "gallery", m.Chart: "chart", m.Table: "table"}
        extra = {"label": label.before + label.after, "numbered": label.text(node.number),
                 "of": what[type(node)]}
        if isinstance(node, m.Chart):
            extra["chart"] = node.id
        self.provenance.mark(p, node, "caption", extra=extra)
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

    def bookmark_runs(self, runs: Sequence[etree._Element], name: str) -> None:
        self._bookmarks += 1
        bookmark_runs(runs, name, self._bookmarks)

    # -------------------------------------------------------------- helpers
    def section_context(self, section: m.Section) -> Context:
        return Context(lang=self.lang(section.lang))

    def hyphenated(self, ctx: Context) -> Context:
        """``ctx`` whose text gets soft hyphens in its language (for narrow cells)."""
        tag = ctx.lang or self.default_lang
        return replace(ctx, hyphens=tag.split("-")[0].lower())

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
