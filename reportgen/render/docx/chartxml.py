"""A model ``Chart`` as a DrawingML chart part (``word/charts/chartN.xml``): Word's own chart,
with the data cached and styled like the print chart.

Part of the render stage. python-docx has no chart API, so the chart space is built here
in the order of ECMA-376 part 1, 21.2 (CT_ChartSpace, CT_Chart, CT_BarChart, ...). What
the print drawing (``render.chartdraw``) does, and its native counterpart:

- bar, horizontal bar: a clustered bar chart, the values as labels at the bars' ends, no
  value axis; one series in the first colour, its highlighted categories in the accent;
- stacked bar: stacked bars, the values inside (none for a part under 6 % of the
  tallest), the totals above the bars in bold (an invisible line series over the
  workbook's SUM column), the legend on top;
- line: lines with markers, the values above the points, a value axis with gridlines
  from zero, highlighted points larger in the accent colour;
- pie, donut: slices in the palette's order clockwise from the top, a donut's hole as
  wide as the print's, the legend on the right, the values on the slices;
  categories that are not highlighted (when some are) pale, as in print.

The colours, the font, its sizes and the line widths are the layout's chart style
(``ChartStyle``). What the print chart draws and Word cannot (the donut's total in its
hole, bold tick labels of highlighted categories, a slice's share beside its value: one
number format serves both, so a share would show as 0) is left out; the caption and the
alternative text say what the chart shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree

from reportgen.model import nodes as m
from reportgen.render.docx.ooxml import lang_tag
from reportgen.render.docx.workbook import Ranges, number_format, totals_of

C_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS = {"c": C_NS, "a": A_NS, "r": R_NS}
#: The print's bar width (of a category's slot) and a stacked bar's (chartdraw).
_BAR_SLOT, _STACK_WIDTH = 0.72, 0.6
_DONUT_HOLE = 62  # percent: the print's ring is 0.38 of the radius wide
#: Series whose colour is dark enough for white labels inside a stacked bar (chartdraw).
_DARK = (0, 3, 5, 7)


@dataclass(frozen=True, slots=True)
class ChartStyle:
    """What a native chart takes from the layout's chart style (chart.mplstyle)."""

    font: str = "Report Sans"
    size: float = 8.5  # pt: labels, legend
    tick_size: float = 8.5
    text: str = "2C3E50"
    colors: tuple[str, ...] = ("1F4E79", "C8A951", "5B8DB8", "8C6D1F", "9AA8B4", "2C7A7B",
                               "A3C4DC", "5B6770")
    edge: str = "9AA8B4"
    edge_width: float = 0.6  # pt
    grid: str = "DFE4E8"
    grid_width: float = 0.5
    line_width: float = 1.8
    marker: float = 5

    @property
    def small(self) -> float:
        return self.size * 0.833  # matplotlib's 'small'


def _e(tag: str, attrs: dict[str, str] | None = None, *children: etree._Element | None
       ) -> etree._Element:
    prefix, _, name = tag.partition(":")
    node = etree.Element(f"{{{_NS[prefix]}}}{name}", nsmap=None)
    for key, value in (attrs or {}).items():
        k_prefix, colon, k_name = key.partition(":")
        node.set(f"{{{_NS[k_prefix]}}}{k_name}" if colon else key, value)
    node.extend(c for c in children if c is not None)
    return node


def _val(tag: str, value: object) -> etree._Element:
    return _e(tag, {"val": str(value).lower() if isinstance(value, bool) else str(value)})


def _flag(tag: str, on: bool) -> etree._Element:
    return _e(tag, {"val": "1" if on else "0"})


def _emu(points: float) -> str:
    return str(round(points * 12700))


def _fill(color: str | None, alpha: float = 1.0) -> etree._Element:
    if color is None:
        return _e("a:noFill")
    rgb = _e("a:srgbClr", {"val": color.upper()})
    if alpha < 1:
        rgb.append(_e("a:alpha", {"val": str(round(alpha * 100000))}))
    return _e("a:solidFill", None, rgb)


def _line(color: str | None, width: float = 0.75) -> etree._Element:
    if color is None:
        return _e("a:ln", None, _e("a:noFill"))
    return _e("a:ln", {"w": _emu(width), "cap": "rnd"}, _fill(color), _e("a:round"))


def _shape(fill: str | None = None, line: etree._Element | None = None,
           alpha: float = 1.0) -> etree._Element:
    return _e("c:spPr", None, _fill(fill, alpha), line if line is not None else _line(None))


def _text(style: ChartStyle, size: float, color: str | None = None, bold: bool = False,
          lang: str = "", level: bool = False) -> etree._Element:
    """Text properties (c:txPr): the chart font at ``size`` points; ``level``: never turned
    (a category axis's labels wrap instead, as in print)."""
    rpr = _e("a:defRPr", {"sz": str(round(size * 100)), "b": "1" if bold else "0"},
             _fill(color or style.text), _e("a:latin", {"typeface": style.font}),
             _e("a:ea", {"typeface": style.font}), _e("a:cs", {"typeface": style.font}))
    end = _e("a:endParaRPr", {"lang": lang}) if lang else None
    body = _e("a:bodyPr", {"rot": "0", "vert": "horz"} if level else None)
    return _e("c:txPr", None, body, _e("a:lstStyle"),
              _e("a:p", None, _e("a:pPr", None, rpr), end))


def _str_ref(formula: str, texts: Sequence[str]) -> etree._Element:
    cache = _e("c:strCache", None, _val("c:ptCount", len(texts)))
    for i, text in enumerate(texts):
        cache.append(_e("c:pt", {"idx": str(i)}, _v(text)))
    return _e("c:strRef", None, _f(formula), cache)


def _num_ref(formula: str, values: Sequence[float | int], fmt: str) -> etree._Element:
    cache = _e("c:numCache", None, _f_code(fmt), _val("c:ptCount", len(values)))
    for i, value in enumerate(values):
        cache.append(_e("c:pt", {"idx": str(i)}, _v(_number(value))))
    return _e("c:numRef", None, _f(formula), cache)


def _number(value: float | int) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _f(formula: str) -> etree._Element:
    node = _e("c:f")
    node.text = formula
    return node


def _f_code(fmt: str) -> etree._Element:
    node = _e("c:formatCode")
    node.text = fmt
    return node


def _v(text: str) -> etree._Element:
    node = _e("c:v")
    node.text = text
    return node


def _labels(style: ChartStyle, fmt: str, position: str | None, *, value: bool = True,
            percent: bool = False, color: str | None = None, bold: bool = False,
            size: float | None = None, hidden: Sequence[int] = (),
            separator: str | None = None) -> etree._Element:
    """Data labels (c:dLbls): the values (and shares) in the chart font; ``hidden`` points
    show none."""
    node = _e("c:dLbls")
    for idx in hidden:
        node.append(_e("c:dLbl", None, _val("c:idx", idx), _flag("c:delete", True)))
    node.extend([
        _e("c:numFmt", {"formatCode": fmt, "sourceLinked": "0"}), _shape(None),
        _text(style, size or style.small, color, bold),
    ])
    if position:
        node.append(_val("c:dLblPos", position))
    node.extend([_flag("c:showLegendKey", False), _flag("c:showVal", value),
                 _flag("c:showCatName", False), _flag("c:showSerName", False),
                 _flag("c:showPercent", percent), _flag("c:showBubbleSize", False)])
    if separator is not None:
        sep = _e("c:separator")
        sep.text = separator
        node.append(sep)
    return node


def _series_head(index: int, name: str, ranges: Ranges) -> list[etree._Element]:
    head = [_val("c:idx", index), _val("c:order", index)]
    if name:
        head.append(_e("c:tx", None, _str_ref(ranges.names[index], [name])))
    return head


def _cat_val(chart: m.Chart, ranges: Ranges, index: int, fmt: str) -> list[etree._Element]:
    return [_e("c:cat", None, _str_ref(ranges.categories, chart.categories)),
            _e("c:val", None, _num_ref(ranges.values[index], chart.series[index][1], fmt))]


def _axis_title(style: ChartStyle, text: str, lang: str, vertical: bool) -> etree._Element:
    run = _e("a:r", None, _e("a:rPr", {"lang": lang, "sz": str(round(style.size * 100))}),
             _t(text))
    body = _e("a:bodyPr", {"rot": "-5400000", "vert": "horz"} if vertical else None)
    rich = _e("c:rich", None, body, _e("a:lstStyle"),
              _e("a:p", None, _e("a:pPr", None, _e(
                  "a:defRPr", {"sz": str(round(style.size * 100)), "b": "0"},
                  _fill(style.text), _e("a:latin", {"typeface": style.font}),
                  _e("a:cs", {"typeface": style.font}))), run))
    return _e("c:title", None, _e("c:tx", None, rich), _flag("c:overlay", False))


def _t(text: str) -> etree._Element:
    node = _e("a:t")
    node.text = text
    return node


def _axes(chart: m.Chart, style: ChartStyle, lang: str, *, horizontal: bool = False,
          values_shown: bool = False, fmt: str = "General") -> list[etree._Element]:
    """The category axis (id 1) and the value axis (id 2) of a bar or line chart."""
    cat_title = _axis_title(style, chart.x_label, lang, horizontal) if chart.x_label else None
    val_title = _axis_title(style, chart.y_label, lang, not horizontal) \
        if chart.y_label else None
    cat = _e("c:catAx", None,
             _val("c:axId", 1),
             _e("c:scaling", None, _val("c:orientation", "maxMin" if horizontal else "minMax")),
             _flag("c:delete", False), _val("c:axPos", "l" if horizontal else "b"),
             cat_title,
             _e("c:numFmt", {"formatCode": "General", "sourceLinked": "0"}),
             _val("c:majorTickMark", "none"), _val("c:minorTickMark", "none"),
             _val("c:tickLblPos", "nextTo"),
             _shape(None, _line(style.edge, style.edge_width)),
             _text(style, style.tick_size, lang=lang,
                   level=not horizontal and _words_fit(chart, style)),
             _val("c:crossAx", 2), _val("c:crosses", "autoZero"), _flag("c:auto", True),
             _val("c:lblAlgn", "ctr"), _val("c:lblOffset", 100), _flag("c:noMultiLvlLbl", False))
    grid = _e("c:majorGridlines", None, _shape(None, _line(style.grid, style.grid_width))) \
        if values_shown else None
    scaling = _e("c:scaling", None, _val("c:orientation", "minMax"),
                 _val("c:min", 0) if values_shown else None)
    val = _e("c:valAx", None,
             _val("c:axId", 2), scaling,
             _flag("c:delete", not values_shown and val_title is None),
             _val("c:axPos", "b" if horizontal else "l"), grid, val_title,
             _e("c:numFmt", {"formatCode": fmt, "sourceLinked": "0"}),
             _val("c:majorTickMark", "none"), _val("c:minorTickMark", "none"),
             _val("c:tickLblPos", "nextTo" if values_shown else "none"),
             _shape(None, _line(style.edge, style.edge_width) if values_shown else None),
             _text(style, style.tick_size * 0.94, lang=lang),
             _val("c:crossAx", 1), _val("c:crosses", "autoZero"),
             _val("c:crossBetween", "between"))
    return [cat, val]


def _words_fit(chart: m.Chart, style: ChartStyle) -> bool:
    """Whether the longest word of every category fits its slot under a column chart's
    axis (a glyph taken as 0.55 em): if so its labels stay level and wrap between words,
    as in print; if not, Word and LibreOffice turn them (rather than cut a word)."""
    slot_mm = chart.width_mm * 0.9 / max(len(chart.categories), 1)
    longest = max((len(w) for c in chart.categories for w in c.split()), default=0)
    return longest * 0.55 * style.tick_size * 25.4 / 72 <= slot_mm * 0.9


def _legend(style: ChartStyle, position: str, lang: str,
            hidden: Sequence[int] = ()) -> etree._Element:
    entries = [_e("c:legendEntry", None, _val("c:idx", i), _flag("c:delete", True))
               for i in hidden]
    return _e("c:legend", None, _val("c:legendPos", position), *entries,
              _flag("c:overlay", False), _text(style, style.size, lang=lang))


def _bar(chart: m.Chart, style: ChartStyle, ranges: Ranges, fmt: str,
         lang: str) -> list[etree._Element]:
    horizontal = chart.kind == "hbar"
    count = len(chart.series)
    plot = _e("c:barChart", None, _val("c:barDir", "bar" if horizontal else "col"),
              _val("c:grouping", "clustered"), _flag("c:varyColors", False))
    for s, (name, values) in enumerate(chart.series):
        color = style.colors[s % len(style.colors)] if count > 1 else style.colors[0]
        ser = _e("c:ser", None, *_series_head(s, name, ranges), _shape(color),
                 _flag("c:invertIfNegative", False))
        if count == 1:
            for i in chart.highlight:
                if i < len(values):
                    ser.append(_e("c:dPt", None, _val("c:idx", i),
                                  _flag("c:invertIfNegative", False), _flag("c:bubble3D", False),
                                  _shape(style.colors[1 % len(style.colors)])))
        ser.append(_labels(style, fmt, "outEnd"))
        ser.extend(_cat_val(chart, ranges, s, fmt))
        plot.append(ser)
    width = _BAR_SLOT / count * 0.92
    plot.extend([_val("c:gapWidth", round(100 * (1 - _BAR_SLOT) / width)),
                 _val("c:overlap", -8 if count > 1 else 0), _val("c:axId", 1), _val("c:axId", 2)])
    return [plot, *_axes(chart, style, lang, horizontal=horizontal, fmt=fmt)]


def _stacked(chart: m.Chart, style: ChartStyle, ranges: Ranges, fmt: str,
             lang: str) -> list[etree._Element]:
    totals = totals_of(chart)
    top = max(totals, default=0)
    plot = _e("c:barChart", None, _val("c:barDir", "col"), _val("c:grouping", "stacked"),
              _flag("c:varyColors", False))
    for s, (name, values) in enumerate(chart.series):
        color_index = s % len(style.colors)
        small = [i for i, v in enumerate(values) if not (top and v >= 0.06 * top)]
        text = "FFFFFF" if color_index in _DARK else "1B2A38"
        plot.append(_e("c:ser", None, *_series_head(s, name, ranges),
                       _shape(style.colors[color_index]), _flag("c:invertIfNegative", False),
                       _labels(style, fmt, "ctr", color=text, hidden=small),
                       *_cat_val(chart, ranges, s, fmt)))
    gap = round(100 * (1 - _STACK_WIDTH) / _STACK_WIDTH)
    plot.extend([_val("c:gapWidth", gap), _val("c:overlap", 100), _val("c:axId", 1),
                 _val("c:axId", 2)])
    out = [plot]
    if ranges.totals is not None:
        # The totals: a line series without line or markers, labelled above each bar.
        index = len(chart.series)
        total = _e("c:ser", None, _val("c:idx", index), _val("c:order", index),
                   _e("c:tx", None, _str_ref(ranges.totals[0], ["Σ"])),
                   _shape(None, _line(None)), _e("c:marker", None, _val("c:symbol", "none")),
                   _labels(style, fmt, "t", bold=True),
                   _e("c:cat", None, _str_ref(ranges.categories, chart.categories)),
                   _e("c:val", None, _num_ref(ranges.totals[1], totals, fmt)),
                   _flag("c:smooth", False))
        out.append(_e("c:lineChart", None, _val("c:grouping", "standard"),
                      _flag("c:varyColors", False), total, _flag("c:marker", True),
                      _val("c:axId", 1), _val("c:axId", 2)))
    return [*out, *_axes(chart, style, lang, fmt=fmt)]


def _line_chart(chart: m.Chart, style: ChartStyle, ranges: Ranges, fmt: str,
                lang: str) -> list[etree._Element]:
    count = len(chart.series)
    plot = _e("c:lineChart", None, _val("c:grouping", "standard"), _flag("c:varyColors", False))
    for s, (name, values) in enumerate(chart.series):
        color = style.colors[0] if count == 1 else style.colors[s % len(style.colors)]
        marker = _e("c:marker", None, _val("c:symbol", "circle"),
                    _val("c:size", max(2, round(style.marker))), _shape(color, _line(color)))
        ser = _e("c:ser", None, *_series_head(s, name, ranges),
                 _shape(None, _line(color, style.line_width)), marker)
        accent = style.colors[1 % len(style.colors)]
        for i in chart.highlight:
            if i < len(values):
                ser.append(_e("c:dPt", None, _val("c:idx", i), _e(
                    "c:marker", None, _val("c:symbol", "circle"), _val("c:size", 8),
                    _shape(accent, _line(accent))), _flag("c:bubble3D", False)))
        # The highest series at most points is labelled above, the others below (print).
        above = sum(v >= max(other[i] for _, other in chart.series)
                    for i, v in enumerate(values)) * 2 >= len(values)
        ser.append(_labels(style, fmt, "t" if above else "b", color=color))
        ser.extend(_cat_val(chart, ranges, s, fmt))
        ser.append(_flag("c:smooth", False))
        plot.append(ser)
    plot.extend([_flag("c:marker", True), _val("c:axId", 1), _val("c:axId", 2)])
    return [plot, *_axes(chart, style, lang, values_shown=True, fmt=fmt)]


def _pie(chart: m.Chart, style: ChartStyle, ranges: Ranges, fmt: str,
         lang: str) -> list[etree._Element]:
    donut = chart.kind == "donut"
    name, values = chart.series[0]
    ser = _e("c:ser", None, *_series_head(0, name, ranges),
             _shape(None, _line("FFFFFF", 1)))
    for i in range(len(values)):
        pale = bool(chart.highlight) and i not in chart.highlight
        ser.append(_e("c:dPt", None, _val("c:idx", i), _flag("c:bubble3D", False),
                      _shape(style.colors[i % len(style.colors)], _line("FFFFFF", 1),
                             alpha=0.35 if pale else 1.0)))
    ser.append(_labels(style, fmt, None if donut else "bestFit"))
    ser.extend(_cat_val(chart, ranges, 0, fmt))
    plot = _e("c:doughnutChart" if donut else "c:pieChart", None, _flag("c:varyColors", True),
              ser, _val("c:firstSliceAng", 0))
    if donut:
        plot.append(_val("c:holeSize", _DONUT_HOLE))
    return [plot]


#: The number format's locale by the chart's language: its digit groups and decimal sign
#: are the language's ('1 004' in Russian and Kazakh, as in print), where the reader
#: honours it (LibreOffice does; Word writes numbers as its system's locale does).
_LCIDS = {"ru": "[$-419]", "kk": "[$-43F]", "en": "[$-409]"}
#: The chart kinds Word draws natively (tiles are not charts there: a picture stays).
KINDS = ("bar", "hbar", "stacked_bar", "line", "pie", "donut")


def chart_space(chart: m.Chart, style: ChartStyle, ranges: Ranges, workbook_rel: str) -> bytes:
    """The chart part's XML; ``workbook_rel``: the relationship of its embedded workbook."""
    fmt = _LCIDS.get(chart.lang.split("-")[0], "") + number_format(
        tuple(v for _, values in chart.series for v in values))
    painter = {"bar": _bar, "hbar": _bar, "stacked_bar": _stacked, "line": _line_chart,
               "pie": _pie, "donut": _pie}[chart.kind]
    lang = lang_tag(chart.lang)
    plot_area = _e("c:plotArea", None, _e("c:layout"), *painter(chart, style, ranges, fmt, lang))
    parts: list[etree._Element | None] = [plot_area]
    if chart.kind in ("pie", "donut"):
        parts.append(_legend(style, "r", lang))
    elif len(chart.series) > 1:
        hidden = [len(chart.series)] if ranges.totals is not None else []
        parts.append(_legend(style, "t", lang, hidden))
    parts += [_flag("c:plotVisOnly", True), _val("c:dispBlanksAs", "gap")]
    space = etree.Element(f"{{{C_NS}}}chartSpace", nsmap=_NS)
    space.extend([
        _flag("c:date1904", False), _val("c:lang", lang), _flag("c:roundedCorners", False),
        _e("c:chart", None, _flag("c:autoTitleDeleted", True), *parts),
        _shape("FFFFFF", _line(None)), _text(style, style.size, lang=lang),
        _e("c:externalData", {"r:id": workbook_rel}, _flag("c:autoUpdate", False)),
    ])
    return etree.tostring(space, xml_declaration=True, encoding="UTF-8", standalone=True)
