"""The one walk over the document model, and the queries every stage and writer share.

Model stage, like ``nodes``: reads the tree, never changes it. ``walk_blocks`` visits the
blocks of a section in reading order, into the containers asked for (groups, quotes and
list items by default); ``figures``, ``headings`` and ``charts`` are that walk filtered,
so a new container node is followed everywhere at once. ``paths`` finds every file a tree
refers to, generically over the dataclasses (a new node type is covered without change):
the output cache hashes those files and the release manifest lists them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

from reportgen.model.nodes import (
    Block,
    Chart,
    CrossRef,
    Div,
    Document,
    Emph,
    Figure,
    Gallery,
    Heading,
    Inline,
    Link,
    ListBlock,
    Note,
    Quote,
    Span,
    Strong,
    Table,
)

#: The containers ``walk_blocks`` enters unless told otherwise.
CONTAINERS: tuple[type, ...] = (Div, Quote, ListBlock)


def walk_blocks(blocks: tuple[Block, ...], into: tuple[type, ...] = CONTAINERS) -> Iterator[Block]:
    """Every block of ``blocks`` in reading order, each before the blocks it contains,
    entering the container types ``into`` (groups, quotes and list items by default)."""
    for block in blocks:
        yield block
        if not isinstance(block, into):
            continue
        match block:
            case Div(blocks=inner) | Quote(blocks=inner):
                yield from walk_blocks(inner, into)
            case ListBlock(items=items):
                for item in items:
                    yield from walk_blocks(item, into)


def figures(blocks: tuple[Block, ...]) -> list[Figure | Gallery | Chart]:
    """The numbered figures among ``blocks``, in order (photos, galleries and charts)."""
    return [b for b in walk_blocks(blocks) if isinstance(b, Figure | Gallery | Chart)]


def charts(blocks: tuple[Block, ...]) -> Iterator[Chart]:
    """The charts among ``blocks``, in order."""
    return (b for b in walk_blocks(blocks) if isinstance(b, Chart))


def headings(blocks: tuple[Block, ...], level: int | None = None) -> list[Heading]:
    """The headings among ``blocks``, in order, including those inside groups (``Div``);
    a heading in a quote or a list item is not one of the section's (the contents skip it)."""
    return [b for b in walk_blocks(blocks, into=(Div,))
            if isinstance(b, Heading) and (level is None or b.level == level)]


def notes(inlines: tuple[Inline, ...]) -> Iterator[Note]:
    """The footnotes called in ``inlines``, in order (also inside emphasis, links, ...)."""
    for node in inlines:
        match node:
            case Note():
                yield node
            case Strong(children=c) | Emph(children=c) | Link(children=c) | Span(children=c) | \
                    CrossRef(children=c):
                yield from notes(c)


def paths(node: object) -> Iterator[Path]:
    """Every Path held anywhere in a model tree (pictures, covers, the logo, chart files)."""
    if isinstance(node, Path):
        yield node
    elif isinstance(node, tuple | list):
        for item in node:
            yield from paths(item)
    elif isinstance(node, dict):
        for item in node.values():
            yield from paths(item)
    elif dataclasses.is_dataclass(node) and not isinstance(node, type):
        for f in dataclasses.fields(node):
            yield from paths(getattr(node, f.name))


def size(doc: Document) -> int:
    """How long ``doc`` is, in blocks and table rows: what a writer holding the whole
    document at once (the DOCX) needs memory for, known before anything is laid out."""
    count = 0
    for section in doc.sections:
        for block in walk_blocks(section.blocks):
            count += 1 + (len(block.body) if isinstance(block, Table) else 0)
    return count
