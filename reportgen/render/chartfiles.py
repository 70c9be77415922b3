"""Render stage: the files of a document's charts, drawn where the cache lacks them, checked.

The build draws the charts (in its own thread, while the workers typeset); a worker
draws those of the parts it is given. Either way a chart's SVG and PNG are made by
``chartdraw`` once per digest, kept by ``cache.charts``, and checked like any picture
before a writer uses them: the cache is in the project, so it could have been crafted.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportgen.cache.charts import CACHE_DIR, store
from reportgen.errors import InputError
from reportgen.model import nodes as m
from reportgen.model import walk
from reportgen.resources import chart_style


@dataclass(frozen=True, slots=True)
class DrawStats:
    drawn: int
    cached: int


def draw_all(doc: m.Document, layout: str, elsewhere: frozenset[str] = frozenset()
             ) -> DrawStats:
    """Draw every chart of ``doc`` whose files are not in the cache yet, and check the files
    of the others; charts whose digest is in ``elsewhere`` are being drawn (and checked) by
    someone else: counted as in the cache, left alone."""
    drawn = cached = 0
    done: set[str] = set()
    for section in doc.sections:
        for chart in walk.charts(section.blocks):
            if chart.digest in elsewhere:
                cached += 1
                continue
            if chart.digest in done or (chart.svg.is_file() and chart.png.is_file()):
                cached += 1
            else:
                from reportgen.render.chartdraw import draw

                svg, png = draw(chart, chart_style(layout))
                store(chart.svg, svg)
                store(chart.png, png)
                drawn += 1
            if chart.digest not in done:
                check_files(chart)
                done.add(chart.digest)
    return DrawStats(drawn, cached)


def check_files(chart: m.Chart) -> None:
    """The closed world for chart files too: the cache is in the project, so it could have been
    crafted; its SVG and PNG pass the same checks as any image before a writer uses them."""
    from reportgen.assemble.assets import AssetError, Assets, check_svg

    try:
        check_svg(chart.svg)
        Assets(chart.png.parent).image(chart.png.name, chart.png.parent)
    except AssetError as exc:
        raise InputError.single(chart.loc, f"chart file in {CACHE_DIR} refused: {exc}; delete "
                                f"the {CACHE_DIR} folder to draw the charts again") from None
