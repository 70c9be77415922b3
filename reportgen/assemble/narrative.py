"""Assemble stage: one narrative section (Markdown + YAML front matter) into model blocks.

Reads Jekyll pages as they are: the bold lead paragraph, ``expandable-content``
divs (expanded in print), swiper carousels (a photo grid with every slide),
``<video>`` (its poster frame as a figure) and relative asset paths. Raw HTML
passes ``htmlblocks``' allowlist first (no scripts, embeds, event handlers,
URL-loading styles); HTML outside these constructs is an error, never
silently dropped. Nothing here knows about HTML output, PDF or Word.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from reportgen.assemble.assets import AssetError, Assets
from reportgen.assemble.htmlblocks import FORBIDDEN_ELEMENTS, element_problems, link_problem
from reportgen.errors import Problems, SourceLoc, did_you_mean
from reportgen.model import nodes as m

FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?---[ \t]*(\r?\n|\Z)", re.S)
_SLIDE_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
_CAROUSEL_PARTS = {"carousel-holder", "swiper-container", "swiper-wrapper", "swiper-pagination",
                   "swiper-button-next", "swiper-button-prev", "swiper-scrollbar"}


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """(front matter YAML or None, body, number of lines before the body)."""
    match = FRONT_MATTER.match(text)
    if not match:
        return None, text, 0
    front = match.group(1) or ""
    return front, text[match.end():], text[: match.end()].count("\n")


#: Roles in running text, MyST-style: {numref}`tab-events`, {ref}`see {page} <analytics>`.
ROLES = ("ref", "numref")
_ROLE = re.compile(r"\{([a-z]+)\}$")
_ROLE_TARGET = re.compile(r"^(.*?)\s*<\s*([^<>]+?)\s*>$", re.S)
#: A target label, MyST-style, on the line before a heading or an image: '(budget)='.
#: (Pandoc's '{#id}' would open a Jinja comment.)
_LABEL = re.compile(r"^\(([A-Za-z][A-Za-z0-9_-]*)\)=$")
_UNDEFINED_NOTE = re.compile(r"\[\^([^\]\s]+)\]")


def markdown_parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True}).enable("table").use(footnote_plugin)


@dataclass
class Counters:
    """Numbering shared by all sections of one document (figures, tables, headings, notes)."""

    figure: int = 0
    heading: int = 0
    table: int = 0
    note: int = 0


@dataclass
class _Frame:
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


class _Events(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[str, str, dict[str, str], str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("start", tag, {k: v or "" for k, v in attrs}, ""))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("start", tag, {k: v or "" for k, v in attrs}, ""))
        if tag not in _VOID:
            self.events.append(("end", tag, {}, ""))

    def handle_endtag(self, tag: str) -> None:
        self.events.append(("end", tag, {}, ""))

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.events.append(("data", "", {}, data))


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}
_INLINE_TAGS = {"strong": "strong", "b": "strong", "em": "emph", "i": "emph", "span": "span",
                "a": "link", "sup": "span", "sub": "span", "u": "span", "mark": "span"}


def html_events(text: str) -> list[tuple[str, str, dict[str, str], str]]:
    parser = _Events()
    parser.feed(text)
    parser.close()
    return parser.events


class SectionReader:
    """Turns the (expression-free) Markdown body of one section into blocks."""

    def __init__(
        self,
        file: Path,
        line_offset: int,
        assets: Assets,
        counters: Counters,
        problems: Problems,
        strings: dict[str, str],
        section_id: str,
        section_title: str = "",
        directives: dict[str, Callable[[str, SourceLoc], list[m.Block]]] | None = None,
        line_map: list[int] | None = None,
    ) -> None:
        self.file = file
        self.offset = line_offset
        self.assets = assets
        self.counters = counters
        self.problems = problems
        self.strings = strings
        self.section_id = section_id
        self.section_title = section_title
        self.directives = directives or {}
        #: For each line of the (rendered) body, its line in the source body (1-based).
        self.line_map = line_map
        self.last_heading: str | None = None
        self.level_shift = 0
        self.notes: dict[int, tuple[tuple[m.Inline, ...], ...]] = {}
        self.notes_called: set[int] = set()
        self._unused_notes: list[str] = []
        self.label: tuple[str, SourceLoc] | None = None

    # ------------------------------------------------------------ locations
    def loc(self, token: Token | None) -> SourceLoc:
        if token is None or token.map is None:
            return SourceLoc(self.file, self.offset + 1)
        line = token.map[0]
        if self.line_map is not None and line < len(self.line_map):
            return SourceLoc(self.file, self.offset + self.line_map[line])
        return SourceLoc(self.file, self.offset + line + 1)

    # ---------------------------------------------------------------- blocks
    def read(self, body: str) -> list[m.Block]:
        env: dict[str, Any] = {}
        tokens = markdown_parser().parse(body, env)
        tokens = self._footnote_bodies(tokens, env)
        levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
        self.level_shift = (min(levels) - 2) if levels else 0
        stack = [_Frame("root", SourceLoc(self.file, self.offset + 1))]
        self._blocks(tokens, 0, len(tokens), stack)
        while len(stack) > 1:
            frame = stack.pop()
            self.problems.error(frame.loc, f"<{frame.tag}> is never closed")
            self._close(frame, stack)
        self._unused_label()
        self._check_notes(body)
        return stack[0].blocks

    def _footnote_bodies(self, tokens: list[Token], env: dict[str, Any]) -> list[Token]:
        """Read the footnote texts (markdown-it puts them after the body) and drop them."""
        start = next((i for i, t in enumerate(tokens) if t.type == "footnote_block_open"), None)
        defined = {k[1:]: v for k, v in env.get("footnotes", {}).get("refs", {}).items()}
        if start is None:
            tail: list[Token] = []
        else:
            tail, tokens = tokens[start:], tokens[:start]
        i = 0
        while i < len(tail):
            tok = tail[i]
            if tok.type != "footnote_open":
                i += 1
                continue
            close = _matching(tail, i)
            note_id = int(tok.meta["id"])
            paragraphs: list[tuple[m.Inline, ...]] = []
            for j in range(i + 1, close):
                inner = tail[j]
                if inner.type == "inline":
                    paragraphs.append(self._inlines(inner, self.loc(inner)))
                elif inner.nesting == 1 and inner.type != "paragraph_open" and inner.level == 1:
                    self.problems.error(self.loc(inner), f"a footnote holds paragraphs only, "
                                        f"not '{inner.type.removesuffix('_open')}'")
            self.notes[note_id] = tuple(paragraphs)
            i = close + 1
        self._unused_notes = [label for label, n in defined.items() if int(n) < 0]
        return tokens

    def _check_notes(self, body: str) -> None:
        lines = body.split("\n")
        for label in self._unused_notes:
            line = next((n for n, text in enumerate(lines)
                         if text.lstrip().startswith(f"[^{label}]:")), 0)
            token = Token("paragraph_open", "p", 1, map=[line, line + 1])
            self.problems.error(self.loc(token), f"footnote [^{label}] is defined but never "
                                f"referred to (put [^{label}] where its number belongs)")

    def _emit(self, stack: list[_Frame], block: m.Block) -> None:
        self._unused_label()  # a heading or figure took its label before it was emitted
        top = stack[-1]
        if top.kind in ("carousel", "video", "skip"):
            self.problems.error(_block_loc(block), f"unexpected content inside <{top.tag}>")
            return
        top.blocks.append(block)

    def _blocks(self, tokens: list[Token], i: int, end: int, stack: list[_Frame]) -> None:
        while i < end:
            tok = tokens[i]
            if tok.type == "html_block":
                self._html_block(tok, stack)
                i += 1
                continue
            if tok.nesting == 1:
                close = _matching(tokens, i)
                for block in self._container(tokens, i, close):
                    self._emit(stack, block)
                i = close + 1
                continue
            for block in self._leaf(tok):
                self._emit(stack, block)
            i += 1

    def _inner(self, tokens: list[Token], start: int, end: int) -> tuple[m.Block, ...]:
        stack = [_Frame("root", self.loc(tokens[start] if start < len(tokens) else None))]
        self._blocks(tokens, start, end, stack)
        while len(stack) > 1:
            frame = stack.pop()
            self.problems.error(frame.loc, f"<{frame.tag}> is not closed inside its list or quote")
            self._close(frame, stack)
        return tuple(stack[0].blocks)

    def _container(self, tokens: list[Token], i: int, close: int) -> list[m.Block]:
        tok = tokens[i]
        loc = self.loc(tok)
        match tok.type:
            case "heading_open":
                level = int(tok.tag[1]) - self.level_shift
                inlines = self._inlines(tokens[i + 1], loc)
                anchor = self._take_label()
                self.counters.heading += 1
                self.last_heading = m.plain_text(inlines)
                if level < 2 or level > 4:
                    self.problems.error(
                        loc, f"heading level {tok.tag} is out of range for this section "
                        "(use ### and #### under the section title, as the Jekyll pages do)")
                    level = min(max(level, 2), 4)
                return [m.Heading(level, inlines, anchor or f"h{self.counters.heading}", loc)]
            case "paragraph_open":
                return self._paragraph(tokens[i + 1], loc)
            case "bullet_list_open" | "ordered_list_open":
                items = []
                j = i + 1
                while j < close:
                    item_close = _matching(tokens, j)
                    items.append(self._inner(tokens, j + 1, item_close))
                    j = item_close + 1
                start = int(tok.attrGet("start") or 1)
                return [m.ListBlock(tuple(items), loc, tok.type == "ordered_list_open", start)]
            case "blockquote_open":
                return [m.Quote(self._inner(tokens, i + 1, close), loc)]
            case "table_open":
                self.problems.error(loc, "Markdown tables are not supported yet; "
                                    "put the data in the activity YAML")
                return []
            case _:
                self.problems.error(loc, f"unsupported Markdown construct '{tok.type}'")
                return []

    def _leaf(self, tok: Token) -> list[m.Block]:
        loc = self.loc(tok)
        match tok.type:
            case "hr":
                return [m.ThematicBreak(loc)]
            case "fence":
                name = tok.info.strip()
                directive = re.fullmatch(r"\{([a-z_]+)\}", name)
                if directive and directive.group(1) in self.directives:
                    return self.directives[directive.group(1)](tok.content, loc.shifted(1))
                known = ", ".join("{" + d + "}" for d in sorted(self.directives))
                self.problems.error(
                    loc, f"unknown block '```{name}'; a report knows these blocks: {known}"
                )
                return []
            case "code_block":
                self.problems.error(loc, "indented code blocks are not supported in a report "
                                    "(is this text indented by four spaces by mistake?)")
                return []
            case _:
                self.problems.error(loc, f"unsupported Markdown construct '{tok.type}'")
                return []

    def _take_label(self) -> str | None:
        label, self.label = self.label, None
        return label[0] if label else None

    def _paragraph(self, inline: Token, loc: SourceLoc) -> list[m.Block]:
        children = inline.children or []
        label = _LABEL.match(children[0].content.strip()) if children and \
            children[0].type == "text" else None
        if label and (len(children) == 1 or children[1].type == "softbreak"):
            self._set_label(label.group(1), loc)
            children = children[2:]
            if not children:
                return []
        images = [c for c in children if c.type == "image"]
        rest = [c for c in children if c.type not in ("image", "softbreak", "hardbreak")
                and not (c.type == "text" and not c.content.strip())]
        if images and not rest:
            return [self._figure(str(img.attrGet("src") or ""), _alt(img), loc) for img in images]
        if images:
            self.problems.error(loc, "an image inside running text; put the image in a "
                                "paragraph of its own so it becomes a figure")
        inlines = self._inlines(inline, loc, children)
        return [m.Paragraph(inlines, loc)] if inlines else []

    def _set_label(self, label: str, loc: SourceLoc) -> None:
        if self.label is not None:
            self._unused_label()
        self.label = (label, loc)

    def _unused_label(self) -> None:
        if self.label is not None:
            label, loc = self.label
            self.label = None
            self.problems.error(loc, f"the label ({label})= must stand on the line right before "
                                "a heading or an image (a table takes 'id:' in its block)")

    def _figure(self, src: str, alt: str, loc: SourceLoc, role: str | None = None,
                caption: str | None = None, anchor: str | None = None) -> m.Block:
        image = self._image(src, loc, alt)
        anchor = anchor or self._take_label()
        self.counters.figure += 1
        # A picture typed without a caption is captioned, like a carousel, by the heading
        # it stands under: a list of figures has no empty lines, a screen reader no bare number.
        text = caption if caption is not None else alt or self.last_heading or self.section_title
        return m.Figure(image or _MISSING, (m.Text(text),) if text else (),
                        self.counters.figure, anchor or f"fig-{self.counters.figure}", loc, role)

    def _image(self, src: str, loc: SourceLoc, alt: str = "") -> m.Image | None:
        try:
            return self.assets.image(src, self.file.parent, alt)
        except AssetError as exc:
            self.problems.error(loc, str(exc))
            return None

    # ------------------------------------------------------------------ HTML
    def _html_block(self, tok: Token, stack: list[_Frame]) -> None:
        base = self.loc(tok)
        lines = tok.content.splitlines()
        for n, line in enumerate(lines):
            loc = base.shifted(n)
            for kind, tag, attrs, data in html_events(line):
                self._html_event(kind, tag, attrs, data, loc, stack)

    def _html_event(self, kind: str, tag: str, attrs: dict[str, str], data: str,
                    loc: SourceLoc, stack: list[_Frame]) -> None:
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
            if tag not in _VOID:
                stack.append(_Frame("skip", loc, tag))  # its content goes with it
            return
        if top.kind in ("carousel", "video") and kind == "start":
            classes = set(attrs.get("class", "").split())
            if tag == "div" and top.kind == "carousel":
                if "swiper-slide" in classes:
                    url = _SLIDE_URL.search(attrs.get("style", ""))
                    if url:
                        if img := self._image(url.group(1), loc):
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
                if img := self._image(attrs.get("src", ""), loc, attrs.get("alt", "")):
                    top.images.append(img)
                return
            if tag == "source" and top.kind == "video":
                top.sources.append(attrs.get("src", ""))
                return
            self.problems.error(loc, f"<{tag}> is not expected inside <{top.tag}>")
            return
        if kind == "end":
            if top.kind == "carousel" and tag == "div" and top.depth > 0:
                top.depth -= 1
                return
            if top.kind == "root" or top.tag != tag:
                self.problems.error(loc, f"</{tag}> closes nothing that is open"
                                    + (f" (<{top.tag}> from line {top.loc.line} is open)"
                                       if top.kind != "root" else ""))
                return
            self._close(stack.pop(), stack)
            return
        # a start tag at block level
        classes = set(attrs.get("class", "").split())
        if tag == "div":
            if "carousel" in classes or "swiper-container" in classes:
                stack.append(_Frame("carousel", loc, "div", attrs=attrs))
            else:
                role = sorted(classes)[0] if classes else None
                stack.append(_Frame("div", loc, "div", role=role, lang=attrs.get("lang")))
            return
        if tag == "video":
            stack.append(_Frame("video", loc, "video", attrs=attrs))
            if attrs.get("src"):
                stack[-1].sources.append(attrs["src"])
            return
        if tag == "img":
            self._emit(stack, self._figure(attrs.get("src", ""), attrs.get("alt", ""), loc))
            return
        if tag in ("br", "hr"):
            if tag == "hr":
                self._emit(stack, m.ThematicBreak(loc))
            return
        self.problems.error(
            loc, f"unsupported HTML element <{tag}> (a report accepts <div>, carousels, "
            "<video>, <img> and inline <span>, <b>, <i>, <a>, <br>)")
        if tag not in _VOID:
            stack.append(_Frame("skip", loc, tag))

    def _refused(self, tag: str, attrs: dict[str, str], loc: SourceLoc, top: _Frame) -> bool:
        """Report what the HTML allowlist refuses; True if the element itself is refused."""
        slide = (tag == "div" and top.kind == "carousel"
                 and "swiper-slide" in attrs.get("class", "").split())
        for message in element_problems(tag, attrs, style_url_allowed=slide):
            self.problems.error(loc, message)
        if tag == "a" and (problem := link_problem(attrs.get("href", ""))):
            self.problems.error(loc, problem)
        return tag in FORBIDDEN_ELEMENTS

    def _close(self, frame: _Frame, stack: list[_Frame]) -> None:
        parent = stack[-1]
        if frame.kind == "div":
            if frame.blocks:
                parent.blocks.append(m.Div(tuple(frame.blocks), frame.loc, frame.role, frame.lang))
        elif frame.kind == "carousel":
            if not frame.images:
                self.problems.error(frame.loc, "a carousel without any slide images")
                return
            self.counters.figure += 1
            caption = self.last_heading or self.section_title
            parent.blocks.append(m.Gallery(
                tuple(frame.images), (m.Text(caption),) if caption else (),
                self.counters.figure, f"fig-{self.counters.figure}", frame.loc))
        elif frame.kind == "video":
            self._close_video(frame, parent)

    def _close_video(self, frame: _Frame, parent: _Frame) -> None:
        poster = frame.attrs.get("poster")
        source = next((s for s in frame.sources if s), None)
        if not poster and source:
            # By convention the poster frame sits next to the video: UN.mp4 -> UN.jpg
            try:
                video = self.assets.resolve(source.split("#")[0], self.file.parent)
            except AssetError as exc:
                self.problems.error(frame.loc, str(exc))
                return
            for ext in (".jpg", ".jpeg", ".png", ".webp"):
                if video.with_suffix(ext).is_file():
                    poster = os.path.relpath(video.with_suffix(ext), self.file.parent)
                    break
        if not poster:
            self.problems.error(
                frame.loc, f"a video needs a poster frame for print: add poster=\"...\" to "
                f"<video>, or put an image with the video's name next to it ({source})")
            return
        title = frame.attrs.get("title") or self.last_heading or self.section_title
        caption = f"{self.strings['video']}: {title}" if title else self.strings["video"]
        figure = self._figure(str(poster), str(title), frame.loc, role="video", caption=caption)
        parent.blocks.append(figure)

    # --------------------------------------------------------------- inlines
    def _inlines(self, inline: Token, loc: SourceLoc,
                 children: list[Token] | None = None) -> tuple[m.Inline, ...]:
        # A stack of (kind, attrs, children) for nested strong/em/link/span.
        stack: list[tuple[str, dict[str, Any], list[m.Inline]]] = [("root", {}, [])]
        if children is None:
            children = inline.children or []
        for index, tok in enumerate(children):
            out = stack[-1][2]
            match tok.type:
                case "text":
                    following = children[index + 1] if index + 1 < len(children) else None
                    role = _ROLE.search(tok.content)
                    if role and following is not None and following.type == "code_inline":
                        out.append(m.Text(tok.content[:role.start()]))
                        following.meta["role"] = role.group(1)
                        continue
                    for missing in _UNDEFINED_NOTE.finditer(tok.content):
                        self.problems.error(loc, f"footnote [^{missing.group(1)}] is not defined "
                                            f"(add a line '[^{missing.group(1)}]: text' below)")
                    out.append(m.Text(tok.content))
                case "softbreak":
                    out.append(m.Text(" "))
                case "hardbreak":
                    out.append(m.LineBreak())
                case "code_inline":
                    if "role" in tok.meta:
                        out.extend(self._role(tok.meta["role"], tok.content, loc))
                    else:
                        out.append(m.Code(tok.content))
                case "footnote_ref":
                    out.append(self._note(int(tok.meta["id"]), str(tok.meta["label"]), loc))
                case "strong_open" | "em_open":
                    stack.append((tok.type[:-5], {}, []))
                case "link_open":
                    href = str(tok.attrGet("href") or "")
                    if problem := link_problem(href):
                        self.problems.error(loc, problem)
                    stack.append(("link", {"href": href}, []))
                case "strong_close" | "em_close" | "link_close":
                    self._close_inline(stack, loc)
                case "html_inline":
                    self._html_inline(tok.content, stack, loc)
                case "image":
                    pass  # reported by _paragraph
                case _:
                    self.problems.error(loc, f"unsupported inline Markdown '{tok.type}'")
        while len(stack) > 1:
            self.problems.error(loc, f"inline <{stack[-1][0]}> is never closed")
            self._close_inline(stack, loc)
        return m.merge_text(stack[0][2])

    def _role(self, role: str, content: str, loc: SourceLoc) -> list[m.Inline]:
        if role not in ROLES:
            known = ", ".join("{" + r + "}" for r in ROLES)
            self.problems.error(loc, f"unknown role {{{role}}}{did_you_mean(role, ROLES)} "
                                f"(roles: {known})")
            return [m.Code(content)]
        explicit = _ROLE_TARGET.match(content.strip())
        template, target = (explicit.group(1), explicit.group(2)) if explicit else (None,
                                                                                   content.strip())
        return [m.CrossRef(target, (), loc, role=role, template=template)]

    def _note(self, note_id: int, label: str, loc: SourceLoc) -> m.Inline:
        if note_id in self.notes_called:
            self.problems.error(loc, f"footnote [^{label}] is referred to twice; a printed "
                                "footnote has one call (define a second footnote)")
        self.notes_called.add(note_id)
        self.counters.note += 1
        return m.Note(self.counters.note, self.notes.get(note_id, ()), loc)

    def _close_inline(self, stack: list[tuple[str, dict[str, Any], list[m.Inline]]],
                      loc: SourceLoc) -> None:
        kind, attrs, children = stack.pop()
        kids = m.merge_text(children)
        node: m.Inline
        match kind:
            case "strong":
                node = m.Strong(kids)
            case "em" | "emph":
                node = m.Emph(kids)
            case "link":
                node = m.Link(attrs.get("href", ""), kids)
            case _:
                node = m.Span(kids, attrs.get("class") or kind, attrs.get("lang"))
        stack[-1][2].append(node)

    def _html_inline(self, html: str, stack: list[tuple[str, dict[str, Any], list[m.Inline]]],
                     loc: SourceLoc) -> None:
        for kind, tag, attrs, data in html_events(html):
            if kind == "start" and not tag.startswith("!") and self._refused(
                    tag, attrs, loc, _Frame("root", loc)):
                continue
            if kind == "start" and tag == "br":
                stack[-1][2].append(m.LineBreak())
            elif kind == "start" and tag in _INLINE_TAGS:
                name = _INLINE_TAGS[tag]
                stack.append((name if name != "span" else tag, attrs, []))
            elif kind == "end" and tag in _INLINE_TAGS:
                if len(stack) > 1:
                    self._close_inline(stack, loc)
            elif kind == "start" and tag.startswith("!") or tag in FORBIDDEN_ELEMENTS:
                continue  # a refused element's end tag: reported at its start
            elif kind == "data":
                stack[-1][2].append(m.Text(data))
            else:
                self.problems.error(loc, f"unsupported inline HTML <{tag}>")


_MISSING = m.Image(Path("/nonexistent"), 1, 1)


def _alt(token: Token) -> str:
    return "".join(c.content for c in (token.children or []) if c.type in ("text", "code_inline"))


def _matching(tokens: list[Token], i: int) -> int:
    depth = 0
    for j in range(i, len(tokens)):
        depth += tokens[j].nesting
        if depth == 0:
            return j
    raise ValueError("unbalanced Markdown tokens")  # pragma: no cover - markdown-it balances


def _block_loc(block: m.Block) -> SourceLoc | None:
    return getattr(block, "loc", None)
