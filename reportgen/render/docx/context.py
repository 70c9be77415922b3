"""What the parts of the DOCX body writer share: the context enclosing nodes pass down, and
the writer's face that its helpers (``front``, ``figures``, ``tabular``) write through.

Part of the render stage. Kept apart from ``body`` so that the helpers it calls do not
import it back (one direction of imports inside the package).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from lxml import etree

from reportgen.model import nodes as m
from reportgen.render.docx.pictures import Pictures
from reportgen.render.docx.styles import StyleMap
from reportgen.render.docx.targets import Targets


@dataclass(frozen=True, slots=True)
class Context:
    """What enclosing nodes pass down: language, paragraph style, character styles."""

    lang: str | None = None  # a Word language tag; None: the document's default language
    para: str = "Body Text"
    chars: tuple[str, ...] = ()

    def styled(self, char_style: str) -> Context:
        return replace(self, chars=(*self.chars, char_style))


class Writer(Protocol):
    """The body writer as its helpers see it: the model, styles, pictures and link targets,
    the text column, and how paragraphs, runs and captions are added to the body."""

    doc: m.Document
    styles: StyleMap
    strings: dict[str, str]
    pictures: Pictures
    targets: Targets
    column: int  # the text column's width, EMU
    column_twips: int

    def inlines(self, nodes: Sequence[m.Inline], ctx: Context) -> list[etree._Element]: ...

    def runs(self, text: str, ctx: Context) -> list[etree._Element]: ...

    def new(self, style: str, lang: str | None = None) -> etree._Element:
        """An empty paragraph of ``style`` at the end of the body."""
        ...

    def append(self, node: etree._Element) -> etree._Element:
        """``node`` (a paragraph or table) at the end of the body."""
        ...

    def paragraph(self, style: str, inlines: Sequence[m.Inline],
                  ctx: Context) -> etree._Element: ...

    def text_paragraph(self, style: str, text: str, ctx: Context) -> etree._Element: ...

    def bookmark(self, p: etree._Element, name: str) -> None: ...

    def section_context(self, section: m.Section) -> Context: ...

    def numbered_caption(self, style: str, word: str, seq: str,
                         node: m.Figure | m.Gallery | m.Chart | m.Table,
                         ctx: Context) -> etree._Element: ...
