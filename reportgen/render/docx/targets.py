"""Link targets of the DOCX report: a bookmark for every heading, figure and table; the TOC.

Part of the render stage. Planned in one pass before the body is written,
because the contents (which links to the headings) comes before them.
Bookmark names start with '_' so that Word treats them as hidden, like the
``_Toc`` bookmarks of its own contents.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from reportgen.model import nodes as m
from reportgen.render import rules

#: The list of figures' key among the planned nodes (it has no model node of its own).
_LOF = ("list of figures",)


@dataclass(frozen=True, slots=True)
class TocEntry:
    level: int
    text: str
    anchor: str
    lang: str | None  # a Word language tag, None for the document's language


@dataclass
class Targets:
    """Bookmark names by model node and by model id ('fig-3', 'sec-analytics')."""

    by_node: dict[int, str] = field(default_factory=dict)  # id(node) -> bookmark
    by_anchor: dict[str, str] = field(default_factory=dict)
    toc: list[TocEntry] = field(default_factory=list)

    def add(self, node: object, anchors: Sequence[str], prefix: str = "_Toc") -> str:
        name = f"{prefix}{len(self.by_node) + 1:05d}"
        self.by_node[id(node)] = name
        for anchor in anchors:
            self.by_anchor.setdefault(anchor, name)
        return name


def plan(doc: m.Document, lang_of: Callable[[str], str | None]) -> Targets:
    """Bookmarks and contents entries of ``doc``, in reading order.

    The contents lists the summary page, each section and its headings down to
    level 3 (the TOC field's ``\\o "1-3"``), wherever they are nested, which is
    what Word lists when it updates the field.
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
        name = targets.add(section, [f"sec-{section.id}", section.id])
        title = rules.section_title(section, doc.meta.strings)
        targets.toc.append(TocEntry(1, title, name, lang))
        _plan_blocks(section.blocks, targets, lang, lang_of)
    if place == rules.AT_END:
        _plan_lof(doc, targets)
    return targets


def _plan_lof(doc: m.Document, targets: Targets) -> None:
    """The list of figures is a contents entry of its own (as in the PDF)."""
    name = targets.add(_LOF, ["list-of-figures"])
    targets.toc.append(TocEntry(1, doc.meta.strings["list_of_figures"], name, None))


def _plan_blocks(blocks: Sequence[m.Block], targets: Targets, lang: str | None,
                 lang_of: Callable[[str], str | None]) -> None:
    for block in blocks:
        match block:
            case m.Heading(level=level, children=children, id=anchor):
                name = targets.add(block, [anchor])
                if level <= 3:
                    targets.toc.append(TocEntry(max(level, 2), m.plain_text(children), name,
                                                lang))
            case m.Figure(id=anchor) | m.Gallery(id=anchor) | m.Chart(id=anchor) | m.Table(
                    id=anchor):
                targets.add(block, [anchor], prefix="_Ref")
            case m.Div(blocks=inner, lang=div_lang):
                _plan_blocks(inner, targets, lang_of(div_lang) if div_lang else lang, lang_of)
            case m.Quote(blocks=inner):
                _plan_blocks(inner, targets, lang, lang_of)
            case m.ListBlock(items=items):
                for item in items:
                    _plan_blocks(item, targets, lang, lang_of)
