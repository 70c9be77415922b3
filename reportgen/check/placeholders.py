"""Check stage (release gate): pictures that stand in for the real ones.

A stand-in picture is marked in its own metadata with the text
``reportgen:placeholder``: a JPEG comment (COM segment), a PNG text chunk, a GIF
comment, or an EXIF description or XMP packet of any format. The mark travels
with the file when it is copied, and anyone can write it: ``exiftool
-Comment=reportgen:placeholder picture.jpg``, ImageMagick's ``-set comment``, or
``tools/make_placeholders.py --mark picture.jpg`` (which draws the sample's
stand-ins with it). It is read from the project's own file, where the model says
the picture comes from, never from an output, which may carry the pixels only.

Each use of a marked picture is a warning naming the file and the line that
uses it: a figure, a slide of a gallery, a video's poster, a section's cover,
the organization's logo. Records warnings; never changes the document.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

from PIL import Image as PILImage

from reportgen.assemble.assets import ALLOWED_FORMATS
from reportgen.errors import Problems, SourceLoc, display_path
from reportgen.model import nodes as m
from reportgen.model import walk

MARKER = "reportgen:placeholder"
_MARKER = MARKER.encode()
#: A compressed PNG text chunk larger than this (unpacked) is not read for the mark.
_MAX_TEXT = 1_000_000


def is_placeholder(path: Path) -> bool:
    """Whether the picture at ``path`` says in its metadata that it is a stand-in."""
    try:
        with PILImage.open(path, formats=sorted(ALLOWED_FORMATS)) as im:
            if any(_MARKER in _bytes(value) for value in im.info.values()):
                return True
            png = im.format == "PNG"
    except (OSError, SyntaxError, ValueError):  # assemble reported what cannot be read
        return False
    # Pillow reads a PNG's text chunks after the image data only by decoding it: walk them.
    return png and any(_MARKER in text for text in _png_texts(path))


def _bytes(value: object) -> bytes:
    if isinstance(value, bytes):
        return value
    return value.encode("utf-8", "replace") if isinstance(value, str) else b""


def _png_texts(path: Path) -> Iterator[bytes]:
    with path.open("rb") as f:
        f.seek(8)
        while header := f.read(8):
            if len(header) < 8:
                return
            length, kind = struct.unpack(">I4s", header)
            if kind in (b"tEXt", b"iTXt", b"zTXt") and length <= _MAX_TEXT:
                data = f.read(length)
                if kind == b"zTXt":
                    try:
                        data = zlib.decompressobj().decompress(data.partition(b"\0")[2][1:],
                                                               _MAX_TEXT)
                    except zlib.error:
                        continue
                yield data
                f.seek(4, 1)
            else:
                f.seek(length + 4, 1)
            if kind == b"IEND":
                return


def check_placeholders(doc: m.Document, root: Path, logo_at: SourceLoc | None,
                       covers: dict[Path, SourceLoc], texts: dict[Path, str],
                       problems: Problems) -> None:
    """Every use of a marked picture in ``doc``; ``logo_at`` is where report.yaml names the
    logo, ``covers`` where each section file's front matter names its cover, ``texts`` the
    section files as typed (for the line of a gallery's slide)."""
    marked: dict[Path, bool] = {}

    def report(image: m.Image, where: SourceLoc | None, what: str) -> None:
        file = image.source  # the project's file: its re-encoded copy has no metadata
        if file is None:  # no picture of the project's (one that could not be read)
            return
        if file not in marked:
            marked[file] = is_placeholder(file)
        if marked[file]:
            problems.warning(where, (
                f"{what} '{_shown(file, root)}' is a placeholder (its metadata says "
                f"{MARKER}): put the real picture in its place before the release"))

    if doc.meta.logo is not None:
        report(doc.meta.logo, logo_at, "the logo")
    for section in doc.sections:
        if section.cover is not None:
            report(section.cover, covers.get(section.source, SourceLoc(section.source, 1)),
                   "the cover")
        for block in walk.figures(section.blocks):
            match block:
                case m.Figure(image=image, loc=loc, role=role):
                    report(image, loc, "the video's poster" if role == "video" else "picture")
                case m.Gallery(images=images, loc=loc):
                    for image in images:
                        report(image, _slide_at(image.source or image.path, loc,
                                                texts.get(loc.file, "")),
                               "picture")
                case _:
                    pass  # charts are drawn by reportgen


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root.resolve()).as_posix()
    except ValueError:
        return display_path(path)


def _slide_at(image: Path, gallery: SourceLoc, text: str) -> SourceLoc:
    """The first line of the gallery's file, from the gallery's on, that names the slide."""
    lines = text.splitlines()
    for name in (f"{image.parent.name}/{image.name}", image.name):
        for number in range(gallery.line or 1, len(lines) + 1):
            col = lines[number - 1].find(name)
            if col >= 0:
                return SourceLoc(gallery.file, number, col + 1)
    return gallery
