"""Inlines of the DOCX report: runs and their character styles, links, footnotes, page
references.

Part of the render stage, called by the body writer for every paragraph's content.
A run has one character style: when several apply (a bold word in inline code), the
first of ``_CHAR_PRIORITY`` takes it and bold or italic stay as direct toggles, the
only direct formatting the writer makes. A page reference is a PAGEREF field whose
cached result is the print layout's page, if known; Word and LibreOffice recompute it.
Unknown inline nodes are bugs (TypeError).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.parts.document import DocumentPart
from lxml import etree

from reportgen.model import nodes as m
from reportgen.render.docx.context import Context
from reportgen.render.docx.notes import Footnotes
from reportgen.render.docx.ooxml import break_run, hyperlink, text_runs
from reportgen.render.docx.ooxml import field as make_field
from reportgen.render.docx.styles import StyleMap
from reportgen.render.docx.targets import Targets

#: Span roles (HTML tags or classes) that have a character style of their own.
SPAN_STYLES = {"sup": "Superscript", "sub": "Subscript", "u": "Underlined", "mark": "Marked",
               "code": "Code"}
#: Which character style wins when several apply to one run (a run has one style).
_CHAR_PRIORITY = ("Code", "Superscript", "Subscript", "Strong Emphasis", "Strong", "Emphasis",
                  "Hyperlink", "Underlined", "Marked")
#: Bold and italic are kept as toggles when another style took the run's one style slot.
_TOGGLES = {"Strong": ("b",), "Emphasis": ("i",), "Strong Emphasis": ("b", "i")}


@dataclass(frozen=True, slots=True)
class InlineWriter:
    """The runs of inline nodes in one document."""

    part: DocumentPart  # the document's main part, which external links are related to
    styles: StyleMap
    targets: Targets
    footnotes: Footnotes
    #: The print layout's page of each link target: the PAGEREF fields' cached results.
    pages: Mapping[str, int]
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
                    if role in SPAN_STYLES:
                        inner = inner.styled(SPAN_STYLES[role])
                    out.extend(self.inlines(children, inner))
                case m.Note(number=number, paragraphs=paragraphs):
                    plain = Context(lang=ctx.lang)  # a note in bold text is not bold
                    out.append(self.footnotes.add(
                        number, [self.inlines(p, plain) for p in paragraphs], ctx.lang))
                case m.PageRef(target=target):
                    bookmark_name = self.targets.by_anchor[target]
                    cached = str(self.pages.get(target, "?"))
                    out.extend(make_field(f"PAGEREF {bookmark_name} \\h",
                                          self.runs(cached, ctx)))
                case m.CrossRef(target=target, children=children):
                    runs = self.inlines(children, ctx)
                    if runs:
                        out.append(hyperlink(runs, anchor=self.targets.by_anchor[target]))
                case _:
                    raise TypeError(f"unknown inline node {node!r}")
        return out

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
        return text_runs(text, self.styles.char(style) if style else None, ctx.lang, toggles)

    def _link(self, url: str, runs: list[etree._Element]) -> etree._Element:
        if url.startswith("#"):
            anchor = self.targets.by_anchor.get(url[1:])
            if anchor is not None:
                return hyperlink(runs, anchor=anchor)
        r_id = self.part.relate_to(url, RT.HYPERLINK, is_external=True)
        return hyperlink(runs, r_id=r_id)
