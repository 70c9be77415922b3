"""Assemble stage: a section's figures and galleries, numbered, and the labels that name them.

A picture (Markdown ``![alt](src)``, an ``<img>``, a video's poster frame, the
slides of a carousel) becomes a numbered ``Figure`` or ``Gallery`` whose image
is a file of the project (``assets``). A picture typed without a caption is
captioned, like a carousel, by the heading it stands under: a list of figures
has no empty lines, a screen reader no bare number. A MyST label ``(name)=`` on
the line before a heading or an image names the target that follows it.
Nothing here parses Markdown or HTML, nor knows about any output format.
"""

from __future__ import annotations

from pathlib import Path

from reportgen.assemble.assets import AssetError, Assets
from reportgen.assemble.narrative import Counters
from reportgen.errors import Problems, SourceLoc
from reportgen.model import nodes as m

#: The image of a figure whose file is wrong (the error is recorded; no document is made).
_MISSING = m.Image(Path("/nonexistent"), 1, 1)


class Labels:
    """The target label typed before a heading or a figure, until one of them takes it."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        self.pending: tuple[str, SourceLoc] | None = None

    def put(self, label: str, loc: SourceLoc) -> None:
        if self.pending is not None:
            self.check_unused()
        self.pending = (label, loc)

    def take(self) -> str | None:
        label, self.pending = self.pending, None
        return label[0] if label else None

    def check_unused(self) -> None:
        """A label that nothing took (something else came first) is an error."""
        if self.pending is not None:
            label, loc = self.pending
            self.pending = None
            self.problems.error(loc, f"the label ({label})= must stand on the line right before "
                                "a heading or an image (a table takes 'id:' in its block)")


class Figures:
    """Makes the figures and galleries of one section; numbering shared with the document."""

    def __init__(self, file: Path, assets: Assets, counters: Counters, problems: Problems,
                 section_title: str) -> None:
        self.file = file
        self.assets = assets
        self.counters = counters
        self.problems = problems
        self.section_title = section_title
        self.labels = Labels(problems)
        #: The text of the last heading read: what the figures under it are about.
        self.heading: str | None = None

    def under(self) -> str | None:
        """What the figures here are about: the heading they stand under, or the section."""
        return self.heading or self.section_title

    def image(self, src: str, loc: SourceLoc, alt: str = "") -> m.Image | None:
        """The project's image file ``src`` (relative to the section), or None (an error)."""
        try:
            return self.assets.image(src, self.file.parent, alt)
        except AssetError as exc:
            self.problems.error(loc, str(exc))
            return None

    def figure(self, src: str, alt: str, loc: SourceLoc, role: str | None = None,
               caption: str | None = None, anchor: str | None = None) -> m.Block:
        image = self.image(src, loc, alt)
        anchor = anchor or self.labels.take()
        self.counters.figure += 1
        text = caption if caption is not None else alt or self.under()
        return m.Figure(image or _MISSING, (m.Text(text),) if text else (),
                        self.counters.figure, anchor or f"fig-{self.counters.figure}", loc, role)

    def gallery(self, images: list[m.Image], loc: SourceLoc) -> m.Gallery:
        """A carousel's slides, captioned by the heading they stand under."""
        self.counters.figure += 1
        caption = self.under()
        return m.Gallery(tuple(images), (m.Text(caption),) if caption else (),
                         self.counters.figure, f"fig-{self.counters.figure}", loc)
