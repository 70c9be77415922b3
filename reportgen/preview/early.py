"""The edited pages shown while the whole PDF is still being joined.

Preview layer. Once a save's parts are typeset and its folios laid out, every page of the
PDF is known; joining them all into one PDF (``join.join_parts``: every part opened, the
structure tree and outline merged, the file written) takes a worker 0.4 s on a report of
266 pages. What the browser waits for is only the edited page: ``show_early`` joins just
the parts that hold the changed pages, with the folios those pages have in the whole
PDF (``join.join_some``), and shows the changed pages that are on screen from it. These
are the pages of the PDF a build writes: the same parts, the same folios, drawn by the
same PDFium (a test compares them with the joined PDF's, pixel for pixel).

Nothing is shown early unless the rest of what the browser shows is known to stand
(``EditionPages.early``): the same number of pages, each of the same size, the same
outline; and only a few parts are joined (a page more renumbers every folio: then every
page changed, and the whole PDF is waited for). The whole PDF, once joined, replaces
this as after any rebuild (``EditionPages.update``).
"""

from __future__ import annotations

from reportgen.preview.hub import Hub
from reportgen.preview.session import Joining
from reportgen.render.pdf.partlayout import PartLayout

#: At most this many parts, with at most this many pages, are joined for an early look.
MAX_PARTS = 4
MAX_PAGES = 48


def show_early(hub: Hub, joining: Joining) -> list[int]:
    """Show the changed pages on screen of ``joining``'s edition from its parts (see the
    module's description); the 0-based pages shown (none if it could not be told safely)."""
    from reportgen.render.pdf.join import join_some  # pikepdf: only once there is a save

    keys = joining.page_keys
    with hub.lock:
        pages = hub.editions.get(joining.lang)
        visible = set(hub.visible.get(joining.lang, ()))
    if keys is None or pages is None:
        return []
    changed = pages.changed_pages(keys)
    if not changed or not visible & set(changed):
        return []
    holding = parts_holding(joining.parts, changed)
    if holding is None:
        return []
    wanted, held = holding
    data = join_some(joining.parts, joining.folios, wanted)
    shown = pages.early(data, held, keys, visible)
    if shown:
        hub.publish(hub.snapshot({joining.lang: shown}))
    return shown


def parts_holding(parts: list[PartLayout], pages: list[int]) -> tuple[list[int], list[int]] | None:
    """The parts holding the 0-based ``pages`` of the PDF joined of ``parts``, and every page
    of them; None if that is more than ``MAX_PARTS`` parts or ``MAX_PAGES`` pages."""
    wanted: list[int] = []
    held: list[int] = []
    start = 0
    left = sorted(set(pages))
    for i, part in enumerate(parts):
        end = start + part.pages
        if left and left[0] < end:
            wanted.append(i)
            held.extend(range(start, end))
            left = [p for p in left if p >= end]
        start = end
    if left or len(wanted) > MAX_PARTS or len(held) > MAX_PAGES:
        return None
    return wanted, held
