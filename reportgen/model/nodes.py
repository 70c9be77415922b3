"""The document model: one content tree that every writer renders.

Assembled once from the project (data + narrative); holds no HTML and no Word
styles. Semantic hints travel as a ``role`` string that each writer maps to a
CSS class or a named Word style. Writers dispatch on the node type with
``match``; an unknown node is a bug (TypeError), never a user error.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from reportgen.errors import SourceLoc

# ------------------------------------------------------------------ inlines


@dataclass(frozen=True, slots=True)
class Text:
    text: str


@dataclass(frozen=True, slots=True)
class Strong:
    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Emph:
    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Code:
    text: str


@dataclass(frozen=True, slots=True)
class Link:
    url: str
    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class LineBreak:
    pass


@dataclass(frozen=True, slots=True)
class Span:
    """Inline text with a role or a language of its own (``<span lang="en">``)."""

    children: tuple[Inline, ...]
    role: str | None = None
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class Note:
    """A footnote: its call in the text, numbered through the document, and its text."""

    number: int
    paragraphs: tuple[tuple[Inline, ...], ...]
    loc: SourceLoc  # the call's
    #: Where each paragraph of its text was typed (the definition ``[^label]: ...``).
    text_locs: tuple[SourceLoc, ...] = ()


@dataclass(frozen=True, slots=True)
class PageRef:
    """The page a target is on; each writer resolves it (target-counter, a PAGEREF field)."""

    target: str  # the anchor of the target: 'tab-events', 'sec-analytics', ...


@dataclass(frozen=True, slots=True)
class CrossRef:
    """A reference to a section, heading, figure, table or appendix, as a link to it.

    The reader leaves ``kind`` empty and ``children`` unset; the references stage resolves
    the target (``kind``, ``number``) and spells the text, with a ``PageRef`` for the page.
    """

    target: str  # the anchor of the target (after resolution), or the id as written
    children: tuple[Inline, ...]
    loc: SourceLoc
    kind: str = ""  # "section", "heading", "figure", "table", "appendix"
    number: int | None = None
    role: str = "ref"  # the role as written: "ref" (title) or "numref" (number)
    template: str | None = None  # the author's text with {number}, {page}, {title}


Inline = Text | Strong | Emph | Code | Link | LineBreak | Span | Note | PageRef | CrossRef

# ------------------------------------------------------------------- blocks


@dataclass(frozen=True, slots=True)
class Image:
    """A picture, already decoded in full: ``path`` is the file of its re-encoded pixels
    (what the writers embed, ``cache.pictures``), ``source`` the project's file it came from
    (what the text names; read for its metadata by the release gate). A chart's PNG, made by
    reportgen, is its own ``path`` and has no ``source``."""

    path: Path
    width: int
    height: int
    alt: str = ""
    source: Path | None = None


@dataclass(frozen=True, slots=True)
class Heading:
    level: int  # 1 is the section title; narrative headings start at 2
    children: tuple[Inline, ...]
    id: str
    loc: SourceLoc


@dataclass(frozen=True, slots=True)
class Paragraph:
    children: tuple[Inline, ...]
    loc: SourceLoc
    role: str | None = None  # "lead", "attribution", ...


@dataclass(frozen=True, slots=True)
class ListBlock:
    items: tuple[tuple[Block, ...], ...]
    loc: SourceLoc
    ordered: bool = False
    start: int = 1


@dataclass(frozen=True, slots=True)
class Quote:
    blocks: tuple[Block, ...]
    loc: SourceLoc


@dataclass(frozen=True, slots=True)
class Figure:
    """A numbered figure: one image with a caption (a picture typed without one takes its heading)."""

    image: Image
    caption: tuple[Inline, ...]
    number: int
    id: str
    loc: SourceLoc
    role: str | None = None  # "video" for a video's poster frame, "infographic", ...


@dataclass(frozen=True, slots=True)
class Gallery:
    """A numbered photo grid (a web carousel in print): every slide is kept."""

    images: tuple[Image, ...]
    caption: tuple[Inline, ...]
    number: int
    id: str
    loc: SourceLoc


@dataclass(frozen=True, slots=True)
class Metric:
    value: str  # already formatted for the report's locale
    label: str
    detail: str | None = None  # e.g. the parts of a breakdown


@dataclass(frozen=True, slots=True)
class MetricGrid:
    metrics: tuple[Metric, ...]
    loc: SourceLoc


@dataclass(frozen=True, slots=True)
class Chart:
    """A numbered chart drawn from the data: SVG for print, PNG for Word (files named by ``digest``)."""

    kind: str  # bar, hbar, stacked_bar, donut, pie, line
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[float | int, ...]], ...]  # (name, one value per category)
    highlight: tuple[int, ...]  # indices of the categories drawn in the accent colour
    x_label: str | None
    y_label: str | None
    width_mm: float
    height_mm: float
    lang: str  # how numbers on the chart are written
    caption: tuple[Inline, ...]
    alt: str
    number: int
    id: str
    loc: SourceLoc
    digest: str  # hash of everything the drawing depends on
    svg: Path
    png: Path


@dataclass(frozen=True, slots=True)
class Div:
    """A group of blocks with a role (``expandable-content`` ...) or a language of its own."""

    blocks: tuple[Block, ...]
    loc: SourceLoc
    role: str | None = None
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class ThematicBreak:
    loc: SourceLoc


@dataclass(frozen=True, slots=True)
class Cell:
    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Row:
    """A table row; a ``group`` row is one cell across all columns that heads the rows below."""

    cells: tuple[Cell, ...]
    role: str | None = None  # None, "group"


@dataclass(frozen=True, slots=True)
class Table:
    """A numbered table built from the data: the header repeats on every page it spans."""

    caption: tuple[Inline, ...]
    number: int
    id: str
    loc: SourceLoc
    head: tuple[Row, ...]
    body: tuple[Row, ...]
    align: tuple[str, ...]  # per column: "left", "right" or "center"
    widths: tuple[float, ...]  # per column, fractions of the table's width (sum 1)
    role: str | None = None  # "landscape": on a page of its own, turned


Block = (Heading | Paragraph | ListBlock | Quote | Figure | Gallery | Chart | MetricGrid | Div
         | ThematicBreak | Table)

# ------------------------------------------------------------------ document


@dataclass(frozen=True, slots=True, weakref_slot=True)  # remembered by identity: model.bynode
class Section:
    id: str
    title: str
    lang: str
    blocks: tuple[Block, ...]
    source: Path
    lead: tuple[Inline, ...] = ()
    summary: tuple[Inline, ...] = ()  # Jekyll's 'cut'
    cover: Image | None = None
    appendix: int | None = None  # the number of an appendix ("Приложение 2"); None: a section
    #: The section file's text as it was read (what ``reportgen pull`` compares an edited
    #: DOCX with; the DOCX carries it, docs/pull.md).
    source_text: str = ""


@dataclass(frozen=True, slots=True)
class Meta:
    title: str
    subtitle: str | None
    organization: str
    organization_short: str
    addressee: str | None
    lang: str
    period_id: str
    period_label: str
    city: str | None
    date: dt.date | None
    logo: Image | None = None
    #: Where the list of figures goes: "after_contents", "end", or None for none.
    list_of_figures: str | None = None
    #: When the outputs say they were made (PDF and DOCX metadata, zip entries): set by the
    #: build from SOURCE_DATE_EPOCH or the report's date, never from the clock (reproducible).
    created: dt.datetime | None = None
    #: Fixed strings of the layout in the report's language ("Содержание", ...).
    strings: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Document:
    meta: Meta
    sections: tuple[Section, ...]

    @property
    def has_summaries(self) -> bool:
        return any(s.summary for s in self.sections)


def section_title(section: Section, strings: dict[str, str]) -> str:
    """A section's title as contents and bookmarks show it: 'Приложение 2. Title' for appendices."""
    if section.appendix is None:
        return section.title
    return f"{strings['appendix']} {section.appendix}. {section.title}"


def figure_alt(figure: Figure, label: str) -> str:
    """A figure picture's description for screen readers: its alt text, its caption, or
    'Рисунок N' (``label`` is the layout's word for a figure). Shared by every writer."""
    return figure.image.alt or plain_text(figure.caption) or f"{label} {figure.number}"


def gallery_alts(gallery: Gallery, label: str) -> list[str]:
    """The description of each picture of a gallery: its alt text, else 'caption (i/n)'."""
    caption = plain_text(gallery.caption) or f"{label} {gallery.number}"
    count = len(gallery.images)
    return [image.alt or f"{caption} ({i}/{count})" for i, image in enumerate(gallery.images, 1)]


def merge_text(nodes: list[Inline]) -> tuple[Inline, ...]:
    """``nodes`` with neighbouring ``Text`` nodes joined into one."""
    out: list[Inline] = []
    for node in nodes:
        if isinstance(node, Text) and out and isinstance(out[-1], Text):
            out[-1] = Text(out[-1].text + node.text)
        else:
            out.append(node)
    return tuple(out)


def plain_text(inlines: tuple[Inline, ...]) -> str:
    """The text of some inlines, without markup (for bookmarks, alt text, metadata)."""
    out: list[str] = []
    for node in inlines:
        match node:
            case Text(text=t) | Code(text=t):
                out.append(t)
            case Strong(children=c) | Emph(children=c) | Link(children=c) | Span(children=c):
                out.append(plain_text(c))
            case LineBreak():
                out.append(" ")
            case CrossRef(children=c):
                out.append(plain_text(c))
            case Note() | PageRef():
                pass  # a footnote's call and a page number are not part of a title's text
            case _:
                raise TypeError(f"unknown inline node {node!r}")
    return "".join(out)


def metadata_text(text: str) -> str:
    """A text for document metadata (PDF info, DOCX properties): no-break spaces as plain ones,
    so that searching the properties finds the words."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")
