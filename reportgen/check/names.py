"""Check stage (release gate): one name written two ways in an edition.

«Абдыкаликова» on two pages and «Абдикаликова» on a third is a misspelt name,
the kind of error a reader of an official report notices first. The typed
prose of every section of an edition (``typed``) is read for capitalized
words (a capital, then small letters: «Абдыкаликова», "Abdykalikova"; not
«МФЦА»), and two of them are reported when they are one edit apart (a letter
changed, added, dropped or two swapped) but are not forms of one word: words
are compared by their stems (Snowball for Russian and English; for Kazakh, the
word without its case and plural endings), and stems of which one begins the
other («материал», «материа») are one word's. Words shorter than
``MIN_LENGTH`` letters are left alone: short names differ by a letter too
often (Мами, Мама).

Each pair is one warning, at the first place of the less frequent spelling
(the likelier typo), naming every place of both. Two different names that
happen to be this close are said so on purpose, anywhere in the edition:
``{# reportgen: names-ok Абдрахманов Абдурахманов #}``. Records warnings only.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations

import snowballstemmer

from reportgen.check.typed import Typed
from reportgen.errors import Problems, SourceLoc
from reportgen.recent import recent

MARK = "names-ok"
#: Names are words of at least this many letters whose stems have at least MIN_STEM.
MIN_LENGTH = 6
MIN_STEM = 5
#: At most this many places of a spelling are listed in a message.
MAX_PLACES = 6

_WORD = re.compile(r"(?<![\w-])[^\W\d_][^\W\d_]*(?:-[^\W\d_]+)*(?![\w])")
_STEMMERS = {"ru": "russian", "en": "english"}
#: Kazakh case, possessive and plural endings, longest first (vowel harmony gives the variants).
_KK_ENDINGS = sorted({
    "ның", "нің", "дың", "дің", "тың", "тің", "ға", "ге", "қа", "ке", "на", "не", "да", "де", "та",
    "те", "нда", "нде", "дан", "ден", "тан", "тен", "нан", "нен", "мен", "бен", "пен", "ды", "ді",
    "ты", "ті", "ны", "ні", "н", "лар", "лер", "дар", "дер", "тар", "тер", "ы", "і", "сы", "сі",
    "ндағы", "ндегі", "дағы", "дегі", "тағы", "тегі", "ымен", "імен", "ғы", "гі", "қы", "кі",
}, key=lambda e: (-len(e), e))


@dataclass(slots=True)
class Spelling:
    """A capitalized word as written, with every place it is written at."""

    word: str
    lang: str
    stem: str
    places: list[SourceLoc] = field(default_factory=list)


class Stems:
    """The stem of a word in a language (cached): Snowball's, or Kazakh without its endings."""

    @classmethod
    def shared(cls) -> Stems:
        """One instance for the process (its cache grows with the words met, up to
        ``MAX_STEMS``): the stems of a report's words do not change between checks."""
        found = _SHARED[0]
        if found is None or len(found._cache) > MAX_STEMS:
            found = _SHARED[0] = cls()
        return found

    def __init__(self) -> None:
        self._stemmers = {lang: snowballstemmer.stemmer(name) for lang, name in _STEMMERS.items()}
        self._cache: dict[tuple[str, str], str] = {}

    def __call__(self, word: str, lang: str) -> str:
        key = (word, lang)
        if key not in self._cache:
            lower = word.lower().replace("ё", "е")
            stemmer = self._stemmers.get(lang)
            if stemmer is not None:
                self._cache[key] = stemmer.stemWord(lower)
            else:
                self._cache[key] = _kazakh_stem(lower)
        return self._cache[key]


#: Stems kept by ``Stems.shared`` before it starts afresh.
MAX_STEMS = 200_000
_SHARED: list[Stems | None] = [None]


def _kazakh_stem(word: str) -> str:
    for _ in range(2):  # a plural and a case ending: «университеттерде»
        for ending in _KK_ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= 4:
                word = word[: -len(ending)]
                break
    return word


def check_names(texts: Iterable[Typed], problems: Problems, stems: Stems | None = None) -> None:
    """Capitalized words of the edition's prose that are one edit apart: one name, two ways?"""
    stems = stems or Stems()
    spellings: dict[tuple[str, str], Spelling] = {}  # by (language, word)
    allowed: set[frozenset[str]] = set()
    small: dict[tuple[str, str], set[str]] = defaultdict(set)  # words in small letters, by start
    for typed in texts:
        for _, args in typed.markers(MARK):
            marked = {stems(word, typed.lang) for word in args.split()}
            allowed.update(frozenset(pair) for pair in combinations(sorted(marked), 2))
        capitalized, lower = _words(typed.prose)
        for word in lower:
            small[(typed.lang, word[:3])].add(word)
        for word, start in capitalized:
            key = (typed.lang, word)
            if key not in spellings:
                spellings[key] = Spelling(word, typed.lang, stems(word, typed.lang))
            spellings[key].places.append(typed.loc(start))
    # A name is the spellings of one stem: its forms («Абдыкаликова», «Абдыкаликовой»).
    names: dict[tuple[str, str], list[Spelling]] = defaultdict(list)
    for spelling in spellings.values():
        if len(spelling.stem) >= MIN_STEM and not _common(spelling, small, stems):
            names[(spelling.lang, spelling.stem)].append(spelling)
    for x, y in _close_pairs(names):
        if frozenset((x[1], y[1])) in allowed:
            continue
        a, b = sorted((names[x], names[y]), key=_first)
        # The name written fewer times is the likelier typo; of two as frequent, the later.
        rare, common = (b, a) if _count(b) <= _count(a) else (a, b)
        problems.warning(_first_place(rare), (
            f"{_listed(rare)} and {_listed(common)} may be one name written two ways; write it "
            f"one way, or say they are different names: {{# reportgen: {MARK} {rare[0].word} "
            f"{common[0].word} #}}"), tuple(p for s in (*rare, *common) for p in s.places))


@recent(maxsize=1024)
def _words(prose: str) -> tuple[tuple[tuple[str, int], ...], frozenset[str]]:
    """The capitalized words of ``prose`` long enough to be names, each with where it
    starts, and its words in small letters: found once per text (the preview checks every
    section's text after each save, most of them as they were)."""
    names, lower = [], set()
    for match in _WORD.finditer(prose):
        word = match.group()
        if word.islower():
            lower.add(word)
        if _capitalized(word) and len(word) >= MIN_LENGTH:
            names.append((word, match.start()))
    return tuple(names), frozenset(lower)


def _common(spelling: Spelling, small: dict[tuple[str, str], set[str]], stems: Stems) -> bool:
    """Whether the word is also written in small letters: a word that opens a sentence or a
    title («Данная», "Project"), not a name."""
    lang = spelling.lang
    return any(stems(word, lang) == spelling.stem
               for word in small.get((lang, spelling.word[:3].lower()), ()))


def _capitalized(word: str) -> bool:
    first, rest = word[0], word[1:].replace("-", "")
    return first.isupper() and rest.islower()


def _places(name: list[Spelling]) -> list[SourceLoc]:
    return sorted((p for s in name for p in s.places), key=_key)


def _key(loc: SourceLoc) -> tuple[str, int, int]:
    return (str(loc.file), loc.line or 0, loc.col or 0)


def _first_place(name: list[Spelling]) -> SourceLoc:
    return _places(name)[0]


def _first(name: list[Spelling]) -> tuple[str, int, int]:
    return _key(_first_place(name))


def _count(name: list[Spelling]) -> int:
    return sum(len(s.places) for s in name)


def _listed(name: list[Spelling]) -> str:
    """'Абдыкаликова' (file:1:2, file:3:4), 'Абдыкаликовой' (file:5:6)"""
    out = []
    for spelling in sorted(name, key=lambda s: _key(s.places[0])):
        places = spelling.places
        shown = ", ".join(str(p) for p in places[:MAX_PLACES])
        more = len(places) - MAX_PLACES
        out.append(f"'{spelling.word}' ({shown}{f' and {more} more' if more > 0 else ''})")
    return ", ".join(out)


def _close_pairs(names: dict[tuple[str, str], list[Spelling]]
                 ) -> list[tuple[tuple[str, str], tuple[str, str]]]:
    """Pairs of names (language, stem) whose stems are one edit apart and not one word's."""
    # Two strings one edit apart share a string made by deleting one character from each
    # (or from one of them): index the stems by every such deletion.
    index: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    for lang, stem in names:
        index[(lang, stem)].add((lang, stem))
        for i in range(len(stem)):
            index[(lang, stem[:i] + stem[i + 1:])].add((lang, stem))
    pairs: set[tuple[tuple[str, str], tuple[str, str]]] = set()
    for group in index.values():
        for x, y in combinations(sorted(group), 2):
            if _one_edit(x[1], y[1]) and not _forms(x[1], y[1]):
                pairs.add((x, y))
    return sorted(pairs, key=lambda p: sorted((_first(names[p[0]]), _first(names[p[1]]))))


def _forms(x: str, y: str) -> bool:
    """Stems of one word: one begins the other (Snowball strips 'материала' to 'материа')."""
    short, long = sorted((x, y), key=len)
    return long.startswith(short)


def _one_edit(x: str, y: str) -> bool:
    """One letter changed, added or dropped, or two neighbours swapped."""
    if x == y or abs(len(x) - len(y)) > 1:
        return False
    i = 0
    while i < min(len(x), len(y)) and x[i] == y[i]:
        i += 1
    if len(x) == len(y):
        return x[i + 1:] == y[i + 1:] or (x[i + 2:] == y[i + 2:] and x[i:i + 2] == y[i:i + 2][::-1])
    short, long = sorted((x, y), key=len)
    return short[i:] == long[i + 1:]
