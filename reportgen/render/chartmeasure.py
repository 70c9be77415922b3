"""Render stage: the measures of a chart's figure, as matplotlib draws it (``chartfit``'s).

Boxes of artists in display pixels (``get_window_extent`` with the figure's Agg renderer),
whether they stand apart and inside the figure, the width of a line of text, text wrapped
at words into a width or cut short with "…". It measures; it changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

#: The least room between two texts, in points.
GAP_PT = 1.0
ELLIPSIS = "…"


class Measure:
    """Measures one figure (drawn on an Agg canvas, as the PNG is)."""

    def __init__(self, fig: Any) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        if not isinstance(fig.canvas, FigureCanvasAgg):
            FigureCanvasAgg(fig)
        self.fig = fig
        self.renderer = fig.canvas.get_renderer()
        self.gap = GAP_PT * fig.dpi / 72
        self.widths: dict[tuple[str, float, bool], float] = {}

    def box(self, artist: Any) -> Any:
        return artist.get_window_extent(self.renderer)

    def inside(self, box: Any) -> bool:
        fig = self.fig.bbox
        return (box.x0 >= fig.x0 - 0.01 and box.y0 >= fig.y0 - 0.01
                and box.x1 <= fig.x1 + 0.01 and box.y1 <= fig.y1 + 0.01)

    def apart(self, a: Any, b: Any) -> bool:
        g = self.gap / 2
        return (a.x1 + g <= b.x0 - g or b.x1 + g <= a.x0 - g
                or a.y1 + g <= b.y0 - g or b.y1 + g <= a.y0 - g)

    def all_apart(self, boxes: Sequence[Any]) -> bool:
        return all(self.apart(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:])

    def width(self, text: str, size: float, bold: bool = False) -> float:
        """The width of one line of ``text`` in pixels (measured once: wrapping asks often)."""
        key = (text, size, bold)
        if key not in self.widths:
            from matplotlib.font_manager import FontProperties

            prop = FontProperties(size=size, weight="bold" if bold else "normal")
            w, _h, _d = self.renderer.get_text_width_height_descent(text, prop, ismath=False)
            self.widths[key] = float(w)
        return self.widths[key]

    def line_height(self, size: float) -> float:
        return size * 1.2 * self.fig.dpi / 72

    def wrap(self, text: str, room: float, size: float, bold: bool = False) -> list[str]:
        """``text`` wrapped at words into lines of at most ``room`` pixels (a longer word
        stands alone); never at a no-break space ('1 250', '69,6 %')."""
        lines: list[str] = []
        for word in words(text):
            if lines and self.width(f"{lines[-1]} {word}", size, bold) <= room:
                lines[-1] = f"{lines[-1]} {word}"
            else:
                lines.append(word)
        return lines or [text]

    def cut(self, lines: list[str], count: int, room: float, size: float) -> list[str]:
        """The first ``count`` of ``lines``, the last one ending with "…" within ``room``."""
        if len(lines) <= count and all(self.width(x, size) <= room for x in lines):
            return lines
        kept = lines[:count]
        last = kept[-1]
        while last and self.width(last + ELLIPSIS, size) > room:
            last = last[:-1].rstrip()
        kept[-1] = last + ELLIPSIS
        return kept


def drawn_ticks(axis: Any) -> list[Any]:
    """The tick labels of ``axis`` that are drawn: those of ticks within its view (a locator
    may give more, which matplotlib leaves out)."""
    low, high = sorted(axis.get_view_interval())
    slack = (high - low) * 1e-9
    return [label for loc, label in zip(axis.get_majorticklocs(), axis.get_majorticklabels(),
                                        strict=False)
            if low - slack <= loc <= high + slack]


def words(text: str) -> list[str]:
    """The words of ``text`` between ordinary spaces (str.split would break at U+00A0 and
    U+202F too)."""
    return [w for w in re.split(r"[ \t\n]+", text) if w]


def contains(outer: Any, inner: Any) -> bool:
    return (inner.x0 >= outer.x0 and inner.x1 <= outer.x1 and inner.y0 >= outer.y0
            and inner.y1 <= outer.y1)
