"""Render-stage scheduling of a split PDF render, its folio passes (``plan``'s step 4).

The folios ("12 / 266") are laid out in a document of blank pages with the report's page
names and sizes (``parts.render_folios``). A pass depends on those page boxes only, which
rarely change with the page numbers: so a pass is started for each round's boxes ahead of
need (the pass of a long report outlasts most parts; started last, it would hold up the
joining alone), each set of boxes laid out once or taken from the part cache, and the
pass of the final boxes handed on as soon as it is there. Nothing here waits or starts a
process: the jobs go to the render's queue.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from reportgen.cache.outputs import PartCache
from reportgen.layout import Layout
from reportgen.render.pdf.jobs import EngineJob, Job, folio_job


class FolioPasses:
    """The folio passes of one split render. ``add(job)`` queues a job; ``final_done(folios)``
    is called once with the folios of the boxes given to ``final``."""

    def __init__(self, root: Path, layout: Layout, cache: PartCache | None,
                 add: Callable[[Job], None], final_done: Callable[[Any], None]) -> None:
        self.root, self.layout, self.cache = root, layout, cache
        self._add, self._final_done = add, final_done
        #: Passes by the page boxes they are for (their ``repr``); None while laid out.
        self._passes: dict[str, bytes | Path | None] = {}
        self._final: str | None = None

    def ahead(self, boxes: list[Any]) -> None:
        """Start the pass for ``boxes`` (a round's), unless it is known or under way."""
        self._start(boxes, final=False)

    def final(self, boxes: list[Any]) -> None:
        """The final boxes: their folios go to ``final_done`` once they are there."""
        self._final = repr(boxes)
        self._start(boxes, final=True)

    def _start(self, boxes: list[Any], final: bool) -> None:
        from reportgen.render.htmlpage import stylesheet_paths
        from reportgen.render.pdf.writer import FOLIO_CSS

        if not any(p.name == FOLIO_CSS for p in stylesheet_paths(self.layout)):
            if final:
                self._final_done(None)
            return
        text = repr(boxes)
        if text in self._passes:
            data = self._passes[text]
            if data is not None and final:
                self._final_done(data)
            return  # being laid out: its callback hands it on if it is the final one
        key = self.cache.key("folios", text) if self.cache else ""
        hit = self.cache.load(key) if self.cache else None
        if hit is not None:
            self._passes[text] = hit[0]
            if final:
                self._final_done(hit[0])
            return
        self._passes[text] = None

        def done(data: bytes) -> None:
            kept: bytes | Path = data
            if self.cache is not None:
                kept = self.cache.store(key, data, {"pages": len(boxes)})
            self._passes[text] = kept
            if self._final == text:
                self._final_done(kept)

        self._add(Job(EngineJob(folio_job), (boxes, self.root, self.layout), done))
