"""Render stage: a ``model.Chart`` drawn with matplotlib's object API, as SVG and PNG.

One house style (the layout's ``chart.mplstyle``) and the bundled fonts; SVG
keeps its text as text so the PDF can select and search it in the embedded
font; PNG at print resolution for Word. Both are byte-identical for the same
chart (no dates, no software tags, fixed SVG ids). matplotlib is imported
only here, and only when a chart must actually be drawn.

Chart text is plain text everywhere (labels, titles, values, the legend): matplotlib
would read '$5 to $10' as mathematics and print '5to 10', so its math parsing is off
(``text.parse_math``), and no style may hand the text to LaTeX (``text.usetex``).
"""

from __future__ import annotations

import io
import re
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from babel.numbers import format_percent

from reportgen.errors import InputError, SourceLoc
from reportgen.layout import Layout
from reportgen.model import nodes as m
from reportgen.resources import OutsideWorld
from reportgen.text.formats import format_number

MM_PER_INCH = 25.4
PNG_DPI = 300  # print resolution for the DOCX


_DOCTYPE = re.compile(rb"<!DOCTYPE svg PUBLIC [^>\[]*>\s*")

def draw(chart: m.Chart, layout: Layout) -> tuple[bytes, bytes]:
    """The chart as (SVG bytes, PNG bytes), in ``layout``'s chart style and fonts."""
    import matplotlib
    from matplotlib.figure import Figure

    rc = _style(layout)
    with matplotlib.rc_context(rc):
        fig = Figure(figsize=(chart.width_mm / MM_PER_INCH, chart.height_mm / MM_PER_INCH))
        colors = [c for c in rc["axes.prop_cycle"].by_key()["color"]]
        ax = fig.add_subplot()
        painter = {"bar": _bar, "hbar": _bar, "stacked_bar": _stacked, "line": _line,
                   "donut": _pie, "pie": _pie}[chart.kind]
        painter(ax, chart, colors)
        if chart.x_label:
            (ax.set_ylabel if chart.kind == "hbar" else ax.set_xlabel)(chart.x_label)
        if chart.y_label:
            (ax.set_xlabel if chart.kind == "hbar" else ax.set_ylabel)(chart.y_label)
        fig.tight_layout(pad=0.4)
        svg, png = io.BytesIO(), io.BytesIO()
        fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
        fig.savefig(png, format="png", dpi=PNG_DPI, metadata={"Software": None})
    # matplotlib declares the SVG 1.1 DTD; the closed world accepts no DOCTYPE at all (assets).
    return _DOCTYPE.sub(b"", svg.getvalue(), count=1), png.getvalue()


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


def _wrap(label: str, width: int) -> str:
    return "\n".join(textwrap.wrap(label, width=width, break_long_words=False)) or label


def _fmt(value: float | int, lang: str) -> str:
    return format_number(value, lang)


def _bar(ax: Any, chart: m.Chart, colors: Sequence[str]) -> None:
    horizontal = chart.kind == "hbar"
    n_cat, n_ser = len(chart.categories), len(chart.series)
    width = 0.72 / n_ser
    positions = list(range(n_cat))
    for s, (name, values) in enumerate(chart.series):
        offsets = [p - 0.36 + width * (s + 0.5) for p in positions]
        if n_ser == 1:
            fill = [colors[1] if i in chart.highlight else colors[0] for i in range(n_cat)]
        else:
            fill = [colors[s % len(colors)]] * n_cat
        draw = ax.barh if horizontal else ax.bar
        bars = draw(offsets, values, width * 0.92, color=fill, label=name or None)
        ax.bar_label(bars, labels=[_fmt(v, chart.lang) for v in values], padding=2,
                     fontsize="small")
    wrap = 28 if horizontal else max(8, int(150 / max(n_cat, 1)))
    labels = [_wrap(c, wrap) for c in chart.categories]
    if horizontal:
        ax.set_yticks(positions, labels)
        ax.invert_yaxis()
        ax.spines[["bottom"]].set_visible(False)
        ax.set_xticks([])
        ax.margins(x=0.12)
    else:
        ax.set_xticks(positions, labels)
        ax.spines[["left"]].set_visible(False)
        ax.set_yticks([])
        ax.margins(y=0.12)
    _bold_highlights(ax, chart, horizontal)
    if n_ser > 1:
        _legend(ax, n_ser)


def _stacked(ax: Any, chart: m.Chart, colors: Sequence[str]) -> None:
    positions = list(range(len(chart.categories)))
    bottoms = [0.0] * len(positions)
    totals = [sum(values[i] for _, values in chart.series) for i in positions]
    top = max(totals) if totals else 0
    for s, (name, values) in enumerate(chart.series):
        bars = ax.bar(positions, values, 0.6, bottom=bottoms, color=colors[s % len(colors)],
                      label=name or None)
        inside = [_fmt(v, chart.lang) if top and v >= 0.06 * top else "" for v in values]
        ax.bar_label(bars, labels=inside, label_type="center", fontsize="small",
                     color="white" if s % len(colors) in (0, 3, 5, 7) else "#1b2a38")
        bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
    for x, total in zip(positions, totals, strict=True):
        ax.annotate(_fmt(total, chart.lang), (x, total), xytext=(0, 3), textcoords="offset points",
                    ha="center", va="bottom", fontweight="bold", fontsize="small")
    ax.set_xticks(positions, [_wrap(c, max(8, int(150 / max(len(positions), 1))))
                              for c in chart.categories])
    ax.spines[["left"]].set_visible(False)
    ax.set_yticks([])
    ax.margins(y=0.14)
    _bold_highlights(ax, chart, False)
    _legend(ax, len(chart.series))


def _line(ax: Any, chart: m.Chart, colors: Sequence[str]) -> None:
    positions = list(range(len(chart.categories)))
    for s, (name, values) in enumerate(chart.series):
        color = colors[0] if len(chart.series) == 1 else colors[s % len(colors)]
        ax.plot(positions, values, marker="o", color=color, label=name or None)
        for i, (x, v) in enumerate(zip(positions, values, strict=True)):
            if i in chart.highlight:
                ax.plot([x], [v], marker="o", markersize=8, color=colors[1], zorder=3)
            # The highest series at a point is labelled above it, the others below, so
            # that labels of close values do not print over each other.
            above = v >= max(values_[i] for _, values_ in chart.series)
            ax.annotate(_fmt(v, chart.lang), (x, v), xytext=(0, 6 if above else -7),
                        textcoords="offset points", ha="center",
                        va="bottom" if above else "top", fontsize="small", color=color)
    ax.set_xticks(positions, [_wrap(c, max(8, int(150 / max(len(positions), 1))))
                              for c in chart.categories])
    highest = max((max(values) for _, values in chart.series if values), default=0)
    ax.set_ylim(0, highest * 1.25 or 1)  # room for the labels above and the legend
    ax.margins(x=0.08)
    ax.grid(axis="y")
    ax.yaxis.set_major_formatter(lambda v, _pos: _fmt(int(v) if v == int(v) else v, chart.lang))
    _bold_highlights(ax, chart, False)
    if len(chart.series) > 1:
        _legend(ax, len(chart.series))


def _pie(ax: Any, chart: m.Chart, colors: Sequence[str]) -> None:
    (_name, values), = chart.series
    total = sum(values)
    fill = [colors[i % len(colors)] for i in range(len(values))]
    alphas = [1.0 if not chart.highlight or i in chart.highlight else 0.35 for i in range(len(values))]
    wedges, _ = ax.pie(values, colors=fill, startangle=90, counterclock=False,
                       wedgeprops={"width": 0.38 if chart.kind == "donut" else 1.0,
                                   "edgecolor": "white", "linewidth": 1})
    for wedge, alpha in zip(wedges, alphas, strict=True):
        wedge.set_alpha(alpha)
    if chart.kind == "donut":
        ax.text(0, 0, _fmt(total, chart.lang), ha="center", va="center", fontsize=14,
                fontweight="bold")
    labels = [f"{_wrap(c, 40)} — {_fmt(v, chart.lang)} "
              f"({format_percent(v / total, '#,##0.#%', locale=chart.lang)})"
              for c, v in zip(chart.categories, values, strict=True)]
    ax.legend(wedges, labels, loc="center left", bbox_to_anchor=(1.02, 0.5), handlelength=1,
              handleheight=1)
    ax.set_aspect("equal")


def _bold_highlights(ax: Any, chart: m.Chart, horizontal: bool) -> None:
    ticks = ax.get_yticklabels() if horizontal else ax.get_xticklabels()
    for i in chart.highlight:
        if i < len(ticks):
            ticks[i].set_fontweight("bold")


def _legend(ax: Any, n: int) -> None:
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=min(n, 3), handlelength=1,
              handleheight=1, borderaxespad=0.2)
