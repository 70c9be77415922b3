"""What two PDFs of the same report must share, read with pikepdf, poppler and Pillow.

Used to check that a split render (parts typeset alone, then assembled) is the PDF a
single WeasyPrint pass makes: the same text on every page, the same pictures of the
pages, outline, named destinations, links, metadata and structure tree.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pikepdf
from PIL import Image, ImageChops

from .conftest import need


def _pages(pdf: pikepdf.Pdf) -> dict[tuple[int, int], int]:
    return {page.obj.objgen: i for i, page in enumerate(pdf.pages)}


def outline(pdf: pikepdf.Pdf) -> list[tuple[int, str, int, float, int]]:
    """(level, title, page, top, count) of every outline item, in order."""
    pages = _pages(pdf)
    out: list[tuple[int, str, int, float, int]] = []

    def walk(item: Any, level: int) -> None:
        while item is not None:
            dest = item.Dest
            out.append((level, str(item.Title), pages[dest[0].objgen], round(float(dest[3]), 1),
                        int(item.get("/Count", 0))))
            if "/First" in item:
                walk(item.First, level + 1)
            item = item.get("/Next")

    root = pdf.Root.get("/Outlines")
    if root is not None and "/First" in root:
        walk(root.First, 1)
    return out


def destinations(pdf: pikepdf.Pdf) -> dict[str, tuple[int, float, float]]:
    """Every named destination: page, x, y."""
    pages = _pages(pdf)
    names = list(pdf.Root.Names.Dests.Names)
    return {str(names[i]): (pages[names[i + 1][0].objgen], round(float(names[i + 1][2]), 1),
                            round(float(names[i + 1][3]), 1)) for i in range(0, len(names), 2)}


def links(pdf: pikepdf.Pdf) -> list[tuple[int, tuple[float, ...], str, str]]:
    """Every link: page, rectangle, named destination, URI."""
    out = []
    for i, page in enumerate(pdf.pages):
        for annot in page.obj.get("/Annots", []):
            out.append((i, tuple(round(float(x), 1) for x in annot.Rect),
                        str(annot.get("/Dest", "")),
                        str(annot.A.URI) if "/A" in annot else ""))
    return out


def metadata(pdf: pikepdf.Pdf) -> dict[str, Any]:
    root = pdf.Root
    return {
        "info": {str(k): str(v) for k, v in pdf.docinfo.items()},
        "xmp": root.Metadata.read_bytes() if "/Metadata" in root else b"",
        "lang": str(root.get("/Lang", "")),
        "mark": repr(root.get("/MarkInfo")),
        "viewer": repr(root.get("/ViewerPreferences")),
        "intents": [repr(sorted(i.keys())) for i in root.get("/OutputIntents", [])],
        "id": [bytes(x) for x in pdf.trailer.ID],
    }


def structure(pdf: pikepdf.Pdf) -> list[tuple[Any, ...]]:
    """The structure tree, depth first: each element's depth, type, alt text, language and
    page; each marked-content id and annotation reference."""
    if "/StructTreeRoot" not in pdf.Root:
        return []
    pages = _pages(pdf)
    out: list[tuple[Any, ...]] = []

    def walk(elem: Any, depth: int) -> None:
        if isinstance(elem, int):
            out.append((depth, "MCID", int(elem)))
            return
        if elem.get("/Type") == "/OBJR":
            out.append((depth, "OBJR", pages[elem.Pg.objgen], str(elem.Obj.get("/Dest", ""))))
            return
        if elem.get("/Type") == "/MCR":
            out.append((depth, "MCR", int(elem.MCID)))
            return
        out.append((depth, str(elem.S), str(elem.get("/Alt", "")), str(elem.get("/Lang", "")),
                    pages[elem.Pg.objgen] if "/Pg" in elem else None))
        kids = elem.get("/K")
        for kid in (kids if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]):
            walk(kid, depth + 1)

    root = pdf.Root.StructTreeRoot.K
    for elem in (root if isinstance(root, pikepdf.Array) else [root]):
        walk(elem, 0)
    return out


def parent_tree_errors(pdf: pikepdf.Pdf) -> list[str]:
    """Where the parent tree does not lead back from content to its element: each page's
    marked-content ids and each annotation must map to the element that holds them."""
    if "/StructTreeRoot" not in pdf.Root:
        return []
    nums = list(pdf.Root.StructTreeRoot.ParentTree.Nums)
    tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    errors = []

    def kids(elem: Any) -> list[Any]:
        k = elem.get("/K")
        return list(k) if isinstance(k, pikepdf.Array) else [] if k is None else [k]

    for i, page in enumerate(pdf.pages):
        key = page.obj.get("/StructParents")
        if key is None:
            continue
        for mcid, elem in enumerate(tree[int(key)]):
            if elem is None:
                continue
            if not any(isinstance(k, int) and int(k) == mcid for k in kids(elem)):
                errors.append(f"page {i + 1}: MCID {mcid} not under its element")
        for annot in page.obj.get("/Annots", []):
            if "/StructParent" not in annot:
                continue
            elem = tree[int(annot.StructParent)]
            if not any(isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"
                       and k.Obj.objgen == annot.objgen for k in kids(elem)):
                errors.append(f"page {i + 1}: a link's element does not refer to it")
    return errors


def page_texts(path: Path) -> list[str]:
    """The text of every page, as pdftotext lays it out."""
    text = subprocess.run([need("pdftotext"), "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    return text.split("\f")


def page_pictures_differ(a: Path, b: Path, work: Path, dpi: int = 40) -> list[int]:
    """The pages (1-based) whose pictures at ``dpi`` are not the same."""
    for name, path in (("a", a), ("b", b)):
        subprocess.run([need("pdftoppm"), "-png", "-r", str(dpi), str(path), str(work / name)],
                       check=True)
    differ = []
    for picture in sorted(work.glob("a-*.png")):
        other = work / ("b" + picture.name[1:])
        if ImageChops.difference(Image.open(picture).convert("RGB"),
                                 Image.open(other).convert("RGB")).getbbox() is not None:
            differ.append(int(picture.stem.split("-")[1]))
    return differ


def compare(a: Path, b: Path, work: Path, same_id: bool = False) -> dict[str, Any]:
    """Every difference between ``a`` and ``b`` by aspect (an empty dict: none)."""
    found: dict[str, Any] = {}
    with pikepdf.open(a) as pa, pikepdf.open(b) as pb:
        if len(pa.pages) != len(pb.pages):
            return {"pages": (len(pa.pages), len(pb.pages))}
        for aspect in (outline, destinations, links, structure):
            x, y = aspect(pa), aspect(pb)
            if x != y:
                found[aspect.__name__] = (len(x), len(y))
        ma, mb = metadata(pa), metadata(pb)
        if not same_id:
            ma.pop("id"), mb.pop("id")
        if ma != mb:
            found["metadata"] = sorted(k for k in ma if ma[k] != mb[k])
        for name, pdf in (("a", pa), ("b", pb)):
            if errors := parent_tree_errors(pdf):
                found[f"parent tree of {name}"] = errors[:5]
    if page_texts(a) != page_texts(b):
        found["text"] = [i + 1 for i, (x, y) in enumerate(zip(page_texts(a), page_texts(b),
                                                               strict=True)) if x != y]
    work.mkdir(parents=True, exist_ok=True)
    if differ := page_pictures_differ(a, b, work):
        found["pictures of pages"] = differ
    return found
