"""Assemble stage: a run of inline Markdown (a paragraph, a heading, a caption) into model inlines.

Emphasis, links (their targets checked by ``htmlblocks``), line breaks, inline
code, MyST roles (``{numref}`tab-events```, ``{ref}`see {page} <analytics>```)
as cross-references, footnote calls (``footnotes``) and the few inline HTML tags
of the Jekyll pages (``<b>``, ``<i>``, ``<span>``, ``<a>``, ``<br>``...). Anything
else is an error, never silently dropped. Nothing here renders expressions,
reads files or knows about any output format.
"""

from __future__ import annotations

import re
from typing import Any

from markdown_it.token import Token

from reportgen.assemble.footnotes import Footnotes
from reportgen.assemble.htmlblocks import FORBIDDEN_ELEMENTS, check_element, html_events, link_problem
from reportgen.assemble.narrative import Counters, markdown_parser
from reportgen.errors import Problems, SourceLoc, did_you_mean
from reportgen.model import nodes as m

#: Roles in running text, MyST-style: {numref}`tab-events`, {ref}`see {page} <analytics>`.
ROLES = ("ref", "numref")
_ROLE = re.compile(r"\{([a-z]+)\}$")
_ROLE_TARGET = re.compile(r"^(.*?)\s*<\s*([^<>]+?)\s*>$", re.S)
_UNDEFINED_NOTE = re.compile(r"\[\^([^\]\s]+)\]")
_INLINE_TAGS = {"strong": "strong", "b": "strong", "em": "emph", "i": "emph", "span": "span",
                "a": "link", "sup": "span", "sub": "span", "u": "span", "mark": "span"}

#: An inline element being read: (kind, attributes, children so far).
_Open = tuple[str, dict[str, Any], list[m.Inline]]


def read_inlines(text: str, loc: SourceLoc, counters: Counters,
                 problems: Problems) -> tuple[m.Inline, ...]:
    """Inline Markdown standing alone (a caption, a text of the front matter) at ``loc``."""
    tokens = markdown_parser().parseInline(text)
    return InlineReader(problems, Footnotes(counters, problems)).read(tokens[0], loc)


class InlineReader:
    """Reads the inline tokens of one section (or of one text standing alone)."""

    def __init__(self, problems: Problems, footnotes: Footnotes) -> None:
        self.problems = problems
        self.footnotes = footnotes

    def read(self, inline: Token, loc: SourceLoc,
             children: list[Token] | None = None) -> tuple[m.Inline, ...]:
        """The inlines of ``inline`` (or of ``children``, some of its tokens), placed at ``loc``."""
        # A stack of (kind, attrs, children) for nested strong/em/link/span.
        stack: list[_Open] = [("root", {}, [])]
        if children is None:
            children = inline.children or []
        for index, tok in enumerate(children):
            out = stack[-1][2]
            match tok.type:
                case "text":
                    following = children[index + 1] if index + 1 < len(children) else None
                    out.extend(self._text(tok, following, loc))
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
                    out.append(self.footnotes.call(int(tok.meta["id"]), str(tok.meta["label"]), loc))
                case "strong_open" | "em_open":
                    stack.append((tok.type[:-5], {}, []))
                case "link_open":
                    href = str(tok.attrGet("href") or "")
                    if problem := link_problem(href):
                        self.problems.error(loc, problem)
                    stack.append(("link", {"href": href}, []))
                case "strong_close" | "em_close" | "link_close":
                    self._close(stack)
                case "html_inline":
                    self._html(tok.content, stack, loc)
                case "image":
                    pass  # reported by the paragraph (blocks)
                case _:
                    self.problems.error(loc, f"unsupported inline Markdown '{tok.type}'")
        while len(stack) > 1:
            self.problems.error(loc, f"inline <{stack[-1][0]}> is never closed")
            self._close(stack)
        return m.merge_text(stack[0][2])

    def _text(self, tok: Token, following: Token | None, loc: SourceLoc) -> list[m.Inline]:
        role = _ROLE.search(tok.content)
        if role and following is not None and following.type == "code_inline":
            following.meta["role"] = role.group(1)  # read with the code that follows
            return [m.Text(tok.content[:role.start()])]
        for missing in _UNDEFINED_NOTE.finditer(tok.content):
            self.problems.error(loc, f"footnote [^{missing.group(1)}] is not defined "
                                f"(add a line '[^{missing.group(1)}]: text' below)")
        return [m.Text(tok.content)]

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

    def _close(self, stack: list[_Open]) -> None:
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

    def _html(self, html: str, stack: list[_Open], loc: SourceLoc) -> None:
        for kind, tag, attrs, data in html_events(html):
            if kind == "start" and not tag.startswith("!") and check_element(
                    tag, attrs, loc, self.problems):
                continue
            if kind == "start" and tag == "br":
                stack[-1][2].append(m.LineBreak())
            elif kind == "start" and tag in _INLINE_TAGS:
                name = _INLINE_TAGS[tag]
                stack.append((name if name != "span" else tag, attrs, []))
            elif kind == "end" and tag in _INLINE_TAGS:
                if len(stack) > 1:
                    self._close(stack)
            elif kind == "start" and tag.startswith("!") or tag in FORBIDDEN_ELEMENTS:
                continue  # a refused element's end tag: reported at its start
            elif kind == "data":
                stack[-1][2].append(m.Text(data))
            else:
                self.problems.error(loc, f"unsupported inline HTML <{tag}>")
