"""HTML writer, the sections already written: a section's HTML is made again only when
something it read changed.

Part of the render stage, beside ``htmlpage`` (which uses it). A split render makes an
edition's HTML several times (a round for the page numbers, one for each refinement:
``pdf.plan``) and the preview once more after each save, while most sections come out the
same each time. A section's HTML (its body and its lead) is a function of the section, of
the layout's words and of what the writer is asked while writing it: page numbers
(``pages[target]``), what the last layout asked for (a word kept whole, broken at one
place only or glued to the next, a paragraph planned or tightened, a figure deferred, a
gallery drawn compact, a reference written 'ниже'), whether a word is in the
edition's small-letter vocabulary (the name rule) and whether a target was written before
it. ``SectionMemo`` records every such question and its answer while a section is
written; the next time, if the section is equal and every question still gets the same
answer, the recorded HTML is the HTML (and the targets it wrote are written again). A
few versions of each section are kept (``VARIANTS``): the rounds of a render ask with and
without the refinements in turn. So a
memo never changes what is written, only whether it is written again: the tests compare
against HTML made without one.

Nothing here knows HTML or reads a file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from markupsafe import Markup

from reportgen.model import nodes as m
from reportgen.render.adjustments import Adjustments
from reportgen.render.html import HtmlWriter
from reportgen.render.softhyphens import Breaks, vocabulary


@dataclass(slots=True)
class _Reads:
    """The questions a section's writing asked, with their answers."""

    pages: dict[str, str] = field(default_factory=dict)
    asked: dict[tuple[str, str], bool] = field(default_factory=dict)  # (set, member): in it
    deferrals: dict[str, int] = field(default_factory=dict)
    written: dict[str, bool] = field(default_factory=dict)  # target: written before
    added: list[str] = field(default_factory=list)  # targets the section wrote


class _Asked:
    """A set that notes each membership question (``kind``: which set it stands for)."""

    __slots__ = ("base", "kind", "reads")

    def __init__(self, base: frozenset[str], kind: str, reads: _Reads) -> None:
        self.base, self.kind, self.reads = base, kind, reads

    def __contains__(self, item: object) -> bool:
        found = item in self.base
        self.reads.asked[(self.kind, cast(str, item))] = found
        return found


class _Pages(Mapping[str, str]):
    """The page numbers, noting each one asked for (the real mapping answers: a split
    render's guesses and errors happen as without the memo)."""

    def __init__(self, base: Mapping[str, str], reads: _Reads) -> None:
        self.base, self.reads = base, reads

    def __getitem__(self, key: str) -> str:
        value = self.base[key]
        self.reads.pages[key] = value
        return value

    def __iter__(self) -> Any:  # pragma: no cover - the writer only looks numbers up
        return iter(self.base)

    def __len__(self) -> int:  # pragma: no cover
        return len(self.base)


class _Adjustments:
    """``Adjustments`` as the writer asks them, each question noted."""

    def __init__(self, base: Adjustments, reads: _Reads) -> None:
        self.base, self.reads = base, reads
        self.unbroken = _Asked(base.unbroken, "unbroken", reads)
        self.compact = _Asked(base.compact, "compact", reads)
        self.here = _Asked(base.here, "here", reads)
        self.only = _Asked(base.only, "only", reads)
        self.glued = _Asked(base.glued, "glued", reads)
        self.planned = _Asked(base.planned, "planned", reads)
        self.tight = _Asked(base.tight, "tight", reads)

    @property
    def breaks(self) -> Breaks:
        return Breaks(*(cast(frozenset[str], s) for s in (self.unbroken, self.only, self.glued)))

    def deferral(self, figure_id: str) -> int:
        n = self.base.deferral(figure_id)
        self.reads.deferrals[figure_id] = n
        return n


class _Written:
    """The targets written so far, noting what is asked and what is added."""

    def __init__(self, base: set[str], reads: _Reads) -> None:
        self.base, self.reads = base, reads

    def __contains__(self, item: object) -> bool:
        if item in self.reads.added:
            return True  # the section wrote it itself
        found = item in self.base
        self.reads.written.setdefault(cast(str, item), found)
        return found

    def update(self, items: Iterable[str]) -> None:
        items = list(items)
        self.reads.added.extend(items)
        self.base.update(items)


#: The versions of a section kept: the rounds of a split render alternate between the HTML
#: without the layout's refinements (each render starts there) and with them, and a
#: section with a page reference each time with the page numbers of both (four versions:
#: with three, the 13 sections of the large benchmark that refer to its appendix were
#: written again three times a save).
VARIANTS = 5


#: The sets a writer's membership questions go to, by the kind ``_Asked`` notes.
_KINDS = ("unbroken", "compact", "here", "only", "glued", "planned", "tight", "words")


@dataclass(slots=True)
class _Entry:
    section: m.Section
    reads: _Reads
    html: tuple[Markup, Markup]
    #: ``reads.asked`` by kind: the members found in the set, and those not. Checked with
    #: set operations (a long section asks thousands of questions: one per word).
    found: dict[str, tuple[frozenset[str], frozenset[str]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        members: dict[str, tuple[set[str], set[str]]] = {k: (set(), set()) for k in _KINDS}
        for (kind, item), was in self.reads.asked.items():
            members[kind][0 if was else 1].add(item)
        self.found = {kind: (frozenset(yes), frozenset(no))
                      for kind, (yes, no) in members.items() if yes or no}


class SectionMemo:
    """The sections of one edition as last written (see the module's description); kept by
    its split render, and by the preview between rebuilds."""

    def __init__(self) -> None:
        self._entries: dict[int, list[_Entry]] = {}
        self._context: tuple[Any, ...] | None = None
        self._words: tuple[m.Document, frozenset[str]] | None = None
        self.reused = self.written = 0

    def vocabulary(self, doc: m.Document) -> frozenset[str]:
        """``softhyphens.vocabulary(doc)``, made once per document."""
        if self._words is None or self._words[0] is not doc:
            self._words = (doc, vocabulary(doc))
        return self._words[1]

    def begin(self, strings: Mapping[str, str], paged: bool) -> None:
        """A new HTML of the edition: forget everything if the layout's words, or whether
        page numbers are written, changed."""
        context = (dict(strings), paged)
        if context != self._context:
            self._entries.clear()
            self._context = context

    def section(self, writer: HtmlWriter, index: int, section: m.Section,
                write: Callable[[], tuple[Markup, Markup]]) -> tuple[Markup, Markup]:
        """The HTML ``write()`` makes of ``section`` (the ``index``-th) with ``writer``,
        from the memo when nothing it read changed."""
        entries = self._entries.setdefault(index, [])
        for entry in entries:
            if (entry.section is section or entry.section == section) \
                    and _same_answers(entry, writer):
                writer.written.update(entry.reads.added)
                entry.section = section
                entries.remove(entry)
                entries.insert(0, entry)  # the most recent first
                self.reused += 1
                return entry.html
        reads = _Reads()
        saved = writer.pages, writer.adjustments, writer.words, writer.written
        if writer.pages is not None:
            writer.pages = _Pages(writer.pages, reads)
        writer.adjustments = cast(Adjustments, _Adjustments(writer.adjustments, reads))
        writer.words = cast(frozenset[str], _Asked(writer.words, "words", reads))
        writer.written = cast(set[str], _Written(writer.written, reads))
        try:
            html = write()
        finally:
            writer.pages, writer.adjustments, writer.words, writer.written = saved
        entries.insert(0, _Entry(section, reads, html))
        del entries[VARIANTS:]
        self.written += 1
        return html


def _same_answers(entry: _Entry, writer: HtmlWriter) -> bool:
    """Whether every question ``entry``'s writing noted gets the same answer from ``writer``
    now."""
    reads = entry.reads
    if reads.pages and writer.pages is None:
        return False
    pages = writer.pages if writer.pages is not None else {}
    if any(pages[target] != value for target, value in reads.pages.items()):
        return False
    adjust = writer.adjustments
    sets = {"unbroken": adjust.unbroken, "compact": adjust.compact, "here": adjust.here,
            "only": adjust.only, "glued": adjust.glued, "planned": adjust.planned,
            "tight": adjust.tight, "words": writer.words}
    for kind, (yes, no) in entry.found.items():
        now = sets[kind]
        if not (yes <= now and no.isdisjoint(now)):
            return False
    if any(adjust.deferral(fid) != n for fid, n in reads.deferrals.items()):
        return False
    return all((target in writer.written) == found for target, found in reads.written.items())
