"""Where each block of the DOCX came from, carried inside it for ``reportgen pull``.

Render stage, part of the DOCX writer. It adds nothing visible: each body paragraph of a
section, each paragraph of a footnote, and the paragraphs the body writer marked before
the sections (the cover's lines, the summary page, reportgen's own headings) get a hidden
point bookmark ``_rg_<n>`` (Word and LibreOffice keep bookmarks through editing and
saving; a name starting with ``_`` is hidden in Word's dialog), and
one custom XML part (``customXml/itemN.xml`` with its properties part, related from the
document part, which Word and LibreOffice keep as they found it) holds, per section file,
the text it was built from and its SHA-256, and per bookmark the block's file, its lines
in that text, its kind (a paragraph, heading or list item; the section's title, its lead
or summary; a caption, with its label; a footnote; the cover, with report.yaml's key;
generated content) and the Markdown of the paragraph as written (``markdown``, which
``reportgen pull`` applies to the edited paragraph too, so that an unedited paragraph
reads back exactly as it was written). Reads no project file: the texts are the model's
(``Section.source_text``). The paragraphs' Markdown is ``readback``'s, as ``pull`` reads
it. See docs/pull.md.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path, PurePosixPath

from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml.ns import qn
from lxml import etree

from reportgen.model import nodes as m
from reportgen.render.docx.ooxml import el
from reportgen.render.docx.readback import Styles, markdown

NS = "urn:reportgen:provenance"
#: The version of the part's format: ``pull`` refuses a DOCX of another one.
VERSION = "1"
BOOKMARK_PREFIX = "_rg_"
#: Bookmark ids far above the writer's own (which count from 1).
BOOKMARK_ID_BASE = 1_000_000
RT_CUSTOM_XML = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml"
RT_CUSTOM_XML_PROPS = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
                       "customXmlProps")
CT_XML = "application/xml"
CT_PROPS = "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"
DS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/customXml"
#: The item's GUID (fixed: the DOCX stays reproducible; it names the kind of part, not a build).
ITEM_ID = "{5C1E7A10-20AF-4F6B-9B25-7265706F7274}"
#: A line that ends a footnote's text: the next one's, or a template statement alone.
_NOTE_STOP = re.compile(r"\s*(\[\^[^\]]+\]:|\{%.*%\}\s*$)")


@dataclass(frozen=True, slots=True)
class _Mark:
    """A paragraph the writer made for ``node``: ``kind`` says what it is when it is not a
    block's own paragraph (a lead, a summary, a caption); ``section``, when the paragraph
    stands outside its section (the summary page); ``extra``: what ``pull`` needs besides
    (a caption's label, a chart's id)."""

    node: m.Block | m.Section | m.Meta  # Meta: the cover and the contents (report.yaml's)
    kind: str | None
    section: m.Section | None
    extra: tuple[tuple[str, str], ...]


class Provenance:
    """Collects the paragraphs the body writer wrote for model blocks, then marks them."""

    def __init__(self) -> None:
        self.marks: list[tuple[etree._Element, _Mark]] = []

    def mark(self, p: etree._Element, node: m.Block | m.Section | m.Meta, kind: str | None = None,
             section: m.Section | None = None, extra: Mapping[str, str] | None = None) -> None:
        self.marks.append((p, _Mark(node, kind, section, tuple(sorted((extra or {}).items())))))

    def attach(self, document: DocxDocument, doc: m.Document, styles: Styles,
               project_root: Path) -> None:
        """Bookmark the marked paragraphs (and the other paragraphs and tables of each
        section, as generated), the footnotes' paragraphs, and add the custom part."""
        sections = [s for s in doc.sections if s.source_text]
        if not sections:
            return
        names = _relative_names([s.source for s in sections], project_root.resolve())
        root = etree.Element(f"{{{NS}}}provenance", nsmap={"rg": NS})
        root.set("version", VERSION)
        root.set("lang", doc.meta.lang)
        root.set("period", doc.meta.period_id)
        root.set("organization", doc.meta.organization)
        root.set("title", doc.meta.title)
        root.set("strong", " ".join(sorted(styles.strong)))
        root.set("emphasis", " ".join(sorted(styles.emphasis)))
        # what is marked besides the sections' paragraphs (a DOCX of an earlier reportgen,
        # of the same format, did not mark its footnotes: pull does not read them there)
        root.set("marked", "footnotes front")
        seen: set[Path] = set()
        for section in sections:
            if section.source in seen:
                continue
            seen.add(section.source)
            f = etree.SubElement(root, f"{{{NS}}}file")
            f.set("path", names[section.source])
            f.set("sha256", hashlib.sha256(section.source_text.encode("utf-8")).hexdigest())
            f.text = section.source_text
        blocks = _Blocks(root, names, {s.source: s.source_text.split("\n") for s in sections},
                         styles)
        for _, mark in self.marks:
            node = mark.node
            if not isinstance(node, m.Section | m.Meta) and mark.kind is None and node.loc.line:
                blocks.starts.setdefault(node.loc.file, []).append(node.loc.line)
        by_element = {id(p): marked for p, marked in self.marks}
        current: m.Section | None = None
        for child in document.element.body:
            marked = by_element.get(id(child))
            if marked is not None and isinstance(marked.node, m.Meta):
                blocks.front(child, marked)
                continue
            if marked is not None and marked.section is not None:
                if marked.section.source_text:
                    blocks.add(child, marked.section, marked)
                continue
            if marked is not None and isinstance(marked.node, m.Section):
                current = marked.node if marked.node.source_text else None
            if current is None:
                continue
            if child.tag == qn("w:p") and child.find(f".//{qn('w:instrText')}") is not None \
                    and "TOC" in "".join(t.text or "" for t in child.iter(qn("w:instrText"))):
                current = None  # the list of figures after the last section: Word's own
                continue
            if child.tag in (qn("w:p"), qn("w:tbl")):
                blocks.add(child, current, marked)
        footnotes = _footnotes_root(document)
        if footnotes is not None:
            notes = {n.number: n for n in _notes(doc)}
            for element in footnotes.iterfind(qn("w:footnote")):
                note = notes.get(int(element.get(qn("w:id"), "0")))
                if note is not None and note.text_locs:
                    blocks.notes(element, note)
        _add_part(document, etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                           standalone=True))


class _Blocks:
    """The part's ``block`` entries, numbered in reading order, each bookmarked."""

    def __init__(self, root: etree._Element, names: dict[Path, str],
                 texts: dict[Path, list[str]], styles: Styles) -> None:
        self.root, self.names, self.texts, self.styles = root, names, texts, styles
        self.starts: dict[Path, list[int]] = {}  # the lines where a section's blocks start
        self.number = 0

    def _new(self, file: Path | None, kind: str, text: str, target: etree._Element,
             **attrs: str) -> etree._Element:
        self.number += 1
        block = etree.SubElement(self.root, f"{{{NS}}}block")
        block.set("id", str(self.number))
        block.set("file", self.names[file] if file is not None else "")
        block.set("kind", kind)
        for key, value in attrs.items():
            block.set(key, value)
        block.text = text
        _point_bookmark(target, f"{BOOKMARK_PREFIX}{self.number}",
                        BOOKMARK_ID_BASE + self.number)
        return block

    def front(self, child: etree._Element, marked: _Mark) -> None:
        """A paragraph of the pages before the sections: the cover (report.yaml's ``key``),
        the contents' entries, reportgen's own headings."""
        self._new(None, marked.kind or "cover", markdown(child, self.styles), child,
                  **dict(marked.extra))

    def add(self, child: etree._Element, section: m.Section, marked: _Mark | None) -> None:
        styles, file = self.styles, section.source
        if child.tag == qn("w:tbl"):
            first = child.find(f".//{qn('w:p')}")
            if first is not None:
                self._new(file, "table", "\n".join(markdown(p, styles)
                                                   for p in child.iter(qn("w:p"))), first)
            return
        text = markdown(child, styles)
        if marked is None:
            self._new(file, "generated", text, child)
            return
        node, extra = marked.node, dict(marked.extra)
        if isinstance(node, m.Meta) or not isinstance(node, m.Section) and \
                node.loc.file != section.source:
            self._new(file, "generated", text, child)  # a draft's marker (report.yaml's line)
        elif isinstance(node, m.Section) or marked.kind in ("title", "lead", "summary"):
            kind = marked.kind or "heading1"
            label = _label(text, section.title) if kind in ("heading1", "title") else ""
            labels = {"label": label, "numbered": _label(_plain(child), section.title)}
            self._new(file, kind, text[len(label):], child, **(labels if label else {}))
        elif marked.kind == "caption":
            label = extra.pop("label", "")
            if text.startswith(label):
                text = text[len(label):].lstrip(" ")
                extra["label"] = label
            at = str(node.loc.line or 0)
            self._new(file, "caption", text, child, start=at, end=at, **extra)
        else:
            kind = ("heading" if isinstance(node, m.Heading) else
                    "item" if isinstance(node, m.ListBlock) else "paragraph")
            line = node.loc.line or 0
            end = _block_end(self.texts.get(node.loc.file, []), line,
                             self.starts.get(node.loc.file, []), kind)
            self._new(file, kind, text, child, start=str(line), end=str(end),
                      style=_style(child))

    def notes(self, element: etree._Element, note: m.Note) -> None:
        """The paragraphs of a footnote's text, each with the lines it was typed on."""
        file = note.text_locs[0].file
        if file not in self.names:
            return
        lines = self.texts.get(file, [])
        for p, loc in zip(element.iterfind(qn("w:p")), note.text_locs, strict=False):
            start = loc.line or 0
            end = _block_end(lines, start, [], "paragraph")
            # up to the next footnote's text or a statement on a line of its own ({% endif %})
            stop = next((i for i in range(start + 1, end + 1)
                         if _NOTE_STOP.match(lines[i - 1])), end + 1)
            end = stop - 1
            self._new(file, "note", markdown(p, self.styles).strip(), p, start=str(start),
                      end=str(end), number=str(note.number))


def _label(text: str, title: str) -> str:
    """What a heading's Markdown ``text`` shows before the section's ``title`` (an
    appendix's 'Приложение. ', its number a field), or ''."""
    return text[:len(text) - len(title)] if title and text.endswith(title) else ""


def _plain(p: etree._Element) -> str:
    """The text of ``p`` as shown, fields' results (a number) included."""
    return "".join(t.text or "" for t in p.iter(qn("w:t")))


def _footnotes_root(document: DocxDocument) -> etree._Element | None:
    for rel in document.part.rels.values():
        if rel.reltype == RT.FOOTNOTES and not rel.is_external:
            element = getattr(rel.target_part, "element", None)
            return element if isinstance(element, etree._Element) else None
    return None


def _notes(node: object) -> Iterator[m.Note]:
    """Every footnote of a model tree, in order."""
    if isinstance(node, m.Note):
        yield node
    elif isinstance(node, tuple | list):
        for item in node:
            yield from _notes(item)
    elif is_dataclass(node) and not isinstance(node, type):
        for f in fields(node):
            yield from _notes(getattr(node, f.name))


def _style(p: etree._Element) -> str:
    node = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return node.get(qn("w:val"), "") if node is not None else ""


def _block_end(lines: Sequence[str], start: int, starts: Sequence[int], kind: str) -> int:
    """The last line of the block that starts on line ``start`` (1-based): up to a blank
    line, the next block's start, or the end of the file; a heading is one line."""
    if start <= 0 or kind == "heading":
        return start
    later = [s for s in starts if s > start]
    stop = min(later) if later else len(lines) + 1
    end = start
    while end + 1 < stop and end < len(lines) and lines[end].strip():
        end += 1
    return end


def _point_bookmark(p: etree._Element, name: str, bookmark_id: int) -> None:
    start = el("w:bookmarkStart", {"w:id": str(bookmark_id), "w:name": name})
    end = el("w:bookmarkEnd", {"w:id": str(bookmark_id)})
    ppr = p.find(qn("w:pPr"))
    index = 0 if ppr is None else list(p).index(ppr) + 1
    p.insert(index, start)
    p.insert(index + 1, end)


def _relative_names(paths: Sequence[Path], root: Path) -> dict[Path, str]:
    """Each section file's name relative to the project's folder, as a POSIX path."""
    out = {}
    for path in paths:
        try:
            out[path] = PurePosixPath(*path.relative_to(root).parts).as_posix()
        except ValueError:
            out[path] = path.name
    return out


def _add_part(document: DocxDocument, blob: bytes) -> None:
    package = document.part.package
    item_name = package.next_partname("/customXml/item%d.xml")
    number = item_name.idx
    item = Part(PackURI(item_name), CT_XML, blob, package)
    props_xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 f'<ds:datastoreItem ds:itemID="{ITEM_ID}" xmlns:ds="{DS_NS}">'
                 f'<ds:schemaRefs><ds:schemaRef ds:uri="{NS}"/></ds:schemaRefs>'
                 f'</ds:datastoreItem>').encode()
    props = Part(PackURI(f"/customXml/itemProps{number}.xml"), CT_PROPS, props_xml, package)
    item.relate_to(props, RT_CUSTOM_XML_PROPS)
    document.part.relate_to(item, RT_CUSTOM_XML)
