"""Render stage: a drawn chart fitted into its figure, by matplotlib's own geometry.

A painter of ``chartdraw`` draws the marks (bars, lines, wedges) and says, in a ``Plan``,
which texts go with them and where each may stand. This module lays the figure out,
measures every text box as it will be drawn (``get_window_extent`` with the figure's
renderer) and acts where a box would overlap another or leave the figure:

- category names under columns stay level, wrapped at words into their column's width,
  at the style's size or a little smaller; else they are turned upright; else only every
  second (third, ...) one is written;
- category names beside horizontal bars are wrapped into the room their row has, smaller
  if need be; a name that still does not fit is cut short with "…";
- a legend is wrapped at words into the room it has; a pie's moves from its side to
  below it; then it is set smaller (down to ``MIN_PT``); a legend above a chart takes
  fewer columns;
- a value label goes to its first place where it collides with nothing (its bar's end,
  inside the bar, the other side of a line's point), kept in order of rank (a
  highlighted category's first, then totals, the greatest values); one that has no
  such place is left out of the picture (the chart's alternative text and the DOCX's
  chart keep every value).

It never changes what a chart shows, and it draws no mark of its own.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from reportgen.render.chartmeasure import Measure, contains, drawn_ticks

#: The smallest text size a chart is set in, in points.
MIN_PT = 6.0
#: The most of the figure's height that category names under columns may take.
NAMES_SHARE = 0.42
#: The most lines a level name under a column takes (chartshape.MAX_COLUMN_LINES).
MAX_LINES = 3


@dataclass(frozen=True, slots=True)
class Place:
    """Where a value label may stand: at ``xy`` (data), moved by ``offset`` (points)."""

    xy: tuple[float, float]
    offset: tuple[float, float] = (0.0, 0.0)
    ha: str = "center"
    va: str = "bottom"
    color: str | None = None  # None: the label's own colour
    within: Any = None  # an artist (a bar) the label must lie inside


@dataclass(frozen=True, slots=True)
class ValueLabel:
    text: str
    places: tuple[Place, ...]
    rank: tuple[float, ...]  # kept first when greater
    color: str
    bold: bool = False


@dataclass
class Plan:
    """What a painter drew, and the texts the fitting places."""

    axis: str | None  # 'x': names under columns, 'y': names beside bars, None: no names
    categories: Sequence[str] = ()
    positions: Sequence[float] = ()
    bold: frozenset[int] = frozenset()
    values: list[ValueLabel] = field(default_factory=list)
    legend: tuple[list[Any], list[str]] | None = None  # handles, entries
    legend_side: bool = False  # a pie's legend: beside it, not above the axes
    fixed: list[Any] = field(default_factory=list)  # texts placed for good (a donut's total)
    #: Marks value labels keep clear of: points (data coordinates) and their radius in points
    #: (a line's markers, and points along its segments).
    marks: list[tuple[float, float, float]] = field(default_factory=list)


class Fit(Measure):
    """Fits one figure with one axes; ``tick_pt``, ``legend_pt``, ``value_pt``: the style's
    sizes of names, legends and value labels, in points."""

    def __init__(self, fig: Any, ax: Any, plan: Plan, tick_pt: float, legend_pt: float,
                 value_pt: float) -> None:
        super().__init__(fig)
        self.ax, self.plan = ax, plan
        self.tick_pt, self.legend_pt, self.value_pt = tick_pt, legend_pt, value_pt
        self.level_lines = MAX_LINES

    # ------------------------------------------------------------------ entry
    def run(self) -> None:
        self._axis_titles()
        legends = list(self._legend_tries())
        if legends:
            legends[0]()
        self._names()
        for legend in legends[1:]:
            if self._legend_fits():
                break
            legend()
            if self._legend_may_fit():  # else not worth a layout
                self.layout()
        if not self._names_fit():  # the legend took room the names had
            self._names()
        self._values()

    def layout(self) -> None:
        with warnings.catch_warnings():  # "tight_layout not applied": measured below anyway
            warnings.simplefilter("ignore", UserWarning)
            self.fig.tight_layout(pad=0.4)
        self.fig.draw_without_rendering()

    def texts(self) -> list[Any]:
        """The texts the layout has placed for good: names, axis titles, fixed ones."""
        ax = self.ax
        return [t for t in (*drawn_ticks(ax.xaxis), *drawn_ticks(ax.yaxis), ax.xaxis.label,
                            ax.yaxis.label, *self.plan.fixed)
                if t.get_visible() and t.get_text()]

    # ----------------------------------------------------------- axis titles
    def _axis_titles(self) -> None:
        ax, fig = self.ax, self.fig
        for label, room in ((ax.xaxis.label, fig.bbox.width * 0.96),
                            (ax.yaxis.label, fig.bbox.height * 0.9)):
            text = label.get_text()
            if text:
                size = label.get_fontsize()
                label.set_text("\n".join(self.wrap(text, room, size)))

    # ---------------------------------------------------------------- legends
    def _legend_tries(self) -> Iterator[Any]:
        if self.plan.legend is None:
            return
        handles, entries = self.plan.legend
        fig_w = self.fig.bbox.width
        for size in _sizes(self.legend_pt, MIN_PT):
            if self.plan.legend_side:
                for share in (0.45, 0.36, 0.28):
                    yield self._legend_maker(handles, entries, size, fig_w * share, 1, True)
                for cols in (2, 1):
                    yield self._legend_maker(handles, entries, size, fig_w * 0.94 / cols, cols,
                                             False)
            else:
                for cols in dict.fromkeys((min(len(entries), 3), 2, 1)):
                    if cols <= len(entries):
                        yield self._legend_maker(handles, entries, size, fig_w * 0.94 / cols,
                                                 cols, False)

    def _legend_maker(self, handles: list[Any], entries: list[str], size: float, room: float,
                      cols: int, side: bool) -> Any:
        def make() -> None:
            old = self.ax.get_legend()
            if old is not None:
                old.remove()
            handle_px = 2.6 * size * self.fig.dpi / 72  # the key and the space after it
            texts = ["\n".join(self.wrap(e, room - handle_px, size)) for e in entries]
            if side:
                self.ax.legend(handles, texts, loc="center left", bbox_to_anchor=(1.02, 0.5),
                               handlelength=1, handleheight=1, fontsize=size)
            elif self.plan.legend_side:  # a pie's, below it
                self.ax.legend(handles, texts, loc="upper center", bbox_to_anchor=(0.5, -0.02),
                               ncols=cols, handlelength=1, handleheight=1, fontsize=size,
                               borderaxespad=0.2)
            else:
                self.ax.legend(handles, texts, loc="lower center", bbox_to_anchor=(0.5, 1.0),
                               ncols=cols, handlelength=1, handleheight=1, fontsize=size,
                               borderaxespad=0.2)
        return make

    def _legend_may_fit(self) -> bool:
        """Whether the legend, wherever the layout puts it, is smaller than the figure."""
        legend = self.ax.get_legend()
        box, fig = self.box(legend), self.fig.bbox
        return box.height <= fig.height and box.width <= fig.width

    def _legend_fits(self) -> bool:
        legend = self.ax.get_legend()
        if legend is None:
            return True
        box = self.box(legend)
        if not self.inside(box):
            return False
        if any(not self.apart(box, self.box(t)) for t in self.texts()):
            return False
        axes = self.box(self.ax)
        fig = self.fig.bbox
        if self.plan.legend_side:  # the pie keeps a fair size
            wanted = 0.5 if box.x0 >= axes.x1 else 0.34
            return min(axes.width, axes.height) >= wanted * fig.height
        return box.height <= 0.4 * fig.height and axes.height >= 0.3 * fig.height

    # -------------------------------------------------------- category names
    def _names(self) -> bool:
        """Lays out the category names (and the figure); whether they fit."""
        plan = self.plan
        if plan.axis is None or not plan.categories:
            self.layout()
            return True
        self.layout()  # the pitch the tries start from
        tries = self._column_tries() if plan.axis == "x" else self._row_tries()
        for last, attempt in _last(tries):
            if not attempt() and not last:  # hopeless at this pitch: not worth a layout
                continue
            self.layout()
            if self._names_fit() or last:
                return self._names_fit()
        return False  # pragma: no cover (the tries are never empty)

    def _set_names(self, positions: Sequence[float], labels: Sequence[str], size: float,
                   upright: bool = False) -> None:
        ax = self.ax
        chosen = set(positions)
        if self.plan.axis == "x":
            ax.set_xticks(list(positions), list(labels), fontsize=size,
                          rotation=90 if upright else 0, va="top", ha="center",
                          multialignment="center")
            ticks = ax.get_xticklabels()
        else:
            ax.set_yticks(list(positions), list(labels), fontsize=size, multialignment="right")
            ticks = ax.get_yticklabels()
        shown = [i for i, p in enumerate(self.plan.positions) if p in chosen]
        for tick, index in zip(ticks, shown, strict=True):
            tick.set_fontweight("bold" if index in self.plan.bold else "normal")

    def _pitch(self) -> float:
        """The distance between two categories' places, in pixels, as laid out now."""
        ax = self.ax
        if len(self.plan.positions) < 2:
            box = self.box(ax)
            return float(box.width if self.plan.axis == "x" else box.height)
        a, b = ax.transData.transform([(0, 0), (1, 1)])
        return float(abs(b[0] - a[0]) if self.plan.axis == "x" else abs(b[1] - a[1]))

    def _column_tries(self) -> Iterator[Any]:
        plan, fig_h = self.plan, self.fig.bbox.height
        positions, names = list(plan.positions), list(plan.categories)

        def level(size: float, lines: int) -> Any:
            def attempt() -> bool:
                self.level_lines = lines
                room = self._pitch() - 2 * self.gap
                wrapped = [self.wrap(n, room, size) for n in names]
                self._set_names(positions, ["\n".join(w) for w in wrapped], size)
                return all(len(w) <= lines and all(self.width(x, size) <= room for x in w)
                           for w in wrapped)
            return attempt

        def upright(size: float, step: int) -> Any:
            def attempt() -> bool:
                room = self._pitch() * step - 2 * self.gap
                lines = max(1, min(2, int(room // self.line_height(size))))
                length = NAMES_SHARE * fig_h
                labels = ["\n".join(self.cut(self.wrap(n, length, size), lines, length, size))
                          for n in names[::step]]
                self._set_names(positions[::step], labels, size, upright=True)
                return self.line_height(size) <= room
            return attempt

        for lines in (MAX_LINES, MAX_LINES + 2):  # long names: a few more lines, still level
            for size in _sizes(self.tick_pt, max(MIN_PT, self.tick_pt * 0.82)):
                yield level(size, lines)
        for size in _sizes(self.tick_pt, MIN_PT):
            yield upright(size, 1)
        for step in range(2, len(names) + 1):
            yield upright(MIN_PT, step)

    def _row_tries(self) -> Iterator[Any]:
        plan, fig_w = self.plan, self.fig.bbox.width
        positions, names = list(plan.positions), list(plan.categories)

        def rows(size: float, share: float, cut: bool) -> Any:
            def attempt() -> bool:
                room = fig_w * share
                count = max(1, int((self._pitch() - self.gap) // self.line_height(size)))
                labels, fits = [], True
                for name in names:
                    lines = self.wrap(name, room, size)
                    fits = fits and len(lines) <= count
                    labels.append("\n".join(self.cut(lines, count, room, size) if cut else lines))
                self._set_names(positions, labels, size)
                return fits or cut
            return attempt

        for size in _sizes(self.tick_pt, MIN_PT):
            for share in (0.30, 0.38):
                yield rows(size, share, False)
        yield rows(MIN_PT, 0.38, True)

    def _names_fit(self) -> bool:
        """Whether the names (and every other text laid out) are apart and inside the figure,
        and leave the marks their room."""
        ax, fig = self.ax, self.fig
        boxes = [self.box(t) for t in self.texts()]
        if not all(self.inside(b) for b in boxes) or not self.all_apart(boxes):
            return False
        if self.plan.axis is None:
            return True
        ticks = [t for t in drawn_ticks(ax.xaxis if self.plan.axis == "x" else ax.yaxis)
                 if t.get_visible() and t.get_text()]
        if self.plan.axis == "x":
            level = all(t.get_rotation() == 0 for t in ticks)
            lines = max((t.get_text().count("\n") + 1 for t in ticks), default=0)
            return self.box(ax).height >= 0.3 * fig.bbox.height and (
                not level or lines <= self.level_lines)
        widest = max((self.box(t).width for t in ticks), default=0)
        return widest <= 0.4 * fig.bbox.width

    # ----------------------------------------------------------- value labels
    def _values(self) -> None:
        blocked = [self.box(t) for t in self.texts()]
        legend = self.ax.get_legend()
        if legend is not None:
            blocked.append(self.box(legend))
        if self.plan.marks:
            from matplotlib.transforms import Bbox

            scale = self.fig.dpi / 72
            places = self.ax.transData.transform([(x, y) for x, y, _ in self.plan.marks])
            for (x, y), (_, _, r) in zip(places, self.plan.marks, strict=True):
                blocked.append(Bbox([[x - r * scale, y - r * scale], [x + r * scale, y + r * scale]]))
        order = sorted(range(len(self.plan.values)), key=lambda i: self.plan.values[i].rank,
                       reverse=True)
        for i in order:
            label = self.plan.values[i]
            first = label.places[0]
            note = self.ax.annotate(
                label.text, first.xy, xytext=first.offset, textcoords="offset points",
                ha=first.ha, va=first.va, fontsize=self.value_pt, color=label.color,
                fontweight="bold" if label.bold else "normal", annotation_clip=False)
            note.set_in_layout(False)
            for place in label.places:
                note.xy = place.xy
                note.set_position(place.offset)
                note.set_ha(place.ha)
                note.set_va(place.va)
                note.set_color(place.color or label.color)
                box = self.box(note)
                if (self.inside(box) and all(self.apart(box, b) for b in blocked)
                        and (place.within is None or contains(self.box(place.within), box))):
                    blocked.append(box)
                    break
            else:
                note.remove()


def _sizes(start: float, floor: float) -> list[float]:
    """Text sizes from ``start`` down to ``floor``, half a point apart."""
    steps = max(0, math.floor((start - floor) / 0.5 + 1e-9))
    return [round(start - 0.5 * i, 2) for i in range(steps + 1)]


def _last(items: Iterator[Any]) -> Iterator[tuple[bool, Any]]:
    """Each of ``items`` with whether it is the last."""
    items = iter(items)
    try:
        current = next(items)
    except StopIteration:
        return
    for following in items:
        yield False, current
        current = following
    yield True, current
