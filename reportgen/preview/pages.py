"""The PDF's pages as pictures for the browser, and which of them changed.

Preview layer. ``EditionPages`` holds one edition's current PDF (the bytes a build
writes, opened with PDFium through pypdfium2) and, per page, a version: the browser asks
for ``/page/<lang>/<n>.png?v=<version>``, so a page whose version stands is never sent
again. On a new PDF (``update``) a page keeps its version when its key (``session``:
its part and place in it, its folios) did not change; a page whose key changed is drawn
and compared, pixel for pixel, with the picture shown before: a part typeset again
whose other pages look the same changes only the pages that differ. Only the pages the
browser shows are drawn and compared at once (a page more renumbers every folio: all of
them change); the others get a new version, drawn when the browser asks for them.

PDFium is not thread-safe: every call goes through one lock. Nothing here reads a file.
"""

from __future__ import annotations

import hashlib
import io
import struct
import threading
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

#: Pixels per PDF point of the pictures sent (96 dpi at zoom 1, sharp up to about 150 %).
SCALE = 2.0
#: Pages of an update drawn and compared before it is sent; the rest are drawn when asked for.
EAGER_PAGES = 12

_PDFIUM_LOCK = threading.Lock()  # one PDFium call at a time, across every edition


@dataclass(frozen=True, slots=True)
class OutlineItem:
    title: str
    level: int
    page: int  # 1-based; 0 for none


@dataclass
class EditionPages:
    """One edition's pages as shown: the PDF, each page's version, its pictures."""

    lang: str
    name: str = ""
    data: bytes = b""
    versions: list[int] = field(default_factory=list)
    outline: list[OutlineItem] = field(default_factory=list)
    sizes: list[tuple[float, float]] = field(default_factory=list)  # points
    _keys: list[str | None] = field(default_factory=list)
    _pixels: dict[int, bytes] = field(default_factory=dict)  # page -> digest of its picture
    _png: dict[tuple[int, int], bytes] = field(default_factory=dict)  # (page, version) -> PNG
    #: The text of each page shown before its PDF was joined (``early``): (page, version).
    _early_text: dict[tuple[int, int], str] = field(default_factory=dict)
    _doc: Any = None
    _counter: int = 0

    def update(self, name: str, data: bytes, keys: tuple[str, ...] | None,
               visible: Iterable[int] = ()) -> list[int]:
        """Show ``data`` (a PDF) from now on; the 0-based pages that changed."""
        import pypdfium2 as pdfium

        if data == self.data:
            return []
        with _PDFIUM_LOCK:
            doc = pdfium.PdfDocument(data)
            count = len(doc)
            sizes = [doc.get_page_size(i) for i in range(count)]
            outline = [OutlineItem(item.get_title(), item.level,
                                   (item.get_dest().get_index() + 1) if item.get_dest() else 0)
                       for item in doc.get_toc()]
            old_doc, self._doc = self._doc, doc
            if old_doc is not None:
                old_doc.close()
        new_keys: list[str | None] = (list(keys) if keys is not None and len(keys) == count
                                      else [None] * count)
        known = len(self.versions)
        candidates = [i for i in range(count)
                      if i >= known or new_keys[i] is None or new_keys[i] != self._keys[i]
                      or sizes[i] != self.sizes[i]]
        shown = set(visible)
        # Drawn now: the pages on screen, and only if their picture before is known (else
        # there is nothing to compare with: a new version, drawn when asked for).
        eager = [i for i in candidates if i in shown and i in self._pixels][:EAGER_PAGES]
        versions = (self.versions + [0] * count)[:count]
        old_pixels, self._pixels = self._pixels, {}
        kept_png: dict[tuple[int, int], bytes] = {}
        changed: list[int] = []
        flagged = set(candidates)
        for i in range(count):
            if i not in flagged:
                if i in old_pixels:
                    self._pixels[i] = old_pixels[i]
                if (i, versions[i]) in self._png:
                    kept_png[(i, versions[i])] = self._png[(i, versions[i])]
                continue
            if i in eager:
                image, digest = self._render(i)
                if old_pixels.get(i) == digest:  # typeset again, and looks the same
                    self._pixels[i] = digest
                    continue
                self._counter += 1
                versions[i] = self._counter
                self._pixels[i] = digest
                kept_png[(i, versions[i])] = _png(image)
            else:
                self._counter += 1
                versions[i] = self._counter
            changed.append(i)
        self._png = kept_png
        self.name, self.data, self.versions, self.sizes = name, data, versions, sizes
        self.outline, self._keys = outline, new_keys
        self._early_text = {}
        return changed

    def changed_pages(self, keys: tuple[str, ...]) -> list[int] | None:
        """The 0-based pages whose key differs in ``keys`` (the next PDF's page keys); None
        if it has another number of pages."""
        if len(keys) != len(self._keys):
            return None
        return [i for i, (new, old) in enumerate(zip(keys, self._keys, strict=True))
                if new is None or new != old]

    def early(self, data: bytes, pages: list[int], keys: tuple[str, ...],
              visible: Iterable[int]) -> list[int]:
        """Show, before the next PDF is joined, its changed pages that are on screen, drawn
        from ``data``: a PDF of its 0-based ``pages`` as they will be in it
        (``join.join_some``), which hold every page whose key changed in ``keys``. The
        pages changed (a new version each); none, and nothing shown, unless the rest is
        known to stay: the same number of pages, each of the same size, and the same
        outline, so that no title or page number shown is stale meanwhile. ``update``
        with the whole PDF then does the rest, these pages' keys standing."""
        import pypdfium2 as pdfium

        changed = self.changed_pages(keys)
        if not changed or not set(changed) <= set(pages):
            return []
        shown = set(visible)
        drawn: dict[int, tuple[Any, bytes, str]] = {}
        with _PDFIUM_LOCK:
            doc = pdfium.PdfDocument(data)
            try:
                if len(doc) != len(pages):
                    return []
                dests = [item.get_dest() for item in doc.get_toc()]
                outline = [OutlineItem(item.get_title(), item.level, pages[d.get_index()] + 1)
                           for item, d in zip(doc.get_toc(), dests, strict=True) if d is not None]
                sizes = [doc.get_page_size(j) for j in range(len(doc))]
                inside = {page + 1 for page in pages}
                if (None in dests or any(sizes[j] != self.sizes[page]
                                         for j, page in enumerate(pages))
                        or outline != [o for o in self.outline if o.page in inside]):
                    return []
                for j, page in enumerate(pages):
                    if page in changed and page in shown and len(drawn) < EAGER_PAGES:
                        bitmap = _bitmap(doc[j])
                        textpage = doc[j].get_textpage()
                        drawn[page] = (bitmap, hashlib.sha256(bitmap.buffer).digest(),
                                       str(textpage.get_text_range()))
                        textpage.close()
            finally:
                doc.close()
        versions, keys_now = list(self.versions), list(self._keys)
        png, pixels, texts = dict(self._png), dict(self._pixels), dict(self._early_text)
        out = []
        for page, (bitmap, digest, text) in drawn.items():
            keys_now[page] = keys[page]
            if pixels.get(page) == digest:
                continue  # typeset again, and looks the same
            self._counter += 1
            versions[page] = self._counter
            pixels[page], png[(page, versions[page])] = digest, _png(bitmap)
            texts[(page, versions[page])] = text
            out.append(page)
        self._png, self._pixels, self._early_text = png, pixels, texts
        self.versions, self._keys = versions, keys_now
        return out

    def png(self, page: int, version: int) -> bytes | None:
        """The picture of 0-based ``page`` at ``version``, or None if that is not its version."""
        if not 0 <= page < len(self.versions) or self.versions[page] != version:
            return None
        found = self._png.get((page, version))
        if found is None:
            found, digest = self._draw(page)
            self._pixels[page] = digest
            self._png[(page, version)] = found
        return found

    def _render(self, page: int) -> tuple[Any, bytes]:
        """The picture of ``page`` (PDFium's bitmap: ``_png`` makes it a PNG) and a digest
        of its pixels (of the bitmap's own buffer: no copy is made for a page that looks
        as before)."""
        with _PDFIUM_LOCK:
            bitmap = _bitmap(self._doc[page])
            return bitmap, hashlib.sha256(bitmap.buffer).digest()

    def _draw(self, page: int) -> tuple[bytes, bytes]:
        """The PNG of ``page`` and a digest of its pixels."""
        image, digest = self._render(page)
        return _png(image), digest

    def close(self) -> None:
        if self._doc is not None:
            with _PDFIUM_LOCK:
                self._doc.close()
            self._doc = None

    def text(self, page: int, version: int) -> str | None:
        """The text of 0-based ``page`` at ``version``, or None if that is not its version."""
        if not 0 <= page < len(self.versions) or self.versions[page] != version:
            return None
        early = self._early_text.get((page, version))
        return early if early is not None else self.page_text(page)

    def page_text(self, page: int) -> str:
        """The text of 0-based ``page`` (tests compare it with the built PDF's)."""
        with _PDFIUM_LOCK:
            textpage = self._doc[page].get_textpage()
            try:
                return str(textpage.get_text_range())
            finally:
                textpage.close()


def _bitmap(page: Any) -> Any:
    """``page`` drawn by PDFium, RGB (three bytes a pixel, on white)."""
    return page.render(scale=SCALE, rev_byteorder=True)


def _png(bitmap: Any) -> bytes:
    """PDFium's RGB ``bitmap`` as a PNG: its rows unfiltered, deflated fast (zlib level 1).
    Pillow's encoder (adaptive filters) takes three times as long on a page of text, for a
    file as large (30 against 10 ms at 1191 x 1684 pixels, both ~200 KiB), and this is a
    step a changed page waits for. Browsers and Pillow read it back (tested)."""
    import numpy as np

    if bitmap.mode != "RGB":  # pragma: no cover - _bitmap asks for RGB
        out = io.BytesIO()
        bitmap.to_pil().convert("RGB").save(out, "PNG", compress_level=1)
        return out.getvalue()
    width, height = bitmap.width, bitmap.height
    # The buffer is Python's (ctypes), not PDFium's: read without its lock.
    pixels = np.frombuffer(bitmap.buffer, dtype=np.uint8).reshape(height, bitmap.stride)
    rows = np.zeros((height, 1 + 3 * width), dtype=np.uint8)  # each: filter 0, its pixels
    rows[:, 1:] = pixels[:, :3 * width]
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return b"".join((b"\x89PNG\r\n\x1a\n", _chunk(b"IHDR", header),
                     _chunk(b"IDAT", zlib.compress(rows.data, 1)), _chunk(b"IEND", b"")))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
