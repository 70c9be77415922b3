"""Which paragraph of an edited DOCX each ``_rg_<n>`` bookmark marks.

Pull stage. The build puts a point bookmark at the start of every paragraph it marks
(``render.docx.provenance``). Office suites move it on saving: LibreOffice (7.x) writes
the bookmark of a paragraph that ends a Word section (its ``w:pPr`` holds the
``w:sectPr``) as a ``w:bookmarkStart`` at the very end of the paragraph before, its
``w:bookmarkEnd`` in its own (or in the one after, when the paragraph is empty), and the
bookmark of a footnote's paragraph at the end of the footnote before; Word may write a
bookmark between paragraphs, as a child of the body. So a bookmark marks the paragraph it
starts in, unless something of that paragraph's text comes before its start and nothing
after: then it marks the first paragraph after that has no mark of its own (up to the one
its end is in), or, without one, its own. A bookmark outside any paragraph marks the next
one. A mark is given once: a second paragraph with the same bookmark (a copied paragraph)
has none, and a paragraph takes the first of two (two paragraphs joined into one).
Reads the XML it is given; writes nothing.
"""

from __future__ import annotations

from lxml import etree

from reportgen.render.docx import provenance as pv
from reportgen.render.docx import readback

W = readback.W
_P, _START, _END = f"{{{W}}}p", f"{{{W}}}bookmarkStart", f"{{{W}}}bookmarkEnd"
#: What counts as a paragraph's content: text, a tab, a picture, a note's call.
_CONTENT = frozenset(f"{{{W}}}{t}" for t in ("t", "delText", "tab", "drawing", "pict",
                                                "footnoteReference", "sym"))


def number(start: etree._Element) -> int | None:
    """The ``n`` of a ``_rg_<n>`` bookmark start, None for any other bookmark."""
    name = start.get(f"{{{W}}}name", "")
    rest = name[len(pv.BOOKMARK_PREFIX):]
    return int(rest) if name.startswith(pv.BOOKMARK_PREFIX) and rest.isdigit() else None


def paragraph_marks(root: etree._Element) -> dict[etree._Element, int]:
    """Each marked paragraph under ``root`` (a body, the footnotes) and its mark."""
    paragraphs = list(root.iter(_P))
    index = {p: i for i, p in enumerate(paragraphs)}
    ends: dict[str, int] = {}
    for end in root.iter(_END):
        p = _paragraph_of(end)
        if p is not None:
            ends.setdefault(end.get(f"{{{W}}}id", ""), index[p])
    out: dict[etree._Element, int] = {}
    given: set[int] = set()
    displaced: list[tuple[int, int, int | None]] = []  # (mark, paragraph before, end's)
    last = -1  # the paragraph the last element seen is in or after
    for node in root.iter(_P, _START):
        if node.tag == _P:
            last = index[node]
            continue
        n = number(node)
        if n is None:
            continue
        p = _paragraph_of(node)
        end = ends.get(node.get(f"{{{W}}}id", ""))
        if p is None:  # between paragraphs: the next one's
            displaced.append((n, last, end))
        elif _content_after(p, node) or not _content_before(p, node):
            _give(out, given, p, n)
        else:  # at the end of a paragraph: the next paragraph's, else its own
            displaced.append((n, index[p], end))
    for n, before, end in displaced:
        # the first paragraph after that has no mark of its own, up to the one with its end
        stop = before + 1 if end is None or end <= before else end
        for i in range(before + 1, min(stop, len(paragraphs) - 1) + 1):
            if paragraphs[i] not in out:
                _give(out, given, paragraphs[i], n)
                break
        else:
            if 0 <= before < len(paragraphs) and (end is None or end <= before):
                _give(out, given, paragraphs[before], n)
    return out


def _give(out: dict[etree._Element, int], given: set[int], p: etree._Element, n: int) -> None:
    if n in given or p in out:
        return  # a copied paragraph's bookmark, or a second mark in one paragraph
    out[p] = n
    given.add(n)


def _paragraph_of(node: etree._Element) -> etree._Element | None:
    return next(node.iterancestors(_P), None)


def _content_after(p: etree._Element, start: etree._Element) -> bool:
    seen = False
    for node in p.iter():
        if node is start:
            seen = True
        elif seen and _is_content(node):
            return True
    return False


def _content_before(p: etree._Element, start: etree._Element) -> bool:
    for node in p.iter():
        if node is start:
            return False
        if _is_content(node):
            return True
    return False


def _is_content(node: etree._Element) -> bool:
    if node.tag not in _CONTENT:
        return False
    return node.tag not in (f"{{{W}}}t", f"{{{W}}}delText") or bool(node.text)
