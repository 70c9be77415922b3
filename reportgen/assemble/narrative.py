"""Assemble stage: reading the narrative, and what the parts of its reader share.

A section's Markdown body, its expressions rendered (``section``), becomes model
blocks in ``blocks`` (``SectionReader``); its running text becomes inlines in
``inlines``; its footnotes are numbered in ``footnotes``; its figures, galleries
and target labels in ``figures``. Jekyll pages are read as they are: the bold lead
paragraph, ``expandable-content`` divs (expanded in print), swiper carousels (a
photo grid with every slide), ``<video>`` (its poster frame as a figure) and
relative asset paths (``jekyll``). Raw HTML passes ``htmlblocks``' allowlist first;
HTML outside these constructs is an error, never silently dropped.

Here: the Markdown parser they all read with, and the numbering that the sections of
one document share. Nothing in the reader reads a section's file (the load stage
does), nor knows about HTML output, PDF or Word.
"""

from __future__ import annotations

import functools
import pickle
from dataclasses import dataclass
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from reportgen.recent import recent


@functools.cache
def markdown_parser() -> MarkdownIt:
    """The parser every section is read with, made once (it keeps no state between parses:
    each gets its own environment)."""
    return MarkdownIt("commonmark", {"html": True}).enable("table").use(footnote_plugin)


def parse_markdown(text: str) -> tuple[list[Token], dict[str, Any]]:
    """The tokens of ``text`` and the parser's environment (its footnotes), the caller's own
    to change: a copy of the first parse of the same text in this process (the preview
    reads every section after each save; a copy takes a quarter of a parse)."""
    tokens, env = pickle.loads(_parsed(text))
    return tokens, env


@recent(maxsize=256)  # a save makes a new text of the edited section
def _parsed(text: str) -> bytes:
    env: dict[str, Any] = {}
    tokens = markdown_parser().parse(text, env)
    return pickle.dumps((tokens, env), protocol=pickle.HIGHEST_PROTOCOL)


@dataclass
class Counters:
    """Numbering shared by all sections of one document (figures, tables, headings, notes)."""

    figure: int = 0
    heading: int = 0
    table: int = 0
    note: int = 0


def matching(tokens: list[Token], i: int) -> int:
    """The index of the token that closes the one opened at ``tokens[i]``."""
    depth = 0
    for j in range(i, len(tokens)):
        depth += tokens[j].nesting
        if depth == 0:
            return j
    raise ValueError("unbalanced Markdown tokens")  # pragma: no cover - markdown-it balances
