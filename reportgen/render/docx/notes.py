"""Word footnotes for the DOCX report: the footnotes part, its separators, and references.

Part of the render stage. python-docx has no footnote API, so the part
(``word/footnotes.xml``) is built here: the separator and continuation
separator footnotes (kept from the reference document when it has them, so a
template's separator line survives), then one ``w:footnote`` per model note,
numbered as in the model. Text uses the 'Footnote Text' paragraph style and
the 'Footnote Reference' character style; nothing is formatted directly.
"""

from __future__ import annotations

from collections.abc import Sequence

from docx.document import Document as DocxDocument
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml.ns import nsdecls, qn
from docx.oxml.parser import parse_xml
from lxml import etree

from reportgen.render.docx.ooxml import el, paragraph, text_runs
from reportgen.render.docx.styles import StyleMap

#: Footnote types that are not notes but the lines above the footnote area.
_SEPARATORS = ("separator", "continuationSeparator", "continuationNotice")
#: CT_Settings children that come after w:footnotePr (ECMA-376 part 1, 17.15.1.78).
_AFTER_FOOTNOTE_PR = (
    "w:endnotePr", "w:compat", "w:docVars", "w:rsids", "m:mathPr", "w:attachedSchema",
    "w:themeFontLang", "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats",
    "w:doNotAutoCompressPictures", "w:forceUpgrade", "w:captions", "w:readModeInkLockDown",
    "w:smartTagType", "sl:schemaLibrary", "w:shapeDefaults", "w:doNotEmbedSmartTags",
    "w:decimalSymbol", "w:listSeparator",
)


def _default_separators() -> list[etree._Element]:
    return [
        parse_xml(f'<w:footnote {nsdecls("w")} w:type="{kind}" w:id="{i}"><w:p><w:pPr>'
                  '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
                  f"<w:r><w:{tag}/></w:r></w:p></w:footnote>")
        for i, (kind, tag) in enumerate((("separator", "separator"),
                                         ("continuationSeparator", "continuationSeparator")),
                                        start=-1)
    ]


class Footnotes:
    """The footnotes of one document; created on the first note, so a report without
    notes gets no footnotes part."""

    def __init__(self, document: DocxDocument, styles: StyleMap) -> None:
        self.document = document
        self.styles = styles
        self.root: etree._Element | None = None

    def _part_root(self) -> etree._Element:
        if self.root is not None:
            return self.root
        part = self.document.part
        separators: list[etree._Element] = []
        partname = PackURI("/word/footnotes.xml")
        for r_id, rel in list(part.rels.items()):
            if rel.reltype == RT.FOOTNOTES:
                old = rel.target_part
                partname = old.partname
                xml = old.blob
                separators = [n for n in parse_xml(xml).iterfind(qn("w:footnote"))
                              if n.get(qn("w:type")) in _SEPARATORS]
                part.drop_rel(r_id)
        root = parse_xml(f"<w:footnotes {nsdecls('w', 'r')}/>")
        for node in separators or _default_separators():
            root.append(node)
        new = XmlPart(partname, CT.WML_FOOTNOTES, root, part.package)
        part.relate_to(new, RT.FOOTNOTES)
        self._declare_separators([int(n.get(qn("w:id"))) for n in root])
        self.root = root
        return root

    def _declare_separators(self, ids: Sequence[int]) -> None:
        """List the separator notes in the settings, as Word does (w:footnotePr)."""
        settings = self.document.settings.element
        old = settings.find(qn("w:footnotePr"))
        if old is not None:
            settings.remove(old)
        node = el("w:footnotePr", None, *(el("w:footnote", {"w:id": str(i)}) for i in ids))
        later = [settings.find(qn(tag)) for tag in _AFTER_FOOTNOTE_PR]
        first_later = next((x for x in later if x is not None), None)
        if first_later is not None:
            first_later.addprevious(node)
        else:
            settings.append(node)

    def add(self, number: int, paragraphs: Sequence[Sequence[etree._Element]],
            lang: str | None) -> etree._Element:
        """Add note ``number`` (paragraphs of runs); returns the run that calls it."""
        root = self._part_root()
        ref_style = self.styles.char("Footnote Reference")
        note = el("w:footnote", {"w:id": str(number)})
        for index, runs in enumerate(paragraphs or [[]]):
            p = paragraph(self.styles.para("Footnote Text"), lang)
            if index == 0:
                p.append(el("w:r", None, el("w:rPr", None, el("w:rStyle", {"w:val": ref_style})),
                            el("w:footnoteRef")))
                p.extend(text_runs(" ", None, lang))
            p.extend(runs)
            note.append(p)
        root.append(note)
        return el("w:r", None, el("w:rPr", None, el("w:rStyle", {"w:val": ref_style})),
                  el("w:footnoteReference", {"w:id": str(number)}))
