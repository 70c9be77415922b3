"""PDF writer, split render: the parts laid out (``parts``) joined into one PDF.

Part of the render stage. The parts are joined with pikepdf into the PDF a single pass
would have made:

- pages in order;
- links between parts: the joined file has one name tree of destinations, each
  element's from the part it is in (a part's links to another's elements point at the
  names it borrowed, ``PartLayout.borrowed``);
- one outline, the parts' outlines in order; one structure tree (tagged PDF):
  each part's elements under one Document element, the parent tree's keys
  renumbered, with every page's ``StructParents`` and every annotation's
  ``StructParent``;
- the metadata (information dictionary, XMP, output intent, language, viewer
  preferences) of the first part, which every part shares;
- the folios (``parts.render_folios``) drawn over each page as an artifact
  (pagination, not content);
- no content stream ending with a carriage return, which a PDF/A checker reads as
  a stream shorter than its length (``no_cr_before_endstream``).

``join_some`` joins only some of the parts, with their folios: the pages they will be
in the whole PDF, which the preview shows before the whole PDF is joined. Reads no
file but the parts' and the folios' (cache entries).
"""

from __future__ import annotations

import hashlib
import io
import warnings
import zlib
from pathlib import Path
from typing import Any

import pikepdf

from reportgen.errors import RenderError
from reportgen.render.pdf.partlayout import PartLayout


def _open(data: bytes) -> Any:
    return pikepdf.open(io.BytesIO(data))


def _nums(tree: Any) -> list[tuple[int, Any]]:
    """The (key, value) pairs of a flat number tree (WeasyPrint writes its parent tree flat)."""
    if "/Kids" in tree:
        raise RenderError("a part's structure parent tree has /Kids; expected a flat /Nums")
    items = list(tree.get("/Nums", []))
    return [(int(items[i]), items[i + 1]) for i in range(0, len(items), 2)]


def _dests(pdf: Any) -> list[tuple[str, Any]]:
    names = pdf.Root.get("/Names")
    dests = names.get("/Dests") if names is not None else None
    if dests is None:
        return []
    if "/Kids" in dests:
        raise RenderError("a part's destinations name tree has /Kids; expected flat /Names")
    items = list(dests.get("/Names", []))
    return [(str(items[i]), items[i + 1]) for i in range(0, len(items), 2)]


def _foreign(pdf: Any, src: Any, obj: Any) -> Any:
    """``obj`` of ``src`` copied into ``pdf``; pages already copied are referred to, not
    copied again (one map of copies per source file)."""
    if not obj.is_indirect:
        if not hasattr(obj, "keys") and not hasattr(obj, "append"):
            return obj  # a number, name or string: a value
        obj = src.make_indirect(obj)
    return pdf.copy_foreign(obj)


#: The file identifier qpdf writes when told to write a fixed one.
_STATIC_ID = b"<31415926535897932384626433832795>"


def _content_id(data: bytes) -> bytes:
    """``data`` with its fixed identifier replaced by the MD5 of its content, in hex, as
    WeasyPrint makes it (the same content, the same /ID; the same length, so no offset
    moves)."""
    if data.count(_STATIC_ID) != 2:
        raise RenderError("the assembled PDF has no file identifier to set")
    digest = b"(" + hashlib.md5(data, usedforsecurity=False).hexdigest().encode() + b")"
    return data.replace(_STATIC_ID, digest)


def _image_key(image: Any) -> bytes:
    """What makes two image streams the same picture: their dictionary and data, and their
    soft mask's."""
    h = hashlib.sha256()
    for stream in (image, image.get("/SMask")):
        if stream is None:
            continue
        h.update(repr(sorted((str(k), repr(v)) for k, v in stream.items()
                             if k not in ("/Length", "/SMask"))).encode())
        h.update(stream.read_raw_bytes())
    return h.digest()


def _document_elem(tree: Any) -> Any:
    """The one root element of a structure tree (WeasyPrint's Document element)."""
    root = tree.K
    if isinstance(root, pikepdf.Array) and len(root) == 1:
        root = root[0]
    if not isinstance(root, pikepdf.Dictionary) or not isinstance(root.get("/K"), pikepdf.Array):
        raise RenderError("a part's structure tree does not have one Document element")
    return root


def no_cr_before_endstream(pdf: Any) -> int:
    """Make no content stream of ``pdf``'s pages (their contents, their form XObjects) end
    with a carriage return when saved; how many were written again.

    The bytes of a stream are followed by an end-of-line and ``endstream``: data that ends
    with CR, then qpdf's LF, reads as one CR LF end-of-line, and the stream as a byte
    shorter than its ``/Length`` (ISO 19005-2, 6.1.7.1, which a PDF/A checker applies). A
    Flate stream's last byte is that of the Adler-32 checksum of its content (RFC 1950):
    1 in 256 is CR (a folio of the sample was). A content stream takes a trailing newline
    without a change of meaning: one is added until the compressed bytes end otherwise.
    Uncompressed content streams (``stamp_folios``') are compressed here, not by qpdf, so
    that what is checked is what is saved. The parts' own streams were seen to when they
    were written (``variant.repair_pdfa``); this is for what joining adds, the folios.
    """
    seen: set[tuple[int, int]] = set()
    rewritten = 0
    for page in pdf.pages:
        contents = page.obj.get("/Contents")
        streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
        xobjects = page.obj.get("/Resources", {}).get("/XObject", {})
        streams += [x for x in xobjects.values() if x.get("/Subtype") == "/Form"]
        for stream in streams:
            if not isinstance(stream, pikepdf.Stream) or stream.objgen in seen:
                continue
            seen.add(stream.objgen)
            flate = stream.get("/Filter")
            if flate is not None and (flate != pikepdf.Name.FlateDecode
                                      or "/DecodeParms" in stream
                                      or not stream.read_raw_bytes().endswith(b"\r")):
                continue
            content = stream.read_bytes()
            data = zlib.compress(content)
            while data.endswith(b"\r"):
                content += b"\n"
                data = zlib.compress(content)
            stream.write(data, filter=pikepdf.Name.FlateDecode)
            rewritten += 1
    return rewritten


class _JoinedPdf:
    """The first part's file, with the other parts appended one by one."""

    def __init__(self, first: PartLayout) -> None:
        self.pdf = _open(first.pdf())
        root = self.pdf.Root
        self.dests: dict[str, Any] = {n: d for n, d in _dests(self.pdf)
                                      if n not in set(first.borrowed)}
        self.images: dict[bytes, Any] = {}
        self._keys: dict[tuple[int, int], bytes] = {}  # image key by image object
        self._done: set[tuple[int, int]] = set()  # resource dictionaries looked at
        for page in self.pdf.pages:
            self._share_images(page)
        self.tree = root.get("/StructTreeRoot")
        self.document_elem: Any = None
        self.next_key = 0
        if self.tree is not None:
            self.document_elem = _document_elem(self.tree)
            self.next_key = max((k + 1 for k, _ in _nums(self.tree.ParentTree)), default=0)

    def append(self, part: PartLayout) -> None:
        src = _open(part.pdf())
        pdf = self.pdf
        start = len(pdf.pages)
        with warnings.catch_warnings():
            # It warns that named destinations are not copied: they are, below.
            warnings.simplefilter("ignore", pikepdf.exceptions.PageCopyWarning)
            # Pages first: what is copied later and refers to them maps to the copies.
            pdf.pages.extend(src.pages)
        for page in pdf.pages[start:]:
            self._share_images(page)
        src_tree = src.Root.get("/StructTreeRoot")
        if (src_tree is None) != (self.tree is None):
            raise RenderError("the parts of a split render are not all tagged alike")
        if src_tree is not None:
            self._merge_structure(src, src_tree, start)
        borrowed = set(part.borrowed)
        for name, dest in _dests(src):
            if name not in borrowed:
                self.dests.setdefault(name, _foreign(pdf, src, dest))
        outlines = src.Root.get("/Outlines")
        if outlines is not None and "/First" in outlines:
            self._merge_outline(pdf.copy_foreign(outlines))

    def _share_images(self, page: Any) -> None:
        """Make the page use the first copy of a picture another part embeds too (a single
        pass embeds each picture once); the other copies are not saved."""
        resources = page.obj.get("/Resources", {})
        xobjects = resources.get("/XObject", {})
        # The pages of a part share their resources: each dictionary is looked at once.
        shared = next((d.objgen for d in (xobjects, resources) if d.is_indirect), None)
        if shared is not None:
            if shared in self._done:
                return
            self._done.add(shared)
        for name in list(xobjects.keys()):
            image = xobjects[name]
            if image.get("/Subtype") != "/Image":
                continue
            key = self._keys.get(image.objgen)
            if key is None:
                key = self._keys[image.objgen] = _image_key(image)
            first = self.images.setdefault(key, image)
            if first.objgen != image.objgen:
                xobjects[name] = first

    def _merge_structure(self, src: Any, src_tree: Any, start: int) -> None:
        pdf, offset = self.pdf, self.next_key
        src_doc = _document_elem(src_tree)
        kids = list(src_doc.K)
        for kid in kids:
            if isinstance(kid, pikepdf.Dictionary) and "/P" in kid:
                del kid["/P"]  # not copied along: re-parented below
        for kid in kids:
            copied = _foreign(pdf, src, kid)
            if isinstance(copied, pikepdf.Dictionary):
                copied.P = self.document_elem
            self.document_elem.K.append(copied)

        def copy(elem: Any) -> Any:
            if elem is None:
                return None  # an MCID made an artifact (tagging.running_heads_as_artifacts)
            if elem.is_indirect and elem.objgen == src_doc.objgen:
                return self.document_elem
            return _foreign(pdf, src, elem)

        nums = self.tree.ParentTree.Nums
        for key, value in _nums(src_tree.ParentTree):
            nums.append(key + offset)
            if isinstance(value, pikepdf.Array):
                nums.append(pdf.make_indirect(pikepdf.Array([copy(e) for e in value])))
            else:
                nums.append(copy(value))
            self.next_key = max(self.next_key, key + offset + 1)
        for page in pdf.pages[start:]:
            if "/StructParents" in page.obj:
                page.obj.StructParents = int(page.obj.StructParents) + offset
            for annot in page.obj.get("/Annots", []):
                if "/StructParent" in annot:
                    annot.StructParent = int(annot.StructParent) + offset

    def _merge_outline(self, outlines: Any) -> None:
        pdf = self.pdf
        root = pdf.Root.get("/Outlines")
        if root is None or "/First" not in root:
            pdf.Root.Outlines = outlines
            return
        item = outlines.First
        while True:
            item.Parent = root
            if "/Next" not in item:
                break
            item = item.Next
        root.Last.Next = outlines.First
        outlines.First.Prev = root.Last
        root.Last = outlines.Last
        root.Count = int(root.get("/Count", 0)) + int(outlines.get("/Count", 0))

    def stamp_folios(self, folios: bytes | Path, pages: list[int] | None = None) -> None:
        """Draw page i of ``folios`` (a PDF, or its file) over page i, as a pagination
        artifact; or, given ``pages`` (the page of ``folios`` of each page), page
        ``pages[i]``."""
        stamp = _open(folios if isinstance(folios, bytes) else folios.read_bytes())
        pdf = self.pdf
        wanted = list(range(len(stamp.pages))) if pages is None else pages
        if len(wanted) != len(pdf.pages) or any(not 0 <= i < len(stamp.pages) for i in wanted):
            raise RenderError(f"{len(stamp.pages)} folio pages for {len(pdf.pages)} pages")
        for page, folio in zip(pdf.pages, (stamp.pages[i] for i in wanted), strict=True):
            if [float(x) for x in page.mediabox] != [float(x) for x in folio.mediabox]:
                raise RenderError("a folio page is not the size of its page")
            if not folio.obj.get("/Contents") or not bytes(folio.obj.Contents.read_bytes()
                                                        ).strip():
                continue
            xobject = pdf.copy_foreign(folio.as_form_xobject())
            taken = page.obj.get("/Resources", {}).get("/XObject", {})
            name = next(pikepdf.Name(f"/Folio{n}") for n in range(len(taken) + 1)
                        if f"/Folio{n}" not in taken)  # not a random name: same input, same bytes
            page.add_resource(xobject, pikepdf.Name.XObject, name)
            page.contents_add(b"q\n", prepend=True)
            page.contents_add(b"Q\n/Artifact <</Type /Pagination /Subtype /Footer>> BDC\nq "
                              + bytes(str(name), "ascii") + b" Do Q\nEMC\n")

    def save(self) -> bytes:
        pdf = self.pdf
        if self.dests:
            tree = pikepdf.Array()
            for name in sorted(self.dests):
                tree.append(pikepdf.String(name))
                tree.append(self.dests[name])
            if "/Names" not in pdf.Root:
                pdf.Root.Names = pikepdf.Dictionary()
            pdf.Root.Names.Dests = pdf.make_indirect(pikepdf.Dictionary(Names=tree))
        if self.tree is not None:
            self.tree.ParentTreeNextKey = self.next_key
        no_cr_before_endstream(pdf)
        out = io.BytesIO()
        if "/ID" in pdf.trailer:
            del pdf.trailer["/ID"]  # the first part's: replaced by the whole file's
        pdf.save(out, static_id=True, fix_metadata_version=False,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return _content_id(out.getvalue())


def join_parts(parts: list[PartLayout], folios: bytes | Path | None) -> bytes:
    """One PDF of the laid-out ``parts`` in order, with ``folios`` drawn over its pages."""
    pieces = [piece for part in parts for piece in part.pieces()]
    if not pieces:
        raise RenderError("nothing to assemble")
    joined = _JoinedPdf(pieces[0])
    for piece in pieces[1:]:
        joined.append(piece)
    if folios is not None:
        joined.stamp_folios(folios)
    return joined.save()


def join_some(parts: list[PartLayout], folios: bytes | Path | None, wanted: list[int]) -> bytes:
    """The parts ``wanted`` (indices into ``parts``, in order) joined, with the folios of the
    pages they have in the whole PDF (``join_parts(parts, folios)``): each of their pages as
    it will be there. The destinations, outline and structure are theirs alone."""
    if not wanted or wanted != sorted(set(wanted)) or not 0 <= wanted[0] <= wanted[-1] < len(parts):
        raise RenderError("no parts, or not in order, to join")
    starts = [0]
    for part in parts:
        starts.append(starts[-1] + part.pages)
    pieces = [piece for i in wanted for piece in parts[i].pieces()]
    joined = _JoinedPdf(pieces[0])
    for piece in pieces[1:]:
        joined.append(piece)
    pages = [page for i in wanted for page in range(starts[i], starts[i + 1])]
    if len(pages) != len(joined.pdf.pages):
        raise RenderError("a part has not the pages it says")
    if folios is not None:
        joined.stamp_folios(folios, pages)
    return joined.save()
