"""Page setup of the DOCX report: running heads and footer, Word sections, landscape pages.

Part of the render stage. Uses the page setup of the reference document's section. Each
part of the report is a Word section of its own (``body.BodyWriter.start_part``) with its
own running head, as in print: the report's title, then (after the Header style's right
tab) the part's title (a section's, an appendix's 'Приложение 1. Title', the list of
figures', the summary's), nothing after the title on the contents' pages; the cover page
gets an empty first-page head and foot. Plain text, not a STYLEREF field: STYLEREF names
a style, which shows an error text in Word versions whose style names differ, and
nothing in LibreOffice. A landscape table's Word section (a copy of the reference's page
setup, turned) has the head of the section around it, its tab at its own margin. The
footer, 'N / M', is the first section's; every later one inherits it. Header and footer
text uses the 'Header' and 'Footer' styles only.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.section import Section, _Footer, _Header
from lxml import etree

from reportgen.render.docx.ooxml import el, field, paragraph, text_runs
from reportgen.render.docx.styles import StyleMap


def page_setup(body_sect_pr: etree._Element) -> etree._Element:
    """A copy of the document's page setup without its header/footer and first-page flag."""
    copy_ = copy.deepcopy(body_sect_pr)
    for tag in ("w:headerReference", "w:footerReference", "w:titlePg", "w:type"):
        for node in copy_.findall(qn(tag)):
            copy_.remove(node)
    return copy_


def turned(sect_pr: etree._Element) -> etree._Element:
    """``sect_pr`` with its page turned to landscape (width and height swapped)."""
    out = copy.deepcopy(sect_pr)
    size = out.find(qn("w:pgSz"))
    if size is not None:
        width, height = size.get(qn("w:w")), size.get(qn("w:h"))
        if width and height and int(width) < int(height):
            size.set(qn("w:w"), height)
            size.set(qn("w:h"), width)
        size.set(qn("w:orient"), "landscape")
    return out


def section_break(sect_pr: etree._Element, style_id: str) -> etree._Element:
    """A paragraph that ends a section laid out by ``sect_pr`` (the next one starts a page)."""
    p = paragraph(style_id)
    p.find(qn("w:pPr")).append(copy.deepcopy(sect_pr))  # CT_PPr: sectPr after rPr
    return p


def furnish(document: DocxDocument, styles: StyleMap, title: str,
            running: Sequence[str]) -> None:
    """Each Word section's running head (``running``: the part's title after the report's,
    '' for none; one per section, in order), the footer 'N / M' of the first, inherited
    by the others; nothing on the cover."""
    sections = list(document.sections)
    if len(sections) != len(running):  # pragma: no cover - the body writer's bookkeeping
        raise AssertionError(f"{len(sections)} Word sections, {len(running)} running heads")
    header_style, footer_style = styles.para("Header"), styles.para("Footer")
    even = document.settings.odd_and_even_pages_header_footer

    footer = paragraph(footer_style)
    footer.extend(field("PAGE", text_runs("1")))
    footer.extend(text_runs(" / "))
    footer.extend(field("NUMPAGES", text_runs("1")))

    first = sections[0]
    first.different_first_page_header_footer = True
    _fill(first.first_page_header, paragraph(header_style))
    _fill(first.first_page_footer, paragraph(footer_style))
    _fill(first.footer, footer)
    if even:
        _fill(first.even_page_footer, footer)
    for index, (section, head) in enumerate(zip(sections, running, strict=True)):
        if index:
            section.different_first_page_header_footer = False
            for foot in (section.footer, section.even_page_footer):
                foot.is_linked_to_previous = True
        header = paragraph(header_style)
        width = _text_width(section)
        if head and width is not None and width != _text_width(first):
            _right_tab(header, styles, header_style, width)  # a landscape page's margin
        header.extend(text_runs(title))
        if head:
            header.extend(text_runs("\t" + head))
        _fill(section.header, header)
        if even:
            _fill(section.even_page_header, header)
    _drop_unused_relationships(first)


def _text_width(section: Section) -> int | None:
    """The width of the section's text column, twips."""
    page, left, right = section.page_width, section.left_margin, section.right_margin
    if page is None or left is None or right is None:
        return None
    return int(page - left - right) // 635


def _right_tab(p: etree._Element, styles: StyleMap, style_id: str, width: int) -> None:
    """The head's tab stops at this section's right margin rather than the style's (set
    for portrait pages): the part's title ends at the margin of a landscape page too.
    LibreOffice ignores Word's alignment tab (w:ptab) that would say so without a
    position."""
    tabs = el("w:tabs")
    node = styles.element(style_id)
    for stop in node.iterfind(f"{qn('w:pPr')}/{qn('w:tabs')}/{qn('w:tab')}") if node is not None \
            else ():
        tabs.append(el("w:tab", {"w:val": "clear", "w:pos": stop.get(qn("w:pos"))}))
    tabs.append(el("w:tab", {"w:val": "right", "w:pos": str(width)}))
    p.find(qn("w:pPr")).append(tabs)  # CT_PPr: pStyle, ..., tabs


def _fill(story: _Header | _Footer, content: etree._Element) -> None:
    """``story`` (a header or footer of its own) holding a copy of ``content`` alone."""
    story.is_linked_to_previous = False
    root = story.part.element
    for child in list(root):
        root.remove(child)
    root.append(copy.deepcopy(content))


def _drop_unused_relationships(section: Section) -> None:
    """Reference headers may have held pictures; their parts go once no text refers to them."""
    for story in ("header", "footer", "first_page_header", "first_page_footer",
                  "even_page_header", "even_page_footer"):
        hf = getattr(section, story)
        if hf.is_linked_to_previous:
            continue
        part = hf.part
        used = {v for node in part.element.iter() for k, v in node.attrib.items()
                if k in (qn("r:id"), qn("r:embed"), qn("r:link"))}
        for r_id in [r for r in part.rels if r not in used]:
            part.drop_rel(r_id)
