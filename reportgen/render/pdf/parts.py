"""PDF writer, split render: a report laid out in parts, each on its own.

Part of the render stage; the scheduling (which parts, in which processes, how
often) is ``plan``'s, the joining of the parts into one PDF ``join``'s. A report's
HTML is cut at the layout's part marks (``html.PART_BREAK``: the front matter, each
chapter, the back matter); each part is laid out and written by WeasyPrint on its
own, so the parts can be laid out in parallel and a part that did not change is not
laid out again:

- the page numbers of the contents, the list of figures and page references are given
  to each part as text (``render_html(pages=...)``), computed from the parts' known
  page counts;
- a part keeps its links to another part's elements: an anchor of that name is lent to
  its first page while it is written (``PartLayout.borrowed``), and the join gives it
  the real one;
- the folios (``pdf.FOLIO_CSS``: "12 / 266") are laid out in a document of blank pages
  with the same page names and sizes, whose page counters are the whole report's
  (``render_folios``), and drawn over each page when the parts are joined.

Reads no files but the project's resources through the closed-world fetcher.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportgen.errors import RenderError
from reportgen.layout import Layout
from reportgen.render.pdf.partlayout import PageBox, PartLayout
from reportgen.render.pdf.refine import findings
from reportgen.render.pdf.writer import LayoutEngine, anchor_pages, page_box, write


def page_boxes(document: Any) -> list[PageBox]:
    """The @page name and size of every page of a laid-out WeasyPrint ``document``."""
    return [(page_box(page).page_type.name or "", round(page.width, 3), round(page.height, 3))
            for page in document.pages]


def render_part(engine: LayoutEngine, html: str, project_root: Path, layout: Layout,
                variant: str, write_pdf: bool = True, refining: bool = False) -> PartLayout:
    """Lay out (and, if ``write_pdf``, write) one part of a split render, without folios;
    ``engine`` keeps the stylesheets it parses for the next part. ``refining``: see
    ``part_of``."""
    with engine.lay_out(html, project_root, layout, variant, folios=False) as document:
        return part_of(document, document.pages, variant, write_pdf, refining)


def part_of(document: Any, pages: list[Any], variant: str, write_pdf: bool,
            refining: bool = False) -> PartLayout:
    """``pages`` (all of a laid-out ``document``'s, or its first ones) as a part: written if
    ``write_pdf``, with what joining them needs. Call inside ``LayoutEngine.lay_out``.

    ``refining``: the render will refine this layout. Then a layout that has paragraphs
    whose lines are still to be chosen (``Findings.planned``: their first layout) is not
    written even if ``write_pdf``: the refinement marks those paragraphs, so the part's
    HTML changes and it is laid out again; its PDF would be thrown away (a write is about
    a third of a part's time, and a cold build's first layouts are all of this kind)."""
    if len(pages) != len(document.pages):
        document = document.copy(pages)
    anchors = anchor_pages(document)
    borrowed = sorted({target for page in document.pages
                       for kind, target, _, _ in page.links
                       if kind == "internal" and target not in anchors})
    if borrowed and document.pages:
        # WeasyPrint drops a link to an anchor it does not have: lend each one to the
        # first page; joining replaces it with the real one (``join.join_parts``).
        for name in borrowed:
            document.pages[0].anchors.setdefault(name, (0, 0, 0, 0))
    found = findings([page_box(page) for page in document.pages])
    boxes = page_boxes(document)
    data = write(document, variant) if write_pdf and not (refining and found.planned) else b""
    return PartLayout(data, len(document.pages), anchors, borrowed, boxes, findings=found)


#: Laid out once by a fresh worker: both fonts, bold and italic, and words too long for the
#: narrow column (hyphenating them loads the language's patterns).
_WARM_WORDS = ("Международное <b>сотрудничество</b> <i>Халықаралық</i> ынтымақтастық "
               "Ә Ғ Қ Ң Ө Ұ Ү Һ І international <i>cooperation</i> 0123456789.")


def warm_up(engine: LayoutEngine, project_root: Path, layout: Layout, variant: str,
            langs: list[str]) -> None:
    """Do in a fresh worker what its first part would otherwise do, while the build is still
    reading its input: parse the stylesheets (kept by ``engine``, the worker's), load the
    fonts, C declarations and hyphenation patterns of ``langs``, write a PDF once. The page
    laid out is thrown away."""
    body = "".join(f'<h1 class="chapter-title">{lang}</h1><p lang="{lang}" style="width: 25mm">'
                   f"{_WARM_WORDS}</p>" for lang in langs)
    render_part(engine, f"<!DOCTYPE html>\n<html><body>{body}</body></html>\n", project_root,
                layout, variant)


def folios_html(boxes: list[PageBox]) -> str:
    """Blank pages with the page names of ``boxes``, one per page, for the folio pass."""
    pages = "".join(
        f'<div style="page: {name or "auto"}; break-before: page"></div>' for name, _, _ in boxes)
    return f"<!DOCTYPE html>\n<html><body>{pages}</body></html>\n"


def render_folios(engine: LayoutEngine, boxes: list[PageBox], project_root: Path,
                  layout: Layout) -> bytes:
    """The folios of a report whose pages are ``boxes``: one page each, nothing but the
    margin boxes of the layout (with ``FOLIO_CSS``). An untagged PDF: its text is drawn as
    an artifact."""
    with engine.lay_out(folios_html(boxes), project_root, layout, "none") as document:
        got = page_boxes(document)
        if got != boxes:
            raise RenderError("the folio pass did not give one page per page of the report "
                              f"({len(got)} pages for {len(boxes)}); the layout's @page rules "
                              "must not depend on the content")
        return write(document, "none")
