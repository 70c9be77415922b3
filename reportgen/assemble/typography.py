"""Assemble stage: the typography pass, applied once to the model's text so both writers agree.

What a careful editor does to typed text, per language:

- straight quotes become «ёлочки» with „лапки“ inside in Russian and Kazakh,
  “curly” with ‘single’ inside in English; an apostrophe between letters is ’;
- a hyphen or double hyphen between words (' - ', ' -- ', and in ru/kk a spaced
  en dash) becomes an em dash with a no-break space before it; a dash opening a
  paragraph (dialogue) is kept to its first word;
- number ranges take an en dash without spaces: '1-5', '1 - 5' → '1–5';
- no-break spaces: after Russian one-letter prepositions and conjunctions
  (в, к, с, у, о, и, а, я), between a year and 'г.'/'года' (ru) or 'ж.'/'жылғы'
  (kk), between a day and its month, a number and 'млн'/'тыс.', after '№'
  ('№5' gains one); '...' becomes '…'.

Headings, paragraphs, captions, table cells, footnote texts and the words
of resolved cross-references are typeset (each footnote and each table cell
as a text of its own). Nothing changes inside code, URLs, links whose text is
their address, or expression syntax left in the text; ids, link targets and
page references are left alone. Each rule reads the original text and
writes its result per character, so rules cannot feed on each other's output,
and a rule may act across inline boundaries ('"**bold**"' pairs its quotes).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

from babel.dates import get_month_names

from reportgen.model import nodes as m

NBSP = "\u00a0"
QUOTES = {"ru": ("«", "»", "„", "“"), "kk": ("«", "»", "„", "“"), "en": ("“", "”", "‘", "’")}
_OPENING_CONTEXT = set(" \t\n\u00a0\u202f([{«„“‘—–-/") | {""}
_PROTECTED = re.compile(r"(?:https?|ftp)://\S+|www\.\S+|[\w.+-]+@[\w-]+\.[\w.]+|\{\{.*?\}\}|\{%.*?%\}")
_OPAQUE = "\ue0ff"  # stands for code and line breaks while rules look at the text


@dataclass
class _Run:
    """The text of one block, flattened, with a language and a protection flag per character."""

    text: str = ""
    langs: list[str] = field(default_factory=list)
    protected: list[bool] = field(default_factory=list)

    def add(self, text: str, lang: str, protected: bool) -> tuple[int, int]:
        start = len(self.text)
        self.text += text
        self.langs += [lang] * len(text)
        self.protected += [protected] * len(text)
        return start, len(self.text)


def typeset(text: str, lang: str) -> str:
    """One plain text (a title, a label) with the rules of ``lang`` applied."""
    run = _Run()
    run.add(text, lang, False)
    return "".join(_cells(run))


def typeset_inlines(nodes: tuple[m.Inline, ...], lang: str) -> tuple[m.Inline, ...]:
    """Inline nodes with the rules applied across them (one paragraph, heading or caption)."""
    run = _Run()
    spans: list[tuple[int, int]] = []
    for start, end in _flatten(nodes, lang, run):
        spans.append((start, end))
    cells = _cells(run)
    texts = iter("".join(cells[a:b]) for a, b in spans)
    return _rebuild(nodes, texts, lang)


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


def _rebuild(nodes: tuple[m.Inline, ...], texts: Iterator[str], lang: str
             ) -> tuple[m.Inline, ...]:
    out: list[m.Inline] = []
    for node in nodes:
        match node:
            case m.Text():
                out.append(m.Text(next(texts)))
            case m.Code() | m.LineBreak() | m.PageRef():
                out.append(node)
            case m.Span(children=c, lang=span_lang):
                out.append(replace(node, children=_rebuild(c, texts, span_lang or lang)))
            case m.Link(children=c) | m.Strong(children=c) | m.Emph(children=c) | m.CrossRef(
                    children=c):
                out.append(replace(node, children=_rebuild(c, texts, lang)))
            case m.Note(paragraphs=paragraphs):
                out.append(replace(node, paragraphs=tuple(
                    typeset_inlines(p, lang) for p in paragraphs)))
            case _:
                raise TypeError(f"unknown inline node {node!r}")
    return tuple(out)


# -------------------------------------------------------------------- rules


def _cells(run: _Run) -> list[str]:
    """The output for each character of ``run.text`` (a character may become several, or none)."""
    text = run.text
    protected = list(run.protected)
    for match in _PROTECTED.finditer(text):
        protected[match.start():match.end()] = [True] * (match.end() - match.start())
    cells = list(text)

    def put(i: int, value: str) -> None:
        if not protected[i]:
            cells[i] = value

    _quotes(text, run.langs, protected, put)
    present = set(run.langs)
    for rule in _RULES:
        if rule.langs is None or not rule.langs.isdisjoint(present):
            rule(text, run.langs, put)
    return cells


Put = Callable[[int, str], None]


#: The characters ``_quotes`` acts on or counts nesting by; the others it passes over.
_QUOTE_CHARS = re.compile("[\"'«»„“”]")


def _quotes(text: str, langs: list[str], protected: list[bool], put: Put) -> None:
    if '"' not in text and "'" not in text:
        return  # nothing to straighten: typed quotes only change a depth nobody asks for
    depth = 0
    for match in _QUOTE_CHARS.finditer(text):
        i, ch = match.start(), match.group()
        if protected[i]:
            continue
        lang = langs[i] if langs[i] in QUOTES else "en"
        outer_open, outer_close, inner_open, inner_close = QUOTES[lang]
        prev = text[i - 1] if i else ""
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if ch in "«„" or (ch == "“" and lang == "en"):
            depth += 1
        elif ch in "»" or (ch == "“" and lang != "en") or (ch == "”" and lang == "en"):
            depth = max(0, depth - 1)
        elif ch == '"':
            if prev in _OPENING_CONTEXT and nxt not in ("", " ", "\n"):
                put(i, outer_open if depth == 0 else inner_open)
                depth += 1
            else:
                depth = max(0, depth - 1)
                put(i, outer_close if depth == 0 else inner_close)
        elif ch == "'" and prev.isalpha() and nxt.isalpha():
            put(i, "’")


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


def _months(lang: str) -> str:
    names = get_month_names("wide", "format", locale=lang).values()
    return "|".join(sorted((str(n) for n in names), key=len, reverse=True))


_WORD_END = r"(?<=[\w»”)\]?!.,:;…\"'])"
_RULES = [
    # a hyphen, double hyphen or (ru, kk) spaced en dash between words: an em dash
    _sub(_WORD_END + r"([ \u00a0])(---?|-)(?= \S)(?<!\d -)(?<!\d --)", None, _dash),
    _sub(r"(?<=[^\d\s])([ \u00a0])(–)(?= [^\d\s])", {"ru", "kk"}, _dash),
    _sub(r"(?<=\S)( )(?=— )", None, _space_to_nbsp(1)),  # a typed em dash: the same
    # a dash opening a paragraph (dialogue) stays with the first word
    _sub(r"^(---?|-|—|–)( )(?=\S)", None, _dialogue),
    # number ranges: 1-5, 1 - 5, 1 – 5 → 1–5 (not dates like 2018-09-21, not chains like 8-701-1)
    _sub(r"(?<![\d\w.,:/-])\d+((?:[ \u00a0]?[-–][ \u00a0]?))\d+(?![\d\w.,/-]*-)(?![\w/])", None,
         _range),
    # one-letter prepositions and conjunctions keep to the next word
    _sub(r"(?<![\w\-.])[вксуоиаяВКСУОИАЯ]( )(?=\S)", {"ru"}, _space_to_nbsp(1)),
    # a year and 'г.', 'гг.', 'года', 'году', 'год'; 'ж.', 'жылы', 'жылғы', ...
    _sub(r"(?<=\d{4})( )(?=гг?\.|год(?:а|у|ом|е|ах)?\b)", {"ru"}, _space_to_nbsp(1)),
    _sub(r"(?<=\d{4})( )(?=ж\.|жыл)", {"kk"}, _space_to_nbsp(1)),
    # a day and its month
    _sub(r"(?<![\w.,])\d{1,2}( )(?=(?:" + _months("ru") + r")\b)", {"ru"}, _space_to_nbsp(1)),
    _sub(r"(?<![\w.,])\d{1,2}( )(?=(?:" + _months("kk") + r")\b)", {"kk"}, _space_to_nbsp(1)),
    _sub(r"(?<![\w.,])\d{1,2}( )(?=(?:" + _months("en") + r")\b)", {"en"}, _space_to_nbsp(1)),
    # a number and a scale word
    _sub(r"(?<=\d)( )(?=(?:тыс\.|млн|млрд|трлн)(?!\w))", {"ru"}, _space_to_nbsp(1)),
    _sub(r"(?<=\d)( )(?=(?:мың|млн|млрд|трлн)(?!\w))", {"kk"}, _space_to_nbsp(1)),
    # № 5 / №5
    _sub(r"№( ?)(?=\d)", None, _numero),
    _sub(r"(?<!\.)\.\.\.(?!\.)", None, _ellipsis),
]


# ---------------------------------------------------------------- the model


def typeset_blocks(blocks: tuple[m.Block, ...], lang: str) -> tuple[m.Block, ...]:
    return tuple(_block(b, lang) for b in blocks)


def _block(block: m.Block, lang: str) -> m.Block:
    match block:
        case m.Heading(children=c) | m.Paragraph(children=c):
            return replace(block, children=typeset_inlines(c, lang))
        case m.Figure(caption=c) | m.Gallery(caption=c) | m.Chart(caption=c):
            # a chart's own labels are drawn as they are in the data; its caption is text
            return replace(block, caption=typeset_inlines(c, lang))
        case m.ListBlock(items=items):
            return replace(block, items=tuple(typeset_blocks(i, lang) for i in items))
        case m.Quote(blocks=b):
            return replace(block, blocks=typeset_blocks(b, lang))
        case m.Div(blocks=b, lang=div_lang):
            return replace(block, blocks=typeset_blocks(b, div_lang or lang))
        case m.MetricGrid(metrics=metrics):
            return replace(block, metrics=tuple(
                replace(x, label=typeset(x.label, lang),
                        detail=typeset(x.detail, lang) if x.detail else None) for x in metrics))
        case m.Table(caption=c, head=head, body=body):
            # every cell is a text of its own; the table's id is left as it is
            return replace(block, caption=typeset_inlines(c, lang),
                           head=_rows(head, lang), body=_rows(body, lang))
        case m.ThematicBreak():
            return block
        case _:
            raise TypeError(f"unknown block {block!r}")


def _rows(rows: tuple[m.Row, ...], lang: str) -> tuple[m.Row, ...]:
    return tuple(replace(row, cells=tuple(replace(cell, children=typeset_inlines(cell.children,
                                                                                 lang))
                                          for cell in row.cells)) for row in rows)


def typeset_section(section: m.Section) -> m.Section:
    lang = section.lang
    return replace(
        section,
        title=typeset(section.title, lang),
        blocks=typeset_blocks(section.blocks, lang),
        lead=typeset_inlines(section.lead, lang),
        summary=typeset_inlines(section.summary, lang),
    )
