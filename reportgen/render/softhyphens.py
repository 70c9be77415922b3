"""Render stage, print text: where a word of the PDF may break, written as soft hyphens, and
the keys by which a laid-out line names the word it broke.

The HTML writer (``html``) puts U+00AD in the running text of each language from
``text.hyphenation`` (the shipped Kazakh patterns with their syllable filter, pyphen's
Russian and English ones), and the layout's CSS says ``hyphens: manual``, so that WeasyPrint
breaks words only there, in Kazakh too (its own ``hyphens: auto`` has no Kazakh patterns
and no rule for names). The PDF's refinement (``pdf.refine``) reads the lines WeasyPrint
made, and names a word it wants kept whole by its ``word_key``; the next HTML leaves that
word's soft hyphens out. Both count words the same way, here.

The name rule (docs/typography.md): a word with a capital letter after its first letter
(ҚХА, ҚазҰУ, McKinsey) is never broken; a capitalized word is broken only when the edition
also writes it in small letters (the same stem, in Russian and English), so that
'Мероприятия' opening a sentence and 'Института' in an official name break, and a name,
which is never written small ('Мадина', 'Саркисян', 'Назарбаева', 'Казахстан'), never does.

Nothing here knows HTML, WeasyPrint or the document model's layout; it reads no files.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import snowballstemmer

from reportgen.model import nodes as m
from reportgen.model import walk
from reportgen.model.bynode import ByNode
from reportgen.text.hyphenation import SOFT_HYPHEN, soft_hyphens

#: The shortest word that is broken (CSS's default ``hyphenate-limit-chars: 5``): 'го-да',
#: 'ма-ма' are not.
MIN_LETTERS = 5
#: A word as both sides count it: letters, with soft hyphens and a compound's own hyphens.
WORD = re.compile(r"[^\W\d_][\w\u00ad]*(?:[-\u2010\u2011][\w\u00ad]+)*")
_NOT_PROSE = re.compile(r"://|@|^www\.|\w\.\w")  # URLs, e-mail addresses, domain names


def only_break(word: str, offset: int) -> str:
    """``word`` (with soft hyphens) with only the soft hyphen after its ``offset``-th letter
    (counting no soft hyphen) left; none if that place is not a soft hyphen (a break after
    the word's own hyphen)."""
    out, letters = [], 0
    for char in word:
        if char == SOFT_HYPHEN:
            if letters == offset:
                out.append(char)
            continue
        out.append(char)
        letters += 1
    return "".join(out)


def _offsets(word: str) -> list[int]:
    """Where ``word`` (with soft hyphens) may break, as offsets in the word without them:
    at each soft hyphen and after each of its own hyphens."""
    found, letters = [], 0
    for char in word:
        if char == SOFT_HYPHEN:
            found.append(letters)
            continue
        letters += 1
        if char in "-\u2010":
            found.append(letters)
    return found


def word_key(block: str, word: str, occurrence: int) -> str:
    """How a word is named: its text block's key, the word (no soft hyphens) and how many
    times the same word came before it in that block."""
    return f"{block}/{word.replace(SOFT_HYPHEN, '')}/{occurrence}"


#: Snowball stemmers of the languages that have one (Kazakh has none: its words are
#: compared whole).
_STEMMERS = {"ru": "russian", "en": "english"}


@cache
def _stemmer(lang: str) -> Any:
    name = _STEMMERS.get(lang.split("-")[0])
    return snowballstemmer.stemmer(name) if name else None


@lru_cache(maxsize=1 << 17)
def stem(word: str, lang: str) -> str:
    """``word`` in small letters, reduced to its stem where the language has a stemmer
    (memoized: each HTML of a build stems the edition's every word, 20,000 of them in the
    sample, and Snowball takes 50 µs a word)."""
    stemmer = _stemmer(lang)
    lower = word.lower()
    return stemmer.stemWord(lower) if stemmer else lower


def vocabulary(doc: m.Document) -> frozenset[str]:
    """The stems of the words the edition writes in small letters, each in its section's
    language (the name rule's dictionary): a compound counts by its parts too. Each
    section's are found once while it is the same object (``model.bynode``)."""
    return frozenset().union(*(_SECTION_WORDS(section) for section in doc.sections))


def _section_words(section: m.Section) -> frozenset[str]:
    words: set[str] = set()
    lang = section.lang
    for text in _texts(section):
        for word in WORD.findall(text):
            if word.islower():
                words.update(stem(part, lang) for part in re.split(r"[-\u2010\u2011]", word))
    return frozenset(words)


_SECTION_WORDS = ByNode(_section_words)


def _texts(section: m.Section) -> Iterator[str]:
    yield m.plain_text(section.lead)
    yield m.plain_text(section.summary)
    for block in walk.walk_blocks(section.blocks):
        match block:
            case m.Paragraph(children=c) | m.Heading(children=c):
                yield m.plain_text(c)
            case m.Table(head=head, body=body):
                yield from (m.plain_text(cell.children) for row in head + body
                            for cell in row.cells)


_LATIN = re.compile(r"[a-zA-Z]")
_KAZAKH = re.compile(r"[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")


def _script_language(word: str, lang: str) -> str:
    """The patterns a word is broken by: its text's language, but English for a Latin word
    in a Russian or Kazakh text ('Foundation'), and for a Cyrillic word in an English one
    Kazakh if it has a Kazakh letter, else Russian (data not yet translated)."""
    base = lang.split("-")[0]
    latin = bool(_LATIN.search(word))
    if base in ("ru", "kk") and latin:
        return "en"
    if base == "en" and not latin:
        return "kk" if _KAZAKH.search(word) else "ru"
    return lang


@dataclass(frozen=True, slots=True)
class Breaks:
    """What the last layout decided about the words of the running text (``pdf.refine``,
    ``pdf.justify``), by word key: ``unbroken`` words kept whole, ``only`` words that may
    break at one place only (``'key@offset'``, the offset in the word without soft
    hyphens), ``glued`` words followed by a no-break space instead of a space."""

    unbroken: frozenset[str] = frozenset()
    only: frozenset[str] = frozenset()
    glued: frozenset[str] = frozenset()


class TextBlock:
    """The running text of one block (a paragraph, a list item, a table cell), written piece
    by piece in reading order: soft hyphens in its words, the words counted for their keys.

    ``key`` is None for a block whose lines the refinement does not look at (table cells:
    a narrow column has no other way to fit its words); ``breaks`` what the last layout
    decided about its words (a frozenset: the words to keep whole)."""

    def __init__(self, key: str | None, vocabulary: frozenset[str],
                 breaks: Breaks | frozenset[str] = Breaks()) -> None:
        self.key = key
        self.vocabulary = vocabulary
        self.breaks = breaks if isinstance(breaks, Breaks) else Breaks(unbroken=breaks)
        self.seen: Counter[str] = Counter()
        self.glue = False  # the last word written is glued to the next one

    @property
    def unbroken(self) -> frozenset[str]:
        return self.breaks.unbroken

    def pieces(self, text: str, lang: str | None) -> Iterator[tuple[str, bool]]:
        """``text`` as (piece, whole) pairs: the text with its soft hyphens, where ``whole``
        marks a compound word to be kept on one line (an unbroken word with hyphens).
        A chunk that looks like an address (a URL, an e-mail, a domain) is not broken.
        A space after a glued word is a no-break space."""
        for chunk in re.split(r"(\s+)", text):
            if chunk.isspace():
                if self.glue and chunk == " ":
                    chunk = "\u00a0"
                self.glue = False
                yield chunk, False
                continue
            prose = not _NOT_PROSE.search(chunk)
            end = 0
            for match in WORD.finditer(chunk):
                yield chunk[end:match.start()], False
                yield from self._word(match.group(), lang if prose else None)
                end = match.end()
            if chunk[end:]:
                yield chunk[end:], False

    def _word(self, word: str, lang: str | None) -> Iterator[tuple[str, bool]]:
        plain = word.replace(SOFT_HYPHEN, "")
        key = word_key(self.key, plain, self.seen[plain]) if self.key is not None else None
        self.seen[plain] += 1
        self.glue = key is not None and key in self.breaks.glued
        if key is not None and key in self.unbroken:
            yield plain, "-" in plain
        elif lang is None or len(plain) < MIN_LETTERS or not self.breakable(plain, lang):
            yield word, False
        else:
            hyphenated = soft_hyphens(plain, _script_language(plain, lang), at_sentence_start=True)
            if key is not None:
                # Each of its break points asked about (a set's membership, which the
                # section memo can note): the first named is the only one left.
                for offset in _offsets(hyphenated):
                    if f"{key}@{offset}" in self.breaks.only:
                        hyphenated = only_break(hyphenated, offset)
                        break
            yield hyphenated, False

    def breakable(self, word: str, lang: str) -> bool:
        """The name rule: small letters always; a capital after the first letter never; a
        capital first letter when the edition also writes the word (its stem, in Russian and
        English; its first part, for a compound) in small letters: 'Института', 'Казахстанском',
        and 'Мероприятия' opening a sentence break, 'Назарбаева', 'Мадина' never do."""
        letters = [c for c in word if c.isalpha()]
        if not letters or any(c.isupper() for c in letters[1:]):
            return False
        if not letters[0].isupper():
            return True
        first = re.split(r"[-\u2010\u2011]", word)[0]
        return stem(first, lang) in self.vocabulary
