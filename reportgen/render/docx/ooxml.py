"""WordprocessingML building blocks for the DOCX writer: runs, fields, bookmarks, links.

Part of the render stage. Builds bare lxml elements (python-docx's element
classes) that carry style *references* and languages only: no fonts, sizes or
colours, which belong to the reference document's styles.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence

from docx.oxml.ns import NamespacePrefixedTag, qn
from docx.oxml.ns import nsmap as namespaces
from docx.oxml.parser import oxml_parser
from lxml import etree

#: Language tags Word expects (w:lang), for the report languages' bare codes.
_LANG_TAGS = {
    "ru": "ru-RU", "en": "en-US", "kk": "kk-KZ", "uk": "uk-UA", "be": "be-BY",
    "de": "de-DE", "fr": "fr-FR", "es": "es-ES", "it": "it-IT", "zh": "zh-CN",
    "tr": "tr-TR", "ky": "ky-KG", "uz": "uz-Latn-UZ",
}


def lang_tag(lang: str) -> str:
    """The Word language tag of a BCP 47 code: 'en' -> 'en-US', 'en-GB' stays."""
    if "-" in lang or "_" in lang:
        parts = lang.replace("_", "-").split("-")
        return "-".join([parts[0].lower(), *(p.upper() if len(p) == 2 else p for p in parts[1:])])
    return _LANG_TAGS.get(lang.lower(), lang.lower())


def el(tag: str, attrs: dict[str, str] | None = None, *children: etree._Element) -> etree._Element:
    """A new element ``tag`` ('w:p') with prefixed attribute names ('w:val') and children."""
    # What python-docx's OxmlElement does, with each tag's name and namespaces worked out once.
    clark, nsmap = _tag(tag)
    prefixes = {k.split(":", 1)[0] for k in attrs or () if ":" in k}
    if not prefixes <= nsmap.keys():
        # An attribute of another namespace ('r:id' on 'w:embedRegular') is declared here:
        # else lxml names it after the prefixes this process happened to see before (an
        # 'ns0' in a fresh process: the same DOCX would differ made apart, issue 21).
        nsmap = {**nsmap, **{p: namespaces[p] for p in sorted(prefixes)}}
    node = oxml_parser.makeelement(clark, attrib={qn(k): v for k, v in (attrs or {}).items()},
                                   nsmap=nsmap)
    for child in children:
        node.append(child)
    return node


@functools.cache
def _tag(tag: str) -> tuple[str, dict[str, str]]:
    nsptag = NamespacePrefixedTag(tag)
    return nsptag.clark_name, nsptag.nsmap


def paragraph(style_id: str, lang: str | None = None) -> etree._Element:
    """An empty ``w:p`` of style ``style_id``; ``lang`` also marks its paragraph mark."""
    ppr = el("w:pPr", None, el("w:pStyle", {"w:val": style_id}))
    if lang:
        ppr.append(el("w:rPr", None, el("w:lang", {"w:val": lang})))
    return el("w:p", None, ppr)


def set_numbering(p: etree._Element, num_id: int, level: int = 0) -> None:
    """Give paragraph ``p`` its own list instance (to restart an ordered list's numbers)."""
    ppr = p.find(qn("w:pPr"))
    assert ppr is not None
    num = el("w:numPr", None, el("w:ilvl", {"w:val": str(level)}),
             el("w:numId", {"w:val": str(num_id)}))
    ppr.find(qn("w:pStyle")).addnext(num)  # CT_PPr order: pStyle, keepNext.., numPr


def run_props(style_id: str | None = None, lang: str | None = None,
              toggles: Iterable[str] = ()) -> etree._Element | None:
    """``w:rPr`` with a character style, the rare toggles no style covers, and a language."""
    children = []
    if style_id:
        children.append(el("w:rStyle", {"w:val": style_id}))
    children.extend(el(f"w:{t}") for t in sorted(toggles, key=["b", "i"].index))
    if lang:
        children.append(el("w:lang", {"w:val": lang}))
    return el("w:rPr", None, *children) if children else None


def _with_props(run: etree._Element, props: etree._Element | None) -> etree._Element:
    if props is not None:
        run.insert(0, props)
    return run


def text_runs(text: str, style_id: str | None = None, lang: str | None = None,
              toggles: Iterable[str] = ()) -> list[etree._Element]:
    """The run(s) of ``text``: tabs and newlines become w:tab and w:br; nothing for ''."""
    if not text:
        return []
    run = el("w:r")
    _with_props(run, run_props(style_id, lang, toggles))
    chunk: list[str] = []

    def flush() -> None:
        if chunk:
            value = "".join(chunk)
            t = el("w:t")
            t.text = value
            if value != value.strip() or "  " in value:
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            run.append(t)
            chunk.clear()

    for char in text:
        if char in "\t\n":
            flush()
            run.append(el("w:tab" if char == "\t" else "w:br"))
        else:
            chunk.append(char)
    flush()
    return [run]


def break_run(lang: str | None = None) -> etree._Element:
    return _with_props(el("w:r", None, el("w:br")), run_props(None, lang))


def field(instruction: str, result: Sequence[etree._Element],
          style_id: str | None = None) -> list[etree._Element]:
    """A complex field: begin, instruction, separate, the cached ``result`` runs, end.

    The cached result is what a reader shows before (or without) updating fields,
    so callers fill it with the right value (no field is marked dirty: Word would ask
    to update the document's fields on opening).
    """
    begin = {"w:fldCharType": "begin"}
    instr = el("w:instrText")
    instr.text = f" {instruction} "
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return [
        _with_props(el("w:r", None, el("w:fldChar", begin)), run_props(style_id)),
        _with_props(el("w:r", None, instr), run_props(style_id)),
        _with_props(el("w:r", None, el("w:fldChar", {"w:fldCharType": "separate"})),
                    run_props(style_id)),
        *result,
        _with_props(el("w:r", None, el("w:fldChar", {"w:fldCharType": "end"})),
                    run_props(style_id)),
    ]


def field_end() -> etree._Element:
    return el("w:r", None, el("w:fldChar", {"w:fldCharType": "end"}))


def bookmark_runs(runs: Sequence[etree._Element], name: str, bookmark_id: int) -> None:
    """Put the bookmark ``name`` around ``runs`` (already in their paragraph, in a row)."""
    runs[0].addprevious(el("w:bookmarkStart", {"w:id": str(bookmark_id), "w:name": name}))
    runs[-1].addnext(el("w:bookmarkEnd", {"w:id": str(bookmark_id)}))


def soft_hyphen_runs(text: str, style_id: str | None = None, lang: str | None = None,
                     toggles: Iterable[str] = ()) -> list[etree._Element]:
    """``text_runs``, with each soft hyphen (U+00AD) a ``w:softHyphen``: Word's optional
    hyphen, which Word and LibreOffice break at (a U+00AD in ``w:t`` is only a character)."""
    runs = text_runs(text, style_id, lang, toggles)
    for run in runs:
        for t in list(run.iter(qn("w:t"))):
            value = t.text or ""
            if "\u00ad" not in value:
                continue
            pieces = value.split("\u00ad")
            at = t
            for i, piece in enumerate(pieces):
                if i:
                    hyphen = el("w:softHyphen")
                    at.addnext(hyphen)
                    at = hyphen
                if piece:
                    new = el("w:t")
                    new.text = piece
                    if piece != piece.strip() or "  " in piece:
                        new.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                    at.addnext(new)
                    at = new
            run.remove(t)
    return runs


def bookmark(p: etree._Element, name: str, bookmark_id: int) -> None:
    """Wrap the content of paragraph ``p`` in the bookmark ``name`` (a TOC or link target)."""
    start = el("w:bookmarkStart", {"w:id": str(bookmark_id), "w:name": name})
    ppr = p.find(qn("w:pPr"))
    if ppr is not None:
        ppr.addnext(start)
    else:
        p.insert(0, start)
    p.append(el("w:bookmarkEnd", {"w:id": str(bookmark_id)}))


def hyperlink(runs: Sequence[etree._Element], *, r_id: str | None = None,
              anchor: str | None = None) -> etree._Element:
    """A w:hyperlink around ``runs``: external (relationship ``r_id``) or to a bookmark."""
    attrs = {"w:history": "1"}
    if r_id is not None:
        attrs["r:id"] = r_id
    if anchor is not None:
        attrs["w:anchor"] = anchor
    return el("w:hyperlink", attrs, *runs)
