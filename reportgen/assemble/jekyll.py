"""Assemble stage: the raw HTML of the Jekyll pages, read for what it means in print.

The organization's site writes a few constructs in HTML, and a report reads them
as they are: ``<div>`` (``expandable-content`` and other classes become a
``Div`` with that role, expanded in print), swiper carousels (a ``Gallery``
with every slide, from ``<img>`` or a slide's background url) and ``<video>``
(its poster frame as a figure: ``poster=``, or an image named like the video
next to it), and ``<img>`` as a figure. Every element passes ``htmlblocks``'
allowlist first. HTML outside these constructs is an error, never silently
dropped. Open elements are frames on a stack that the block reader
(``blocks``) emits into. Nothing here knows about HTML output, PDF or Word.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from reportgen.assemble.assets import AssetError
from reportgen.assemble.figures import Figures
from reportgen.assemble.htmlblocks import VOID, check_element, html_events
from reportgen.errors import Problems, SourceLoc
from reportgen.model import nodes as m

_SLIDE_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
_CAROUSEL_PARTS = {"carousel-holder", "swiper-container", "swiper-wrapper", "swiper-pagination",
                   "swiper-button-next", "swiper-button-prev", "swiper-scrollbar"}


@dataclass
class Frame:
    """An open HTML container while walking the token stream."""

    kind: str  # "root", "div", "carousel", "video", "skip"
    loc: SourceLoc
    tag: str = "div"
    role: str | None = None
    lang: str | None = None
    blocks: list[m.Block] = field(default_factory=list)
    images: list[m.Image] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    attrs: dict[str, str] = field(default_factory=dict)
    depth: int = 0  # nested same-tag elements inside a carousel/video


class JekyllHtml:
    """Reads the raw HTML blocks of one section into the frames of ``stack``."""

    def __init__(self, figures: Figures, strings: dict[str, str], problems: Problems) -> None:
        self.figures = figures
        self.strings = strings
        self.problems = problems

    def emit(self, stack: list[Frame], block: m.Block) -> None:
        """Add ``block`` to the innermost open frame (where blocks may go)."""
        self.figures.labels.check_unused()  # a heading or figure took its label before it was emitted
        top = stack[-1]
        if top.kind in ("carousel", "video", "skip"):
            self.problems.error(getattr(block, "loc", None), f"unexpected content inside <{top.tag}>")
            return
        top.blocks.append(block)

    def read(self, html: str, loc: SourceLoc, stack: list[Frame]) -> None:
        """An HTML block of Markdown whose first line is at ``loc``, line by line."""
        for n, line in enumerate(html.splitlines()):
            where = loc.shifted(n)
            for kind, tag, attrs, data in html_events(line):
                self._event(kind, tag, attrs, data, where, stack)

    def close(self, frame: Frame, stack: list[Frame]) -> None:
        """``frame``'s element ends: what it made goes into the frame around it."""
        parent = stack[-1]
        if frame.kind == "div":
            if frame.blocks:
                parent.blocks.append(m.Div(tuple(frame.blocks), frame.loc, frame.role, frame.lang))
        elif frame.kind == "carousel":
            if not frame.images:
                self.problems.error(frame.loc, "a carousel without any slide images")
                return
            parent.blocks.append(self.figures.gallery(frame.images, frame.loc))
        elif frame.kind == "video":
            self._close_video(frame, parent)

    def _event(self, kind: str, tag: str, attrs: dict[str, str], data: str,
               loc: SourceLoc, stack: list[Frame]) -> None:
        top = stack[-1]
        if kind == "data":
            if top.kind in ("video", "skip"):
                return  # fallback text for browsers without video
            self.problems.error(loc, f"text in raw HTML is not supported: {data.strip()[:40]!r}; "
                                "write it as Markdown")
            return
        if kind == "start" and tag.startswith("!"):
            return
        if kind == "start" and self._refused(tag, attrs, loc, top):
            if tag not in VOID:
                stack.append(Frame("skip", loc, tag))  # its content goes with it
            return
        if top.kind in ("carousel", "video") and kind == "start":
            self._start_inside(tag, attrs, loc, top)
        elif kind == "end":
            self._end(tag, loc, stack)
        else:
            self._start(tag, attrs, loc, stack)

    def _refused(self, tag: str, attrs: dict[str, str], loc: SourceLoc, top: Frame) -> bool:
        slide = (tag == "div" and top.kind == "carousel"
                 and "swiper-slide" in attrs.get("class", "").split())
        return check_element(tag, attrs, loc, self.problems, slide=slide)

    def _start_inside(self, tag: str, attrs: dict[str, str], loc: SourceLoc, top: Frame) -> None:
        """A start tag inside a carousel or a video."""
        classes = set(attrs.get("class", "").split())
        if tag == "div" and top.kind == "carousel":
            if "swiper-slide" in classes:
                url = _SLIDE_URL.search(attrs.get("style", ""))
                if url:
                    if img := self.figures.image(url.group(1), loc):
                        top.images.append(img)
                elif not attrs.get("style"):
                    pass  # a slide holding an <img>, read below
                else:
                    self.problems.error(loc, "a carousel slide without a background image url")
            elif classes and not classes <= _CAROUSEL_PARTS | {"swiper-slide"}:
                self.problems.error(loc, f"unknown carousel part class={attrs['class']!r}")
            top.depth += 1
            return
        if tag == "img" and top.kind == "carousel":
            if img := self.figures.image(attrs.get("src", ""), loc, attrs.get("alt", "")):
                top.images.append(img)
            return
        if tag == "source" and top.kind == "video":
            top.sources.append(attrs.get("src", ""))
            return
        self.problems.error(loc, f"<{tag}> is not expected inside <{top.tag}>")

    def _end(self, tag: str, loc: SourceLoc, stack: list[Frame]) -> None:
        top = stack[-1]
        if top.kind == "carousel" and tag == "div" and top.depth > 0:
            top.depth -= 1
            return
        if top.kind == "root" or top.tag != tag:
            self.problems.error(loc, f"</{tag}> closes nothing that is open"
                                + (f" (<{top.tag}> from line {top.loc.line} is open)"
                                   if top.kind != "root" else ""))
            return
        self.close(stack.pop(), stack)

    def _start(self, tag: str, attrs: dict[str, str], loc: SourceLoc, stack: list[Frame]) -> None:
        """A start tag at block level."""
        classes = set(attrs.get("class", "").split())
        if tag == "div":
            if "carousel" in classes or "swiper-container" in classes:
                stack.append(Frame("carousel", loc, "div", attrs=attrs))
            else:
                role = sorted(classes)[0] if classes else None
                stack.append(Frame("div", loc, "div", role=role, lang=attrs.get("lang")))
            return
        if tag == "video":
            stack.append(Frame("video", loc, "video", attrs=attrs))
            if attrs.get("src"):
                stack[-1].sources.append(attrs["src"])
            return
        if tag == "img":
            self.emit(stack, self.figures.figure(attrs.get("src", ""), attrs.get("alt", ""), loc))
            return
        if tag in ("br", "hr"):
            if tag == "hr":
                self.emit(stack, m.ThematicBreak(loc))
            return
        self.problems.error(
            loc, f"unsupported HTML element <{tag}> (a report accepts <div>, carousels, "
            "<video>, <img> and inline <span>, <b>, <i>, <a>, <br>)")
        if tag not in VOID:
            stack.append(Frame("skip", loc, tag))

    def _close_video(self, frame: Frame, parent: Frame) -> None:
        file = self.figures.file
        poster = frame.attrs.get("poster")
        source = next((s for s in frame.sources if s), None)
        if not poster and source:
            # By convention the poster frame sits next to the video: UN.mp4 -> UN.jpg
            try:
                video = self.figures.assets.resolve(source.split("#")[0], file.parent)
            except AssetError as exc:
                self.problems.error(frame.loc, str(exc))
                return
            for ext in (".jpg", ".jpeg", ".png", ".webp"):
                if video.with_suffix(ext).is_file():
                    poster = os.path.relpath(video.with_suffix(ext), file.parent)
                    break
        if not poster:
            self.problems.error(
                frame.loc, f"a video needs a poster frame for print: add poster=\"...\" to "
                f"<video>, or put an image with the video's name next to it ({source})")
            return
        title = frame.attrs.get("title") or self.figures.under()
        caption = f"{self.strings['video']}: {title}" if title else self.strings["video"]
        figure = self.figures.figure(str(poster), str(title), frame.loc, role="video", caption=caption)
        parent.blocks.append(figure)
