"""Carrying an edited paragraph back into its Markdown: a three-way merge by tokens.

Pull stage. Three texts of one block: the Markdown it was built from (``source``, with
its ``{{ … }}`` expressions and its markup), the Markdown of the paragraph as the build
wrote it (``generated``: expressions evaluated, typography applied) and the Markdown of
the edited paragraph (``edited``). Tokens are compared by a key that undoes the
typography pass (no-break spaces as spaces, «» and “” as ", dashes as -, … as ...), so
that what the build added is never an edit, and a token left alone keeps the source's
spelling. The source is aligned to the generated text (an expression's value aligns with
the expression), the generated to the edited text, and each change of the second is
made at its place in the source; a change inside an expression's value cannot be made
there and is returned as a ``DataEdit``. Writes nothing, prints nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

EXPRESSION = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
TOKEN = re.compile(r"\s+|\*\*\*|\*\*|\*|___|__|_|\.\.\.|[^\W_]+|[^\w\s]")
_KEYS = str.maketrans({"«": '"', "»": '"', "„": '"', "“": '"', "”": '"', "‘": "'", "’": "'",
                       "–": "-", "—": "-", "‑": "-", "−": "-", "‐": "-"})
_MARKERS = {"_": "*", "__": "**", "___": "***"}


def tokens(text: str) -> list[str]:
    """``text`` as tokens: runs of whitespace, words, single marks, each expression whole."""
    out: list[str] = []
    pos = 0
    for match in EXPRESSION.finditer(text):
        out.extend(TOKEN.findall(text[pos:match.start()]))
        out.append(match.group())
        pos = match.end()
    out.extend(TOKEN.findall(text[pos:]))
    return out


def key(token: str) -> str:
    """What a token is compared by: the typography pass undone."""
    if token.isspace():
        return " "
    if token.startswith(("{{", "{%", "{#")):
        return "\x00" + token  # never equal to a generated token
    if token in _MARKERS:
        return _MARKERS[token]
    if token == "…":
        return "..."
    return token.translate(_KEYS)


def same(a: str, b: str) -> bool:
    """Whether two Markdown texts differ only by what the typography pass does."""
    return [key(t) for t in tokens(clean(a))] == [key(t) for t in tokens(clean(b))]


def clean(text: str) -> str:
    return text.replace("\u00ad", "").replace("\u200b", "")


@dataclass(frozen=True, slots=True)
class DataEdit:
    """An edit inside text an expression made: ``expressions`` of the source, what the
    build wrote there and what the editor wrote."""

    expressions: tuple[str, ...]
    was: str
    now: str


@dataclass(frozen=True, slots=True)
class Unmappable:
    """An edit of text the source spells otherwise (a reference, a field): not made."""

    was: str
    now: str


def _origins(s_keys: list[str], g_keys: list[str]) -> list[tuple[int, int, int, int]]:
    """For each generated token, the source range it comes from and the generated range
    of its alignment op: (s1, s2, g1, g2); equal tokens one to one."""
    out: list[tuple[int, int, int, int]] = [(0, 0, 0, 0)] * len(g_keys)
    ops = SequenceMatcher(None, s_keys, g_keys, autojunk=False).get_opcodes()
    for tag, s1, s2, g1, g2 in ops:
        for i in range(g1, g2):
            out[i] = (s1 + i - g1, s1 + i - g1 + 1, i, i + 1) if tag == "equal" else (s1, s2, g1, g2)
    return out


def carry(source: str, generated: str, edited: str) -> tuple[str, list[DataEdit | Unmappable]]:
    """``source`` with the edits that turn ``generated`` into ``edited``, and the edits that
    could not be made in it."""
    s = tokens(source)
    g = tokens(clean(generated))
    e = tokens(clean(edited))
    s_keys, g_keys, e_keys = [key(t) for t in s], [key(t) for t in g], [key(t) for t in e]
    origin = _origins(s_keys, g_keys)
    problems: list[DataEdit | Unmappable] = []
    patches: list[tuple[int, int, str]] = []
    ops = SequenceMatcher(None, g_keys, e_keys, autojunk=False).get_opcodes()
    for tag, g1, g2, e1, e2 in ops:
        if tag == "equal":
            continue
        # typography the build added is not written back: no-break spaces as spaces
        new = "".join(e[e1:e2]).replace("\u00a0", " ").replace("\u202f", " ")
        if g1 == g2:  # an insertion: before the source token of the next generated one
            if g1 < len(g):
                s1, _, og1, _ = origin[g1]
                if og1 < g1:  # inside a generated run: after its source range
                    s1 = origin[g1][1]
            else:
                s1 = len(s)
            patches.append((s1, s1, new))
            continue
        lo, hi = g1, g2
        s1, s2 = len(s), 0
        for i in range(g1, g2):
            a, b, og1, og2 = origin[i]
            s1, s2 = min(s1, a), max(s2, b)
            lo, hi = min(lo, og1), max(hi, og2)
        if s1 > s2:
            s1 = s2 = origin[g1][0]
        new = "".join(g[lo:g1]) + new + "".join(g[g2:hi])
        spelled = s[s1:s2]
        exprs = tuple(t for t in spelled if t.startswith(("{{", "{%", "{#")))
        if exprs:
            problems.append(DataEdit(exprs, "".join(g[lo:hi]), new))
            continue
        if lo < g1 or hi > g2:
            was = "".join(spelled)
            if any(c in was for c in "{}[]()"):  # a reference or link spelled in the source
                problems.append(Unmappable("".join(g[lo:hi]), new))
                continue
        patches.append((s1, s2, new))
    patches.sort()
    out: list[str] = []
    pos = 0
    for a, b, new in patches:
        if a < pos:  # two edits in one source range: the second cannot be placed
            problems.append(Unmappable("".join(s[a:b]), new))
            continue
        out.extend(s[pos:a])
        out.append(new)
        pos = b
    out.extend(s[pos:])
    return "".join(out), problems
