"""What a laid-out part of a split PDF render is (``parts``), without the libraries that
make and join it: the build process schedules parts but never imports WeasyPrint or
pikepdf."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from reportgen.errors import RenderError
from reportgen.render.pdf.refine import Findings

#: A part's page: its @page name ("" for none), width and height in CSS px.
PageBox = tuple[str, float, float]


@dataclass
class PartLayout:
    """One part, laid out: its PDF (empty if not written) and what joining it needs."""

    data: bytes
    pages: int
    #: The page (1-based, within the part) each element id starts on.
    anchors: dict[str, int] = field(default_factory=dict)
    #: Element ids of other parts that this part links to (lent to it while writing).
    borrowed: list[str] = field(default_factory=list)
    boxes: list[PageBox] = field(default_factory=list)
    #: The file that holds the PDF instead of ``data`` (a cache entry): the process that
    #: joins the parts reads it, rather than the build sending it the bytes.
    file: Path | None = None
    #: What its layout asks of the next HTML (``refine``).
    findings: Findings = field(default_factory=Findings)
    #: A part laid out in windows (``windows``): the PDF of each, one after the other in
    #: ``data`` (or ``file``), as (its length in bytes, the ids it borrows); joined with
    #: the other parts' (``pieces``). Empty for a part of one PDF.
    windows: list[tuple[int, list[str]]] = field(default_factory=list)

    @property
    def written(self) -> bool:
        return bool(self.data) or self.file is not None

    def pieces(self) -> list[PartLayout]:
        """The part as the PDFs to join, in order: itself, or one part per window (their
        page counts and anchors left out: joining needs the bytes and borrowed ids only)."""
        if not self.windows:
            return [self]
        data, start, out = self.pdf(), 0, []
        for size, borrowed in self.windows:
            out.append(PartLayout(data[start:start + size], 0, borrowed=list(borrowed)))
            start += size
        if start != len(data):
            raise RenderError("a part laid out in windows does not hold the PDFs it lists")
        return out

    def pdf(self) -> bytes:
        if self.file is None:
            return self.data
        try:
            return self.file.read_bytes()
        except OSError as exc:
            raise RenderError(f"a typeset part vanished from the cache while the PDF was "
                              f"assembled ({exc}); build again") from None
