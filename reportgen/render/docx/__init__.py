"""DOCX writer: the document model as an editable Word document, styled by a reference .docx.

Render stage, a writer over the same model as the PDF writer; it never reads
another writer's output (no HTML or PDF conversion). It starts from a
reference document (``layouts/default/reference.docx`` or the user's own),
keeps its styles, numbering, settings and page setup, drops its body, and
applies styles by name only, never direct formatting, so that changing the
template restyles the whole report. Writes no files: the build orchestrator
writes the returned bytes.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

from reportgen.errors import RenderError
from reportgen.model import nodes as m
from reportgen.render.docx.body import BodyWriter
from reportgen.render.docx.ooxml import lang_tag
from reportgen.render.docx.package import reproducible_zip, request_field_update, set_properties, timestamp
from reportgen.render.docx.page import furnish
from reportgen.render.docx.pictures import Pictures
from reportgen.render.docx.styles import REQUIRED_STYLES, complete_styles, set_default_language
from reportgen.resources import layout_dir

__all__ = ["REQUIRED_STYLES", "default_reference", "render_docx"]


def default_reference() -> Path:
    """The reference document shipped with reportgen (every style the writer uses)."""
    return layout_dir("default") / "reference.docx"


def render_docx(doc: m.Document, project_root: Path, reference: Path | None = None,
                pages: Mapping[str, int] | None = None) -> bytes:
    """The DOCX of ``doc`` as bytes, styled by ``reference`` (default: the bundled one).

    ``pages`` (the page of each link target in the print layout, when known) fills the
    cached results of the PAGEREF fields of cross-references, which Word and LibreOffice
    recompute for the DOCX's own pagination.
    """
    default = _open(default_reference())
    document = default if reference is None else _open(reference)
    styles = complete_styles(document, default)
    set_default_language(styles, lang_tag(doc.meta.lang))
    _clear_body(document)
    pictures = Pictures(document.part, project_root)
    BodyWriter(document, styles, doc, pictures, pages).write()
    furnish(document, styles, doc.meta.title)
    set_properties(document, doc.meta)
    request_field_update(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return reproducible_zip(buffer.getvalue(), timestamp(doc.meta))


def _open(path: Path) -> DocxDocument:
    try:
        return docx.Document(str(path))
    except Exception as exc:  # python-docx raises zip, XML and package errors alike
        raise RenderError(f"cannot read the reference document {path}: {exc}") from exc


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
