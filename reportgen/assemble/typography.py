"""Assemble stage: the typography pass, applied once to the model's text so both writers agree.

What a careful editor does to typed text, per language (ru, kk, en); the rules and their
sources are in docs/typography.md. In two steps, each reading the text the step before
gave:

1. **cleaning**: runs of spaces become one; no space before , ; : ! ? ) ] or a closing
   full stop, nor after ( [ «; '..' and ',,' become one mark; the space a typist left out
   is put back after an initial ('Н.Назарбаева'), inside a chain of one-letter
   abbreviations ('т.д.' → 'т. д.'), after an abbreviation before its word ('г.Венеции')
   and between a number and its unit ('2018г.'); a month may part from the year after it
   (a period's label, 'январь–июнь 2018 года', bound whole by the number formats, leaves
   a river on the line before it);
2. **binding**: quotes by language and nesting («„…“» in ru and kk, “‘…’” in en, typed
   quotes of another language included); a spaced hyphen or en dash between words (and
   ' -- ') becomes an em dash with a no-break space before it; number ranges take an en
   dash; no-break spaces after one-letter Russian prepositions and conjunctions, between
   initials and a surname, after an abbreviation before its word ('г. Венеции', 'с. 5'),
   before one after its word ('2018 г.', 'и т. д.', 'Алматы қ.'), between a number and
   the word or unit it counts ('300 гостей', '5 млн', '10 %'), between digit groups
   ('1 004'), after a label before its number ('таблица 1'), a day and its month, '№'
   and its number; '...' becomes '…'.

Where a change could be wrong, nothing changes and a warning is given at the block's
source line (``typeset_section(section, problems)``): a hyphen with a space on one side
only ('культурно- гуманитарной', 'Нур -Султан') is a compound typed wrong, a dash typed
short, or a suspended hyphen ('двух- и трёхкомнатный', which is recognised by the
conjunction after it and kept, bound to it).

Headings, paragraphs, captions, table cells, metric tiles, footnote texts and the words
of resolved cross-references are typeset (each footnote and each table cell as a text
of its own). Nothing changes inside code, dates and periods the number formats wrote (a
span of role 'date'), URLs, e-mail addresses, links whose text is
their address, or expression syntax left in the text; ids, link targets and page
references are left alone. Within a step each rule reads the same text and writes its
result per character, so rules cannot feed on each other's output, and a rule may act
across inline boundaries ('"**bold**"' pairs its quotes).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Literal

from babel.dates import get_month_names

from reportgen.errors import Problems, SourceLoc
from reportgen.model import nodes as m

NBSP = "\u00a0"
QUOTES = {"ru": ("«", "»", "„", "“"), "kk": ("«", "»", "„", "“"), "en": ("“", "”", "‘", "’")}
_OPENING_CONTEXT = set(" \t\n\u00a0\u202f([{«„“‘—–-/") | {""}
_PROTECTED = re.compile(r"(?:https?|ftp)://\S+|www\.\S+|[\w.+-]+@[\w-]+\.[\w.]+|\{\{.*?\}\}|\{%.*?%\}")
_OPAQUE = "\ue0ff"  # stands for code and line breaks while rules look at the text

#: Capital and small letters of the three languages' alphabets (Kazakh Cyrillic included).
_UP = "A-ZА-ЯЁӘҒҚҢӨҰҮҺІ"
_LOW = "a-zа-яёәғқңөұүһі"
U, L = f"[{_UP}]", f"[{_LOW}]"
#: What a warning is given with: the text around the place, and what is wrong there.
Warn = Callable[[str], None]


@dataclass
class _Run:
    """The text of one block, flattened, with a language and a protection flag per character,
    and (once cleaned) the index in the typed text each character came from."""

    text: str = ""
    langs: list[str] = field(default_factory=list)
    protected: list[bool] = field(default_factory=list)
    origin: list[int] = field(default_factory=list)

    def add(self, text: str, lang: str, protected: bool) -> tuple[int, int]:
        start = len(self.text)
        self.text += text
        self.langs += [lang] * len(text)
        self.protected += [protected] * len(text)
        self.origin += range(start, len(self.text))
        return start, len(self.text)


def typeset(text: str, lang: str, warn: Warn | None = None) -> str:
    """One plain text (a title, a label) with the rules of ``lang`` applied."""
    run = _Run()
    run.add(text, lang, False)
    return "".join(_cells(run, warn))


def typeset_inlines(nodes: tuple[m.Inline, ...], lang: str, warn: Warn | None = None
                    ) -> tuple[m.Inline, ...]:
    """Inline nodes with the rules applied across them (one paragraph, heading or caption)."""
    run = _Run()
    spans = list(_flatten(nodes, lang, run))
    cells = _cells(run, warn)
    texts = iter("".join(cells[a:b]) for a, b in spans)
    return _rebuild(nodes, texts, lang, warn)


def _flatten(nodes: tuple[m.Inline, ...], lang: str, run: _Run) -> Iterator[tuple[int, int]]:
    """Adds every Text of ``nodes`` to ``run``, yielding its span; code and breaks are opaque."""
    for node in nodes:
        match node:
            case m.Text(text=t):
                yield run.add(t, lang, False)
            case m.Code(text=t):
                run.add(_OPAQUE * max(1, len(t)), lang, True)
            case m.LineBreak():
                run.add("\n", lang, True)
            case m.Link(url=url, children=c):
                literal = m.plain_text(c).strip() in (url, url.removeprefix("mailto:"))
                start = len(run.text)
                yield from _flatten(c, lang, run)
                if literal:
                    run.protected[start:] = [True] * (len(run.text) - start)
            case m.Strong(children=c) | m.Emph(children=c):
                yield from _flatten(c, lang, run)
            case m.Span(children=c, role="date"):
                # a date or a period the number formats wrote: its spaces are as they want
                start = len(run.text)
                yield from _flatten(c, lang, run)
                run.protected[start:] = [True] * (len(run.text) - start)
            case m.Span(children=c, lang=span_lang):
                yield from _flatten(c, span_lang or lang, run)
            case m.CrossRef(children=c):
                # resolved: its words read with the sentence around it; the target stays
                yield from _flatten(c, lang, run)
            case m.PageRef():
                run.add(_OPAQUE, lang, True)
            case m.Note():
                pass  # the call is a mark, not a word; its own text is typeset apart
            case _:
                raise TypeError(f"unknown inline node {node!r}")


def _rebuild(nodes: tuple[m.Inline, ...], texts: Iterator[str], lang: str,
             warn: Warn | None) -> tuple[m.Inline, ...]:
    out: list[m.Inline] = []
    for node in nodes:
        match node:
            case m.Text():
                out.append(m.Text(next(texts)))
            case m.Code() | m.LineBreak() | m.PageRef():
                out.append(node)
            case m.Span(children=c, lang=span_lang):
                out.append(replace(node, children=_rebuild(c, texts, span_lang or lang, warn)))
            case m.Link(children=c) | m.Strong(children=c) | m.Emph(children=c) | m.CrossRef(
                    children=c):
                out.append(replace(node, children=_rebuild(c, texts, lang, warn)))
            case m.Note(paragraphs=paragraphs):
                out.append(replace(node, paragraphs=tuple(
                    typeset_inlines(p, lang, warn) for p in paragraphs)))
            case _:
                raise TypeError(f"unknown inline node {node!r}")
    return tuple(out)


# -------------------------------------------------------------------- the steps


Put = Callable[[int, str], None]


def _cells(run: _Run, warn: Warn | None = None) -> list[str]:
    """The output for each character of ``run.text`` (a character may become several, or none)."""
    protected = list(run.protected)
    for match in _PROTECTED.finditer(run.text):
        protected[match.start():match.end()] = [True] * (match.end() - match.start())
    run = replace(run, protected=protected)
    cleaned = _cleaned(run, warn)
    cells = _apply(cleaned, _BINDING, quotes=True)
    out = [""] * len(run.text)
    for origin, cell in zip(cleaned.origin, cells, strict=True):
        out[origin] += cell
    return out


def _apply(run: _Run, rules: list[_Rule], quotes: bool = False) -> list[str]:
    """``rules`` applied to ``run``, each reading its text: the output per character."""
    cells = list(run.text)

    def put(i: int, value: str) -> None:
        if not run.protected[i]:
            cells[i] = value

    if quotes:
        _quotes(run.text, run.langs, run.protected, put)
    present = set(run.langs)
    for rule in rules:
        if rule.langs is None or not rule.langs.isdisjoint(present):
            rule(run.text, run.langs, put)
    return cells


def _cleaned(run: _Run, warn: Warn | None) -> _Run:
    """``run`` after the cleaning step; each character keeps the index it came from."""
    if warn is not None:
        for match in _LOPSIDED_HYPHEN.finditer(run.text):
            if not any(run.protected[match.start():match.end()]):
                warn(_lopsided(run.text, match))
    cells = _apply(run, _CLEANING)
    out = _Run()
    for i, cell in enumerate(cells):
        for ch in cell:
            out.text += ch
            out.langs.append(run.langs[i])
            out.protected.append(run.protected[i])  # a protected character is never changed
            out.origin.append(run.origin[i])
    return out


_CONJUNCTIONS = r"(?:и|или|либо|а\s+также|және|мен|бен|пен|немесе|and|or|to)"
#: A hyphen with a space on one side only, between letters: not a suspended hyphen.
_LOPSIDED_HYPHEN = re.compile(
    rf"{L}+-[ \u00a0](?!{_CONJUNCTIONS}[ \u00a0,])(?={L})\w*|(?<={L}) -{L}+", re.I)


def _lopsided(text: str, match: re.Match[str]) -> str:
    start, end = match.start(), match.end()
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    shown = text[start:end].replace(NBSP, " ")
    return (f"a hyphen with a space on one side only: '{shown}'; write a compound without "
            "spaces ('культурно-гуманитарный'), a dash with a space on each side, or a "
            "suspended hyphen before a conjunction ('двух- и трёхкомнатный')")


#: The characters ``_quotes`` acts on; the others it passes over.
_QUOTE_CHARS = re.compile("[\"«»„“”]")


def _quotes(text: str, langs: list[str], protected: list[bool], put: Put) -> None:
    """Quotes by the language of each mark and the depth of nesting.

    « and „ open, » closes; a straight quote, “ and ” open after a space or an opening
    bracket and before a word, and close otherwise (in Russian “ also closes „). When a
    block's marks pair up, every mark is written as its language and depth want ('«Фонд
    «Мир»»' → '«Фонд „Мир“»', '“Казахстан…”' in Russian → '«Казахстан…»'). When they do
    not (a quotation over several paragraphs opens each one), only the marks foreign to
    the language in their place (an opening “ in Russian) are changed, by depth, and the
    others kept as typed.
    """
    for match in re.finditer(r"(?<=[^\W\d_])'(?=[^\W\d_])", text):
        put(match.start(), "’")  # an apostrophe
    marks: list[tuple[int, str, bool]] = []  # index, language, opens
    for match in _QUOTE_CHARS.finditer(text):
        i, ch = match.start(), match.group()
        if protected[i]:
            continue
        prev = text[i - 1] if i else ""
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if ch in "«„":
            opens = True
        elif ch == "»":
            opens = False
        else:
            opens = prev in _OPENING_CONTEXT and nxt not in ("", " ", "\n", NBSP)
        marks.append((i, langs[i] if langs[i] in QUOTES else "en", opens))
    if not marks:
        return
    balanced = _balanced([opens for _, _, opens in marks])
    depth = 0
    for i, lang, opens in marks:
        outer_open, outer_close, inner_open, inner_close = QUOTES[lang]
        if opens:
            new = outer_open if depth == 0 else inner_open
            depth += 1
        else:
            depth = max(0, depth - 1)
            new = outer_close if depth == 0 else inner_close
        native = (outer_open, inner_open) if opens else (outer_close, inner_close)
        if balanced or text[i] not in native:
            put(i, new)


def _balanced(opens: list[bool]) -> bool:
    depth = 0
    for o in opens:
        depth += 1 if o else -1
        if depth < 0:
            return False
    return depth == 0


# -------------------------------------------------------------------- the rules


@dataclass(frozen=True, slots=True)
class _Rule:
    """A pattern, the languages it applies in (None: all) and what it does to a match."""

    regex: re.Pattern[str]
    langs: frozenset[str] | None
    action: Callable[[re.Match[str], Put], None]

    def __call__(self, text: str, text_langs: list[str], put: Put) -> None:
        for match in self.regex.finditer(text):
            if self.langs is None or text_langs[match.start()] in self.langs:
                self.action(match, put)


def _sub(pattern: str, langs: set[str] | None, action: Callable[[re.Match[str], Put], None]
         ) -> _Rule:
    return _Rule(re.compile(pattern), frozenset(langs) if langs is not None else None, action)


def _space_to_nbsp(group: int) -> Callable[[re.Match[str], Put], None]:
    def action(match: re.Match[str], put: Put) -> None:
        for i in range(match.start(group), match.end(group)):
            put(i, NBSP if i == match.start(group) else "")

    return action


def _bind(pattern: str, langs: set[str] | None = None) -> _Rule:
    """A rule that makes the space(s) of group 1 of ``pattern`` one no-break space."""
    return _sub(pattern, langs, _space_to_nbsp(1))


def _drop(group: int) -> Callable[[re.Match[str], Put], None]:
    def action(match: re.Match[str], put: Put) -> None:
        for i in range(match.start(group), match.end(group)):
            put(i, "")

    return action


def _add_space(match: re.Match[str], put: Put) -> None:
    """A space after the match's last character (the one a typist left out)."""
    put(match.end() - 1, match.group()[-1] + " ")


def _one_space(match: re.Match[str], put: Put) -> None:
    run = match.group()
    put(match.start(), NBSP if NBSP in run else " ")
    for i in range(match.start() + 1, match.end()):
        put(i, "")


def _dash(match: re.Match[str], put: Put) -> None:
    put(match.start(1), NBSP)
    for i in range(match.start(2), match.end(2)):
        put(i, "—" if i == match.start(2) else "")


def _dialogue(match: re.Match[str], put: Put) -> None:
    for i in range(match.start(1), match.end(1)):
        put(i, "—" if i == match.start(1) else "")
    put(match.start(2), NBSP)


def _range(match: re.Match[str], put: Put) -> None:
    for i in range(match.start(1), match.end(1)):
        put(i, "–" if match.group(1)[i - match.start(1)] in "-–" else "")


def _numero(match: re.Match[str], put: Put) -> None:
    if match.group(1):
        put(match.start(1), NBSP)
    else:
        put(match.start(), "№" + NBSP)


def _ellipsis(match: re.Match[str], put: Put) -> None:
    put(match.start(), "…")
    put(match.start() + 1, "")
    put(match.start() + 2, "")


def _months(lang: str, contexts: tuple[Literal["format", "stand-alone"], ...] = ("format",)
            ) -> str:
    names = {str(n) for context in contexts
             for n in get_month_names("wide", context, locale=lang).values()}
    names |= {n.lower() for n in names}
    return "|".join(sorted(names, key=len, reverse=True))


def _month_year(lang: str) -> str:
    """A month's name (either form) and a year after it, joined by a no-break space."""
    return rf"(?i:(?<![\w])(?:{_months(lang, ('format', 'stand-alone'))}))(\u00a0)(?=\d{{4}}(?!\d))"


def _to_space(match: re.Match[str], put: Put) -> None:
    put(match.start(1), " ")


S = "[ \u00a0]"  # a space, either kind
NOT_WORD = r"(?![\w])"
#: Russian abbreviations written before the word they belong to (им. Абая, см. раздел), and
#: before a number (с. 5, рис. 3, п. 2); 'г.' is a city's before a name (г. Алматы) and a
#: year's after a number (2018 г.).
_RU_BEFORE_WORD = "им|ул|пр|просп|пл|пер|обл|акад|проф|доц|см|ср|тов|гр"
_RU_BEFORE_NUMBER = "рис|табл|стр|гл|разд|ст|пп|п|ч|д|кв|с|т"
#: Words that count things and come after a number: a year, scales, units, money.
_RU_AFTER_NUMBER = r"(?:гг?|вв?|тыс|млн|млрд|трлн|руб|долл|тг|чел|км|кг|га|мин|сек|ч)\.?"
_KK_AFTER_NUMBER = r"(?:жж?|мың|млн|млрд|трлн|тг|теңге|км|кг|га|мин|сағ)\.?"
_EN_AFTER_NUMBER = r"(?:thousand|million|billion|trillion|bn|km|kg|ha|min)\b"
#: Short words a number is not bound to: prepositions, conjunctions, articles.
_FUNCTION_WORDS = (r"(?:в|во|на|по|с|со|к|ко|и|а|но|из|от|до|за|для|при|о|об|у|или|же|ли|не"
                   r"|мен|және|бен|пен|да|де|та|те|the|an?|of|in|on|at|to|for|and|or|by|with"
                   r"|from|as|is|are|was|were)(?![\w-])")
#: Labels a number follows: таблица 1, рисунок 4, приложении 2; Table 1, page 5.
_RU_LABELS = r"(?:таблиц|рисун|приложени|глав|раздел|пункт|стать|част|том|схем|диаграмм)\w*"
_EN_LABELS = (r"(?:Tables?|Figures?|Fig\.|Appendi(?:x|ces)|Chapters?|Sections?|Parts?|pages?"
              r"|pp?\.|No\.|vol\.)")
_URL_NEXT = r"(?!(?:https?|ftp)://|www\.)"  # not bound to an address, which never breaks
_PAGE = _OPAQUE  # where a page reference's number goes

_CLEANING = [
    # runs of spaces: one (a no-break one if the run held one)
    _sub(r"[ \u00a0\t]{2,}", None, _one_space),
    # no space before , ; : ! ? ) ] or a full stop that ends a sentence, nor after ( [ «
    _sub(r"(?<=\S)([ \u00a0]+)(?=[,;:!?)\]]|\.(?:$|[\s»”\"')\]]))", None, _drop(1)),
    _sub(r"(?<=[(\[«])([ \u00a0]+)", None, _drop(1)),
    _sub(r"([ \u00a0]+)(?=»)", None, _drop(1)),
    # '..' and ',,' typed for one ('и др..'); three full stops are an ellipsis
    _sub(r"(?<![.])\.(\.)(?![.])", None, _drop(1)),
    _sub(r",(,+)", None, _drop(1)),
    # the space a typist left out: after an initial before a surname ('Н.Назарбаева')...
    _sub(rf"(?<!\w){U}\.(?={U}{L})", None, _add_space),
    # ... inside a chain of one-letter abbreviations ('т.д.', 'т.е.', 'и.о.', 'т.б.')...
    _sub(rf"(?<![\w.]){L}\.(?={L}\.)", {"ru", "kk"}, _add_space),
    # ... after an abbreviation before its word ('г.Венеции', 'им.Вильсона', 'с.5')...
    _sub(rf"(?<![\w.])(?<!\d{S})(?<!\d)г\.(?={U})", {"ru"}, _add_space),
    _sub(rf"(?<![\w.])(?:{_RU_BEFORE_WORD})\.(?=[{_UP}\d])", {"ru"}, _add_space),
    _sub(rf"(?<![\w.])(?:{_RU_BEFORE_NUMBER})\.(?=\d)", {"ru"}, _add_space),
    # ... and between a number and what it counts ('2018г.', '5млн', '2018ж.')
    _sub(rf"(?<=\d)(?={_RU_AFTER_NUMBER}{NOT_WORD})", {"ru"}, lambda m_, put: put(
        m_.start() - 1, m_.string[m_.start() - 1] + " ")),
    _sub(rf"(?<=\d)(?={_KK_AFTER_NUMBER}{NOT_WORD})", {"kk"}, lambda m_, put: put(
        m_.start() - 1, m_.string[m_.start() - 1] + " ")),
    # a month and the year after it may break apart ('январь–июнь | 2018 года'): the day
    # keeps to its month and the year to its word, but a period's label bound whole leaves
    # a river on the line before it
    *(_sub(_month_year(lang), {lang}, _to_space) for lang in ("ru", "kk", "en")),
]

_WORD_END = r"(?<=[\w»”)\]?!.,:;…\"'])"
_BINDING = [
    # a hyphen, double hyphen or spaced en dash between words: an em dash (between numbers,
    # a range: below)
    _sub(_WORD_END + r"([ \u00a0])(---?|-)(?= \S)(?<!\d -)(?<!\d --)", None, _dash),
    _sub(r"(?<=[^\s])([ \u00a0])(–)(?= \S)(?<!\d –)", None, _dash),
    _sub(r"(?<=\d)([ \u00a0])(–)(?= [^\d\s])", None, _dash),
    _sub(r"(?<=\S)( )(?=— )", None, _space_to_nbsp(1)),  # a typed em dash: the same
    # a dash opening a paragraph (dialogue) stays with the first word
    _sub(r"^(---?|-|—|–)( )(?=\S)", None, _dialogue),
    # number ranges: 1-5, 1 - 5, 1 – 5 → 1–5 (not dates like 2018-09-21, not chains like 8-701-1)
    _sub(r"(?<![\d\w.,:/-])\d+((?:[ \u00a0]?[-–][ \u00a0]?))\d+(?![\d\w.,/-]*-)(?![\w/])", None,
         _range),
    # a suspended hyphen keeps to its conjunction ('двух- и трёхкомнатный')
    _bind(rf"(?<={L})-( )(?={_CONJUNCTIONS}{S})"),
    # one-letter prepositions and conjunctions keep to the next word
    _bind(r"(?<![\w\-.])[вксуоиаяВКСУОИАЯ]( )(?=\S)", {"ru"}),
    # initials: together, and with the surname (И. Рогова, Н. А. Назарбаев, Рогов И. А.)
    _bind(rf"(?<!\w){U}\.( )(?={U}\.)"),
    _bind(rf"(?<!\w){U}\.( )(?={U}{L})"),
    _bind(rf"(?<!\S){U}{L}+( )(?={U}\.{S}?{U}\.)"),
    # abbreviations: before their word (г. Венеции, им. Вильсона, с. 5), in chains (т. д.),
    # after theirs (2018 г., и т. д., и др.; Алматы қ., т. б.)
    _bind(rf"(?<![\w.])(?<!\d{S})(?<!\d)г\.( )(?={U})", {"ru"}),
    _bind(rf"(?<![\w.])(?:{_RU_BEFORE_WORD})\.( ){_URL_NEXT}(?=[{_UP}{_LOW}\d])", {"ru"}),
    _bind(rf"(?<![\w.])(?:{_RU_BEFORE_NUMBER})\.( )(?=[\d{_PAGE}])", {"ru"}),
    _bind(rf"(?<![\w.])(?:{_EN_LABELS})( )(?=[\d{_PAGE}])", {"en"}),
    _bind(r"(?<![\w.])(?:г-н|г-жа|г-на|г-ну|г-ном|г-же)( )(?=\S)", {"ru"}),
    _bind(rf"(?<![\w.]){L}\.( )(?={L}\.)", {"ru", "kk"}),
    _bind(r"(?<=\w)( )(?=(?:др|пр)\.)", {"ru"}),
    _bind(rf"(?<=\w)( )(?=т\.{S}?[дпе]\.)", {"ru"}),
    _bind(rf"(?<=\w)( )(?=(?:қ|обл|ауд)\.|т\.{S}?(?:б|с\.{S}?с)\.)", {"kk"}),
    # a number and what it counts: a year, a scale, a unit, money, a noun (300 гостей)
    _bind(rf"(?<=\d)( )(?={_RU_AFTER_NUMBER}{NOT_WORD}|год(?:а|у|ом|е|ах)?\b)", {"ru"}),
    _bind(rf"(?<=\d)( )(?={_KK_AFTER_NUMBER}{NOT_WORD}|жыл)", {"kk"}),
    _bind(rf"(?<=\d)( )(?={_EN_AFTER_NUMBER})", {"en"}),
    _bind(r"(?<=\d)( )(?=[%‰₸$€£])"),
    _bind(rf"(?<=\d)( )(?!{_FUNCTION_WORDS})(?={L})"),
    # digit groups typed with a space: 1 004, 10 000
    _bind(r"(?<![\d,.])\d{1,3}( )(?=\d{3}(?!\d))"),
    # a label and its number: таблица 1, в приложении 2; Table 1, page 5
    _bind(rf"(?i:(?<![\w])(?:{_RU_LABELS}))( )(?=\d)", {"ru"}),
    # a day and its month
    _bind(r"(?<![\w.,])\d{1,2}( )(?=(?:" + _months("ru") + r")\b)", {"ru"}),
    _bind(r"(?<![\w.,])\d{1,2}( )(?=(?:" + _months("kk") + r")\b)", {"kk"}),
    _bind(r"(?<![\w.,])\d{1,2}( )(?=(?:" + _months("en") + r")\b)", {"en"}),
    # № 5 / №5
    _sub(r"№( ?)(?=\d)", None, _numero),
    _sub(r"(?<!\.)\.\.\.(?!\.)", None, _ellipsis),
]


# ---------------------------------------------------------------- the model


def _warner(problems: Problems | None, loc: SourceLoc | None) -> Warn | None:
    if problems is None:
        return None
    return lambda message: problems.warning(loc, message)


def typeset_blocks(blocks: tuple[m.Block, ...], lang: str, problems: Problems | None = None
                   ) -> tuple[m.Block, ...]:
    """``blocks`` typeset; what could be wrong is a warning at its block in ``problems``."""
    return tuple(_block(b, lang, problems) for b in blocks)


def _block(block: m.Block, lang: str, problems: Problems | None) -> m.Block:
    warn = _warner(problems, getattr(block, "loc", None))
    match block:
        case m.Heading(children=c) | m.Paragraph(children=c):
            return replace(block, children=typeset_inlines(c, lang, warn))
        case m.Figure(caption=c) | m.Gallery(caption=c) | m.Chart(caption=c):
            # a chart's own labels are drawn as they are in the data; its caption is text
            return replace(block, caption=typeset_inlines(c, lang, warn))
        case m.ListBlock(items=items):
            return replace(block, items=tuple(typeset_blocks(i, lang, problems) for i in items))
        case m.Quote(blocks=b):
            return replace(block, blocks=typeset_blocks(b, lang, problems))
        case m.Div(blocks=b, lang=div_lang):
            return replace(block, blocks=typeset_blocks(b, div_lang or lang, problems))
        case m.MetricGrid(metrics=metrics):
            return replace(block, metrics=tuple(
                replace(x, label=typeset(x.label, lang, warn),
                        detail=typeset(x.detail, lang, warn) if x.detail else None)
                for x in metrics))
        case m.Table(caption=c, head=head, body=body):
            # every cell is a text of its own; the table's id is left as it is
            return replace(block, caption=typeset_inlines(c, lang, warn),
                           head=_rows(head, lang, warn), body=_rows(body, lang, warn))
        case m.ThematicBreak():
            return block
        case _:
            raise TypeError(f"unknown block {block!r}")


def _rows(rows: tuple[m.Row, ...], lang: str, warn: Warn | None) -> tuple[m.Row, ...]:
    return tuple(replace(row, cells=tuple(
        replace(cell, children=typeset_inlines(cell.children, lang, warn))
        for cell in row.cells)) for row in rows)


def typeset_section(section: m.Section, problems: Problems | None = None) -> m.Section:
    """``section`` typeset in its language; with ``problems``, what the pass would not guess
    (a hyphen with a space on one side) is a warning at its block."""
    lang = section.lang
    where = _warner(problems, SourceLoc(section.source, 1))
    return replace(
        section,
        title=typeset(section.title, lang, where),
        blocks=typeset_blocks(section.blocks, lang, problems),
        lead=typeset_inlines(section.lead, lang, where),
        summary=typeset_inlines(section.summary, lang, where),
    )
