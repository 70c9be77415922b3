"""The bundled fonts (and a project's) embedded in the DOCX, so that it looks and paginates
the same on a machine that lacks them (ECMA-376 part 1, 17.8.1: embedded, obfuscated TrueType).

Part of the render stage. Every family of the layout's fonts (the bundled ones and the
project's, ``layout.Layout.faces``) that the document names (its
styles, its font table, its charts) gets all four of its faces embedded, whole (not
subset: an editor may type any character the fonts have), as ``word/fonts/fontN.odttf``
parts related to the font table, each listed there as ``w:embedRegular`` / ``Bold`` /
``Italic`` / ``BoldItalic`` with its ``w:fontKey``; the settings say
``w:embedTrueTypeFonts``. The ParaType Free Font License of the bundled fonts allows
"embedding in documents" (fonts/LICENSE-ParaType.txt; its text is in each font's name
table too); a project's font is read only if its OS/2 fsType allows embedding
(``layout.read_face``), its licence otherwise the project's to keep. Fonts of a corporate
reference document that are neither bundled nor the project's are left as they are.

Obfuscation (17.8.1): the key is the 16 bytes written by the GUID's 32 hex digits read in
reverse order; the font's first 32 bytes are XORed with the key repeated. The GUID is made
from the font's bytes, so the same fonts give the same DOCX.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from pathlib import Path

from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml.ns import nsdecls, qn
from docx.oxml.parser import parse_xml
from lxml import etree

from reportgen.render.docx.ooxml import el
from reportgen.render.docx.settings import set_flag
from reportgen.resources import FontFace

OBFUSCATED_FONT = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
FONT_TABLE = "application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"
#: The face slots of a w:font, in CT_Font's order, by (bold, italic).
_SLOTS = {(False, False): "w:embedRegular", (True, False): "w:embedBold",
          (False, True): "w:embedItalic", (True, True): "w:embedBoldItalic"}
#: CT_Font's children after the embedded faces come none; before them, these (in order).
_BEFORE_EMBEDS = ("w:altName", "w:panose1", "w:charset", "w:family", "w:notTrueType",
                  "w:pitch", "w:sig")
#: What a font table entry says of a family reportgen adds to it (Word's own values for
#: the fonts' models, PT Serif and PT Sans: roman and swiss, Cyrillic charset).
_NEW_FAMILY = {"Report Serif": ("020A0603040505020204", "roman"),
               "Report Sans": ("020B0503020203020204", "swiss")}


def font_key(data: bytes) -> str:
    """The font's GUID, '{8-4-4-4-12}' in capitals, made from its bytes."""
    return "{" + str(uuid.UUID(bytes=hashlib.sha256(data).digest()[:16])).upper() + "}"


def _key_bytes(guid: str) -> bytes:
    digits = guid.strip("{}").replace("-", "")
    return bytes.fromhex(digits)[::-1]


def obfuscate(data: bytes, guid: str) -> bytes:
    """``data`` (a TrueType font) with its first 32 bytes XORed with the key of ``guid``;
    the same function de-obfuscates."""
    key = _key_bytes(guid) * 2
    head = bytes(a ^ b for a, b in zip(data[:32], key, strict=False))
    return head + data[32:]


def _by_family(faces: Iterable[FontFace]) -> dict[str, dict[tuple[bool, bool], Path]]:
    """The faces by family and (bold, italic): Word's four slots (the first face of a slot
    is kept)."""
    found: dict[str, dict[tuple[bool, bool], Path]] = {}
    for face in faces:
        found.setdefault(face.family, {}).setdefault(
            (face.weight >= 600, face.style == "italic"), face.path)
    return found


def embed_fonts(document: DocxDocument, faces: Iterable[FontFace],
                also: Iterable[str] = ()) -> list[str]:
    """Embed the families of ``faces`` that the document's styles name (and ``also``); the
    families embedded."""
    bundled = _by_family(faces)
    named = _named_fonts(document) | set(also)
    families = sorted(f for f in named if f in bundled)
    if not families:
        return []
    part = _font_table(document)
    root = parse_xml(part.blob)
    for family in families:
        entry = _entry(root, family)
        for slot in _SLOTS.values():
            for old in entry.findall(qn(slot)):
                entry.remove(old)
        for bold_italic, slot in _SLOTS.items():
            path = bundled[family].get(bold_italic)
            if path is None:
                continue
            data = path.read_bytes()
            guid = font_key(data)
            font = Part(_next_partname(document), OBFUSCATED_FONT, obfuscate(data, guid),
                        document.part.package)
            r_id = part.relate_to(font, RT.FONT)
            entry.append(el(slot, {"r:id": r_id, "w:fontKey": guid}))
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    set_flag(document.settings.element, "w:embedTrueTypeFonts")
    return families


def _named_fonts(document: DocxDocument) -> set[str]:
    names: set[str] = set()
    for fonts in document.styles.element.iter(qn("w:rFonts")):
        for side in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            value = fonts.get(qn(side))
            if value:
                names.add(value)
    return names


def _font_table(document: DocxDocument) -> Part:
    part = document.part
    for rel in part.rels.values():
        if rel.reltype == RT.FONT_TABLE:
            target: Part = rel.target_part
            return target
    table = Part(PackURI("/word/fontTable.xml"), FONT_TABLE,
                 f'<w:fonts {nsdecls("w", "r")}/>'.encode(), part.package)
    part.relate_to(table, RT.FONT_TABLE)
    return table


def _entry(root: etree._Element, family: str) -> etree._Element:
    for font in root.iterfind(qn("w:font")):
        if font.get(qn("w:name")) == family:
            return font
    panose, kind = _NEW_FAMILY.get(family, ("00000000000000000000", "auto"))
    font = el("w:font", {"w:name": family},
              el("w:panose1", {"w:val": panose}), el("w:charset", {"w:val": "CC"}),
              el("w:family", {"w:val": kind}), el("w:pitch", {"w:val": "variable"}))
    root.append(font)
    return font


def _next_partname(document: DocxDocument) -> PackURI:
    used = {str(p.partname) for p in document.part.package.iter_parts()}
    n = 1
    while f"/word/fonts/font{n}.odttf" in used:
        n += 1
    return PackURI(f"/word/fonts/font{n}.odttf")


def embedded_fonts(font_table: bytes, parts: dict[str, bytes],
                   rels: bytes) -> dict[str, bytes]:
    """The fonts a DOCX embeds, de-obfuscated, by 'Family/slot' (for tests and checks):
    ``font_table`` is word/fontTable.xml, ``rels`` its relationships, ``parts`` the zip."""
    targets = {r.get("Id"): r.get("Target") for r in etree.fromstring(rels)}
    out = {}
    for font in etree.fromstring(font_table).iterfind(qn("w:font")):
        for slot in _SLOTS.values():
            node = font.find(qn(slot))
            if node is None:
                continue
            target = targets[node.get(qn("r:id"))]
            data = parts["word/" + target.lstrip("/").removeprefix("word/")]
            name = f"{font.get(qn('w:name'))}/{slot.removeprefix('w:embed')}"
            out[name] = obfuscate(data, node.get(qn("w:fontKey")))
    return out
