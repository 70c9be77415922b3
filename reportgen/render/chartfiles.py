"""Render stage: the files of a document's charts, drawn where the cache lacks them, checked.

The build draws the charts (in its own thread, while the workers typeset); a worker
draws those of the parts it is given. Either way a chart's SVG and PNG are made by
``chartdraw`` once per digest, kept by ``cache.charts``, and checked like any picture
before a writer uses them: the cache is in the project, so it could have been crafted.
A file in the cache is used only while it matches the record this user's builds signed
when they drew it (``cache.charts.verified``); one that does not (forged, or drawn by
someone else's build) is drawn again, with a warning at the chart.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from reportgen.cache.charts import CACHE_DIR, store, verified
from reportgen.errors import InputError, Problem, SourceLoc
from reportgen.layout import Layout
from reportgen.model import nodes as m
from reportgen.model import walk
from reportgen.resources import OutsideWorld

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DrawStats:
    drawn: int
    cached: int


def draw_all(doc: m.Document, layout: Layout, elsewhere: frozenset[str] = frozenset()
             ) -> DrawStats:
    """Draw every chart of ``doc`` whose files are not in the cache yet (or no longer match
    their signed record), and check the files drawn; charts whose digest is in
    ``elsewhere`` are being drawn (and checked) by someone else: counted as in the cache,
    left alone."""
    drawn = cached = 0
    done: set[str] = set()
    for section in doc.sections:
        for chart in walk.charts(section.blocks):
            if chart.digest in elsewhere:
                cached += 1
                continue
            if chart.digest in done or _usable(chart):
                cached += 1  # checked when drawn: its bytes are the ones this user's build signed
            else:
                from reportgen.render.chartdraw import draw

                svg, png = draw(chart, layout)
                store(chart.svg, svg)
                store(chart.png, png)
                check_files(chart)
                drawn += 1
            done.add(chart.digest)
    return DrawStats(drawn, cached)


def _usable(chart: m.Chart) -> bool:
    """Whether the chart's files in the cache may be used as they are: this user's builds
    drew them and they did not change since. A file that exists but does not verify is
    reported (it is drawn again)."""
    found = [p for p in (chart.svg, chart.png) if p.is_file() or p.is_symlink()]
    if not found:
        return False
    checks = [verified(p) for p in (chart.svg, chart.png)]
    if all(checks):
        return True
    if None not in checks:  # with no key nothing verifies, and nothing is said
        log.warning("%s", Problem(chart.loc, f"chart file {found[0].name} in {CACHE_DIR} was "
                                  "not drawn by this user's builds or was changed since: "
                                  "drawn again", "warning"))
    return False


def style_file(layout: Layout) -> Path:
    """The layout's chart style, refused if it is a link leading out of the installation
    (or, the project's, out of the project)."""
    try:
        return layout.chart_style()
    except OutsideWorld as exc:
        raise InputError.single(SourceLoc(Path(exc.path)), str(exc)) from None


def check_files(chart: m.Chart) -> None:
    """The closed world for chart files too: the cache is in the project, so it could have been
    crafted; its SVG and PNG pass the same checks as any image before a writer uses them.
    Run once, on the files as drawn: a file found in the cache later is used only if its
    bytes are still the ones this user's build signed then (``_usable``), so it is not
    decoded again on every build (80 ms a chart)."""
    from reportgen.assemble.assets import AssetError, Assets, check_svg

    try:
        check_svg(chart.svg)
        Assets(chart.png.parent).image(chart.png.name, chart.png.parent)
    except AssetError as exc:
        raise InputError.single(chart.loc, f"chart file in {CACHE_DIR} refused: {exc}; delete "
                                f"the {CACHE_DIR} folder to draw the charts again") from None
