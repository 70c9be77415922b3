"""Page setup of the DOCX report: running header and footer, landscape sections.

Part of the render stage. Uses the page setup of the reference document's
section; the cover page gets an empty first-page header and footer, as in
print. Header and footer text uses the 'Header' and 'Footer' styles only.
A landscape table gets a Word section of its own (a copy of the reference's
page setup, turned); every section after the first inherits the first one's
header and footer, so the running title and page numbers continue.
"""

from __future__ import annotations

import copy

from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.section import _Footer, _Header
from lxml import etree

from reportgen.render.docx.ooxml import field, paragraph, text_runs
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


def furnish(document: DocxDocument, styles: StyleMap, title: str) -> None:
    """Header with ``title``, footer 'N / M'; nothing on the cover."""
    for later in document.sections[1:]:
        # Landscape sections: the same header and footer as the first section.
        later.different_first_page_header_footer = False
        for story in (later.header, later.footer, later.first_page_header,
                      later.first_page_footer, later.even_page_header, later.even_page_footer):
            story.is_linked_to_previous = True
    section = document.sections[0]
    section.different_first_page_header_footer = True
    header_style, footer_style = styles.para("Header"), styles.para("Footer")

    # Only the title: a STYLEREF field for the section title (as in print) shows an
    # error text in Word versions whose style names differ, and nothing in LibreOffice.
    header = paragraph(header_style)
    header.extend(text_runs(title))

    footer = paragraph(footer_style)
    footer.extend(field("PAGE", text_runs("1")))
    footer.extend(text_runs(" / "))
    footer.extend(field("NUMPAGES", text_runs("1")))

    pairs: list[tuple[_Header | _Footer, etree._Element]] = [
        (section.header, header), (section.footer, footer),
        (section.first_page_header, paragraph(header_style)),
        (section.first_page_footer, paragraph(footer_style)),
    ]
    if document.settings.odd_and_even_pages_header_footer:
        pairs += [(section.even_page_header, header), (section.even_page_footer, footer)]
    for story, content in pairs:
        story.is_linked_to_previous = False
        root = story.part.element
        for child in list(root):
            root.remove(child)
        root.append(copy.deepcopy(content))  # even pages share the odd pages' content
    _drop_unused_relationships(section)


def _drop_unused_relationships(section: object) -> None:
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
