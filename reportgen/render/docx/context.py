"""What the parts of the DOCX body writer share: the context enclosing nodes pass down, and
the writer's face that helpers (``tabular``, ...) write through.

Part of the render stage. Kept apart from ``body`` so that the helpers it calls do not
import it back (one direction of imports inside the package).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from lxml import etree

from reportgen.model import nodes as m
from reportgen.render.docx.styles import StyleMap


@dataclass(frozen=True, slots=True)
class Context:
    """What enclosing nodes pass down: language, paragraph style, character styles."""

    lang: str | None = None  # a Word language tag; None: the document's default language
    para: str = "Body Text"
    chars: tuple[str, ...] = ()

    def styled(self, char_style: str) -> Context:
        return replace(self, chars=(*self.chars, char_style))


class Writer(Protocol):
    """The body writer as its helpers see it: styles, layout words, inlines and captions."""

    styles: StyleMap
    strings: dict[str, str]

    def inlines(self, nodes: Sequence[m.Inline], ctx: Context) -> list[etree._Element]: ...

    def numbered_caption(self, style: str, word: str, seq: str,
                         node: m.Figure | m.Gallery | m.Chart | m.Table,
                         ctx: Context) -> etree._Element: ...
