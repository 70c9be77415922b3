"""HTML writer: what the layout of a render asks the next render's HTML to change.

Part of the render stage. ``Adjustments`` is found by ``pdf.refine`` in a layout and
written by ``html.HtmlWriter``: words kept whole, figures moved down, galleries drawn
lower, references spelled 'below', the lines ``pdf.justify`` chose. ``movable`` says
which figures of an edition may be moved at all. Nothing here writes HTML.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from reportgen.model import nodes as m
from reportgen.render.softhyphens import Breaks

#: How many blocks a figure may be moved down, after the text that follows it.
MAX_DEFERRAL = 3
#: The tightenings a paragraph may be set with: the layout's classes ``tight-1`` to
#: ``tight-4`` (``pdf.justify.TIGHTENING``).
TIGHT_LEVELS = 4


@dataclass(frozen=True, slots=True)
class Adjustments:
    """What the layout of a render asked the next render's HTML to change (``pdf.refine``):

    - ``unbroken``: words to keep whole (``softhyphens.word_key``): a third hyphenated line
      in a row, a hyphen at the foot of a page;
    - ``deferred``: figures (by id) to place that many blocks further down, after the text
      that follows them, which fills the page the figure left empty;
    - ``compact``: galleries (by id) that could not be deferred, drawn with lower rows so
      that they fit where they are;
    - ``here``: page references (by their id, ``ref-…``) that stand on their target's page,
      spelled 'таблица 1 ниже' instead of 'таблица 1 на с. 5';
    - ``only``, ``glued``: the lines ``pdf.justify`` chose for the paragraphs ``planned``
      (by key), as words that may break at one place only and words glued to the next
      (``softhyphens.Breaks``), and the paragraphs set with narrower spaces (``tight``).
    """

    unbroken: frozenset[str] = frozenset()
    deferred: tuple[tuple[str, int], ...] = ()
    compact: frozenset[str] = frozenset()
    here: frozenset[str] = frozenset()
    only: frozenset[str] = frozenset()
    glued: frozenset[str] = frozenset()
    planned: frozenset[str] = frozenset()
    tight: frozenset[str] = frozenset()  # 'key=level': class tight-<level> on the paragraph

    def deferral(self, figure_id: str) -> int:
        return dict(self.deferred).get(figure_id, 0)

    def merged(self, other: Adjustments) -> Adjustments:
        """Both: the words and references of either, each figure's larger deferral."""
        deferred = dict(self.deferred)
        for fid, n in other.deferred:
            deferred[fid] = max(n, deferred.get(fid, 0))
        return Adjustments(self.unbroken | other.unbroken, tuple(sorted(deferred.items())),
                           self.compact | other.compact, self.here | other.here,
                           self.only | other.only, self.glued | other.glued,
                           self.planned | other.planned, self.tight | other.tight)

    @property
    def breaks(self) -> Breaks:
        return Breaks(self.unbroken, self.only, self.glued)


NONE = Adjustments()


@dataclass(frozen=True, slots=True)
class Movable:
    """How far each figure of an edition may be deferred (by id: the blocks after it in its
    container before a heading or the container's end, at most ``MAX_DEFERRAL``; a figure
    whose caption shows a page reference is not moved), and which are galleries (drawn
    ``compact`` when they cannot be moved)."""

    deferrable: Mapping[str, int]
    galleries: frozenset[str]


def movable(doc: m.Document) -> Movable:
    """What ``Adjustments`` may do to the figures of ``doc``."""
    found: dict[str, int] = {}
    galleries: set[str] = set()

    def visit(blocks: tuple[m.Block, ...]) -> None:
        for i, block in enumerate(blocks):
            match block:
                case m.Figure(id=fid, caption=c) | m.Gallery(id=fid, caption=c) | m.Chart(
                        id=fid, caption=c):
                    if isinstance(block, m.Gallery):
                        galleries.add(fid)
                    after = 0
                    for nxt in blocks[i + 1:]:
                        if isinstance(nxt, m.Heading) or after == MAX_DEFERRAL:
                            break
                        after += 1
                    if after and not any(isinstance(x, m.CrossRef) for x in c):
                        found[fid] = after
                case m.Div(blocks=b) | m.Quote(blocks=b):
                    visit(b)
                case m.ListBlock(items=items):
                    for item in items:
                        visit(item)

    for section in doc.sections:
        visit(section.blocks)
    return Movable(found, frozenset(galleries))
