"""Paragraphs that lost their bookmark, found again by their text and their order.

Pull stage. An office suite or an editor can drop a paragraph's hidden bookmark (a paste
of the paragraph's text over itself, a converter that keeps no bookmarks, a copy through
another program). Such a paragraph would read as one deleted and one added. Between two
paragraphs that kept their marks, the blocks the build wrote there and that are missing
(their ids lie between the two marks': the build numbers blocks in reading order) are
matched in order to the unmarked paragraphs there whose text is theirs, or close to it
(at least ``SIMILAR`` of the tokens, compared as the merge compares them, typography
undone). What stays unmatched is a new paragraph or a deleted block, as before.
Changes nothing but the list it returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import SequenceMatcher

from reportgen.pull import merge
from reportgen.pull.reader import Block

#: How much of two texts must be the same for a paragraph to be taken for a block.
SIMILAR = 0.6
Entry = tuple[int | None, str, str, str]


def rematch(body: Sequence[Entry], blocks: dict[int, Block]) -> list[Entry]:
    """``body`` with a mark put back on each unmarked paragraph that is a missing block."""
    out = list(body)
    marked = {e[0] for e in body if e[0] is not None}
    missing = sorted(i for i in blocks if i not in marked)
    if not missing:
        return out
    previous = 0
    run: list[int] = []  # indices of the unmarked paragraphs since the last mark
    for index, entry in enumerate([*body, (None, "", "", "end")]):
        mark, _md, _style, tag = entry
        if mark is None and tag != "end":
            if entry[1].strip():
                run.append(index)
            continue
        upto = mark if mark is not None else max(blocks, default=0) + 1
        candidates = [i for i in missing if previous < i < upto]
        if run and candidates:
            for at, block_id in _pairs([out[i][1] for i in run],
                                       [blocks[i].markdown for i in candidates]):
                i = run[at]
                out[i] = (candidates[block_id], *out[i][1:])
        run = []
        if mark is not None and mark > previous:
            previous = mark
    return out


def _pairs(paragraphs: list[str], texts: list[str]) -> list[tuple[int, int]]:
    """Pairs (paragraph, text) in order, each paragraph taken for the first text after the
    last pair that it matches."""
    pairs: list[tuple[int, int]] = []
    next_text = 0
    for p, paragraph in enumerate(paragraphs):
        keys = _keys(paragraph)
        for t in range(next_text, len(texts)):
            if merge.same(paragraph, texts[t]) or \
                    SequenceMatcher(None, keys, _keys(texts[t]), autojunk=False).ratio() >= SIMILAR:
                pairs.append((p, t))
                next_text = t + 1
                break
    return pairs


def _keys(text: str) -> list[str]:
    """The words and marks of ``text`` (spaces left out: every text has them)."""
    return [merge.key(t) for t in merge.tokens(merge.clean(text)) if not t.isspace()]
