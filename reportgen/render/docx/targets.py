"""Link targets of the DOCX report: a bookmark for every heading, figure and table; the TOC.

Part of the render stage. Planned in one pass before the body is written,
because the contents (which links to the headings) comes before them.
Bookmark names start with '_' so that Word treats them as hidden, like the
``_Toc`` and ``_Ref`` bookmarks of its own contents and cross-references.

Besides the bookmark on the whole heading or caption (what the contents, the list of
figures and page references point at), a numbered target has one around its number
alone (``_n``: the caption's or the appendix heading's SEQ field) and one around its title
(``_t``): the REF fields of cross-references show them, so that a reference's number
follows when an editor inserts or moves a figure, a table or an appendix.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from reportgen.model import nodes as m
from reportgen.model import walk
from reportgen.render import rules

#: The list of figures' key among the planned nodes (it has no model node of its own).
_LOF = ("list of figures",)
#: The contents' levels: sections and their level-2 headings, as in the PDF's contents.
TOC_LEVELS = 2


@dataclass(frozen=True, slots=True)
class TocEntry:
    level: int
    text: str
    anchor: str  # the bookmark
    lang: str | None  # a Word language tag, None for the document's language


@dataclass
class Targets:
    """Bookmark names by model node and by model id ('fig-3', 'sec-analytics')."""

    by_node: dict[int, str] = field(default_factory=dict)  # id(node) -> bookmark
    by_anchor: dict[str, str] = field(default_factory=dict)
    #: model id -> the bookmark around the target's number alone (figures, tables, appendices)
    numbers: dict[str, str] = field(default_factory=dict)
    #: model id -> (the bookmark around the target's title, the title's text)
    titles: dict[str, tuple[str, str]] = field(default_factory=dict)
    toc: list[TocEntry] = field(default_factory=list)

    def add(self, node: object, anchors: Sequence[str], prefix: str = "_Toc") -> str:
        name = f"{prefix}{len(self.by_node) + 1:05d}"
        self.by_node[id(node)] = name
        for anchor in anchors:
            self.by_anchor.setdefault(anchor, name)
        return name

    def number_of(self, node: object) -> str:
        """The bookmark around the number of ``node`` (planned with ``add``)."""
        return f"{self.by_node[id(node)]}_n"

    def title_of(self, node: object) -> str:
        """The bookmark around the title of a numbered ``node`` (its caption's text)."""
        return f"{self.by_node[id(node)]}_t"

    def _numbered(self, node: object, anchors: Sequence[str], title: str,
                  whole_title: bool = False) -> None:
        for anchor in anchors:
            self.numbers.setdefault(anchor, self.number_of(node))
            name = self.by_node[id(node)] if whole_title else self.title_of(node)
            self.titles.setdefault(anchor, (name, title))


def plan(doc: m.Document, lang_of: Callable[[str], str | None]) -> Targets:
    """Bookmarks and contents entries of ``doc``, in reading order.

    The contents lists what the PDF's does: the list of figures (where it goes), the
    summary page, each section and its level-2 headings (``walk.headings``), which is what
    Word lists when it updates the field (``\\o "1-2"``).
    """
    targets = Targets()
    place = rules.list_of_figures_place(doc)
    if place == rules.AFTER_CONTENTS:
        _plan_lof(doc, targets)
    if doc.has_summaries:
        name = targets.add(doc, ["summary"])
        targets.toc.append(TocEntry(1, doc.meta.strings["summary"], name, None))
    for section in doc.sections:
        lang = lang_of(section.lang)
        anchors = [f"sec-{section.id}", section.id]
        name = targets.add(section, anchors)
        title = rules.section_title(section, doc.meta.strings)
        targets.toc.append(TocEntry(1, title, name, lang))
        if section.appendix is not None:
            targets._numbered(section, anchors, section.title)
        else:
            for anchor in anchors:
                targets.titles.setdefault(anchor, (name, section.title))
        listed = {id(h) for h in walk.headings(section.blocks, level=TOC_LEVELS)}
        _plan_blocks(section.blocks, targets, lang, lang_of, listed)
    if place == rules.AT_END:
        _plan_lof(doc, targets)
    return targets


def _plan_lof(doc: m.Document, targets: Targets) -> None:
    """The list of figures is a contents entry of its own (as in the PDF)."""
    name = targets.add(_LOF, ["list-of-figures"])
    targets.toc.append(TocEntry(1, doc.meta.strings["list_of_figures"], name, None))


def _plan_blocks(blocks: Sequence[m.Block], targets: Targets, lang: str | None,
                 lang_of: Callable[[str], str | None], listed: set[int]) -> None:
    for block in blocks:
        match block:
            case m.Heading(children=children, id=anchor):
                name = targets.add(block, [anchor])
                text = m.plain_text(children)
                targets.titles.setdefault(anchor, (name, text))
                if id(block) in listed:
                    targets.toc.append(TocEntry(2, text, name, lang))
            case m.Figure(id=anchor, caption=caption) | m.Gallery(id=anchor, caption=caption) | \
                    m.Chart(id=anchor, caption=caption) | m.Table(id=anchor, caption=caption):
                targets.add(block, [anchor], prefix="_Ref")
                targets._numbered(block, [anchor], m.plain_text(caption))
            case m.Div(blocks=inner, lang=div_lang):
                _plan_blocks(inner, targets, lang_of(div_lang) if div_lang else lang, lang_of,
                             listed)
            case m.Quote(blocks=inner):
                _plan_blocks(inner, targets, lang, lang_of, listed)
            case m.ListBlock(items=items):
                for item in items:
                    _plan_blocks(item, targets, lang, lang_of, listed)
