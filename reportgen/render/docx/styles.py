"""The styles of the reference document, by name: what the DOCX writer may apply.

Part of the render stage. Resolves style names to ids the way Word does
(case-insensitively, so 'TOC 1' finds Word's 'toc 1'), and completes a
customized reference document that lacks some of the writer's styles by
copying their definitions from the default reference (as Pandoc does), so a
corporate template only needs the styles it wants to change. Never invents
formatting: every property comes from one of the two reference documents.
"""

from __future__ import annotations

import copy

from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from lxml import etree

from reportgen.errors import RenderError

#: Every style the writer applies, by kind; the default reference defines them all.
REQUIRED_STYLES: dict[str, tuple[str, ...]] = {
    "paragraph": (
        "Normal", "Body Text", "Lead", "Heading 1", "Heading 2", "Heading 3", "Heading 4",
        "Cover Org", "Cover Logo", "Cover Title", "Cover Subtitle", "Cover Period",
        "Cover Addressee", "Cover Place", "TOC Heading", "TOC 1", "TOC 2", "TOC 3",
        "List of Figures Heading", "Table of Figures",
        "Summary Heading", "List Bullet", "List Bullet 2", "List Number", "List Number 2",
        "List Continue", "List Continue 2", "Quote", "Thematic Break", "Figure", "Caption",
        "Section Cover", "Gallery Image", "Metric Value", "Metric Label", "Metric Detail",
        "Table Caption", "Table Text", "Table Text Right", "Table Text Center", "Table Heading",
        "Table Heading Right", "Table Heading Center", "Table Group", "Footnote Text",
        "Header", "Footer",
    ),
    "character": (
        "Strong", "Emphasis", "Strong Emphasis", "Hyperlink", "Code", "Caption Label",
        "Cover Label", "Superscript", "Subscript", "Underlined", "Marked", "Footnote Reference",
    ),
    "table": ("Metric Tiles", "Gallery Grid", "Data Table"),
}


def _name(style: etree._Element) -> str:
    name = style.find(qn("w:name"))
    return (name.get(qn("w:val")) if name is not None else None) or style.get(qn("w:styleId"))


class StyleMap:
    """Style ids of a document's styles part, looked up by kind and (case-free) name."""

    def __init__(self, styles: etree._Element) -> None:
        self.styles = styles
        self._ids: dict[tuple[str, str], str] = {}
        self._by_id: dict[str, etree._Element] = {}
        for node in styles.iterfind(qn("w:style")):
            style_id = node.get(qn("w:styleId"))
            self._by_id[style_id] = node
            self._ids.setdefault((node.get(qn("w:type")), _name(node).lower()), style_id)

    def has(self, kind: str, name: str) -> bool:
        return (kind, name.lower()) in self._ids

    def id(self, kind: str, name: str) -> str:
        try:
            return self._ids[(kind, name.lower())]
        except KeyError:
            raise RenderError(f"the reference document has no {kind} style '{name}'") from None

    def para(self, name: str) -> str:
        return self.id("paragraph", name)

    def char(self, name: str) -> str:
        return self.id("character", name)

    def element(self, style_id: str) -> etree._Element | None:
        return self._by_id.get(style_id)

    def numbering(self, style_id: str) -> tuple[int, int] | None:
        """The list (numId, level) a paragraph style is linked to, following basedOn."""
        seen: set[str] = set()
        node = self._by_id.get(style_id)
        while node is not None and style_id not in seen:
            seen.add(style_id)
            num_pr = node.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
            num = num_pr.find(qn("w:numId")) if num_pr is not None else None
            if num is not None:
                level = num_pr.find(qn("w:ilvl"))
                value = int(num.get(qn("w:val")))
                if not value:  # numId 0 switches numbering off
                    return None
                return value, int(level.get(qn("w:val"))) if level is not None else 0
            based = node.find(qn("w:basedOn"))
            style_id = based.get(qn("w:val")) if based is not None else ""
            node = self._by_id.get(style_id)
        return None

    def add(self, node: etree._Element) -> None:
        self.styles.append(node)
        style_id = node.get(qn("w:styleId"))
        self._by_id[style_id] = node
        self._ids.setdefault((node.get(qn("w:type")), _name(node).lower()), style_id)


def complete_styles(target: DocxDocument, default: DocxDocument) -> StyleMap:
    """The style map of ``target``, after copying in the required styles it lacks."""
    styles = StyleMap(target.styles.element)
    source = StyleMap(default.styles.element)
    for kind, names in REQUIRED_STYLES.items():
        for name in names:
            if not styles.has(kind, name):
                _copy_style(source.id(kind, name), source, styles, target, default)
    return styles


def _copy_style(style_id: str, source: StyleMap, styles: StyleMap, target: DocxDocument,
                default: DocxDocument) -> None:
    node = source.element(style_id)
    if node is None or styles.element(style_id) is not None:
        return  # an unknown reference, or the id is taken by a style of another name
    node = copy.deepcopy(node)
    styles.add(node)
    for ref in ("w:basedOn", "w:next", "w:link"):
        child = node.find(qn(ref))
        if child is None:
            continue
        ref_id = child.get(qn("w:val"))
        if styles.element(ref_id) is None:
            if ref == "w:basedOn":
                _copy_style(ref_id, source, styles, target, default)
            else:
                node.remove(child)  # 'next'/'link' are conveniences; drop them if dangling
    num = node.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
    if num is not None:
        new_id = _copy_numbering(num, target, default)
        if new_id is None:
            num.getparent().remove(num)
        else:
            num.find(qn("w:numId")).set(qn("w:val"), str(new_id))


def _copy_numbering(num_pr: etree._Element, target: DocxDocument,
                    default: DocxDocument) -> int | None:
    """Copy the list definition behind ``num_pr`` into ``target``; its new numId or None."""
    num_id = num_pr.find(qn("w:numId"))
    try:
        source = default.part.numbering_part.element
        numbering = target.part.numbering_part.element
    except (NotImplementedError, KeyError):  # python-docx cannot create a numbering part
        return None
    if num_id is None:
        return None
    src_num = source.num_having_numId(int(num_id.get(qn("w:val"))))
    abstract_id = src_num.abstractNumId.val
    abstract = source.find(f"{qn('w:abstractNum')}[@{qn('w:abstractNumId')}='{abstract_id}']")
    if abstract is None:
        return None
    abstract = copy.deepcopy(abstract)
    used = [int(a.get(qn("w:abstractNumId"))) for a in numbering.iterfind(qn("w:abstractNum"))]
    new_abstract = max(used, default=-1) + 1
    abstract.set(qn("w:abstractNumId"), str(new_abstract))
    for nsid in abstract.iterfind(qn("w:nsid")):
        abstract.remove(nsid)  # Word would merge lists that share an nsid
    existing = numbering.findall(qn("w:abstractNum"))
    if existing:
        existing[-1].addnext(abstract)
    else:
        numbering.insert(0, abstract)
    return int(numbering.add_num(new_abstract).numId)


def set_default_language(styles: StyleMap, lang: str) -> None:
    """Make ``lang`` the language of all text that does not say otherwise."""
    root = styles.styles
    defaults = root.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = etree.Element(qn("w:docDefaults"))
        root.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = etree.Element(qn("w:rPrDefault"))
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = etree.SubElement(rpr_default, qn("w:rPr"))
    node = rpr.find(qn("w:lang"))
    if node is None:
        node = _insert_lang(rpr)
    node.set(qn("w:val"), lang)


def _insert_lang(rpr: etree._Element) -> etree._Element:
    # CT_RPr order: w:lang comes after everything the docDefaults usually hold,
    # and before eastAsianLayout, specVanish and oMath.
    node = etree.Element(qn("w:lang"))
    later = [rpr.find(qn(t)) for t in ("w:eastAsianLayout", "w:specVanish", "w:oMath")]
    first_later = next((x for x in later if x is not None), None)
    if first_later is not None:
        first_later.addprevious(node)
    else:
        rpr.append(node)
    return node
