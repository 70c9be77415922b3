"""PDF writer, split render: a part with a long data table laid out in windows of rows.

Part of the render stage; a part job's entry (``plan``), which gives every other
part to ``parts.render_part`` as it is. WeasyPrint keeps every page of a document
laid out until it is written, about 3 MiB a page of table: a 5,000-row table in
one part took a worker past 1 GiB (issue 21). A part whose table has more than
``longtable.LONG_TABLE_ROWS`` rows is laid out here a window of rows at a time,
each window a WeasyPrint document of its own (``longtable``: the part up to row
N; then the table continued from row M, its header repeated, no caption):

1. a window is laid out; its pages but the last are kept, written and let go;
   the dropped last page starts at a row, and the next window starts there;
2. the next window's first page must be that page: the same rows at the same
   heights and the same running headers, else the part is laid out whole, as
   before (the windows then only cost time);
3. the part is the windows' kept pages: their anchors, page boxes and findings put
   together, their PDFs kept one after the other, to be joined with the other parts'
   (``join.join_parts``).

The pages are those of one document of the whole part: a page's layout depends
only on the row it starts with, and each window starts with the row the page
started with in the window before (tests/test_windows.py compares the text and
the pictures of every page with one WeasyPrint pass of the whole report).
"""

from __future__ import annotations

import gc
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportgen.layout import Layout
from reportgen.render.pdf import longtable
from reportgen.render.pdf.longtable import LongTable
from reportgen.render.pdf.partlayout import PartLayout
from reportgen.render.pdf.parts import part_of, render_part
from reportgen.render.pdf.refine import Findings
from reportgen.render.pdf.writer import LayoutEngine, page_box

log = logging.getLogger(__name__)

#: About how many pages a window is laid out in (each about 3 MiB of table; 25 pages made
#: the 5,000-row build of -j 1 peak at 384 MiB, 15 at 355 MiB and 7 % slower).
WINDOW_PAGES = 15
#: The rows of the first window, before its pages tell how many rows a page holds.
FIRST_WINDOW_ROWS = 400


def render_windowed(engine: LayoutEngine, html: str, project_root: Path, layout: Layout,
                    variant: str, write_pdf: bool = True, refining: bool = False
                    ) -> PartLayout:
    """``parts.render_part``, in windows of rows when the part has a long table."""
    table = longtable.find(html)
    if table is not None:
        pieces = _windows(engine, table, project_root, layout, variant, write_pdf, refining)
        if pieces is not None:
            return _joined(pieces, write_pdf)
        log.debug("a long table's windows did not continue as one document: laid out whole")
    return render_part(engine, html, project_root, layout, variant, write_pdf, refining)


@dataclass
class _Page:
    """What a window's page must share with the page it continues from."""

    rows: dict[int, float]  # the table's rows on it (by index in the table), their heights
    margins: list[tuple[str, str]]  # each margin box's text (the running headers)


def _windows(engine: LayoutEngine, table: LongTable, project_root: Path, layout: Layout,
             variant: str, write_pdf: bool, refining: bool) -> list[PartLayout] | None:
    """The parts of the windows' kept pages in order, or None if a window did not continue
    its predecessor's dropped page exactly."""
    pieces: list[PartLayout] = []
    strings: dict[str, str] = {}
    start, end = 0, min(len(table.rows), FIRST_WINDOW_ROWS)
    witness: _Page | None = None
    while True:
        html = table.first(end) if start == 0 else table.continuation(start, end, strings)
        last = end >= len(table.rows)
        with engine.lay_out(html, project_root, layout, variant, folios=False) as document:
            lead = 0 if start == 0 else 1  # a continuation's first page: the row before
            laid = document.pages[lead:]
            pages = [_page(page, start - lead) for page in laid]
            if witness is not None and not (pages and _continues(witness, pages[0])):
                return None
            cut = len(pages) if last else _cut(pages)
            if cut is None:  # too few pages to cut: the window again, with twice the rows
                end = min(len(table.rows), start + 2 * (end - start))
                continue
            kept = laid[:cut]
            for page in kept:
                for box in page_box(page).descendants():
                    for name, text in getattr(box, "string_set", None) or ():
                        strings[name] = text
            pieces.append(part_of(document, kept, variant, write_pdf, refining))
            if last:
                break
            witness = pages[cut]
            placed = min(witness.rows) - start
            table_pages = sum(1 for p in pages[:cut] if p.rows) or 1
        del document, laid, kept
        gc.collect()  # a laid-out page is a web of boxes: free it before the next window
        start += placed
        per_page = max(1, placed // table_pages)
        end = min(len(table.rows), start + per_page * (WINDOW_PAGES + 2))
    return pieces


def _page(page: Any, start: int) -> _Page:
    """The windowed table's rows on ``page`` of a window starting at row ``start``."""
    from weasyprint.formatting_structure.boxes import MarginBox, TableBox, TableRowGroupBox

    rows: dict[int, float] = {}
    box = page_box(page)
    for child in box.descendants():
        if not isinstance(child, TableBox) or child.element is None or \
                child.element.get(longtable.MARK) is None:
            continue
        for group in child.children:
            if not isinstance(group, TableRowGroupBox) or group.is_header or group.is_footer:
                continue
            index = {id(tr): i for i, tr in
                     enumerate(e for e in group.element if str(e.tag).endswith("tr"))}
            for row in group.children:
                rows[start + index[id(row.element)]] = round(row.position_y, 3)
    margins = [(m.at_keyword, _text(m)) for m in box.children if isinstance(m, MarginBox)]
    return _Page(rows, margins)


def _text(box: Any) -> str:
    return "".join(getattr(b, "text", "") for b in box.descendants())


def _cut(pages: list[_Page]) -> int | None:
    """How many pages of a window to keep: all but the last two, or fewer. The first page
    dropped is full (a page follows it) and starts and ends with whole rows: the next window
    must lay it out again with the same rows."""
    for cut in range(len(pages) - 2, 0, -1):
        dropped, before, after = pages[cut], pages[cut - 1], pages[cut + 1]
        if not (dropped.rows and before.rows and after.rows):
            continue
        if min(dropped.rows) in before.rows or max(dropped.rows) in after.rows:
            continue  # a row cut in two: no window starts or ends inside it
        return cut
    return None


def _continues(witness: _Page, page: _Page) -> bool:
    """Whether ``page`` (a window's first) is the page ``witness`` was (the first dropped of
    the window before): the same rows at the same heights, the same running headers."""
    return (witness.margins == page.margins and witness.rows.keys() == page.rows.keys()
            and all(abs(page.rows[i] - y) < 1e-3 for i, y in witness.rows.items()))


def _joined(pieces: list[PartLayout], write_pdf: bool) -> PartLayout:
    """One part of the windows' pieces, in order; their PDFs are joined with the other
    parts' (``PartLayout.windows``), not here: the join of a long table's pages holds them
    all in memory (pikepdf, ~0.7 MiB a page of table), and once is enough."""
    anchors: dict[str, int] = {}
    offset = 0
    found = Findings()
    for piece in pieces:
        for name, page in piece.anchors.items():
            anchors.setdefault(name, page + offset)
        offset += piece.pages
        found |= piece.findings
    borrowed = sorted({name for piece in pieces for name in piece.borrowed} - set(anchors))
    # A part is written only whole: a window left unwritten (``refining``) leaves it unwritten.
    written = write_pdf and all(piece.data for piece in pieces)
    data = b"".join(piece.data for piece in pieces) if written else b""
    listed = [(len(piece.data), piece.borrowed) for piece in pieces] if written else []
    return PartLayout(data, offset, anchors, borrowed,
                      [box for piece in pieces for box in piece.boxes], findings=found,
                      windows=listed)
