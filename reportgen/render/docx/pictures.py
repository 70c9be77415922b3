"""Pictures of the DOCX writer: embedded images sized to the text column, with alt text.

Part of the render stage. Every picture gets a unique drawing id and a
description (alt text) for screen readers and Word's accessibility checker.
Pictures shown in a fixed frame (gallery cells, section covers) are cropped
to it through the picture's source rectangle, like CSS ``object-fit: cover``
in the print layout: the image file itself is embedded untouched.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from docx.image.image import Image as DocxImage
from docx.oxml.ns import qn
from docx.oxml.shape import CT_Inline
from docx.parts.document import DocumentPart
from lxml import etree

from reportgen.errors import RenderError
from reportgen.model import nodes as m
from reportgen.render.docx.ooxml import el

EMU_PER_PX = 9525  # CSS pixels (96 per inch), the print layout's natural image size
EMU_PER_MM = 36000
EMU_PER_TWIP = 635

#: Formats Word cannot show; converted to PNG in memory (the project's file is untouched).
_CONVERT = {".webp"}


def fit(image: m.Image, max_width: int, max_height: int) -> tuple[int, int]:
    """The size (EMU) of ``image`` shrunk to fit the box, never enlarged past 96 dpi."""
    width, height = image.width * EMU_PER_PX, image.height * EMU_PER_PX
    scale = min(1.0, max_width / width, max_height / height)
    return round(width * scale), round(height * scale)


class Pictures:
    """Adds pictures to one document part, numbering their drawings 1, 2, 3, ...

    Each image file is embedded once, however often it is shown. python-docx's own
    ``new_pic_inline`` searches the whole document for ids and re-hashes every image part
    for each picture, which made a 250-page report take seconds per hundred pictures;
    here ids are counted and parts are looked up by the file's hash.
    """

    def __init__(self, part: DocumentPart, project_root: Path) -> None:
        self.part = part
        self.root = project_root.resolve()
        self.next_id = part.next_id
        self.count = 0
        self.embedded: dict[str, tuple[str, DocxImage]] = {}  # sha1 -> (rId, image)

    def _embed(self, path: Path) -> tuple[str, DocxImage]:
        source = _source(path)
        data = path.read_bytes() if isinstance(source, str) else source.getvalue()
        key = hashlib.sha1(data).hexdigest()
        if key not in self.embedded:
            self.embedded[key] = self.part.get_or_add_image(source)
        return self.embedded[key]

    def new_id(self) -> int:
        """A drawing id no other drawing of the part has (a native chart's)."""
        shape_id = self.next_id
        self.next_id += 1
        return shape_id

    def drawing(self, image: m.Image, width: int, height: int, alt: str,
                crop: bool = False) -> etree._Element:
        """A ``w:drawing`` showing ``image`` at ``width`` x ``height`` EMU."""
        if not image.path.resolve().is_relative_to(self.root):
            # The same closed world as the PDF writer: only files of the report project.
            raise RenderError(f"refused to read {image.path}: outside the report project")
        shape_id = self.next_id
        try:
            r_id, embedded = self._embed(image.path)
            cx, cy = embedded.scaled_dimensions(width, height)
            inline = CT_Inline.new_pic_inline(shape_id, r_id, embedded.filename, cx, cy)
        except Exception as exc:  # python-docx raises several kinds for unreadable images
            raise RenderError(f"cannot embed {image.path} in the DOCX: {exc}") from exc
        self.next_id += 1
        self.count += 1
        for side in ("distT", "distB", "distL", "distR"):
            inline.set(side, "0")  # Word's default; LibreOffice assumes 3 mm without them
        doc_pr = inline.find(qn("wp:docPr"))
        doc_pr.set("id", str(shape_id))
        doc_pr.set("name", f"Picture {shape_id}")
        doc_pr.set("descr", alt)
        for c_nv_pr in inline.iter(qn("pic:cNvPr")):
            c_nv_pr.set("descr", alt)
        if crop:
            _crop(inline, image, width, height)
        return el("w:drawing", None, inline)


def _source(path: Path) -> str | io.BytesIO:
    if path.suffix.lower() not in _CONVERT:
        return str(path)
    from PIL import Image

    buffer = io.BytesIO()
    with Image.open(path) as img:
        img.save(buffer, format="PNG")
    buffer.seek(0)
    return buffer


def _crop(inline: etree._Element, image: m.Image, width: int, height: int) -> None:
    """Crop the picture's source to the frame's proportions, keeping the centre."""
    image_ratio = image.width / image.height
    frame_ratio = width / height
    if abs(image_ratio - frame_ratio) < 0.005:
        return
    if image_ratio > frame_ratio:  # too wide: cut the sides
        cut = round((1 - frame_ratio / image_ratio) / 2 * 100_000)
        rect = {"l": str(cut), "r": str(cut)}
    else:  # too tall: cut top and bottom
        cut = round((1 - image_ratio / frame_ratio) / 2 * 100_000)
        rect = {"t": str(cut), "b": str(cut)}
    blip = inline.find(f".//{qn('pic:blipFill')}/{qn('a:blip')}")
    src_rect = etree.Element(qn("a:srcRect"), rect)
    blip.addnext(src_rect)  # CT_BlipFillProperties: blip, srcRect, stretch
