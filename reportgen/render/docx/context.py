"""What the parts of the DOCX body writer share: the context enclosing nodes pass down, and
the writer's face that its helpers (``front``, ``figures``, ``tabular``) write through.

Part of the render stage. Kept apart from ``body`` so that the helpers it calls do not
import it back (one direction of imports inside the package).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

from lxml import etree

from reportgen.model import nodes as m
from reportgen.render.docx.charts import Charts
from reportgen.render.docx.pictures import Pictures
from reportgen.render.docx.provenance import Provenance
from reportgen.render.docx.styles import StyleMap
from reportgen.render.docx.targets import Targets

#: The text a page number is written as in the page-number pass's first write: as wide as
#: the numbers of most reports (the pass writes the real ones after LibreOffice's layout).
PROBE_PAGE = "00"


@dataclass(frozen=True, slots=True)
class Context:
    """What enclosing nodes pass down: language, paragraph style, character styles, and
    the language whose soft hyphens the text gets (narrow table cells), if any."""

    lang: str | None = None  # a Word language tag; None: the document's default language
    para: str = "Body Text"
    chars: tuple[str, ...] = ()
    hyphens: str | None = None  # 'ru', 'kk', 'en': write the words' break points

    def styled(self, char_style: str) -> Context:
        return replace(self, chars=(*self.chars, char_style))


@dataclass(frozen=True, slots=True)
class Pages:
    """The page numbers the DOCX writer writes into its fields' cached results.

    ``layout`` is where LibreOffice put each bookmark (``pagination``): the DOCX's own
    pages, the only ones the contents may show. Without it, the contents and the list of
    figures show no numbers (``probe``: placeholders as wide, for the pass's first
    layout), and a page reference in the text shows the print layout's page
    (``print_pages``), which Word recomputes when it updates the field and LibreOffice
    on opening.
    """

    print_pages: Mapping[str, int] = field(default_factory=dict)  # model id -> the PDF's page
    layout: Mapping[str, int] | None = None  # bookmark -> the DOCX's page
    probe: bool = False

    def of_entry(self, bookmark: str) -> str | None:
        """The page of a contents or list-of-figures entry, or None to leave it out."""
        if self.layout is not None:
            page = self.layout.get(bookmark)
            return None if page is None else str(page)
        return PROBE_PAGE if self.probe else None

    def of_reference(self, anchor: str, bookmark: str) -> str:
        """The page a page reference shows."""
        if self.layout is not None and bookmark in self.layout:
            return str(self.layout[bookmark])
        return str(self.print_pages.get(anchor, "?"))


class Writer(Protocol):
    """The body writer as its helpers see it: the model, styles, pictures and link targets,
    the text column, and how paragraphs, runs and captions are added to the body."""

    doc: m.Document
    styles: StyleMap
    strings: dict[str, str]
    pictures: Pictures
    charts: Charts
    chart_fonts: set[str]  # the font families the charts use (to embed)
    targets: Targets
    column: int  # the text column's width, EMU
    column_twips: int
    provenance: Provenance  # which paragraph each block made (for ``reportgen pull``)

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

    def bookmark_runs(self, runs: Sequence[etree._Element], name: str) -> None: ...

    def section_context(self, section: m.Section) -> Context: ...

    def hyphenated(self, ctx: Context) -> Context:
        """``ctx`` whose words get their soft hyphens (text in a narrow column)."""
        ...

    def start_part(self, running: str) -> None:
        """Begin a part of the report (the list of figures, the summary, a section) on a
        new page and in a Word section of its own, whose running head shows ``running``."""
        ...

    def layout_page(self, bookmark: str) -> str | None:
        """The DOCX's page of ``bookmark`` for the contents, None when it is not known."""
        ...

    def numbered_caption(self, style: str, kind: str,
                         node: m.Figure | m.Gallery | m.Chart | m.Table,
                         ctx: Context) -> etree._Element: ...
