"""The edited pages shown before the whole PDF is joined (``preview.early``): they are the
joined PDF's pages, pixel for pixel and word for word, and nothing is shown early that
would leave a stale title or number on screen."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from reportgen.preview import early as early_module
from reportgen.preview.early import MAX_PAGES, parts_holding
from reportgen.preview.pages import EditionPages, _bitmap, _png
from reportgen.preview.server import Preview
from reportgen.preview.session import Joining
from reportgen.render.pdf.partlayout import PartLayout

from .conftest import Project
from .test_preview import LONG, SECTION_A, SECTION_B, session, two_sections


class Watched:
    """A preview whose early showings are recorded: each edition's state right after it."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.preview = Preview(session(root), root / "out", root)
        self.early: list[dict[str, Any]] = []
        show = early_module.show_early

        def recorded(hub: Any, joining: Joining) -> list[int]:
            shown = show(hub, joining)
            pages = hub.editions.get(joining.lang)
            if pages is None:  # the first rebuild: nothing shown before
                return shown
            self.early.append({"shown": shown, "pages": {
                n: (pages.versions[n], pages.png(n, pages.versions[n]),
                    pages.text(n, pages.versions[n])) for n in shown}})
            return shown

        monkeypatch.setattr("reportgen.preview.server.show_early", recorded)
        self.preview.session.early = lambda joining: recorded(self.preview.hub, joining)

    def rebuild(self) -> EditionPages:
        outcome = self.preview.rebuild()
        assert outcome.ok, (outcome.problems, outcome.failure)
        return self.preview.hub.editions["ru"]

    def see_everything(self) -> None:
        hub = self.preview.hub
        hub.visible = {"ru": set(range(len(hub.editions["ru"].versions)))}


def _pixels(png: bytes) -> bytes:
    return Image.open(io.BytesIO(png)).convert("RGB").tobytes()


def _joined_page(pages: EditionPages, n: int) -> tuple[bytes, str]:
    """Page ``n`` of the whole joined PDF, drawn afresh: its pixels and its text."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pages.data)
    try:
        bitmap = _bitmap(doc[n])
        textpage = doc[n].get_textpage()
        text = str(textpage.get_text_range())
        textpage.close()
        return bytes(bitmap.buffer)[:bitmap.stride * bitmap.height], text
    finally:
        doc.close()


def _b_edited(project: Project, monkeypatch: pytest.MonkeyPatch, old: str, new: str,
              visible: set[int] | None = None) -> tuple[Watched, EditionPages]:
    """A preview of two sections, the second edited (``old`` -> ``new``) with the pages
    ``visible`` on screen (None: every page): what it shows after that save."""
    two_sections(project, "\n\n".join([LONG] * 4))
    watched = Watched(project.root, monkeypatch)
    watched.rebuild()
    if visible is None:
        watched.see_everything()
    else:
        watched.preview.hub.visible = {"ru": visible}
    project.write("sections/b.md", SECTION_B.replace(old, new))
    return watched, watched.rebuild()


def test_the_pages_shown_early_are_the_joined_pdfs(project: Project,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    watched, pages = _b_edited(project, monkeypatch, "второго", "последнего")
    shown = [e for e in watched.early if e["shown"]]
    assert len(shown) == 1, watched.early
    assert any("последнего" in text for _, _, text in shown[0]["pages"].values())
    for n, (version, png, text) in shown[0]["pages"].items():
        assert pages.versions[n] == version  # the whole PDF joined: the version stands
        pixels, joined_text = _joined_page(pages, n)
        assert _pixels(png) == pixels  # the folios drawn over it included
        assert text == joined_text
        assert pages.text(n, version) == joined_text


def test_nothing_is_shown_early_when_the_outline_changes(project: Project,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A heading's title edited: its page changes, and so does the outline beside it."""
    watched, pages = _b_edited(project, monkeypatch, "Второй раздел", "Другой раздел")
    assert watched.early and not any(e["shown"] for e in watched.early)
    assert any(item.title == "Другой раздел" for item in pages.outline)


def test_nothing_is_shown_early_when_a_page_is_added(project: Project,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    two_sections(project)
    watched = Watched(project.root, monkeypatch)
    before = len(watched.rebuild().versions)
    watched.see_everything()
    project.write("sections/a.md", SECTION_A.replace("{body}", "\n\n".join([LONG] * 8)))
    assert len(watched.rebuild().versions) > before
    assert not any(e["shown"] for e in watched.early)


def test_nothing_is_shown_early_off_screen(project: Project,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    watched, _ = _b_edited(project, monkeypatch, "второго", "последнего", {0})  # the cover
    assert watched.early and not any(e["shown"] for e in watched.early)


def test_parts_holding() -> None:
    parts = [PartLayout(b"", n) for n in (2, 3, 1, 4)]
    assert parts_holding(parts, [2, 4]) == ([1], [2, 3, 4])
    assert parts_holding(parts, [0, 5, 9]) == ([0, 2, 3], [0, 1, 5, 6, 7, 8, 9])
    assert parts_holding(parts, [10]) is None  # no such page
    assert parts_holding([PartLayout(b"", MAX_PAGES + 1)], [0]) is None  # too long to join


def test_png_reads_back_as_the_bitmap(sample_pdf: Path) -> None:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(sample_pdf)
    try:
        for n in (0, 5):
            bitmap = _bitmap(doc[n])
            image = Image.open(io.BytesIO(_png(bitmap)))
            assert image.mode == "RGB" and image.size == (bitmap.width, bitmap.height)
            assert image.tobytes() == bitmap.to_pil().convert("RGB").tobytes()
    finally:
        doc.close()
