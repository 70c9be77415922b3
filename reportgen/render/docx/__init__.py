"""DOCX writer: the document model as an editable Word document, styled by a reference .docx.

Render stage, a writer over the same model as the PDF writer; it never reads
another writer's output (no HTML or PDF conversion). It starts from a
reference document (``layouts/default/reference.docx``, a project layout's own or the
user's),
keeps its styles, numbering, settings and page setup, drops its body, and
applies styles by name only, never direct formatting, so that changing the
template restyles the whole report. Writes no files: the build orchestrator
writes the returned bytes.

What an editor gets (docs/docx.md): nothing to answer on opening (no field asks to be
updated); the contents and the list of figures with the DOCX's own page numbers, when
the page-number pass runs (``paginate``: LibreOffice lays the written DOCX out, the
numbers are written, and it is laid out again until they stand, ``pagination``); the
bundled fonts and the project's embedded (``fonts``); captions, references and running heads as Word's own
(SEQ and REF fields, a Word section per part); the edition's language settings; native
charts with their data (``charts``).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Mapping
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.oxml.parser import oxml_parser
from lxml import etree

from reportgen import resources
from reportgen.errors import RenderError
from reportgen.layout import DEFAULT, Layout
from reportgen.model import nodes as m
from reportgen.render.docx import captions, settings
from reportgen.render.docx.body import BodyWriter
from reportgen.render.docx.charts import MC_NS, W14_NS, chart_style
from reportgen.render.docx.chartxml import ChartStyle
from reportgen.render.docx.context import Pages
from reportgen.render.docx.fonts import embed_fonts
from reportgen.render.docx.ooxml import lang_tag
from reportgen.render.docx.package import reproducible_zip, set_properties, timestamp
from reportgen.render.docx.page import furnish
from reportgen.render.docx.pagination import LayoutError, find_soffice, lay_out
from reportgen.render.docx.pictures import Pictures
from reportgen.render.docx.readback import Styles as ProvenanceStyles
from reportgen.render.docx.styles import REQUIRED_STYLES, complete_styles, set_default_language

__all__ = ["REQUIRED_STYLES", "default_reference", "render_docx"]

log = logging.getLogger(__name__)
#: How often the DOCX is written again with the numbers of a new layout before the pass
#: gives up (the numbers changed the layout, which then changed the numbers).
REWRITES = 2


def default_reference() -> Path:
    """The reference document shipped with reportgen (every style the writer uses)."""
    return resources.installation_file(resources.layout_dir("default") / "reference.docx")


def render_docx(doc: m.Document, project_root: Path, reference: Path | None = None,
                pages: Mapping[str, int] | None = None, paginate: bool = False,
                layout: Layout = DEFAULT) -> bytes:
    """The DOCX of ``doc`` as bytes, styled by ``reference`` (default: the layout's
    ``reference.docx``, the project folder's if it has one, else the bundled one).

    With ``paginate``, the page-number pass: the DOCX is laid out by LibreOffice and its
    contents, list of figures and page references show the pages it lays them on (without
    LibreOffice, or when it fails, a warning, and the contents and list of figures have
    no numbers). Without it, they have none either, and ``pages`` (the page of each link
    target in the print layout, when known) fills the cached results of the page
    references' PAGEREF fields, which Word and LibreOffice recompute. The native charts
    are styled by ``layout``'s chart style; the layout's fonts that the styles or the charts
    name are embedded (``fonts``).
    """
    print_pages = pages or {}
    style = chart_style(layout.chart_style())
    if reference is None and layout.reference_docx() != default_reference():
        reference = layout.reference_docx()
    if not paginate:
        return _write(doc, project_root, reference, layout, style, Pages(print_pages))
    soffice = find_soffice()
    what = f"the {doc.meta.lang} DOCX"
    if soffice is None:
        log.warning("%s: no LibreOffice (soffice) to lay it out: its contents and list of "
                    "figures have no page numbers", what)
        return _write(doc, project_root, reference, layout, style, Pages(print_pages))
    data = _write(doc, project_root, reference, layout, style, Pages(print_pages, probe=True))
    try:
        found = lay_out(data, soffice)
        for _ in range(REWRITES):
            data = _write(doc, project_root, reference, layout, style, Pages(print_pages, found))
            again = lay_out(data, soffice)
            if again == found:
                return data
            found = again
    except LayoutError as exc:
        log.warning("%s: %s: its contents and list of figures have no page numbers", what, exc)
        return _write(doc, project_root, reference, layout, style, Pages(print_pages))
    log.warning("%s: its page numbers changed its layout %d times: they may be a page off "
                "until Word updates the fields", what, REWRITES)
    return _write(doc, project_root, reference, layout, style, Pages(print_pages, found))


def _write(doc: m.Document, project_root: Path, reference: Path | None, layout: Layout,
           style: ChartStyle, pages: Pages) -> bytes:
    default = _open(default_reference())
    document = default if reference is None else _open(reference)
    styles = complete_styles(document, default)
    word_lang = lang_tag(doc.meta.lang)
    set_default_language(styles, word_lang)
    settings.prepare(document.settings.element, doc.meta.lang, word_lang,
                     captions.word_captions(doc.meta.strings))
    _clear_body(document)
    pictures = Pictures(document.part, project_root)
    writer = BodyWriter(document, styles, doc, pictures, pages, style)
    writer.write()
    furnish(document, styles, doc.meta.title, writer.running)
    writer.provenance.attach(document, doc, ProvenanceStyles(
        strong=frozenset({styles.char("Strong"), styles.char("Strong Emphasis")}),
        emphasis=frozenset({styles.char("Emphasis"), styles.char("Strong Emphasis")})),
        project_root)
    set_properties(document, doc.meta)
    embed_fonts(document, layout.faces(), writer.chart_fonts)
    _declare_namespaces(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return reproducible_zip(buffer.getvalue(), timestamp(doc.meta))


def _open(path: Path) -> DocxDocument:
    try:
        return docx.Document(str(path))
    except Exception as exc:  # python-docx raises zip, XML and package errors alike
        raise RenderError(f"cannot read the reference document {path}: {exc}") from exc


#: The namespaces the body uses, declared once on its root as Word does (Markup
#: Compatibility's ``Requires`` names a prefix that must be declared there or above).
_ROOT_NAMESPACES = {
    "mc": MC_NS, "w14": W14_NS,
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
}


def _declare_namespaces(document: DocxDocument) -> None:
    """The document part's root with every namespace of the body declared on it (lxml
    declared them on each element that used them)."""
    part = document.part
    old = part.element
    root = oxml_parser.makeelement(old.tag, attrib=dict(old.attrib),
                                   nsmap={**old.nsmap, **_ROOT_NAMESPACES})
    root.text = old.text
    root.extend(list(old))
    etree.cleanup_namespaces(root, top_nsmap=_ROOT_NAMESPACES, keep_ns_prefixes=list(
        _ROOT_NAMESPACES))
    part._element = root


def _clear_body(document: DocxDocument) -> None:
    """Drop the reference's sample content, keeping the final section's page setup."""
    body = document.element.body
    body.get_or_add_sectPr()
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    part = document.part
    for r_id, rel in list(part.rels.items()):
        if rel.reltype in (RT.IMAGE, RT.HYPERLINK):
            part.drop_rel(r_id)  # only the sample body referred to these
