"""PDF writer: the HTML of the document, laid out by WeasyPrint with the layout's CSS.

Closed world: WeasyPrint fetches only files inside the report project and the
package's own layouts and fonts, and Fontconfig sees only the bundled fonts (a project's
fonts come in by their @font-face rules, through the same fetcher), so no system font can
slip into the output. Writes nothing itself: the build
orchestrator writes the returned bytes atomically.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportgen.errors import RenderError
from reportgen.layout import DEFAULT, Layout
from reportgen.model import nodes as m
from reportgen.render.adjustments import NONE as NO_ADJUSTMENTS
from reportgen.render.adjustments import movable
from reportgen.render.htmlpage import font_face_css, render_html, stylesheet_paths
from reportgen.render.pdf import planmemo
from reportgen.render.pdf.tagging import (
    drop_inner_links,
    links_without_annotations_as_spans,
    running_heads_as_artifacts,
    wrap_list_bodies,
)
from reportgen.render.pdf.variant import (
    DEFAULT_VARIANT,
    claim_ua,
    parse_variant,
    repair_pdfa,
)
from reportgen.resources import OutsideWorld, World, data_dir

log = logging.getLogger(__name__)


class ClosedWorldError(RenderError):
    """WeasyPrint asked for a resource outside the allowed folders."""


def _fetcher_class() -> Any:
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    class ProjectFetcher(URLFetcher):
        """Serves ``file:`` URLs of files under the allowed roots; refuses everything else.

        WeasyPrint asks this one object for every resource: images, stylesheets, fonts,
        SVG sub-resources, attachments. The path is resolved first (``..`` and symlinks
        followed), so only where a file really is counts. ``http(s):``, ``data:``, other
        hosts (``file://server/share``) and anything outside the roots stop the render.
        """

        def __init__(self, world: World) -> None:
            super().__init__(allowed_protocols={"file"}, allow_redirects=False)
            self.world = world
            self.refused: list[str] = []

        def check(self, url: str) -> Path:
            """The file ``url`` names, if it may be read; FatalURLFetchingError otherwise."""
            try:
                return self.world.resolve_url(url)  # the one definition (resources.World)
            except OutsideWorld as exc:
                shown = url if len(url) < 120 else url[:117] + "..."
                self.refused.append(f"{shown}: {exc}")
                raise FatalURLFetchingError(f"refused to read {shown}: {exc}") from None

        def fetch(self, url: str, headers: Any = None) -> Any:
            # Open the resolved path, not the URL: what was checked is what is read.
            return super().fetch(self.check(url).as_uri(), headers)

    return ProjectFetcher


def project_fetcher(project_root: Path, extra_roots: tuple[Path, ...] = ()) -> Any:
    """The URL fetcher of a build: the project, the package's layouts and fonts, ``extra_roots``."""
    return _fetcher_class()(World.of(project_root, named=extra_roots))


@contextmanager
def _bundled_fonts_only() -> Iterator[None]:
    """Make Fontconfig (read when WeasyPrint builds its font configuration) see only our fonts.

    An environment variable, because it is the only way in: WeasyPrint's
    ``FontConfiguration()`` takes no argument and calls Fontconfig's
    ``FcInitLoadConfigAndFonts()``, which reads the file ``FONTCONFIG_FILE`` names (else
    the system's). It is set only while the configuration is built (inside the ``with``)
    and restored after, and no thread of a build builds one meanwhile (the build's own
    thread draws charts with matplotlib, which does not use Fontconfig)."""
    global _configuring
    fonts = data_dir("fonts")
    with tempfile.TemporaryDirectory(prefix="reportgen-fc-") as tmp:
        _configuring = tmp
        conf = Path(tmp) / "fonts.conf"
        conf.write_text(
            '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
            f"  <dir>{fonts}</dir>\n  <cachedir>{tmp}/cache</cachedir>\n</fontconfig>\n",
            encoding="utf-8",
        )
        saved = os.environ.get("FONTCONFIG_FILE")
        os.environ["FONTCONFIG_FILE"] = str(conf)
        try:
            yield
        finally:
            _configuring = None
            if saved is None:
                os.environ.pop("FONTCONFIG_FILE", None)
            else:
                os.environ["FONTCONFIG_FILE"] = saved


#: The folder of the Fontconfig file being read (``_bundled_fonts_only``), None between.
_configuring: str | None = None


def remove_temporary_files(engine: LayoutEngine | None) -> None:
    """What a process ended by a signal does before it exits (``workers``): remove the
    font files of ``engine`` and the Fontconfig file being read, if any."""
    import shutil

    if engine is not None:
        engine.remove_font_files()
    if _configuring is not None:
        shutil.rmtree(_configuring, ignore_errors=True)


def _remove_font_files(font_config: Any, mine: bool) -> None:
    """Remove the folder WeasyPrint's ``FontConfiguration`` copies a layout's fonts into
    (its ``_folder``, one a configuration, about 3 MB with the bundled fonts): WeasyPrint
    removes it only when the configuration is garbage-collected, which a worker's exit
    (``os._exit``) never runs, so every worker left one in the temporary folder. Not
    ``mine`` (a forked worker's copy of its parent's): left to the parent, and never to
    the copy's ``__del__`` either."""
    import shutil

    folder = getattr(font_config, "_folder", None)
    if folder is None:
        return
    if mine:
        shutil.rmtree(folder, ignore_errors=True)
    font_config._folder = None  # noqa: SLF001 - WeasyPrint's; removed here, not in __del__


@dataclass
class PdfOutput:
    data: bytes  # empty when only the layout was asked for
    pages: int
    #: The page (1-based) each element id starts on: link targets, for the DOCX's PAGEREFs.
    anchor_pages: dict[str, int] = field(default_factory=dict)


#: The layout's stylesheet with the page numbers: left out of a split render's parts and
#: laid out on its own over the joined pages (``parts``).
FOLIO_CSS = "folio.css"


def split_unsupported(layout: Layout) -> str | None:
    """Why ``layout`` cannot be laid out in parts (None if it can): page selectors that
    count pages from the start of the document, or page counters outside its folios."""
    import re

    for path in stylesheet_paths(layout):
        css = re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S)
        if re.search(r"@page[^{]*:(first|left|right|recto|verso|blank|nth)", css):
            return f"{path.name} has @page rules for first, left, right or blank pages"
        if path.name != FOLIO_CSS and re.search(r"counter\(\s*pages?\s*[,)]", css):
            return f"{path.name} shows page counters outside {FOLIO_CSS}"
    return None


#: Parsed stylesheets and the font configuration they were parsed with.
_Styles = tuple[Any, list[Any]]


class LayoutEngine:
    """WeasyPrint as a build drives it: lays out HTML with a layout's stylesheets, which it
    keeps parsed for the next layout of the same files.

    Parsing them costs ~50 ms a time, so a process that lays out many parts of a report
    keeps one engine (a worker keeps its own: ``plan.EngineJob``, ``workers``); a fresh
    engine parses every file again, as a single pass does (a release's audit must see
    every file read).
    """

    def __init__(self) -> None:
        #: Keyed by the stylesheets' bytes (and the project, layout and fonts): at most two,
        #: a build's parts and its folio pass; one layout at a time.
        self._styles: dict[tuple[Any, ...], _Styles] = {}
        #: The process that made each font configuration (by its id): a worker forked from
        #: a process with an engine uses a copy of it, whose parent's configurations are
        #: not the worker's to remove, and whose own ones are (``remove_font_files``).
        self._makers: dict[int, int] = {}
        #: The font configuration whose stylesheets are being parsed (its font files being
        #: written), not yet kept: a signal meanwhile removes its files too.
        self._parsing: Any = None

    def close(self) -> None:
        """Let go of the parsed stylesheets and their font configuration (Pango objects),
        and of the folder of font files that configuration wrote."""
        self._forget()

    def remove_font_files(self) -> None:
        """Remove the folders of font files of this engine's font configurations (in the
        process that made them only), leaving the rest as it is: what a process ended by a
        signal still does (``workers``)."""
        configs = [font_config for font_config, _ in self._styles.values()]
        if self._parsing is not None:
            configs.append(self._parsing)
        for font_config in configs:
            _remove_font_files(font_config, mine=self._makers.get(id(font_config)) == os.getpid())

    def _forget(self) -> None:
        self.remove_font_files()
        self._styles.clear()
        self._makers.clear()

    def _stylesheets(self, project_root: Path, layout: Layout, folios: bool,
                     fetcher: Any) -> _Styles:
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration

        paths = [p for p in stylesheet_paths(layout) if folios or p.name != FOLIO_CSS]
        fonts = tuple((str(f.path), f.path.stat().st_size, f.path.stat().st_mtime_ns)
                      for f in layout.faces())
        key = (str(project_root), layout, tuple((str(p), p.read_bytes()) for p in paths), fonts)
        styles = self._styles.get(key)
        if styles is None:
            with _bundled_fonts_only():
                font_config = FontConfiguration()
            self._makers[id(font_config)] = os.getpid()
            self._parsing = font_config
            try:
                planmemo.forget()  # chosen in other fonts, maybe behind the same names
                stylesheets = [weasyprint.CSS(string=font_face_css(layout),
                                              font_config=font_config, url_fetcher=fetcher)]
                stylesheets += [weasyprint.CSS(filename=str(p), font_config=font_config,
                                               url_fetcher=fetcher) for p in paths]
            except BaseException:
                self._parsing = None
                _remove_font_files(font_config, mine=True)
                raise
            styles = (font_config, stylesheets)
            self._parsing = None  # before ``_forget``, which would remove its files
            if len(self._styles) >= 2:
                self._forget()
            self._styles[key] = styles
            self._makers[id(font_config)] = os.getpid()
        return styles

    @contextmanager
    def lay_out(self, html: str, project_root: Path, layout: Layout, variant: str,
                folios: bool = True) -> Iterator[Any]:
        """The WeasyPrint document (laid out, not yet written) of ``html`` with the layout's
        stylesheets (without its ``FOLIO_CSS`` unless ``folios``); writing it must happen
        inside the ``with``, which turns a refused resource or a WeasyPrint failure into a
        RenderError."""
        import weasyprint
        from weasyprint.urls import FatalURLFetchingError

        chosen = parse_variant(variant)
        fetcher = project_fetcher(project_root)
        try:
            font_config, stylesheets = self._stylesheets(project_root, layout, folios, fetcher)
            document = weasyprint.HTML(
                string=html, base_url=project_root.as_uri() + "/", url_fetcher=fetcher
            ).render(stylesheets=stylesheets, font_config=font_config, pdf_tags=chosen.tags,
                     pdf_variant=chosen.weasyprint)
            if chosen.ua_claim:
                claim_ua(document)
            join_leaders(document)
            yield document
        except RenderError:
            raise
        # FatalURLFetchingError is a BaseException: a refused stylesheet URL must stop the
        # render here, as a RenderError, not end the build with a traceback (issue 23).
        except (Exception, FatalURLFetchingError) as exc:
            if fetcher.refused:
                raise ClosedWorldError("; ".join(f"refused to read {u}" for u in fetcher.refused)
                                       ) from exc
            raise RenderError(f"WeasyPrint failed: {exc}") from exc
        if fetcher.refused:
            raise ClosedWorldError("; ".join(f"refused to read {u}" for u in fetcher.refused))


def lay_out(html: str, project_root: Path, layout: Layout, variant: str,
            folios: bool = True) -> AbstractContextManager[Any]:
    """``LayoutEngine.lay_out`` by a fresh engine: every stylesheet parsed for this layout."""
    return LayoutEngine().lay_out(html, project_root, layout, variant, folios)


def page_box(page: Any) -> Any:
    """The box tree of a laid-out WeasyPrint ``page``: its @page name, and the boxes that
    ``join_leaders`` rewrites.

    Private in WeasyPrint 70 (``Page._page_box``): its public ``Page`` has the size,
    anchors, links and bookmarks, but neither the page's name (which the folio pass must
    repeat) nor its boxes. The one place this writer reaches inside a WeasyPrint page; an
    update that renames it fails here.
    """
    return page._page_box  # noqa: SLF001 - no public API (see above)


def join_leaders(document: Any) -> int:
    """Make each dot leader of a laid-out ``document`` (``leader('.')`` in the contents) one
    run of text; how many were joined.

    WeasyPrint fills a leader with one copy of its text box per repetition, side by side,
    and writes each copy as a text object of its own: some 150 a line of contents, most of
    the time it takes to write a long contents page (for 7 pages, 1.0 s of 1.4 s). One box
    with the text repeated (not kerned), as wide as the copies together, draws the same
    glyphs at the same places. A leader is left as it is unless its copies are what that needs: equal
    text boxes at equal steps whose repeated text measures exactly their width (an update
    of WeasyPrint that changes them is then only slower, never wrong).
    """
    from weasyprint.formatting_structure.boxes import TextBox
    from weasyprint.text.line_break import create_layout, line_size

    joined = 0
    for page in document.pages:
        leaders = [box for box in page_box(page).descendants()
                   if getattr(box, "is_leader", False) and len(box.children) > 1]
        for leader in leaders:
            copies = sorted(leader.children, key=lambda box: box.position_x)
            first = copies[0]
            step = first.width
            if not all(type(box) is TextBox and box.text == first.text
                       and box.style is first.style and box.width == step
                       and box.position_y == first.position_y
                       and not box.justification_spacing
                       and abs(box.position_x - first.position_x - i * step) < 1e-3
                       for i, box in enumerate(copies)):
                continue
            # Fonts kern ".." apart; the copies are never kerned against each other.
            style = first.style.copy()
            style["font_kerning"] = "none"
            text = first.text * len(copies)
            layout = create_layout(text, style, None, None, 0)
            line, _ = layout.get_first_line()
            width, _ = line_size(line, style)
            if abs(width - step * len(copies)) > 1e-3:
                continue
            run = first.copy_with_text(text)
            run.style, run.pango_layout, run.width = style, layout, step * len(copies)
            leader.children = (run,)
            joined += 1
    return joined


def write(document: Any, variant: str) -> bytes:
    """The PDF of a laid-out ``document``; its identifier is a hash of the content (the same
    input, the same /ID). A tagged variant's links, list items and running heads are repaired for PDF/UA
    (``tagging``), a PDF/A variant's streams for PDF/A-2 (``variant.repair_pdfa``)."""
    chosen = parse_variant(variant)
    if chosen.tags:
        drop_inner_links(document, page_box)

    def finish(_document: Any, pdf: Any) -> None:
        if chosen.tags:
            wrap_list_bodies(pdf)
            links_without_annotations_as_spans(pdf)
            running_heads_as_artifacts(pdf)
        if chosen.pdfa:
            repair_pdfa(pdf)

    pdf = document.write_pdf(pdf_variant=chosen.weasyprint, pdf_tags=chosen.tags,
                             pdf_identifier=True, finisher=finish)
    assert isinstance(pdf, bytes)
    return pdf


def anchor_pages(document: Any) -> dict[str, int]:
    """The page (1-based) each element id of a laid-out ``document`` starts on."""
    anchors: dict[str, int] = {}
    for number, page in enumerate(document.pages, 1):
        for anchor in page.anchors:
            anchors.setdefault(anchor, number)
    return anchors


def render_pdf(doc: m.Document, project_root: Path, layout: Layout = DEFAULT,
               variant: str = DEFAULT_VARIANT, write_pdf: bool = True) -> PdfOutput:
    """The PDF of ``doc`` in one pass, as bytes (if ``write_pdf``), its number of pages and
    its anchors' pages; ``variant`` as in ``pdfvariant``.

    One pass of WeasyPrint's, that is: the edition is laid out again while its layout asks
    its HTML for adjustments (``refine``: words kept whole, figures deferred, references
    on their target's page), in the rounds a split render goes through too."""
    from reportgen.render.pdf import refine

    engine = LayoutEngine()  # fresh: every stylesheet parsed, then kept for the next round
    adjustments, figures = NO_ADJUSTMENTS, movable(doc)
    for round_ in range(refine.MAX_REFINEMENTS + 1):
        html = render_html(doc, layout, adjustments=adjustments)
        with engine.lay_out(html, project_root, layout, variant) as document:
            found = refine.findings([page_box(page) for page in document.pages])
            wanted = refine.advance(adjustments, found, figures)
            if wanted == adjustments or round_ == refine.MAX_REFINEMENTS:
                pdf = write(document, variant) if write_pdf else b""
                return PdfOutput(pdf, len(document.pages), anchor_pages(document))
        adjustments = wanted
    raise AssertionError("unreachable")
