"""The pages of the DOCX report around its sections: the cover, the contents, the list of
figures (after the contents or at the end) and the summary page.

Part of the render stage, written through the body writer's face (``context.Writer``).
The contents and the list of figures are real Word fields (TOC), their results filled in
as Word itself fills them: each entry a link to its bookmark, its title, a tab (the
style's dotted leader) and a PAGEREF field showing its page, when the page-number pass
(``pagination``) has laid the DOCX out; without that pass the entries have no numbers
rather than wrong ones (the PDF's pages are not the DOCX's). The fields are not marked
dirty and the document does not ask to update them: Word and LibreOffice show them as
written. What they list, and where the list of figures goes, is the print writer's rule
too (``rules``).
"""

from __future__ import annotations

from docx.oxml.ns import qn
from lxml import etree

from reportgen.model import nodes as m
from reportgen.render import rules
from reportgen.render.docx import captions
from reportgen.render.docx.context import Context, Writer
from reportgen.render.docx.ooxml import el, field_end, hyperlink, text_runs
from reportgen.render.docx.ooxml import field as make_field
from reportgen.render.docx.pictures import EMU_PER_MM
from reportgen.render.docx.targets import TOC_LEVELS

#: The contents field: the outline's levels 1-2 (the PDF's contents), as links, hiding page
#: numbers on the web.
TOC_FIELD = f'TOC \\o "1-{TOC_LEVELS}" \\h \\z \\u'
LOGO_WIDTH = rules.LOGO_WIDTH_MM * EMU_PER_MM


def cover(w: Writer) -> None:
    meta = w.doc.meta
    if meta.logo is not None:
        logo = meta.logo
        height = round(LOGO_WIDTH * logo.height / logo.width)
        p = w.new("Cover Logo")
        p.append(el("w:r", None, w.pictures.drawing(
            logo, LOGO_WIDTH, height, logo.alt or meta.organization)))
    ctx = Context()
    # what ``reportgen pull`` says an edit of a cover's line should change in report.yaml
    for style, text, key in (("Cover Org", meta.organization, "organization.name"),
                             ("Cover Title", meta.title, "title"),
                             ("Cover Subtitle", meta.subtitle, "subtitle"),
                             ("Cover Period", meta.period_label, "periods")):
        if text:
            w.provenance.mark(w.text_paragraph(style, text, ctx), meta, "cover",
                              extra={"key": key})
    if meta.addressee:
        # The catalog's sentence around the addressee («Представляется в Администрацию …»,
        # «… Әкімшілігіне ұсынылады»), as the print cover says it; its words in the label's
        # style. (The print writer reads the pattern the same way: html.py.)
        pattern = w.strings.get("addressee_line") or f"{w.strings['addressee']}: {{addressee}}"
        before, _, after = pattern.partition("{addressee}")
        p = w.new("Cover Addressee")
        p.extend(text_runs(before, w.styles.char("Cover Label")))
        p.extend(text_runs(meta.addressee))
        p.extend(text_runs(after, w.styles.char("Cover Label")))
        w.provenance.mark(p, meta, "cover", extra={"key": "addressee"})
    place = rules.cover_place(meta)
    if place:
        w.provenance.mark(w.text_paragraph("Cover Place", place, ctx), meta, "cover",
                          extra={"key": "city"})


def contents(w: Writer) -> None:
    """The contents as a real TOC field, its result filled in as Word fills it (on the
    cover's Word section: the running head shows the report's title alone)."""
    heading = w.text_paragraph("TOC Heading", w.strings["contents"], Context())
    w.provenance.mark(heading, w.doc.meta, "words", extra={"key": "contents"})
    entries: list[etree._Element] = []
    for entry in w.targets.toc:
        p = w.new(f"TOC {entry.level}")
        p.append(_entry(w, text_runs(entry.text, None, entry.lang), entry.anchor, entry.lang))
        entries.append(p)
    if not entries:
        entries.append(w.new("TOC 1"))
    _field_over(TOC_FIELD, entries)


def list_of_figures(w: Writer) -> None:
    """Word's list of figures: a TOC field over the captions' SEQ fields, filled in.
    Written where ``rules.list_of_figures_place`` says, which is never for no figures."""
    title = w.strings["list_of_figures"]
    w.start_part(title)
    heading = w.text_paragraph("List of Figures Heading", title, Context())
    w.bookmark(heading, w.targets.by_anchor["list-of-figures"])
    w.provenance.mark(heading, w.doc.meta, "words", extra={"key": "list_of_figures"})
    label = captions.label("figure", w.strings)
    entries = []
    for figure in rules.listed_figures(w.doc):
        p = w.new("Table of Figures")
        text = f"{label.text(figure.number)} {m.plain_text(figure.caption)}".rstrip()
        p.append(_entry(w, text_runs(text), w.targets.by_node[id(figure)], None))
        entries.append(p)
    _field_over(f'TOC \\h \\z \\c "{label.seq}"', entries)


def _entry(w: Writer, runs: list[etree._Element], bookmark: str,
           lang: str | None) -> etree._Element:
    """An entry of the contents or the list of figures: a link to ``bookmark`` around its
    text, a tab and the PAGEREF field of its page (left out when the page is not known)."""
    page = w.layout_page(bookmark)
    if page is not None:
        runs = [*runs, *text_runs("\t", None, lang),
                *make_field(f"PAGEREF {bookmark} \\h", text_runs(page, None, lang))]
    return hyperlink(runs, anchor=bookmark)


def summary(w: Writer) -> None:
    """The summary page: each section's summary under its title."""
    w.start_part(w.strings["summary"])
    heading = w.text_paragraph("Heading 1", w.strings["summary"], Context())
    w.bookmark(heading, w.targets.by_anchor["summary"])
    w.provenance.mark(heading, w.doc.meta, "words", extra={"key": "summary"})
    for section in w.doc.sections:
        if section.summary:
            ctx = w.section_context(section)
            title = w.text_paragraph("Summary Heading", section.title, ctx)
            w.provenance.mark(title, section, "title", section)
            w.provenance.mark(w.paragraph(ctx.para, section.summary, ctx), section, "summary",
                              section)


def _field_over(instruction: str, entries: list[etree._Element]) -> None:
    """Make the paragraphs ``entries`` the cached result of a field ``instruction``: the
    field begins in the first (after its properties) and ends in the last."""
    begin = make_field(instruction, [])[:-1]  # the end closes the last entry
    ppr = entries[0].find(qn("w:pPr"))
    for run in reversed(begin):
        ppr.addnext(run)
    entries[-1].append(field_end())
