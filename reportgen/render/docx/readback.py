"""A DOCX paragraph read back as inline Markdown: its text, bold and italic, tracked changes.

Render stage, part of the DOCX writer, and what ``reportgen pull`` reads an edited
paragraph with: the build stores each marked paragraph's Markdown by this same function
(``provenance``), so that an unedited paragraph reads back exactly as it was written.
Fields (a page number, a SEQ number, a reference) are generated and are not read.
Reads only the XML it is given.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@dataclass(frozen=True, slots=True)
class Styles:
    """The character style ids that mean bold and italic (the reference document's)."""

    strong: frozenset[str] = frozenset()
    emphasis: frozenset[str] = frozenset()


def _on(rpr: etree._Element | None, tag: str) -> bool:
    node = rpr.find(f"{{{W}}}{tag}") if rpr is not None else None
    if node is None:
        return False
    return node.get(f"{{{W}}}val", "true") not in ("0", "false", "off")


def _run_text(run: etree._Element, deleted: bool) -> str:
    out: list[str] = []
    for node in run:
        tag = etree.QName(node).localname
        if tag == "t" and not deleted or tag == "delText" and deleted:
            out.append(node.text or "")
        elif tag in ("tab", "br", "cr"):
            out.append(" ")
        elif tag == "noBreakHyphen":
            out.append("-")
    return "".join(out)


def runs(p: etree._Element, tracked: str = "accept") -> Iterator[tuple[str, bool, bool, str]]:
    """The runs of paragraph ``p`` in reading order: (text, in a w:ins, in a w:del, the run's
    character style id and toggles as 'b', 'i' flags). ``tracked``: 'accept' reads
    insertions and drops deletions, 'reject' the other way, 'keep' both."""
    # The fields a run is in, each 'code' up to its separator, then 'result': a field's
    # result is generated (a page number, a reference's number) and not read; its code is
    # instructions, but a text run there is shown text (LibreOffice 7.4 writes the text
    # that follows a REF field's number there: «1-кесте (»).
    fields: list[str] = []
    for run in p.iter(f"{{{W}}}r"):
        chars = run.findall(f"{{{W}}}fldChar")
        for char in chars:
            kind = char.get(f"{{{W}}}fldCharType")
            if kind == "begin":
                fields.append("code")
            elif kind == "separate" and fields:
                fields[-1] = "result"
            elif kind == "end" and fields:
                fields.pop()
        if chars or "result" in fields or any(etree.QName(a).localname == "fldSimple"
                                              for a in run.iterancestors()):
            continue
        ins = del_ = False
        for anc in run.iterancestors():
            name = etree.QName(anc).localname
            if name == "ins":
                ins = True
            elif name in ("del", "moveFrom"):
                del_ = True
            elif name == "p":
                break
        if run.find(f"{{{W}}}instrText") is not None:
            continue
        if tracked == "accept" and del_ or tracked == "reject" and ins:
            continue
        text = _run_text(run, del_)
        if not text:
            continue
        rpr = run.find(f"{{{W}}}rPr")
        style = ""
        if rpr is not None and (rs := rpr.find(f"{{{W}}}rStyle")) is not None:
            style = rs.get(f"{{{W}}}val", "")
        flags = ("b" if _on(rpr, "b") else "") + ("i" if _on(rpr, "i") else "")
        yield text, ins, del_, f"{style}|{flags}"


def markdown(p: etree._Element, styles: Styles, tracked: str = "accept") -> str:
    """Paragraph ``p`` as inline Markdown: its text, bold as ``**``, italic as ``*``
    (direct toggles or the reference's Strong and Emphasis styles); with ``tracked`` 'keep',
    tracked insertions as ``{++…++}`` and deletions as ``{--…--}`` (CriticMarkup)."""
    pieces: list[tuple[str, bool, bool, str]] = []
    for text, ins, del_, style in runs(p, tracked):
        sid, flags = style.split("|")
        bold = "b" in flags or sid in styles.strong
        italic = "i" in flags or sid in styles.emphasis
        mark = ("++" if ins else "--" if del_ else "") if tracked == "keep" else ""
        if pieces and pieces[-1][1:] == (bold, italic, mark):
            pieces[-1] = (pieces[-1][0] + text, bold, italic, mark)
        else:
            pieces.append((text, bold, italic, mark))
    merged: list[tuple[str, bool, bool, str]] = []
    for piece in pieces:  # a space between two runs of one look belongs to them
        if len(merged) >= 2 and not merged[-1][0].strip() and merged[-2][1:] == piece[1:]:
            space = merged.pop()[0]
            merged[-1] = (merged[-1][0] + space + piece[0], *piece[1:])
        elif merged and merged[-1][1:] == piece[1:]:
            merged[-1] = (merged[-1][0] + piece[0], *piece[1:])
        else:
            merged.append(piece)
    out: list[str] = []
    for text, bold, italic, mark in merged:
        core = text.strip()
        if not core:
            out.append(text)
            continue
        lead, trail = text[:len(text) - len(text.lstrip())], text[len(text.rstrip()):]
        fence = "**" * bold + "*" * italic
        core = f"{fence}{core}{fence[::-1]}"
        if mark:
            core = f"{{{mark}{core}{mark}}}"
        out.append(f"{lead}{core}{trail}")
    return "".join(out)
