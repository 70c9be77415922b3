"""PDF writer, refinement: what a laid-out edition asks of its next HTML, so that the rules
of print hold where CSS cannot say them (issue 22; docs/typography.md).

WeasyPrint 70 breaks lines one at a time and has no ``hyphenate-limit-lines``, no
``hyphenate-limit-last`` for a page's foot, no top floats and no conditional text, so the
layout is read back and the HTML changed where it breaks a rule, then laid out again:

- **lines**: each paragraph's lines are chosen once, over the whole paragraph, on its
  first layout (``justify``: fewer loose lines, within the hyphenation limits below), as
  decisions on its words (``Adjustments.unbroken``, ``only``, ``glued``; the words are
  named by ``softhyphens.word_key``) and a tightening (``tight``); the paragraph is then
  marked (``data-j``) and not planned again;
- **hyphenation**: at most ``MAX_HYPHENATED`` lines in a row of a paragraph end in a
  broken word, and none at the foot of a page whose paragraph goes on overleaf: in a
  paragraph whose lines were not chosen (the simulation did not give WeasyPrint's lines)
  or were chosen on a layout since changed, the word of the offending line is kept whole
  (``Adjustments.unbroken``); table cells are left alone (a narrow column has no other
  way to fit);
- **figures**: a figure (or a heading and its figure) pushed to the next page, leaving
  more than ``MAX_EMPTY`` of the page's text area empty, is moved after the block that
  follows it, so that text fills the page (``Adjustments.deferred``, at most as far as
  ``adjustments.movable`` allows); a gallery that cannot move is drawn with lower rows
  (``Adjustments.compact``);
- **page references** standing on their target's own page say 'ниже'/'выше' instead of
  the page (``Adjustments.here``; the words are the catalog's, ``rules.reference_here``).

``findings`` reads one laid-out document (a whole edition, or one part of a split
render: every rule is about a page and its neighbour within one chapter, so a part's
findings are the whole's); ``advance`` turns them into the next adjustments. The split
render and the single pass go through the same rounds, from no adjustment, each
round's findings read from a layout whose page numbers are settled, so both end with the
same HTML. Adjustments only grow, so the rounds end. Nothing here writes a file.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from reportgen.render.adjustments import Adjustments, Movable
from reportgen.render.pdf import justify, paragraphs, planmemo
from reportgen.render.softhyphens import SOFT_HYPHEN, WORD, word_key

#: Hyphenated lines in a row a paragraph may have (the DOCX asks Word for the same).
MAX_HYPHENATED = justify.MAX_HYPHENATED
#: The share of a page's text area that may stay empty before a pushed figure.
MAX_EMPTY = 0.25
#: Rounds of refinement after the first layout; what is still found after them stays.
MAX_REFINEMENTS = 4

_HEADINGS = ("h2", "h3", "h4")


@dataclass(frozen=True, slots=True)
class Findings:
    """What one layout found: words to keep whole, figures pushed to the next page (by id),
    page references on their target's page (by id). Stored with a cached part."""

    unbroken: frozenset[str] = frozenset()
    pushed: frozenset[str] = frozenset()
    here: frozenset[str] = frozenset()
    only: frozenset[str] = frozenset()
    glued: frozenset[str] = frozenset()
    planned: frozenset[str] = frozenset()
    tight: frozenset[str] = frozenset()  # 'key=level': the paragraph's tightening

    def __or__(self, other: Findings) -> Findings:
        return Findings(*(getattr(self, f) | getattr(other, f) for f in _FIELDS))

    def to_json(self) -> dict[str, list[str]]:
        return {f: sorted(getattr(self, f)) for f in _FIELDS}

    @classmethod
    def from_json(cls, data: Mapping[str, list[str]]) -> Findings:
        return cls(*(frozenset(data.get(f, ())) for f in _FIELDS))


_FIELDS = ("unbroken", "pushed", "here", "only", "glued", "planned", "tight")


def advance(adjustments: Adjustments, found: Findings, figures: Movable) -> Adjustments:
    """The adjustments after ``found``: its words and references added, each pushed figure
    deferred one block further while ``figures`` allow, then, a gallery, made compact."""
    limits = figures.deferrable
    deferred = tuple((fid, adjustments.deferral(fid) + 1) for fid in sorted(found.pushed)
                     if adjustments.deferral(fid) < limits.get(fid, 0))
    compact = frozenset(fid for fid in found.pushed if fid in figures.galleries
                        and adjustments.deferral(fid) >= limits.get(fid, 0))
    return adjustments.merged(Adjustments(found.unbroken, deferred, compact, found.here,
                                          found.only, found.glued, found.planned,
                                          found.tight))


def findings(pages: list[Any]) -> Findings:
    """What a laid-out document asks of its next HTML; ``pages`` are the box trees of its
    pages (``writer.page_box``). A paragraph not yet planned gets its lines chosen
    (``justify``); the others, and those the choice cannot be made for, have their
    hyphenated lines checked (``_unbroken``)."""
    plans, seen = _plans(pages)
    unplanned = {key: lines for key, lines in _paragraph_lines(pages).items()
                 if key not in plans}
    unbroken = set(_unbroken(unplanned))
    only: set[str] = set()
    glued: set[str] = set()
    for plan in plans.values():
        unbroken |= plan.whole
        only |= plan.only
        glued |= plan.glued
    tight = frozenset(f"{key}={plan.tight}" for key, plan in plans.items() if plan.tight)
    return Findings(frozenset(unbroken), frozenset(_pushed(pages)), frozenset(_here(pages)),
                    frozenset(only), frozenset(glued), frozenset(seen), tight)


def _plans(pages: list[Any]) -> tuple[dict[str, justify.Plan], set[str]]:
    """The chosen lines of the paragraphs whose lines were not chosen yet (no ``data-j``),
    and the keys of all those looked at (a paragraph left to first fit is not looked at
    again: the next round's findings are its hyphenation checks)."""
    cache: dict[Any, float] = {}
    plans, seen = {}, set()
    for key, lines in paragraphs.paragraphs(pages):
        if lines[0][2].element.get("data-j"):
            continue
        seen.add(key)
        par = paragraphs.read_paragraph(key, lines)
        if par is None or len(par.ends) < 2:
            continue
        plan = planmemo.plan_of(par, cache)
        if plan is not None:
            plans[key] = plan
    return plans, seen


# ------------------------------------------------------------------ hyphenation


@dataclass
class _Line:
    page: int
    text: str  # its text boxes' text, soft hyphens and the hyphenation character included

    @property
    def soft(self) -> bool:
        """Broken at a soft hyphen (WeasyPrint adds the hyphenation character after it)."""
        return self.text.rstrip().endswith(SOFT_HYPHEN + "-")

    def cost(self) -> float:
        """How much keeping its last word whole widens the line's spaces, roughly: the
        letters of the word's piece on this line over the line's spaces."""
        text = self.text.rstrip()
        piece = text.rsplit(" ", 1)[-1].replace(SOFT_HYPHEN, "")
        spaces = text.count(" ") + text.count("\u00a0")
        return len(piece) / max(1, spaces)

    def hyphen(self) -> bool:
        """Ending in a hyphen after a letter: a soft hyphen's, or a compound's own."""
        text = self.text.rstrip()
        return self.soft or (len(text) > 1 and text[-1] in "-\u2010" and text[-2].isalpha())


def _paragraph_lines(pages: list[Any]) -> dict[str, list[_Line]]:
    """The lines of every paragraph with a key (``data-k``), in order, over all pages."""
    from weasyprint.formatting_structure import boxes

    found: dict[str, list[_Line]] = {}
    for n, page in enumerate(pages):
        for box in page.descendants():
            if not isinstance(box, boxes.LineBox) or box.element is None:
                continue
            key = box.element.get("data-k") if box.element_tag == "p" else None
            if key:
                # generated text (a footnote call, a page number) is not the HTML's words
                text = "".join(b.text for b in box.descendants() if isinstance(b, boxes.TextBox)
                               and "::" not in (b.element_tag or ""))
                found.setdefault(key, []).append(_Line(n, text))
    return found


def _unbroken(paragraphs: dict[str, list[_Line]]) -> Iterator[str]:
    for key, lines in paragraphs.items():
        words = _words(key, lines)
        run: list[int] = []
        for i, line in enumerate(lines[:-1]):
            if not line.hyphen():
                run = []
                continue
            if lines[i + 1].page != line.page:
                yield words[i]  # the foot of a page: this line's word, whatever it costs
                run = []
                continue
            run.append(i)
            if len(run) > MAX_HYPHENATED:
                # One of the run's lines keeps its word whole: the one that loosens least
                # (the shortest piece carried down, over the most spaces to widen).
                best = min(run, key=lambda j: lines[j].cost())
                yield words[best]
                run = run[run.index(best) + 1:]


def _words(key: str, lines: list[_Line]) -> dict[int, str]:
    """The key of the word each line ends in the middle of (by line index): the paragraph's
    text joined again, its words counted as the HTML writer counts them."""
    text, ends = "", {}
    for i, line in enumerate(lines):
        body = line.text.rstrip()
        if line.soft:
            body = body[:-1]  # the hyphenation character; the soft hyphen stays, as written
        elif not line.hyphen():
            body += " "
        text += body
        ends[len(text)] = i
    counted: dict[str, int] = {}
    broken = {}
    for match in WORD.finditer(text):
        word = match.group().replace(SOFT_HYPHEN, "")
        n = counted.get(word, 0)
        counted[word] = n + 1
        for end, i in ends.items():
            if match.start() < end < match.end() or (end == match.end() and lines[i].hyphen()):
                broken[i] = word_key(key, word, n)
    return broken


# ------------------------------------------------------------------ figures


def _flow(page: Any) -> Any:
    """The box whose children are the blocks of the chapter (``section.chapter``) laid out
    on ``page``, one after the other (inside the groups a section's text may be wrapped
    in), or None for a page of no chapter."""
    for box in page.descendants():
        if box.element_tag == "section" and "chapter" in (box.element.get("class") or ""):
            while len(box.children) == 1 and box.children[0].element_tag in ("div", "section"):
                box = box.children[0]
            return box
    return None


def _pushed(pages: list[Any]) -> Iterator[str]:
    """Figures at the top of a page whose previous page, in the same chapter, is more than
    ``MAX_EMPTY`` empty under its last block."""
    from weasyprint.formatting_structure import boxes

    for page, following in zip(pages, pages[1:], strict=False):
        here, there = _flow(page), _flow(following)
        if here is None or there is None or here.element is not there.element:
            continue
        if not here.children or not there.children:
            continue
        first = there.children[0]
        if first.element_tag in _HEADINGS and len(there.children) > 1:
            first = there.children[1]
        if first.element_tag != "figure" or not first.element.get("id"):
            continue
        last = here.children[-1]
        bottom = page.content_box_y() + page.height
        for area in page.children:
            if isinstance(area, boxes.FootnoteAreaBox) and area.children:
                bottom = min(bottom, area.position_y)
        empty = bottom - (last.position_y + last.margin_height())
        if empty > MAX_EMPTY * page.height:
            yield first.element.get("id")


# ------------------------------------------------------------------ page references


def _here(pages: list[Any]) -> Iterator[str]:
    """The page references (``a id="ref-…"``) on the page of the element they point at."""
    where: dict[str, int] = {}
    refs: dict[str, tuple[int, str]] = {}
    for n, page in enumerate(pages):
        for box in page.descendants():
            element = box.element
            if element is None:
                continue
            eid = element.get("id")
            if not eid:
                continue
            where.setdefault(eid, n)
            if eid.startswith("ref-") and box.element_tag == "a":
                refs.setdefault(eid, (n, (element.get("href") or "").removeprefix("#")))
    for rid, (n, target) in refs.items():
        if where.get(target) == n:
            yield rid
