"""Text stage (shared language code): where a Russian, Kazakh or English word may break.

Break points come from Liang hyphenation patterns read by pyphen: pyphen's own
dictionaries for ru and en (the ones WeasyPrint picks for ``lang="ru"``/``"en"``), and
for kk the hyph-utf8 Kazakh patterns shipped as ``text/hyphenation/hyph_kk_KZ.dic``
(public domain; tools/make_hyphenation.py converts them, README_hyph_kk_KZ.txt beside it
names the source). Minimum fragments: the .dic's LEFTHYPHENMIN/RIGHTHYPHENMIN for kk
(2/2, from the patterns' header), 2/2 for ru, 2/3 for en.

The Kazakh patterns are generated from two rules (a break after a vowel before a single
consonant, a break between any two consonants) and treat у both as a vowel and as a
consonant, so they also propose breaks no Kazakh syllable allows ('оқ-у-шы', 'ай-т-ты',
'қа-зақ-с-тан'). Every Kazakh break point therefore passes a syllable filter
(``kazakh_breaks``): the part after a break must start with a consonant onset that a
Kazakh (or borrowed Russian) syllable can start with, and every part must hold a vowel;
the filter only removes breaks, never adds one (docs/hyphenation.md).

``soft_hyphens`` writes the break points as U+00AD SOFT HYPHEN, for ``hyphens: manual``
(and Word's optional hyphens). It never touches proper names (``is_proper_name``: a word
with a capital letter after its first letter, or capitalized anywhere but at a sentence
start), numbers, dates or any word with a digit, nor a word already holding a soft hyphen.
``register_kazakh`` makes pyphen itself, and so WeasyPrint's ``hyphens: auto`` with
``lang="kk"``, use the shipped patterns and the same filter.

Nothing here knows about documents or writers, and nothing writes a file: registering
changes pyphen's tables in this process only. Code, URLs and ids are not hyphenated:
the callers do not pass them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import pyphen

from reportgen.resources import package_root

SOFT_HYPHEN = "\u00ad"
LANGUAGES = ("ru", "kk", "en")
#: Left/right minimum fragment lengths where the patterns' files do not say them.
MINIMUMS = {"ru": (2, 2), "en": (2, 3)}

# Vowels of Kazakh and Russian Cyrillic (и is the diphthong [ɯj]/[ij], a syllable's nucleus
# like any vowel), and of Latin. у is a vowel after a consonant ('оқу', 'сурет') and a
# consonant after a vowel or before one at the start of a word ('тау', 'ауыл', 'уақыт').
_VOWELS = frozenset("аәеёиіоөұүыэюяaeiouy")
_SIGNS = frozenset("ьъ")
_OBSTRUENTS = "бвгдзкпстфх"
#: Consonant clusters a syllable may start with, from Russian loans ('сту-дент', 'ас-сам-блея',
#: 'кон-гресс', 'Қа-зақ-стан'); a native Kazakh syllable starts with one consonant at most.
ONSETS = frozenset({c + s for c in _OBSTRUENTS for s in "рл"}
                   | {"ст", "ск", "сп", "стр", "скр", "спр"})
_WORD = re.compile(r"[\w\u00ad]+(?:[-\u2010\u2011][\w\u00ad]+)*")
_HYPHENS = re.compile(r"([-\u2010\u2011])")
_SENTENCE_END = re.compile(r"[.!?…][»”“\"')\]]*$")
_NOT_PROSE = re.compile(r"://|@|^www\.|\w\.\w")  # URLs, e-mail addresses, domain names


def kazakh_dictionary() -> Path:
    """The shipped Kazakh patterns, ``hyph_kk_KZ.dic`` (hyphen library format)."""
    return package_root() / "text" / "hyphenation" / "hyph_kk_KZ.dic"


def dictionary_minimums(path: Path) -> tuple[int, int]:
    """LEFTHYPHENMIN and RIGHTHYPHENMIN of a .dic file (2 each where it gives none)."""
    found = {"LEFTHYPHENMIN": 2, "RIGHTHYPHENMIN": 2}
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            key, _, value = line.partition(" ")
            if key in found:
                found[key] = int(value)
            elif line[:1].isdigit() or line[:1] == ".":
                break  # the patterns have begun
    return found["LEFTHYPHENMIN"], found["RIGHTHYPHENMIN"]


# ------------------------------------------------------------------ Kazakh syllables


def _nuclei(word: str) -> list[bool]:
    """Which letters of a lower-case word are a syllable's vowel (у depends on its neighbours)."""
    nuclei = []
    for i, letter in enumerate(word):
        if letter == "у":
            before = word[i - 1] if i else ""
            after = word[i + 1] if i + 1 < len(word) else ""
            consonant = before in _VOWELS if before else after in _VOWELS
            nuclei.append(not consonant)
        else:
            nuclei.append(letter in _VOWELS)
    return nuclei


def _onset_allowed(word: str, nuclei: Sequence[bool], at: int) -> bool:
    """Can a syllable start at ``at``: one consonant, or a cluster of ONSETS, then a vowel."""
    end = at
    while end < len(word) and not nuclei[end]:
        end += 1
    onset = word[at:end]
    if end == len(word) or not onset or onset[0] in _SIGNS:
        return False  # no vowel after it, a vowel after a consonant, or a soft/hard sign
    onset = onset.rstrip("ьъ")  # 'вью' in 'интер-вью': the sign belongs to its consonant
    return len(onset) == 1 or onset in ONSETS


def kazakh_breaks(word: str, points: Sequence[int]) -> list[int]:
    """The pattern break points of ``word`` that Kazakh syllables allow, in order.

    A break is kept when the part after it starts a syllable (``_onset_allowed``) and the
    part before it, since the last kept break, holds a vowel. Between two breaks that leave
    a lone consonant the first is kept: 'қазақ|с|тан' -> 'қа-зақ-стан', 'ассам|б|лея' ->
    'ас-сам-блея' (where the first cannot start a syllable it has gone already: 'ай|т|ты'
    -> 'айт-ты', 'студен|т|тер' -> 'сту-дент-тер').
    """
    lower = word.lower()
    nuclei = _nuclei(lower)
    kept: list[int] = []
    last = 0
    for point in sorted(points):
        if 0 < point < len(lower) and _onset_allowed(lower, nuclei, point) and any(nuclei[last:point]):
            kept.append(point)
            last = point
    return kept


class KazakhPatterns(pyphen.HyphDict):
    """pyphen's patterns of one .dic file, with ``kazakh_breaks`` applied to every word.

    ``positions`` keeps pyphen's own point objects (they carry its non-standard
    hyphenation data), so ``Pyphen.iterate``/``inserted``/``wrap`` work unchanged.
    """

    def positions(self, word: str) -> list[Any]:
        points = super().positions(word)
        keep = set(kazakh_breaks(word, [int(p) for p in points]))
        return [p for p in points if int(p) in keep]


@cache
def _kazakh_patterns() -> KazakhPatterns:
    return KazakhPatterns(kazakh_dictionary())


class _Hyphenator(pyphen.Pyphen):
    """A ``pyphen.Pyphen`` over patterns already read (pyphen's own constructor would read
    the file again into its module-wide cache)."""

    def __init__(self, patterns: pyphen.HyphDict, left: int, right: int) -> None:
        self.left, self.right = left, right
        self.hd = patterns


# ------------------------------------------------------------------ hyphenators


def _base(lang: str) -> str:
    return lang.replace("_", "-").split("-")[0].lower()


@cache
def hyphenator(lang: str) -> pyphen.Pyphen | None:
    """The hyphenator of ``lang`` ('ru', 'kk', 'en'; a region as in 'en-US' picks pyphen's
    dictionary for it), None for a language reportgen does not hyphenate."""
    base = _base(lang)
    if base == "kk":
        left, right = dictionary_minimums(kazakh_dictionary())
        return _Hyphenator(_kazakh_patterns(), left, right)
    if base not in MINIMUMS:
        return None
    # The dictionary WeasyPrint would pick for the same lang (pyphen's 'en' is en_GB).
    name = pyphen.language_fallback(lang) or pyphen.language_fallback(base)
    left, right = MINIMUMS[base]
    return pyphen.Pyphen(lang=name, left=left, right=right)


def register_kazakh() -> Path:
    """Make pyphen (and WeasyPrint's ``hyphens: auto`` for ``lang="kk"``/``"kk-KZ"``) use the
    shipped Kazakh patterns, with the syllable filter; returns the .dic's path.

    WeasyPrint 70 asks ``pyphen.language_fallback(lang)`` for a name in
    ``pyphen.LANGUAGES_LOWERCASE``, then builds ``pyphen.Pyphen(lang=name, left, right)``,
    which reads ``pyphen.LANGUAGES[name]`` through the module-wide ``pyphen.hdcache``
    (keyed by the file's path). Registering adds 'kk' and 'kk_KZ' to both tables and puts
    the filtering patterns in that cache, so nothing is written anywhere. This is pyphen's
    process-wide state: call it in every process that renders (build workers included).
    Idempotent; a Kazakh dictionary pyphen might ship one day is replaced by this one.
    """
    path = kazakh_dictionary()
    for name in ("kk_KZ", "kk"):
        pyphen.LANGUAGES[name] = path
        pyphen.LANGUAGES_LOWERCASE[name.lower()] = name
    if not isinstance(pyphen.hdcache.get(path), KazakhPatterns):
        pyphen.hdcache[path] = _kazakh_patterns()
    return path


# ------------------------------------------------------------------ words and texts


def is_proper_name(word: str, at_sentence_start: bool = False) -> bool:
    """Whether ``word`` is taken for a proper name or an abbreviation, and so not hyphenated.

    A capital letter after the first letter always counts ('ҚХА', 'ҚазҰУ', 'Сейд-Әлиұлы',
    'McKinsey'); a capital first letter counts unless the word opens a sentence, where
    it may be any word ('Алматы қаласы...' is not told from 'Ғылыми-сараптамалық...').
    """
    letters = [c for c in word if c.isalpha()]
    if not letters:
        return False
    if any(c.isupper() for c in letters[1:]):
        return True
    return letters[0].isupper() and not at_sentence_start


@lru_cache(maxsize=1 << 17)
def soft_hyphens(word: str, lang: str, at_sentence_start: bool = False) -> str:
    """``word`` with U+00AD wherever it may break; unchanged for a proper name, a word with
    a digit (numbers, dates, '18-ден', 'COVID-19'), a word already holding a soft hyphen,
    anything but letters and hyphens, or a language without a hyphenator.

    A compound ('ғылыми-сараптамалық') is hyphenated part by part: a line may already
    break after its hyphen, so none is added beside it (the Kazakh patterns' ``1-4``, a
    break before the hyphen so that it is repeated on the next line, is not followed).
    """
    dictionary = hyphenator(lang)
    if (dictionary is None or SOFT_HYPHEN in word or is_proper_name(word, at_sentence_start)
            or not all(c.isalpha() or _HYPHENS.fullmatch(c) for c in word)):
        return word
    parts = _HYPHENS.split(word)
    return "".join(part if _HYPHENS.fullmatch(part) else dictionary.inserted(part, SOFT_HYPHEN)
                   for part in parts)


def soft_hyphens_text(text: str, lang: str) -> str:
    """A running text with ``soft_hyphens`` applied to each word, knowing sentence starts.

    A sentence starts the text and follows a chunk ending in '.', '!', '?' or '…' (closing
    quotes and brackets allowed): after an abbreviation's full stop ('2012 ж. Алматы')
    the next capitalized word is taken for a sentence's first. A whitespace-separated
    chunk that looks like a URL, an e-mail address or a domain name is left alone.
    """
    out = []
    at_start = True
    for chunk in re.split(r"(\s+)", text):
        if not chunk or chunk.isspace() or _NOT_PROSE.search(chunk):
            out.append(chunk)
            if chunk and not chunk.isspace():
                at_start = False
            continue
        pieces, end = [], 0
        for n, match in enumerate(_WORD.finditer(chunk)):
            pieces += [chunk[end:match.start()],
                       soft_hyphens(match.group(0), lang, at_sentence_start=at_start and n == 0)]
            end = match.end()
        out.append("".join(pieces) + chunk[end:])
        if end or _SENTENCE_END.search(chunk):
            at_start = bool(_SENTENCE_END.search(chunk))
    return "".join(out)
