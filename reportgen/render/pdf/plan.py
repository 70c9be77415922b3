"""Render-stage scheduling of one edition's PDF: a single pass, or a split render.

Used by the build orchestrator, which runs the jobs these machines hand out in
its worker pool and feeds the results back; nothing here waits or starts a
process. ``SinglePass`` is one job: WeasyPrint lays out the whole report.
``SplitRender`` lays the report out in parts (``parts``):

1. the report's HTML is made with a guess of every element's page number (the
   last build's numbers, else a placeholder) and cut into parts; a part in the
   cache is taken from it, the others are laid out, all at once, biggest first;
2. once every part is laid out, the real numbers follow from the parts' page
   counts; a part whose HTML changes with them (the contents, the list of
   figures, a page reference) is laid out again, and again while page counts
   move (a part that grows by a page shifts every later number), never leaving
   a stale number: the loop ends when the HTML of every part shows the numbers
   its layout gives;
3. then what the parts' layouts ask of their HTML (``refine``: words kept whole,
   figures deferred, references on their target's page) is made the HTML's
   ``Adjustments``, and the parts whose HTML changes are laid out again, their
   numbers settled again (step 2), until no layout asks for more: the rounds a
   single pass goes through, so that both end with the same pages;
4. the folios are laid out for the final page sequence (or taken from the cache;
   ``folios``: each round's pass is started ahead of need);
5. the parts are joined into one PDF (``join.join_parts``); a long report's in a
   process of its own (``ApartJob``), which gives the memory back when it ends.

A job that lays out pages is an ``EngineJob``: the worker that runs it lends it
the layout engine it keeps, so the stylesheets parsed for one part serve the next.

A part that shows page numbers is, on the first round of a build without a
previous one, only laid out (its numbers are placeholders), not written. Nor is a layout
the refinement will replace (``parts.part_of``'s ``refining``: a part's paragraphs laid out
for the first time, their lines still to be chosen; every part of a cold build's first
round): the cache keeps such a layout without a PDF (``PartCache.store_layout``), for the
next render of the same rounds (a rebuild after an edit, the preview after a save).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reportgen.cache.outputs import PartCache
from reportgen.errors import RenderError
from reportgen.layout import Layout
from reportgen.model import nodes as m
from reportgen.render.adjustments import NONE as NO_ADJUSTMENTS
from reportgen.render.adjustments import movable
from reportgen.render.htmlmemo import SectionMemo
from reportgen.render.htmlpage import render_html, split_parts
from reportgen.render.pdf import refine
from reportgen.render.pdf.folios import FolioPasses
from reportgen.render.pdf.jobs import (
    ApartJob,
    EngineJob,
    Job,
    PdfResult,
    guessed_part_job,
    join_job,
    part_job,
    single_job,
)
from reportgen.render.pdf.partlayout import PartLayout
from reportgen.render.pdf.writer import split_unsupported

__all__ = ["ApartJob", "EngineJob", "Job", "PdfResult", "SinglePass", "SplitRender",
           "split_unsupported"]

log = logging.getLogger(__name__)

#: Rounds of laying parts out again (for the same adjustments) after which page numbers
#: that still move are an error.
MAX_ROUNDS = 6
#: Shown on the first round instead of a page number nobody knows yet.
PLACEHOLDER = "000"


#: Pages of a report from which its parts are joined in a process of their own (the join
#: holds ~0.7 MiB a page of table; starting the process costs ~0.5 s).
JOIN_APART_PAGES = 120


#: The files a build is still drawing (the charts' SVGs, by name): a part that shows one
#: waits for it. Asked again each time the machine is asked for jobs.
Pending = Callable[[], frozenset[str]]


#: Told the final parts (``PartLayout``) and folios as their join is handed out: what each
#: page will be (the preview shows the edited ones meanwhile). It must return at once.
Joining = Callable[[list[Any], "bytes | Path | None"], None]


#: A part to lay out in a round: its index, its HTML, whether to write it, and whether its
#: layout is to be refined (``parts.part_of``'s ``refining``).
_Todo = tuple[int, str, bool, bool]


def _nothing_pending() -> frozenset[str]:
    return frozenset()


class SinglePass:
    """The whole report laid out by WeasyPrint in one job."""

    def __init__(self, doc: m.Document, project_root: Path, layout: Layout, variant: str,
                 write: bool, pending: Pending = _nothing_pending) -> None:
        self.result: PdfResult | None = None
        self.anchor_pages: dict[str, int] | None = None
        self._pending = pending
        self._queue = [Job(single_job, (doc, project_root, layout, variant, write),
                           self._done)]

    def _done(self, value: PdfResult) -> None:
        self.result = value
        self.anchor_pages = value.anchor_pages

    def jobs(self) -> list[Job]:
        if self._pending():
            return []
        queue, self._queue = self._queue, []
        return queue


class _Numbers(dict[str, str]):
    """Page numbers by element id; an id without one is an error (or, for a guess, a
    placeholder)."""

    guess = False
    #: Whether a guess was asked for an id it has no number for.
    missed = False

    def __missing__(self, key: str) -> str:
        if self.guess:
            self.missed = True
            return PLACEHOLDER
        raise RenderError(f"the report links to '#{key}', an element that is on no page")


class SplitRender:
    """One edition's PDF laid out in parts; see the module's description."""

    def __init__(self, doc: m.Document, project_root: Path, layout: Layout, variant: str,
                 write: bool, cache: PartCache | None, name: str,
                 pending: Pending = _nothing_pending, join_apart: bool = True,
                 joining: Joining | None = None) -> None:
        self.doc, self.root, self.layout, self.variant = doc, project_root, layout, variant
        self.write, self.cache, self.name = write, cache, name
        self.join_apart = join_apart  # a long report joined in a process of its own
        self.joining = joining  # told the final parts and folios as their join goes out
        self.result: PdfResult | None = None
        self._queue: list[Job] = []
        self._pending = pending
        #: Parts of this round not yet handed out, waiting for a file being drawn:
        #: (index, HTML, whether to write it, whether refining: ``_Todo``).
        self._waiting: list[_Todo] = []
        self.rounds = 0
        self.typeset = 0
        #: What the parts' settled layouts asked of the HTML so far, and how many times.
        self.adjustments = NO_ADJUSTMENTS
        self.refinements = 0
        self._figures = movable(doc)
        #: The sections' HTML as last written, for this output's next HTML (``htmlmemo``).
        self._memo = (cache.memory.setdefault(name, SectionMemo()) if cache is not None
                      else SectionMemo())
        #: What the last render of this output with this cache, in this process, ended
        #: with (the preview's last rebuild): its refinement is likely to end the same way.
        self._guess: refine.Adjustments | None = (
            cache.memory.get(f"{name}\0adjustments") if cache is not None else None)
        #: Parts being laid out ahead (by key): the rounds' parts waiting for each.
        self._ahead: dict[str, list[_Todo]] = {}
        self._since_refined = 0
        previous = cache.numbers(name) if cache else None
        numbers = _Numbers(previous or {})
        numbers.guess = True
        self._trusted = previous is not None  # last build's numbers: likely right, write
        self.htmls: list[str] = []
        self.parts: list[Any] = []  # PartLayout, or None while being laid out
        self._outstanding = 0
        self._folios = FolioPasses(project_root, layout, cache, self._queue_job, self._join)
        #: Each element's page, once the layout is final (the DOCX waits for them).
        self.anchor_pages: dict[str, int] | None = None
        self._round(numbers)

    def jobs(self) -> list[Job]:
        if self._waiting:
            self._release()
        queue, self._queue = self._queue, []
        return queue

    # ------------------------------------------------------------------ rounds
    def _html(self, numbers: _Numbers) -> list[str]:
        return split_parts(render_html(self.doc, self.layout, pages=numbers,
                                       adjustments=self.adjustments, memo=self._memo))

    def _round(self, numbers: _Numbers, htmls: list[str] | None = None) -> None:
        """Lay out the parts whose HTML (``htmls``: made for ``numbers`` if None) changed."""
        htmls = self._html(numbers) if htmls is None else htmls
        self._shown = numbers
        if self.rounds == 0:
            self.htmls = [""] * len(htmls)
            self.parts = [None] * len(htmls)
        elif len(htmls) != len(self.htmls):
            raise RenderError("the report's parts changed while its page numbers were set")
        self.rounds += 1
        self._since_refined += 1
        if self._since_refined > MAX_ROUNDS:
            raise RenderError(f"the page numbers did not settle after {MAX_ROUNDS} rounds of "
                              "typesetting (a contents page that grows with them?)")
        todo: list[_Todo] = []
        for i, html in enumerate(htmls):
            done = self.parts[i]
            same = html == self.htmls[i]
            if same and done is not None and (
                    done.written or not self.write or self._refined_later(done)):
                continue
            self.htmls[i] = html
            # Numbers nobody knows yet: lay the part out for its page count, write it later.
            write = self.write and (self._trusted or 'data-page="' not in html)
            self.parts[i] = None
            # A part laid out again only to be written (its HTML the same) is written.
            todo.append((i, html, write, self._refining and not same))
        todo.sort(key=lambda t: -len(t[1]))  # the biggest first: the pool ends together
        self._outstanding = len(todo)
        self._waiting = todo
        self._release()
        if self.rounds == 1 and todo:
            self._lay_out_ahead(numbers, htmls)

    @property
    def _refining(self) -> bool:
        """Whether the layouts handed out now will be refined (``parts.part_of``: a part
        whose paragraphs are laid out for the first time is then left unwritten)."""
        return self.refinements < refine.MAX_REFINEMENTS

    def _refined_later(self, part: Any) -> bool:
        """Whether ``part``, left unwritten for it, waits for a refinement that will change
        its HTML (a settle with standing numbers makes it; the part is laid out then)."""
        return self._refining and bool(part.findings.planned - self.adjustments.planned)

    def _lay_out_ahead(self, numbers: _Numbers, htmls: list[str]) -> None:
        """Lay out, beside the first round's parts, those the refinement will likely ask
        for: the parts of the HTML made with what the last render of this output ended with
        (the preview: an edit moves few of the words a layout asked to keep whole), so that
        the round it asks for finds them ready. Only the part cache sees them: a round uses
        one only if its HTML is exactly that part's, so the pages are the same either way."""
        guess = self._guess
        if self.cache is None or guess is None or guess == self.adjustments or not self.write:
            return
        ahead = split_parts(render_html(self.doc, self.layout, pages=numbers, adjustments=guess,
                                        memo=self._memo))
        if len(ahead) != len(htmls):
            return
        for html, now in zip(ahead, htmls, strict=True):
            key = self.cache.key("part", html)
            if html == now or key in self._ahead or self.cache.load(key) is not None:
                continue
            self._ahead[key] = []
            self._queue.append(Job(EngineJob(guessed_part_job),
                                   (html, self.root, self.layout, self.variant, True,
                                    self._refining), self._ahead_done(key)))

    def _ahead_done(self, key: str) -> Callable[[Any], None]:
        def done(part: Any) -> None:
            waiting = self._ahead.pop(key)
            if part is None:  # failed: the rounds that wait lay it out themselves
                for i, html, write, refining in waiting:
                    self._queue.append(Job(EngineJob(part_job), (
                        html, self.root, self.layout, self.variant, write, refining),
                        self._part_done(i, key)))
                return
            self.typeset += 1
            stored = self._stored(key, part)
            for i, *_ in waiting:
                self._take(i, stored)
        return done

    def _release(self) -> None:
        """Hand out the waiting parts whose files are all drawn (or take them from the
        cache: only then can their key, which covers those files, be made)."""
        pending = self._pending()
        waiting, self._waiting = self._waiting, []
        for todo in waiting:
            i, html, write, refining = todo
            if any(name in html for name in pending):
                self._waiting.append(todo)
                continue
            key = self.cache.key("part", html) if self.cache else ""
            if key in self._ahead:  # being laid out ahead: taken when it is done
                self._ahead[key].append(todo)
                continue
            part = self._cached(key, write, refining) if self.cache else None
            if part is None:
                self._queue.append(Job(EngineJob(part_job), (
                    html, self.root, self.layout, self.variant, write, refining),
                    self._part_done(i, key)))
                continue
            self.parts[i] = part
            self._outstanding -= 1
        if self._outstanding == 0:
            self._settle()

    def _cached(self, key: str, write: bool, refining: bool) -> PartLayout | None:
        """The part of ``key`` from the cache: written, or only its layout if that is all
        this round needs (the part is not written, or waits for a refinement)."""
        assert self.cache is not None
        hit = self.cache.load(key)
        file, info = hit if hit is not None else (None, self.cache.load_layout(key))
        if info is None:
            return None
        part = PartLayout(b"", info["pages"], info["anchors"], info["borrowed"],
                          [tuple(b) for b in info["boxes"]], file,
                          refine.Findings.from_json(info["findings"]),
                          [(n, list(b)) for n, b in info.get("windows", [])])
        if file is None and write and not (refining and self._refined_later(part)):
            return None
        return part

    def _part_done(self, i: int, key: str) -> Callable[[Any], None]:
        def done(part: Any) -> None:
            self.typeset += 1
            self._take(i, self._stored(key, part))
        return done

    def _stored(self, key: str, part: Any) -> Any:
        """``part`` kept in the cache (if any), as the rounds then hold it: written, or, a
        layout left unwritten for the refinement, its layout only."""
        if self.cache is None:
            return part
        info = {"pages": part.pages, "anchors": part.anchors, "borrowed": part.borrowed,
                "boxes": part.boxes, "findings": part.findings.to_json(),
                "windows": part.windows}
        if part.data:
            file = self.cache.store(key, part.data, info)
            part = dataclasses.replace(part, data=b"", file=file)  # not sent back again
        elif self.write and part.findings.planned:
            self.cache.store_layout(key, info)
        return part

    def _take(self, i: int, part: Any) -> None:
        self.parts[i] = part
        self._outstanding -= 1
        if self._outstanding == 0:
            self._settle()

    def _numbers(self) -> tuple[_Numbers, dict[str, int]]:
        numbers, pages = _Numbers(), dict[str, int]()
        offset = 0
        for part in self.parts:
            for anchor, page in part.anchors.items():
                pages.setdefault(anchor, page + offset)
            offset += part.pages
        numbers.update((a, str(p)) for a, p in pages.items())
        return numbers, pages

    def _settle(self) -> None:
        numbers, pages = self._numbers()
        # The HTML shows the numbers it was made with: the same numbers (none of them
        # a placeholder) make the same HTML, which need not be made again.
        shown = self._shown
        htmls = (self.htmls if not shown.missed and dict(shown) == dict(numbers)
                 else self._html(numbers))
        if htmls == self.htmls and self.refinements < refine.MAX_REFINEMENTS:
            # The numbers stand: what the layouts ask of their HTML, as a single pass would.
            found = refine.Findings()
            for part in self.parts:
                found |= part.findings
            wanted = refine.advance(self.adjustments, found, self._figures)
            if wanted != self.adjustments:
                self.adjustments, self.refinements = wanted, self.refinements + 1
                self._since_refined = 0
                htmls = self._html(numbers)
        unwritten = self.write and any(not p.written for p in self.parts)
        if htmls != self.htmls or unwritten:
            self._trusted = True
            # The page names and sizes rarely change with the numbers: lay out the folios
            # for them during the next round. Handed out first (jobs of a round go in
            # order): the folio pass of a long report outlasts most parts, and started
            # last it would hold up the joining alone.
            if self.write:
                self._folios.ahead([box for part in self.parts for box in part.boxes])
            self._round(numbers, htmls)  # made for these numbers and adjustments
            return
        self.numbers, self.anchor_pages = numbers, pages
        if self.cache is not None:
            self.cache.store_numbers(self.name, dict(numbers))
            self.cache.memory[f"{self.name}\0adjustments"] = self.adjustments
        total = sum(p.pages for p in self.parts)
        if not self.write:
            self.result = PdfResult(b"", total, pages, len(self.parts), self.typeset)
            return
        self._folios.final([box for part in self.parts for box in part.boxes])

    def _queue_job(self, job: Job) -> None:
        self._queue.append(job)

    def _join(self, folios: bytes | Path | None) -> None:
        def done(data: bytes) -> None:
            assert self.anchor_pages is not None
            self.result = PdfResult(data, sum(p.pages for p in self.parts), self.anchor_pages,
                                    len(self.parts), self.typeset)

        pages = sum(p.pages for p in self.parts)
        join = ApartJob(join_job) if self.join_apart and pages >= JOIN_APART_PAGES else join_job
        self._queue.append(Job(join, (self.parts, folios), done))
        if self.joining is not None:
            self.joining(list(self.parts), folios)
