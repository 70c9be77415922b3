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

from reportgen.assemble.typorules import (
    BINDING,
    CLEANING,
    CONJUNCTIONS,
    NBSP,
    OPAQUE,
    L,
    Put,
    Rule,
)
from reportgen.errors import Problem, Problems, SourceLoc
from reportgen.model import nodes as m
from reportgen.model.bynode import ByNode

QUOTES = {"ru": ("«", "»", "„", "“"), "kk": ("«", "»", "„", "“"), "en": ("“", "”", "‘", "’")}
_OPENING_CONTEXT = set(" \t\n\u00a0\u202f([{«„“‘—–-/") | {""}
_PROTECTED = re.compile(r"(?:https?|ftp)://\S+|www\.\S+|[\w.+-]+@[\w-]+\.[\w.]+|\{\{.*?\}\}|\{%.*?%\}")

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
                run.add(OPAQUE * max(1, len(t)), lang, True)
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
                run.add(OPAQUE, lang, True)
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


def _cells(run: _Run, warn: Warn | None = None) -> list[str]:
    """The output for each character of ``run.text`` (a character may become several, or none)."""
    protected = list(run.protected)
    for match in _PROTECTED.finditer(run.text):
        protected[match.start():match.end()] = [True] * (match.end() - match.start())
    run = replace(run, protected=protected)
    cleaned = _cleaned(run, warn)
    cells = _apply(cleaned, BINDING, quotes=True)
    out = [""] * len(run.text)
    for origin, cell in zip(cleaned.origin, cells, strict=True):
        out[origin] += cell
    return out


def _apply(run: _Run, rules: list[Rule], quotes: bool = False) -> list[str]:
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
    cells = _apply(run, CLEANING)
    out = _Run()
    for i, cell in enumerate(cells):
        for ch in cell:
            out.text += ch
            out.langs.append(run.langs[i])
            out.protected.append(run.protected[i])  # a protected character is never changed
            out.origin.append(run.origin[i])
    return out


#: A hyphen with a space on one side only, between letters: not a suspended hyphen.
_LOPSIDED_HYPHEN = re.compile(
    rf"{L}+-[ \u00a0](?!{CONJUNCTIONS}[ \u00a0,])(?={L})\w*|(?<={L}) -{L}+", re.I)


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
    (a hyphen with a space on one side) is a warning at its block.

    The pass is a function of the section alone, and the slowest step of assembling a long
    report (a second on 266 pages), so it is made once per section object
    (``model.bynode``): the preview gives each section it did not assemble again as the
    same object (``sectionmemo``). The warnings are kept with the result and given again."""
    done, warnings = _TYPESET(section)
    if problems is not None:
        problems.extend(warnings)
    return done


def _typeset_section(section: m.Section) -> tuple[m.Section, tuple[Problem, ...]]:
    problems = Problems()
    lang = section.lang
    where = _warner(problems, SourceLoc(section.source, 1))
    return replace(
        section,
        title=typeset(section.title, lang, where),
        blocks=typeset_blocks(section.blocks, lang, problems),
        lead=typeset_inlines(section.lead, lang, where),
        summary=typeset_inlines(section.summary, lang, where),
    ), tuple(problems.items)


_TYPESET = ByNode(_typeset_section)
