"""Assemble stage: the Markdown blocks of one section's body into model blocks.

Headings (shifted so that the section's top level is ``###`` on the Jekyll
pages and level 2 in the model), paragraphs, lists, quotes, thematic breaks,
pictures standing alone as figures (``figures``), the report's own fenced
blocks (``{indicators}``, ``{chart}``, ``{table}``: ``directives``) and raw HTML
(``jekyll``). Running text is read by ``inlines``, footnotes by ``footnotes``.
Anything else is an error, never silently dropped. The body comes with its
expressions rendered (``section``); nothing here renders expressions, reads the
section's file or knows about HTML output, PDF or Word.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from markdown_it.token import Token

from reportgen.assemble.assets import Assets
from reportgen.assemble.figures import Figures
from reportgen.assemble.footnotes import Footnotes
from reportgen.assemble.inlines import InlineReader
from reportgen.assemble.jekyll import Frame, JekyllHtml
from reportgen.assemble.narrative import Counters, matching, parse_markdown
from reportgen.errors import Problems, SourceLoc
from reportgen.model import nodes as m

#: A target label, MyST-style, on the line before a heading or an image: '(budget)='.
#: (Pandoc's '{#id}' would open a Jinja comment.)
_LABEL = re.compile(r"^\(([A-Za-z][A-Za-z0-9_-]*)\)=$")

#: A fenced block of the report's own (```{chart}): its text and place -> its blocks.
Directive = Callable[[str, SourceLoc], list[m.Block]]


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
        directives: dict[str, Directive] | None = None,
        line_map: list[int] | None = None,
    ) -> None:
        self.file = file
        self.offset = line_offset
        self.counters = counters
        self.problems = problems
        self.section_id = section_id
        self.directives = directives or {}
        #: For each line of the (rendered) body, its line in the source body (1-based).
        self.line_map = line_map
        self.level_shift = 0
        self.figures = Figures(file, assets, counters, problems, section_title)
        self.footnotes = Footnotes(counters, problems)
        self.inlines = InlineReader(problems, self.footnotes)
        self.html = JekyllHtml(self.figures, strings, problems)

    def loc(self, token: Token | None) -> SourceLoc:
        """Where ``token`` was typed in the section's file."""
        if token is None or token.map is None:
            return SourceLoc(self.file, self.offset + 1)
        line = token.map[0]
        if self.line_map is not None and line < len(self.line_map):
            return SourceLoc(self.file, self.offset + self.line_map[line])
        return SourceLoc(self.file, self.offset + line + 1)

    def read(self, body: str) -> list[m.Block]:
        tokens, env = parse_markdown(body)
        tokens = self.footnotes.read_texts(tokens, env, self.inlines.read, self.loc)
        levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
        self.level_shift = (min(levels) - 2) if levels else 0
        stack = [Frame("root", SourceLoc(self.file, self.offset + 1))]
        self._blocks(tokens, 0, len(tokens), stack)
        while len(stack) > 1:
            frame = stack.pop()
            self.problems.error(frame.loc, f"<{frame.tag}> is never closed")
            self.html.close(frame, stack)
        self.figures.labels.check_unused()
        self.footnotes.check_unused(body, self.loc)
        return stack[0].blocks

    def _blocks(self, tokens: list[Token], i: int, end: int, stack: list[Frame]) -> None:
        while i < end:
            tok = tokens[i]
            if tok.type == "html_block":
                self.html.read(tok.content, self.loc(tok), stack)
                i += 1
                continue
            if tok.nesting == 1:
                close = matching(tokens, i)
                for block in self._container(tokens, i, close):
                    self.html.emit(stack, block)
                i = close + 1
                continue
            for block in self._leaf(tok):
                self.html.emit(stack, block)
            i += 1

    def _inner(self, tokens: list[Token], start: int, end: int) -> tuple[m.Block, ...]:
        stack = [Frame("root", self.loc(tokens[start] if start < len(tokens) else None))]
        self._blocks(tokens, start, end, stack)
        while len(stack) > 1:
            frame = stack.pop()
            self.problems.error(frame.loc, f"<{frame.tag}> is not closed inside its list or quote")
            self.html.close(frame, stack)
        return tuple(stack[0].blocks)

    def _container(self, tokens: list[Token], i: int, close: int) -> list[m.Block]:
        tok = tokens[i]
        loc = self.loc(tok)
        match tok.type:
            case "heading_open":
                return [self._heading(tok, tokens[i + 1], loc)]
            case "paragraph_open":
                return self._paragraph(tokens[i + 1], loc)
            case "bullet_list_open" | "ordered_list_open":
                items = []
                j = i + 1
                while j < close:
                    item_close = matching(tokens, j)
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

    def _heading(self, tok: Token, inline: Token, loc: SourceLoc) -> m.Heading:
        level = int(tok.tag[1]) - self.level_shift
        inlines = self.inlines.read(inline, loc)
        anchor = self.figures.labels.take()
        self.counters.heading += 1
        self.figures.heading = m.plain_text(inlines)
        if level < 2 or level > 4:
            self.problems.error(
                loc, f"heading level {tok.tag} is out of range for this section "
                "(use ### and #### under the section title, as the Jekyll pages do)")
            level = min(max(level, 2), 4)
        return m.Heading(level, inlines, anchor or f"h{self.counters.heading}", loc)

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

    def _paragraph(self, inline: Token, loc: SourceLoc) -> list[m.Block]:
        children = inline.children or []
        label = _LABEL.match(children[0].content.strip()) if children and \
            children[0].type == "text" else None
        if label and (len(children) == 1 or children[1].type == "softbreak"):
            self.figures.labels.put(label.group(1), loc)
            children = children[2:]
            if not children:
                return []
        images = [c for c in children if c.type == "image"]
        rest = [c for c in children if c.type not in ("image", "softbreak", "hardbreak")
                and not (c.type == "text" and not c.content.strip())]
        if images and not rest:
            return [self.figures.figure(str(img.attrGet("src") or ""), _alt(img), loc)
                    for img in images]
        if images:
            self.problems.error(loc, "an image inside running text; put the image in a "
                                "paragraph of its own so it becomes a figure")
        inlines = self.inlines.read(inline, loc, children)
        return [m.Paragraph(inlines, loc)] if inlines else []


def _alt(token: Token) -> str:
    return "".join(c.content for c in (token.children or []) if c.type in ("text", "code_inline"))
