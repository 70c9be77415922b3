"""Assemble stage: a section's footnotes, their calls ``[^label]`` and their texts, numbered.

markdown-it puts the texts of the footnotes after the body; they are read
first, so that each call becomes a ``Note`` holding its text, numbered across
the document (``Counters.note``). A footnote's text is paragraphs only; one that
is defined but never called, or called twice, is an error: a printed footnote
has one call. Nothing here reads inline Markdown itself (``inlines`` does) or
knows how notes are laid out in print or in Word.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from markdown_it.token import Token

from reportgen.assemble.narrative import Counters, matching
from reportgen.errors import Problems, SourceLoc
from reportgen.model import nodes as m


class Footnotes:
    """The footnotes of one section (or of one text standing alone, which has none)."""

    def __init__(self, counters: Counters, problems: Problems) -> None:
        self.counters = counters
        self.problems = problems
        #: Each footnote's text (paragraphs) by markdown-it's id.
        self.notes: dict[int, tuple[tuple[m.Inline, ...], ...]] = {}
        #: Where each paragraph of a footnote's text was typed, by markdown-it's id.
        self.locs: dict[int, tuple[SourceLoc, ...]] = {}
        self.called: set[int] = set()
        self.unused: list[str] = []

    def read_texts(self, tokens: list[Token], env: dict[str, Any],
                   read: Callable[[Token, SourceLoc], tuple[m.Inline, ...]],
                   loc: Callable[[Token], SourceLoc]) -> list[Token]:
        """Read the footnote texts (markdown-it puts them after the body) and drop them.
        ``read`` reads one inline token at a place; ``loc`` is a token's place."""
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
            close = matching(tail, i)
            paragraphs: list[tuple[m.Inline, ...]] = []
            locs: list[SourceLoc] = []
            for j in range(i + 1, close):
                inner = tail[j]
                if inner.type == "inline":
                    locs.append(loc(inner))
                    paragraphs.append(read(inner, locs[-1]))
                elif inner.nesting == 1 and inner.type != "paragraph_open" and inner.level == 1:
                    self.problems.error(loc(inner), f"a footnote holds paragraphs only, "
                                        f"not '{inner.type.removesuffix('_open')}'")
            self.notes[int(tok.meta["id"])] = tuple(paragraphs)
            self.locs[int(tok.meta["id"])] = tuple(locs)
            i = close + 1
        self.unused = [label for label, n in defined.items() if int(n) < 0]
        return tokens

    def check_unused(self, body: str, loc: Callable[[Token], SourceLoc]) -> None:
        """A footnote defined in ``body`` but never called is an error at its definition."""
        lines = body.split("\n")
        for label in self.unused:
            line = next((n for n, text in enumerate(lines)
                         if text.lstrip().startswith(f"[^{label}]:")), 0)
            token = Token("paragraph_open", "p", 1, map=[line, line + 1])
            self.problems.error(loc(token), f"footnote [^{label}] is defined but never "
                                f"referred to (put [^{label}] where its number belongs)")

    def call(self, note_id: int, label: str, loc: SourceLoc) -> m.Inline:
        """The note that the call ``[^label]`` at ``loc`` stands for, numbered."""
        if note_id in self.called:
            self.problems.error(loc, f"footnote [^{label}] is referred to twice; a printed "
                                "footnote has one call (define a second footnote)")
        self.called.add(note_id)
        self.counters.note += 1
        return m.Note(self.counters.note, self.notes.get(note_id, ()), loc,
                      self.locs.get(note_id, ()))
