"""Assemble stage, the typography pass's rules: the patterns of the cleaning and binding steps
(``CLEANING``, ``BINDING``) and what each does to a match, by language.

``typography`` runs them over a text run; this module only says what they are (it reads
no model and no file). The sources of the rules are cited in docs/typography.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from babel.dates import get_month_names

NBSP = "\u00a0"
#: Stands for code and line breaks while rules look at the text.
OPAQUE = "\ue0ff"
#: Capital and small letters of the three languages' alphabets (Kazakh Cyrillic included).
UP = "A-ZА-ЯЁӘҒҚҢӨҰҮҺІ"
LOW = "a-zа-яёәғқңөұүһі"
U, L = f"[{UP}]", f"[{LOW}]"
#: Where a rule writes: put(index, text) replaces the character at index by text.
Put = Callable[[int, str], None]
CONJUNCTIONS = r"(?:и|или|либо|а\s+также|және|мен|бен|пен|немесе|and|or|to)"



@dataclass(frozen=True, slots=True)
class Rule:
    """A pattern, the languages it applies in (None: all) and what it does to a match."""

    regex: re.Pattern[str]
    langs: frozenset[str] | None
    action: Callable[[re.Match[str], Put], None]

    def __call__(self, text: str, text_langs: list[str], put: Put) -> None:
        for match in self.regex.finditer(text):
            if self.langs is None or text_langs[match.start()] in self.langs:
                self.action(match, put)


def _sub(pattern: str, langs: set[str] | None, action: Callable[[re.Match[str], Put], None]
         ) -> Rule:
    return Rule(re.compile(pattern), frozenset(langs) if langs is not None else None, action)


def _space_to_nbsp(group: int) -> Callable[[re.Match[str], Put], None]:
    def action(match: re.Match[str], put: Put) -> None:
        for i in range(match.start(group), match.end(group)):
            put(i, NBSP if i == match.start(group) else "")

    return action


def _bind(pattern: str, langs: set[str] | None = None) -> Rule:
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
_PAGE = OPAQUE  # where a page reference's number goes

CLEANING = [
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
    _sub(rf"(?<![\w.])(?:{_RU_BEFORE_WORD})\.(?=[{UP}\d])", {"ru"}, _add_space),
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
BINDING = [
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
    _bind(rf"(?<={L})-( )(?={CONJUNCTIONS}{S})"),
    # one-letter prepositions and conjunctions keep to the next word
    _bind(r"(?<![\w\-.])[вксуоиаяВКСУОИАЯ]( )(?=\S)", {"ru"}),
    # initials: together, and with the surname (И. Рогова, Н. А. Назарбаев, Рогов И. А.)
    _bind(rf"(?<!\w){U}\.( )(?={U}\.)"),
    _bind(rf"(?<!\w){U}\.( )(?={U}{L})"),
    _bind(rf"(?<!\S){U}{L}+( )(?={U}\.{S}?{U}\.)"),
    # abbreviations: before their word (г. Венеции, им. Вильсона, с. 5), in chains (т. д.),
    # after theirs (2018 г., и т. д., и др.; Алматы қ., т. б.)
    _bind(rf"(?<![\w.])(?<!\d{S})(?<!\d)г\.( )(?={U})", {"ru"}),
    _bind(rf"(?<![\w.])(?:{_RU_BEFORE_WORD})\.( ){_URL_NEXT}(?=[{UP}{LOW}\d])", {"ru"}),
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


