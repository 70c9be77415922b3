"""Check stage: which of the data's labels a number typed in the narrative stands next to.

A text is scanned into words (their Snowball stems, so that inflected forms
match), numbers in the language's own syntax, dashes and breaks (``scan``). A
number is tied to a label only when the label's words follow it in order (gaps
of a word or two allowed, at least two of the label's significant words, or its
only one), or when they precede it with a dash or colon between (``в
зарубежных СМИ – 82``): ``best_match``. This keeps ``27 интервью с экспертами``
apart from ``интервью и комментариев экспертов в СМИ``. Nothing here reads
files, records problems or keeps anything between builds (``consistency`` does).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import snowballstemmer

from reportgen.errors import SourceLoc

#: Up to this many unrelated words between the number and the label's first word
#: (none for a one-word label).
MAX_GAP = 2
#: Up to this many unrelated words in a row inside the label's words.
MAX_EXTRA = 2
#: Up to this many words before the number may carry the rest of the label, when the
#: label's first word follows it ('руководством Фонда проведено 28 мероприятий').
MAX_BEFORE = 3

_STEMMERS = {"ru": "russian", "en": "english"}
_STOP = {
    "ru": "в во на с со по к ко о об обо от для из за у при до не же",
    "en": "a an the of in on at by for with to from as its their",
    "kk": "мен бен пен да де та те үшін бойынша",
}
#: Measures: a number before them counts years, percents or money, never a label's things.
_UNITS = {
    "ru": "лет год года году месяц месяца месяцев недел дня дней час часа часов минут раз раза "
          "процент процента процентов тыс тысяч тысячи млн миллион миллиона миллионов млрд "
          "миллиард миллиарда миллиардов тенге доллар долларов рубл рублей евро км кг тонн тонны",
    "en": "year years month months week weeks day days hour hours times percent thousand "
          "million millions billion billions dollars tenge euro km kg tons",
    "kk": "жыл жылы ай апта күн сағат пайыз мың млн млрд теңге",
}
_CONJUNCTIONS = {"и", "или", "а", "но", "and", "or", "but", "және", "немесе"}

_NUMBER = {
    # ru and kk: '1 004' (any space), '4,5'; en: '1,004', '4.5'
    "comma": r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?|\d+(?:,\d+)?",
    "point": r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?",
}
_SCAN = r"""
 (?P<expr>\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}|\{\#[\s\S]*?\#\})
|(?P<target>\]\([^)\n]*\))
|(?P<html><!--[\s\S]*?-->|</?[A-Za-z][^>]*>)
|(?P<blank>\n[ \t]*(?=\n))
|(?P<marker>^[ \t]*(?:[-*+]|\d+[.)]|\#{1,6}|>)(?=[ \t]))
|(?<![\w.,/-])(?P<num>NUMBER)(?![.,]?\w)(?!-\w)
|(?P<word>[^\W\d_]+(?:-[^\W\d_]+)*)
|(?P<dash>[–—:]|(?<=\s)-(?=\s))
|(?P<punct>[.,;!?()«»“”„…/|\[\]%‰]|\d+)
"""
_LABEL_REF = re.compile(
    r"\{\{-?\s*((?:indicators|breakdowns)\.\w+(?:\.parts\.\w+)?)\s*"
    r"(?:\.label|\|\s*form\b[^}]*)\s*-?\}\}"
)

Word = tuple[str, ...]  # the stems of a word's hyphenated parts


@dataclass(frozen=True, slots=True)
class Fact:
    """A labelled value of the data that a sentence can state."""

    name: str  # 'indicators.analytical_materials', 'breakdowns.media.parts.foreign'
    value: float | int
    forms: tuple[tuple[Word, ...], ...]  # the significant words of each form of the label
    loc: SourceLoc  # the value in the data file


@dataclass(frozen=True, slots=True)
class Token:
    """A piece of a scanned text: a number, a word (its stems), or what stands between."""

    kind: str  # num, word, stop, conj, dash, ref, break
    start: int
    end: int
    stems: Word = ()
    value: float = 0.0
    ref: str = ""


@dataclass(frozen=True, slots=True)
class Match:
    """A fact whose label is attached to a typed number, and how strongly."""

    fact: Fact
    score: tuple[float, float]
    start: int  # the phrase in the source, number included
    end: int


class Language:
    """Stems, stop words and number syntax of one language."""

    def __init__(self, lang: str) -> None:
        name = _STEMMERS.get(lang)
        self.stemmer = snowballstemmer.stemmer(name) if name else None
        self.stop = set(_STOP.get(lang, "").split())
        self.units = set(_UNITS.get(lang, "").split())
        self.decimal = "." if lang == "en" else ","
        number = _NUMBER["point" if lang == "en" else "comma"]
        self.scan = re.compile(_SCAN.replace("NUMBER", number), re.M | re.X)
        self._cache: dict[str, Word] = {}

    def word(self, text: str) -> Word:
        if text not in self._cache:
            parts = text.lower().replace("ё", "е").split("-")
            stems = self.stemmer.stemWords(parts) if self.stemmer else parts
            self._cache[text] = tuple(stems)
        return self._cache[text]

    def same(self, a: str, b: str) -> bool:
        """Two stems of one word: equal, or one a slightly longer form of the other.

        Snowball stems 'материала' to 'материа' (it strips a verb ending) but
        'материалов' to 'материал'; without a stemmer, suffixes are all that differ.
        """
        if a == b:
            return True
        short, long = sorted((a, b), key=len)
        slack = 2 if self.stemmer else len(long)
        return len(short) >= (5 if self.stemmer else 4) and long.startswith(short) \
            and len(long) - len(short) <= slack

    def match(self, text: Word, label: Word) -> bool:
        """'аналитических' matches 'информационно-аналитических': a compound by its last part."""
        if len(text) == len(label):
            return all(self.same(a, b) for a, b in zip(text, label, strict=True))
        return min(len(text), len(label)) == 1 and self.same(text[-1], label[-1])

    def significant(self, label: str) -> tuple[Word, ...]:
        words = re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", label)
        return tuple(self.word(w) for w in words
                     if w.lower() not in self.stop and w.lower() not in _CONJUNCTIONS)


def scan(text: str, start: int, end: int, lang: Language) -> list[Token]:
    """The tokens of ``text[start:end]``: expressions, link targets and HTML are breaks."""
    out: list[Token] = []
    for m in lang.scan.finditer(text, start, end):
        kind = m.lastgroup or "break"
        a, b = m.span()
        if kind == "num":
            out.append(Token("num", a, b, value=_value(m.group(), lang.decimal)))
        elif kind == "word":
            low = m.group().lower()
            if low in _CONJUNCTIONS:
                out.append(Token("conj", a, b))
            elif low in lang.units:
                out.append(Token("break", a, b))
            elif low in lang.stop:
                out.append(Token("stop", a, b))
            else:
                out.append(Token("word", a, b, lang.word(m.group())))
        elif kind == "expr":
            ref = _LABEL_REF.fullmatch(m.group())
            out.append(Token("ref", a, b, ref=ref.group(1)) if ref else Token("break", a, b))
        elif kind == "dash":
            out.append(Token("dash", a, b))
        else:
            out.append(Token("break", a, b))
    return out


def _value(text: str, decimal: str) -> float:
    """'1 004' -> 1004, '4,5' -> 4.5 (ru); '1,004' -> 1004, '4.5' -> 4.5 (en)."""
    text = re.sub(r"[ \u00a0\u202f]", "", text)
    text = text.replace(",", ".") if decimal == "," else text.replace(",", "")
    return float(text)


def best_match(tokens: list[Token], i: int, fact: Fact, lang: Language) -> Match | None:
    """The strongest way ``fact``'s label is attached to the number ``tokens[i]``, if any."""
    nxt = _skip(tokens, i + 1, 1)
    if nxt is not None and tokens[nxt].kind == "ref":
        if tokens[nxt].ref == fact.name:
            return Match(fact, (99.0, 1.0), tokens[i].start, tokens[nxt].end)
        return None
    found: list[Match] = []
    for form in fact.forms:
        after = _after(tokens, i, form, lang)
        if after is not None:
            matched, last = after
            if min(matched) == 0:  # the label's head follows the number; its modifiers may precede
                matched |= _before(tokens, i, form, lang, matched, MAX_BEFORE)[0]
            found.append(Match(fact, _score(matched, form),
                                tokens[i].start, tokens[last].end))
        prev = _skip(tokens, i - 1, -1)
        if prev is not None and tokens[prev].kind == "dash":
            got, earliest = _before(tokens, prev, form, lang, set(), len(form) + MAX_EXTRA,
                                    tail=True)
            if got:
                found.append(Match(fact, _score(got, form), tokens[earliest].start,
                                    tokens[i].end))
    good = [m for m in found if m.score[0] > 0]
    return max(good, key=lambda m: m.score) if good else None


def _score(matched: set[int], form: tuple[Word, ...]) -> tuple[float, float]:
    """(words matched, share of the label); (0, 0) when too few of the label's words match."""
    if len(matched) < min(2, len(form)):
        return (0.0, 0.0)
    return (float(len(matched)), len(matched) / len(form))


def _skip(tokens: list[Token], j: int, step: int) -> int | None:
    """The next token from ``j`` on (in direction ``step``) that is not a stop word."""
    while 0 <= j < len(tokens) and tokens[j].kind == "stop":
        j += step
    return j if 0 <= j < len(tokens) else None


def _after(tokens: list[Token], i: int, form: tuple[Word, ...],
           lang: Language) -> tuple[set[int], int] | None:
    """Label words following the number in order: (their positions in the label, last token)."""
    j, gap, k = i + 1, 0, -1
    while j < len(tokens):
        tok = tokens[j]
        if tok.kind == "stop":
            j += 1
            continue
        if tok.kind != "word":
            return None
        k = next((n for n, w in enumerate(form) if lang.match(tok.stems, w)), -1)
        if k >= 0:
            break
        gap += 1
        if gap > (MAX_GAP if len(form) > 1 else 0):  # one word is weak evidence: no gap
            return None
        j += 1
    if k < 0:
        return None
    matched, last, extra = {k}, j, 0
    k += 1
    j += 1
    while j < len(tokens) and k < len(form):
        tok = tokens[j]
        j += 1
        if tok.kind in ("stop", "conj"):
            continue
        if tok.kind != "word":
            break
        if lang.match(tok.stems, form[k]):
            matched.add(k)
            last, extra, k = j - 1, 0, k + 1
        else:
            extra += 1
            if extra > MAX_EXTRA:
                break
    return matched, last


def _before(tokens: list[Token], i: int, form: tuple[Word, ...], lang: Language,
            taken: set[int], limit: int, tail: bool = False) -> tuple[set[int], int]:
    """Label words right before token ``i``, walking back: (their positions in the label,
    the earliest token matched). With ``tail`` they must end the label.

    Without ``tail`` (words before a number whose label follows it) a conjunction ends
    the walk: '41 эксперта и завершена обработка 27 интервью' keeps 'эксперта' apart.
    """
    matched: set[int] = set()
    k = len(form) - 1
    words, earliest = 0, i
    j = i - 1
    while j >= 0 and words < limit:
        tok = tokens[j]
        j -= 1
        if tok.kind == "stop" or (tok.kind == "conj" and tail):
            continue
        if tok.kind != "word":
            break
        words += 1
        if tail:
            if k >= 0 and lang.match(tok.stems, form[k]):
                matched.add(k)
                k, earliest = k - 1, j + 1
            elif not matched:
                return set(), i  # the word before the dash must end the label
        else:
            hit = next((n for n, w in enumerate(form)
                        if n not in taken and n not in matched and lang.match(tok.stems, w)), None)
            if hit is not None:
                matched.add(hit)
                earliest = j + 1
    return matched, earliest


def phrase(text: str) -> str:
    """A matched phrase as a message quotes it: without Markdown marks, on one line, short."""
    text = re.sub(r"[*_`\"]", "", text)
    text = " ".join(text.split())
    return text if len(text) <= 80 else text[:79] + "…"


def number_text(value: float | int) -> str:
    """A value of the data as a message shows it: '23', '4.5'."""
    return f"{value:g}" if isinstance(value, float) else str(value)
