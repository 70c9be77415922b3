"""Render stage: a ``model.Chart`` drawn with matplotlib's object API, as SVG and PNG.

One house style (the layout's ``chart.mplstyle``) and the bundled fonts; SVG
keeps its text as text so the PDF can select and search it in the embedded
font; PNG at print resolution for Word. Both are byte-identical for the same
chart (no dates, no software tags, fixed SVG ids). matplotlib is imported
only here, and only when a chart must actually be drawn.

What the painters draw is fitted into the figure by ``chartfit`` (names wrapped,
turned or thinned, legends wrapped, moved or set smaller, value labels moved or left out
where they would collide): the painters say where each text may stand.

Chart text is plain text everywhere (labels, titles, values, the legend): matplotlib
would read '$5 to $10' as mathematics and print '5to 10', so its math parsing is off
(``text.parse_math``), and no style may hand the text to LaTeX (``text.usetex``).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from reportgen.errors import InputError, SourceLoc
from reportgen.layout import Layout
from reportgen.model import nodes as m
from reportgen.render.chartfit import Fit, Place, Plan, ValueLabel
from reportgen.resources import OutsideWorld
from reportgen.text.formats import format_number, format_shares

MM_PER_INCH = 25.4
PNG_DPI = 300  # print resolution for the DOCX


_DOCTYPE = re.compile(rb"<!DOCTYPE svg PUBLIC [^>\[]*>\s*")

def draw(chart: m.Chart, layout: Layout) -> tuple[bytes, bytes]:
    """The chart as (SVG bytes, PNG bytes), in ``layout``'s chart style and fonts."""
    with figure(chart, layout) as fig:
        svg, png = io.BytesIO(), io.BytesIO()
        fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
        fig.savefig(png, format="png", dpi=PNG_DPI, metadata={"Software": None})
    # matplotlib declares the SVG 1.1 DTD; the closed world accepts no DOCTYPE at all (assets).
    return _DOCTYPE.sub(b"", svg.getvalue(), count=1), png.getvalue()


@contextmanager
def figure(chart: m.Chart, layout: Layout) -> Iterator[Any]:
    """The chart drawn and fitted into its figure, within the style's settings (what it is
    saved and measured with)."""
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    rc = _style(layout)
    with matplotlib.rc_context(rc):
        fig = Figure(figsize=(chart.width_mm / MM_PER_INCH, chart.height_mm / MM_PER_INCH))
        colors = list(rc["axes.prop_cycle"].by_key()["color"])
        ax = fig.add_subplot()
        painter = {"bar": _bar, "hbar": _bar, "stacked_bar": _stacked, "line": _line,
                   "donut": _pie, "pie": _pie}[chart.kind]
        plan = painter(ax, chart, colors) if chart.categories else Plan(None)
        if chart.x_label:
            (ax.set_ylabel if chart.kind == "hbar" else ax.set_xlabel)(chart.x_label)
        if chart.y_label:
            (ax.set_xlabel if chart.kind == "hbar" else ax.set_ylabel)(chart.y_label)

        def points(key: str) -> float:
            return float(FontProperties(size=rc[key]).get_size_in_points())

        tick = points("ytick.labelsize" if chart.kind == "hbar" else "xtick.labelsize")
        Fit(fig, ax, plan, tick, points("legend.fontsize"),
            float(FontProperties(size="small").get_size_in_points())).run()
        yield fig


def _style(layout: Layout) -> Any:
    """The style file's settings, with the bundled fonts known to matplotlib by the layout's
    family names ('Report Sans'), and the project's by theirs, so that the SVG's text names
    the fonts the PDF embeds."""
    from matplotlib import font_manager, rc_params_from_file

    try:
        path = layout.chart_style()
        faces = layout.faces()
    except OutsideWorld as exc:
        raise InputError.single(SourceLoc(Path(exc.path)), str(exc)) from None
    known = {(e.fname, e.name) for e in font_manager.fontManager.ttflist}
    for face in faces:
        if (str(face.path), face.family) not in known:
            font_manager.fontManager.ttflist.append(font_manager.FontEntry(
                fname=str(face.path), name=face.family, style=face.style, weight=face.weight))
    # matplotlib's own addfont() clears its lookup cache the same way; it cannot rename.
    cached = getattr(font_manager.fontManager, "_findfont_cached", None)
    if cached is not None:
        cached.cache_clear()
    families = {face.family for face in faces}
    rc = rc_params_from_file(str(path), use_default_template=False)
    # Plain text, whatever the style says: '$5 to $10' is no formula, and no LaTeX runs.
    rc["text.parse_math"] = False
    rc["text.usetex"] = False
    missing = [f for f in rc["font.family"] if f not in families]
    if missing:
        raise InputError.single(
            SourceLoc(path), f"font.family: '{missing[0]}' is not a family of the bundled or the "
            f"project's fonts (known: {', '.join(sorted(families))})")
    return rc


def _fmt(value: float | int, lang: str) -> str:
    return format_number(value, lang)


#: Palette entries dark enough for white text on them (chart.mplstyle's order; chartxml too).
_DARK = (0, 3, 5, 7)


def _ink(colors: Sequence[str], color: str) -> str:
    """The colour of a label written on ``color``: white on a dark one."""
    return "white" if color in [colors[i] for i in _DARK if i < len(colors)] else "#1b2a38"


def _bar(ax: Any, chart: m.Chart, colors: Sequence[str]) -> Plan:
    horizontal = chart.kind == "hbar"
    n_cat, n_ser = len(chart.categories), len(chart.series)
    width = 0.72 / n_ser
    positions = list(range(n_cat))
    text = _text_color()
    values: list[ValueLabel] = []
    for s, (name, series) in enumerate(chart.series):
        offsets = [p - 0.36 + width * (s + 0.5) for p in positions]
        if n_ser == 1:
            fill = [colors[1] if i in chart.highlight else colors[0] for i in range(n_cat)]
        else:
            fill = [colors[s % len(colors)]] * n_cat
        draw = ax.barh if horizontal else ax.bar
        bars = draw(offsets, series, width * 0.92, color=fill, label=name or None)
        for i, (bar, pos, v) in enumerate(zip(bars, offsets, series, strict=True)):
            if horizontal:
                places = (Place((v, pos), (2, 0), "left", "center"),
                          Place((v, pos), (-2, 0), "right", "center", _ink(colors, fill[i]), bar))
            else:
                places = (Place((pos, v), (0, 2), "center", "bottom"),
                          Place((pos, v), (0, -2), "center", "top", _ink(colors, fill[i]), bar))
            values.append(ValueLabel(_fmt(v, chart.lang), places,
                                     (i in chart.highlight, v, -i, -s), text))
    if horizontal:
        ax.invert_yaxis()
        ax.spines[["bottom"]].set_visible(False)
        ax.set_xticks([])
        ax.margins(x=0.12)
    else:
        ax.spines[["left"]].set_visible(False)
        ax.set_yticks([])
        ax.margins(y=0.12)
    handles, entries = ax.get_legend_handles_labels()
    return Plan("y" if horizontal else "x", chart.categories, positions,
                frozenset(chart.highlight), values, (handles, entries) if n_ser > 1 else None)


def _text_color() -> str:
    """The style's text colour."""
    import matplotlib

    return str(matplotlib.rcParams["text.color"])


def _stacked(ax: Any, chart: m.Chart, colors: Sequence[str]) -> Plan:
    positions = list(range(len(chart.categories)))
    bottoms = [0.0] * len(positions)
    totals = [sum(values[i] for _, values in chart.series) for i in positions]
    top = max(totals) if totals else 0
    text = _text_color()
    labels: list[ValueLabel] = []
    for s, (name, values) in enumerate(chart.series):
        color = colors[s % len(colors)]
        bars = ax.bar(positions, values, 0.6, bottom=bottoms, color=color, label=name or None)
        for i, (bar, v, b) in enumerate(zip(bars, values, bottoms, strict=True)):
            # A part under 6 % of the tallest bar has no label (the DOCX's rule too).
            if top and v >= 0.06 * top:
                labels.append(ValueLabel(_fmt(v, chart.lang), (Place(
                    (i, b + v / 2), (0, 0), "center", "center", None, bar),),
                    (0, v, -i, -s), _ink(colors, color)))
        bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
    for i, total in enumerate(totals):
        labels.append(ValueLabel(_fmt(total, chart.lang), (Place((i, total), (0, 3), "center",
                                                                 "bottom"),),
                                 (1 + (i in chart.highlight), total, -i), text, bold=True))
    ax.spines[["left"]].set_visible(False)
    ax.set_yticks([])
    ax.margins(y=0.14)
    handles, entries = ax.get_legend_handles_labels()
    return Plan("x", chart.categories, positions, frozenset(chart.highlight), labels,
                (handles, entries) if entries else None)


def _line(ax: Any, chart: m.Chart, colors: Sequence[str]) -> Plan:
    positions = list(range(len(chart.categories)))
    count = len(chart.series)
    labels: list[ValueLabel] = []
    for s, (name, values) in enumerate(chart.series):
        color = colors[0] if count == 1 else colors[s % len(colors)]
        ax.plot(positions, values, marker="o", color=color, label=name or None)
        for i, (x, v) in enumerate(zip(positions, values, strict=True)):
            if i in chart.highlight:
                ax.plot([x], [v], marker="o", markersize=8, color=colors[1], zorder=3)
            # The highest series at a point is labelled above it (the first of equal ones),
            # the others below: labels of close values then stand apart.
            at_point = [other[i] for _, other in chart.series]
            above = at_point.index(max(at_point)) == s
            up = Place((x, v), (0, 6), "center", "bottom")
            down = Place((x, v), (0, -7), "center", "top")
            ends = i in (0, len(positions) - 1)
            labels.append(ValueLabel(_fmt(v, chart.lang), (up, down) if above else (down, up),
                                     (i in chart.highlight, ends, v, -i, -s), color))
    highest = max((max(values) for _, values in chart.series if values), default=0)
    ax.set_ylim(0, highest * 1.25 or 1)  # room for the labels above and the legend
    ax.margins(x=0.08)
    ax.grid(axis="y")
    ax.yaxis.set_major_formatter(lambda v, _pos: _fmt(int(v) if v == int(v) else v, chart.lang))
    handles, entries = ax.get_legend_handles_labels()
    return Plan("x", chart.categories, positions, frozenset(chart.highlight), labels,
                (handles, entries) if count > 1 else None, marks=_line_marks(chart))


def _line_marks(chart: m.Chart) -> list[tuple[float, float, float]]:
    """What a line chart's value labels keep clear of: its markers (a highlighted one is
    larger) and its lines, as points along each segment."""
    import matplotlib

    marker = float(matplotlib.rcParams["lines.markersize"]) / 2
    width = float(matplotlib.rcParams["lines.linewidth"]) / 2
    marks = []
    for _, values in chart.series:
        for i, v in enumerate(values):
            marks.append((float(i), float(v), 4.0 if i in chart.highlight else marker))
            if i + 1 < len(values):
                marks.extend((i + k / 8, v + (values[i + 1] - v) * k / 8, width)
                             for k in range(1, 8))
    return marks


def _pie(ax: Any, chart: m.Chart, colors: Sequence[str]) -> Plan:
    (_name, values), = chart.series
    total = sum(values)
    fill = [colors[i % len(colors)] for i in range(len(values))]
    alphas = [1.0 if not chart.highlight or i in chart.highlight else 0.35 for i in range(len(values))]
    wedges, _ = ax.pie(values, colors=fill, startangle=90, counterclock=False,
                       wedgeprops={"width": 0.38 if chart.kind == "donut" else 1.0,
                                   "edgecolor": "white", "linewidth": 1})
    for wedge, alpha in zip(wedges, alphas, strict=True):
        wedge.set_alpha(alpha)
    fixed = []
    if chart.kind == "donut":
        fixed.append(ax.text(0, 0, _fmt(total, chart.lang), ha="center", va="center",
                             fontsize=14, fontweight="bold"))
    # One precision for every share of the chart, in the locale's way: '69,6 %', '12,0 %'.
    entries = [f"{c} — {_fmt(v, chart.lang)} ({share})"
               for c, v, share in zip(chart.categories, values,
                                      format_shares(values, chart.lang), strict=True)]
    ax.set_aspect("equal")
    return Plan(None, legend=(list(wedges), entries), legend_side=True, fixed=fixed)
