"""Inlines of the DOCX report: runs and their character styles, links, footnotes, page
references.

Part of the render stage, called by the body writer for every paragraph's content.
A run has one character style: when several apply (a bold word in inline code), the
first of ``_CHAR_PRIORITY`` takes it and bold or italic stay as direct toggles, the
only direct formatting the writer makes. A page reference is a PAGEREF field whose
cached result is the DOCX's page where the page-number pass laid it out (else the print
layout's); Word and LibreOffice recompute it. A cross-reference is a link to its target
whose number and title, where its text shows them, are REF fields to the bookmarks around
the target's number and title (``targets``), as Word's Insert Cross-reference makes them:
they follow when an editor inserts, moves or renames a figure, a table or an appendix and
updates the fields. In a narrow table cell the words get their soft hyphens
(``Context.hyphens``: ``text.hyphenation``), Word's optional hyphens, where Word and
LibreOffice may break a word too long for its column. Unknown inline nodes are bugs
(TypeError).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.parts.document import DocumentPart
from lxml import etree

from reportgen.model import nodes as m
from reportgen.render.docx.context import Context, Pages
from reportgen.render.docx.notes import Footnotes
from reportgen.render.docx.ooxml import break_run, hyperlink, soft_hyphen_runs, text_runs
from reportgen.render.docx.ooxml import field as make_field
from reportgen.render.docx.styles import StyleMap
from reportgen.render.docx.targets import Targets
from reportgen.text.hyphenation import soft_hyphens_text

#: Span roles (HTML tags or classes) that have a character style of their own.
SPAN_STYLES = {"sup": "Superscript", "sub": "Subscript", "u": "Underlined", "mark": "Marked",
               "code": "Code"}
#: Which character style wins when several apply to one run (a run has one style).
_CHAR_PRIORITY = ("Code", "Superscript", "Subscript", "Strong Emphasis", "Strong", "Emphasis",
                  "Hyperlink", "Underlined", "Marked")
#: A no-break space with a letter on one side (not one between digit groups).
_NBSP_BY_WORD = re.compile(r"(?<=[^\W\d_])[\u00a0\u202f]|[\u00a0\u202f](?=[^\W\d_])")
#: Bold and italic are kept as toggles when another style took the run's one style slot.
_TOGGLES = {"Strong": ("b",), "Emphasis": ("i",), "Strong Emphasis": ("b", "i")}


@dataclass(frozen=True, slots=True)
class InlineWriter:
    """The runs of inline nodes in one document."""

    part: DocumentPart  # the document's main part, which external links are related to
    styles: StyleMap
    targets: Targets
    footnotes: Footnotes
    #: The pages the PAGEREF fields' cached results show.
    pages: Pages
    #: The Word tag of a language, None for the document's own.
    lang_of: Callable[[str], str | None]

    def inlines(self, nodes: Sequence[m.Inline], ctx: Context) -> list[etree._Element]:
        out: list[etree._Element] = []
        for node in nodes:
            match node:
                case m.Text(text=text):
                    out.extend(self.runs(text, ctx))
                case m.Strong(children=children):
                    out.extend(self.inlines(children, ctx.styled("Strong")))
                case m.Emph(children=children):
                    out.extend(self.inlines(children, ctx.styled("Emphasis")))
                case m.Code(text=text):
                    out.extend(self.runs(text, ctx.styled("Code")))
                case m.Link(url=url, children=children):
                    runs = self.inlines(children, ctx.styled("Hyperlink"))
                    if runs:
                        out.append(self._link(url, runs))
                case m.LineBreak():
                    out.append(break_run(ctx.lang))
                case m.Span(children=children, role=role, lang=lang):
                    inner = replace(ctx, lang=self.lang_of(lang)) if lang else ctx
                    if lang and ctx.hyphens:  # broken by its own language's rules
                        inner = replace(inner, hyphens=lang.split("-")[0].lower())
                    if role in SPAN_STYLES:
                        inner = inner.styled(SPAN_STYLES[role])
                    if role == "date":  # never broken inside: no soft hyphens, its no-break
                        inner = replace(inner, hyphens=None)  # spaces kept (its column fits it)
                    out.extend(self.inlines(children, inner))
                case m.Note(number=number, paragraphs=paragraphs):
                    plain = Context(lang=ctx.lang)  # a note in bold text is not bold
                    out.append(self.footnotes.add(
                        number, [self.inlines(p, plain) for p in paragraphs], ctx.lang))
                case m.PageRef(target=target):
                    bookmark_name = self.targets.by_anchor[target]
                    cached = self.pages.of_reference(target, bookmark_name)
                    out.extend(make_field(f"PAGEREF {bookmark_name} \\h",
                                          self.runs(cached, ctx)))
                case m.CrossRef(target=target):
                    runs = self.reference(node, ctx)
                    if runs:
                        out.append(hyperlink(runs, anchor=self.targets.by_anchor[target]))
                case _:
                    raise TypeError(f"unknown inline node {node!r}")
        return out

    def reference(self, ref: m.CrossRef, ctx: Context) -> list[etree._Element]:
        """The runs of a cross-reference: its number and title (the first place its text
        shows each) REF fields to the bookmarks around the target's, the rest as it is."""
        wanted: list[tuple[re.Pattern[str], str]] = []
        number = self.targets.numbers.get(ref.target)
        if ref.number is not None and number is not None:
            wanted.append((re.compile(rf"(?<!\d){ref.number}(?!\d)"), number))
        title = self.targets.titles.get(ref.target)
        if title is not None and title[1].strip():
            words = (re.escape(w) for w in title[1].split())
            wanted.append((re.compile(r"[\s\u00a0\u202f]+".join(words)), title[0]))
        out: list[etree._Element] = []
        for child in ref.children:
            if not isinstance(child, m.Text) or not wanted:
                out.extend(self.inlines((child,), ctx))
                continue
            out.extend(self._fields_in(child.text, wanted, ctx))
        return out

    def _fields_in(self, text: str, wanted: list[tuple[re.Pattern[str], str]],
                   ctx: Context) -> list[etree._Element]:
        """``text`` as runs, each match of a ``wanted`` pattern (removed from the list once
        found) a REF field to its bookmark showing the matched text."""
        found = [(match, bookmark, pattern) for pattern, bookmark in wanted
                 if (match := pattern.search(text)) is not None]
        if not found:
            return self.runs(text, ctx)
        match, bookmark, pattern = min(found, key=lambda f: f[0].start())
        wanted.remove((pattern, bookmark))
        return [*self.runs(text[:match.start()], ctx),
                *make_field(f"REF {bookmark} \\h \\* MERGEFORMAT",
                            self.runs(match.group(), ctx)),
                *self._fields_in(text[match.end():], wanted, ctx)]

    def runs(self, text: str, ctx: Context) -> list[etree._Element]:
        """``text`` as runs in the context's language and character styles."""
        styles = set(ctx.chars)
        if {"Strong", "Emphasis"} <= styles:
            styles -= {"Strong", "Emphasis"}
            styles.add("Strong Emphasis")
        ranked = [s for s in _CHAR_PRIORITY if s in styles]
        style = ranked[0] if ranked else None
        # A run has one character style; bold or italic that lost the slot stay as toggles.
        toggles = {t for s in ranked[1:] for t in _TOGGLES.get(s, ())}
        style_id = self.styles.char(style) if style else None
        if ctx.hyphens and "Code" not in styles:
            # A no-break space next to a word is a plain one in a narrow cell: LibreOffice
            # (7.4) cuts a word, or a number, rather than break elsewhere a line that a
            # no-break space glues too long ('январь–июнь 2018 г|ода' in a header cell
            # 40 mm wide). Digit groups ('1 004') stay bound.
            text = _NBSP_BY_WORD.sub(" ", soft_hyphens_text(text, ctx.hyphens))
            return soft_hyphen_runs(text, style_id, ctx.lang, toggles)
        return text_runs(text, style_id, ctx.lang, toggles)

    def _link(self, url: str, runs: list[etree._Element]) -> etree._Element:
        if url.startswith("#"):
            anchor = self.targets.by_anchor.get(url[1:])
            if anchor is not None:
                return hyperlink(runs, anchor=anchor)
        r_id = self.part.relate_to(url, RT.HYPERLINK, is_external=True)
        return hyperlink(runs, r_id=r_id)
