"""Assemble stage: the shape a chart is drawn in, its kind as drawn and its height, from what
it shows; decided once here, so that the PDF's drawing and the DOCX's native chart agree.

- A ``bar`` chart of more than ``MAX_COLUMNS`` categories, or with a category name that
  would not fit under its column in ``MAX_COLUMN_LINES`` lines or has a word wider than
  its column, is drawn as horizontal bars (``hbar``): names then stand level beside the
  bars, as long as they are, where columns would have them turned upright. A timeline
  (periods, months, years) keeps its columns.
- A horizontal bar chart is as tall as its rows need (a long name takes up to three
  lines), a pie's or donut's as its legend needs (one entry a category), a column
  chart whose names must be turned has room for them below; never taller than
  ``MAX_HEIGHT_MM``, what a page of the print layout holds with its caption.

Sizes are estimated from the number of characters (a glyph of the chart font taken as
0.55 em, as the DOCX's check of a column's words does); the drawing (``render.chartdraw``,
``render.chartfit``) measures what it draws and fits it into this height. Nothing here
draws or imports matplotlib.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

WIDTH_MM = 160.0
HEIGHTS_MM = {"bar": 78.0, "stacked_bar": 82.0, "line": 72.0, "donut": 70.0, "pie": 70.0}
#: The most columns a bar chart has; one more and its bars are horizontal.
MAX_COLUMNS = 12
#: The most lines a column's name takes under it; a longer name makes the bars horizontal.
MAX_COLUMN_LINES = 3
#: A row of horizontal bars (one series; more take the square root of their number more).
ROW_MM = 7.0
#: The tallest chart: an A4 page's text height (255 mm) less its caption and some air.
MAX_HEIGHT_MM = 220.0
#: The chart font (chart.mplstyle: 8.5 pt), one glyph taken as 0.55 em, one line as 1.3 em.
CHAR_MM = 0.55 * 8.5 * 25.4 / 72
LINE_MM = 1.3 * 8.5 * 25.4 / 72
#: The share of the width a row's name may take beside horizontal bars, a legend's entry
#: beside a pie.
NAME_SHARE, LEGEND_SHARE = 0.38, 0.45


def drawn_kind(kind: str, categories: Sequence[str], timeline: bool = False) -> str:
    """The kind a chart of ``kind`` with ``categories`` is drawn as (``bar`` may become
    ``hbar``; every other kind stays). ``timeline``: the categories are periods, months or
    years, which read from left to right: their columns stay, their names are turned or
    thinned out under them."""
    if kind != "bar" or not categories or timeline:
        return kind
    if len(categories) > MAX_COLUMNS:
        return "hbar"
    slot = WIDTH_MM * 0.85 / len(categories)
    if any(_lines(c, slot) > MAX_COLUMN_LINES or _turned(c, slot) for c in categories):
        return "hbar"  # level beside the bars rather than turned upright under columns
    return kind


def height_mm(kind: str, categories: Sequence[str], series: int) -> float:
    """The height of a chart of ``kind`` (as drawn) showing ``categories`` in ``series``
    series."""
    if kind == "hbar":
        rows = sum(max(ROW_MM * math.sqrt(max(1, series)),
                       2.5 + LINE_MM * min(3, _lines(c, WIDTH_MM * NAME_SHARE)))
                   for c in categories)
        height = max(40.0, 14.0 + rows + (8.0 if series > 1 else 0.0))
    elif kind in ("pie", "donut"):
        # An entry is its name, its value and its share: 'Гранты — 230 (18,4 %)'.
        lines = sum(_lines(f"{c} — 00 000 (00,0 %)", WIDTH_MM * LEGEND_SHARE)
                    for c in categories)
        height = max(HEIGHTS_MM[kind], 12.0 + 1.1 * LINE_MM * lines)
    else:
        height = HEIGHTS_MM.get(kind, 12.0 + 9.0 * len(categories))
        slot = WIDTH_MM * 0.85 / max(1, len(categories))
        # Names stand level under the columns in up to five lines, at 82 % of the size at
        # least (chartfit); else they are turned upright.
        turned = [c for c in categories
                  if _lines(c, slot) > MAX_COLUMN_LINES + 2 or _turned(c, slot)]
        if turned:  # room for them below the columns
            height += min(45.0, max(len(c) for c in turned) * CHAR_MM * 0.9)
        else:
            lines = max((_lines(c, slot) for c in categories), default=1)
            height += max(0, lines - 2) * LINE_MM
    return round(min(MAX_HEIGHT_MM, height), 1)


def _lines(text: str, width_mm: float) -> int:
    """How many lines ``text`` takes wrapped at words into ``width_mm`` (a word longer than
    that counts as lines of its own length)."""
    per_line = max(1, int(width_mm / CHAR_MM))
    lines, used = 1, 0
    for word in text.split(" "):
        if used and used + 1 + len(word) > per_line:
            lines, used = lines + 1, 0
        used += (1 if used else 0) + len(word)
        while used > per_line:
            lines, used = lines + 1, used - per_line
    return lines


def _turned(name: str, slot_mm: float) -> bool:
    """Whether a word of ``name`` is too wide for a column's ``slot_mm`` even at 82 % of the
    size (the smallest level names of chartfit): the name is turned upright."""
    return max((len(w) for w in name.split(" ")), default=0) * CHAR_MM * 0.82 > slot_mm
