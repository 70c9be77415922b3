"""Assemble stage: the widths of a table's columns, measured from what they hold.

As a browser's automatic table layout does (CSS 2.1 §17.5.2.2, and css-tables-3's
distribution), each column is measured in the print font's own advance widths (fontTools
over the bundled 'Report Sans', the table font of the default layout): how narrow it may be
and how wide its longest text is on one line; the page's width is then shared out, each
column at least its minimum and the rest in proportion to what more it could use. A
minimum has three grades, the narrowest used only when the wider one leaves no room:

1. ``words``: every word whole;
2. ``hyphenated``: words broken where their language's hyphenation allows (a name never);
3. ``anywhere``: words broken between any two letters (the layout's ``overflow-wrap:
   anywhere``), dates and numbers still whole.

Never narrower than the last: a date ('2019 жылғы 30 қыркүйек —' up to the space after
the dash of a range) or a number is never broken, and a table whose dates and numbers
alone do not fit across the page is an error. A column's ``width:`` (``30%``, ``40mm``, or a
number: 1 is the width of an average column, ``table width / columns``) fixes that
column, never below its ``hyphenated`` minimum, and the other columns share what is left.

The result is a share of the table's width per column (``model.Table.widths``); both
writers use it (the HTML's ``<colgroup>`` with ``table-layout: fixed``, the DOCX's
``w:gridCol`` and ``w:tcW`` with a fixed layout), so the PDF's and the DOCX's columns are
the same. The sizes below repeat the print layout's and the reference DOCX's, checked
against both by tests/test_table_fit.py. Reads the bundled fonts only; knows nothing
about HTML or Word. The measures are this module's; sharing the page's width out among
them is ``columnfit``'s.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from fontTools.ttLib import TTFont

from reportgen.assemble.typography import typeset_inlines
from reportgen.model import nodes as m
from reportgen.resources import font_faces
from reportgen.text.hyphenation import SOFT_HYPHEN, soft_hyphens

#: The text column of a portrait A4 page (``@page { size: A4; margin: 22mm 18mm 20mm 25mm }``;
#: the reference DOCX: 11906 - 1417 - 1020 = 9469 twips) and of a landscape one, in mm.
TEXT_WIDTH_MM = 167.0
LANDSCAPE_WIDTH_MM = 254.0
#: ``.data-table table { font-family: "Report Sans"; font-size: 9pt }`` (DOCX: 'Table Text').
TABLE_FAMILY = "Report Sans"
TABLE_FONT_PT = 9.0
#: ``.data-table td { padding: 1mm 1.5mm }`` on either side (DOCX: 'Data Table', 85 twips).
CELL_PADDING_MM = 1.5
#: A hair more than the measure: WeasyPrint kerns (its text is up to 3% narrower than the
#: advance widths), LibreOffice and Word do not, and the DOCX's twips are rounded.
SLACK_MM = 0.5
_MM_PER_PT = 25.4 / 72
#: A given width: '30%' of the table, '40mm', or a number of average columns.
WIDTH_TEXT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(%|mm)\s*$")
#: Where a line may break: ordinary white space; after a hyphen or a dash, outside dates.
_SPACE = re.compile(r"[ \t\n\r]+")
_AFTER_DASH = re.compile(r"(?<=[-\u2010\u2013\u2014])(?=\S)")
#: A number, never broken: '1 204', '12,5', '−15', '+3,2%'.
_NUMBER = re.compile(r"[+\u2212-]?\d(?:[\d\u00a0\u202f.,]*\d)?%?")
#: A word as hyphenation sees it: letters, a compound's parts joined by hyphens.
_LETTERS = re.compile(r"[^\W\d_]+(?:[-\u2010\u2011][^\W\d_]+)*")
_ONE_WORD = re.compile(r"[^\W_]*(?:[\u00a0\u202f][^\W_]+)*")
#: The grades of a column's measure, narrowest first, and the whole text last.
GRADES = ("anywhere", "hyphenated", "words", "whole")


Sizes = tuple[float, float, float, float]


def _sizes(values: Iterable[float]) -> Sizes:
    anywhere, hyphenated, words, whole = values
    return anywhere, hyphenated, words, whole


@dataclass(frozen=True, slots=True)
class Measure:
    """What a cell or a column needs across, in mm, padding included: per grade (``GRADES``),
    and the pieces that set the two narrowest (for messages)."""

    sizes: Sizes
    atom: str = ""  # the widest date or number (or letter)
    piece: str = ""  # the widest piece that hyphenation leaves


@dataclass(frozen=True, slots=True)
class Fit:
    """The columns' shares of the table's width, and what could not be done as asked:
    ``notes`` (column index or None for the table, message) are warnings, ``error`` is set
    when the table cannot fit at all."""

    shares: tuple[float, ...]
    widths_mm: tuple[float, ...]
    notes: tuple[tuple[int | None, str], ...] = ()
    error: str | None = None


# ------------------------------------------------------------------ the font


@cache
def _advances(bold: bool) -> tuple[Mapping[int, float], float]:
    """The table font's advance widths in ems per code point, and the width of '0' (for a
    character the font lacks, which the glyph check reports anyway)."""
    weight = 700 if bold else 400
    face = next(f for f in font_faces()
                if f.family == TABLE_FAMILY and f.style == "normal" and f.weight == weight)
    font = TTFont(face.path, lazy=True)
    per_em = font["head"].unitsPerEm
    metrics = font["hmtx"].metrics
    table = {cp: metrics[name][0] / per_em for cp, name in font.getBestCmap().items()}
    font.close()
    return table, table.get(ord("0"), 0.5)


@lru_cache(maxsize=1 << 16)
def text_width(text: str, bold: bool = False) -> float:
    """``text`` on one line in the table font, mm (soft hyphens are not printed)."""
    table, other = _advances(bold)
    ems = sum(table.get(ord(c), other) for c in text if c != SOFT_HYPHEN)
    return ems * TABLE_FONT_PT * _MM_PER_PT


# ------------------------------------------------------------------ measuring cells


@dataclass(frozen=True, slots=True)
class _Run:
    text: str
    bold: bool
    lang: str
    date: bool


def _runs(nodes: tuple[m.Inline, ...], lang: str, bold: bool, date: bool = False
          ) -> Iterator[_Run]:
    for node in nodes:
        match node:
            case m.Text(text=t) | m.Code(text=t):
                yield _Run(t, bold, lang, date)
            case m.Strong(children=c):
                yield from _runs(c, lang, True, date)
            case m.Emph(children=c) | m.Link(children=c) | m.CrossRef(children=c):
                yield from _runs(c, lang, bold, date)
            case m.Span(children=c, role=role, lang=span_lang):
                yield from _runs(c, span_lang or lang, bold, date or role == "date")
            case m.LineBreak():
                yield _Run("\n", bold, lang, date)
            case m.PageRef():
                yield _Run("000", bold, lang, date)
            case m.Note(number=n):
                yield _Run(str(n), bold, lang, date)
            case _:
                raise TypeError(f"unknown inline node {node!r}")


def _words(runs: Sequence[_Run]) -> Iterator[tuple[_Run, ...] | None]:
    """The cell's unbreakable words, each a tuple of runs (a word may change font or
    language inside); None between lines (a line break)."""
    word: list[_Run] = []
    for run in runs:
        if run.text == "\n":
            if word:
                yield tuple(word)
            word = []
            yield None
            continue
        pieces = _SPACE.split(run.text)
        for i, piece in enumerate(pieces):
            if i:  # a space ends the word
                if word:
                    yield tuple(word)
                word = []
            parts = [piece] if run.date else _AFTER_DASH.split(piece)
            for j, part in enumerate(parts):
                if j:
                    yield tuple(word)
                    word = []
                if part:
                    word.append(_Run(part, run.bold, run.lang, run.date))
    if word:
        yield tuple(word)


def _hyphenated(text: str, lang: str) -> str:
    return _LETTERS.sub(lambda w: soft_hyphens(w.group(0), lang), text)


@lru_cache(maxsize=1 << 16)  # the words of a column repeat: 'Семинар', 'по', '2024'
def _word_measure(word: tuple[_Run, ...]) -> Measure:
    whole = sum(text_width(r.text, r.bold) for r in word)
    # Hyphenated: the word's pieces between its soft hyphens, each but the last with its
    # hyphen; a date, a word with a digit and a capitalized word stay whole (the writers
    # break a capitalized word only when the edition also writes it in small letters).
    pieces: list[tuple[str, float]] = []
    current, width = "", 0.0
    for run in word:
        marked = run.text if run.date else _hyphenated(run.text, run.lang)
        for k, part in enumerate(marked.split(SOFT_HYPHEN)):
            if k:
                pieces.append((current + "-", width + text_width("-", run.bold)))
                current, width = "", 0.0
            current += part
            width += text_width(part, run.bold)
    pieces.append((current, width))
    piece, hyphenated = max(pieces, key=lambda p: p[1])
    # Anywhere: dates and numbers whole, every other letter on its own if need be.
    atoms: list[tuple[str, float]] = []
    for run in word:
        if run.date:
            atoms.append((run.text, text_width(run.text, run.bold)))
            continue
        end = 0
        for number in _NUMBER.finditer(run.text):
            atoms += [(c, text_width(c, run.bold)) for c in run.text[end:number.start()]]
            atoms.append((number.group(0), text_width(number.group(0), run.bold)))
            end = number.end()
        atoms += [(c, text_width(c, run.bold)) for c in run.text[end:] if c != SOFT_HYPHEN]
    atom, anywhere = max(atoms, key=lambda a: a[1], default=("", 0.0))
    return Measure((anywhere, hyphenated, whole, whole), atom, piece)


def measure_cell(nodes: tuple[m.Inline, ...], lang: str, bold: bool = False) -> Measure:
    """What a cell of these inlines needs across (padding included), in a section in ``lang``;
    ``bold`` for a header cell."""
    runs = list(_runs(nodes, lang, bold))
    sizes = [0.0, 0.0, 0.0]
    atom, piece = "", ""
    for word in _words(runs):
        if word is None:
            continue
        found = _word_measure(word)
        if found.sizes[0] > sizes[0]:
            atom = found.atom
        if found.sizes[1] > sizes[1]:
            piece = found.piece
        sizes = [max(a, b) for a, b in zip(sizes, found.sizes, strict=False)]
    # The whole text on one line (each line of a cell with line breaks), spaces included.
    whole = max(sum(text_width(r.text, r.bold) for r in line) for line in _lines(runs))
    padding = 2 * CELL_PADDING_MM + SLACK_MM
    return Measure(_sizes(s + padding for s in (*sizes, max(whole, sizes[2]))), atom, piece)


def _lines(runs: list[_Run]) -> Iterator[list[_Run]]:
    line: list[_Run] = []
    for run in runs:
        if run.text == "\n":
            yield line
            line = []
        else:
            line.append(run)
    yield line


def measure_column(cells: Sequence[tuple[tuple[m.Inline, ...], bool]], lang: str) -> Measure:
    """A column's measure: the widest of its cells' (``(inlines, bold)``), each typeset as the
    typography pass will set it (its no-break spaces bind words), each distinct cell once."""
    seen: set[tuple[tuple[m.Inline, ...], bool]] = set()
    sizes = [2 * CELL_PADDING_MM + SLACK_MM] * 4
    atom, piece = "", ""
    for key in cells:
        if key in seen:
            continue
        seen.add(key)
        nodes, bold = key
        if not _untouched(nodes):
            nodes = typeset_inlines(nodes, lang)
        found = measure_cell(nodes, lang, bold)
        if found.sizes[0] > sizes[0]:
            atom = found.atom
        if found.sizes[1] > sizes[1]:
            piece = found.piece
        sizes = [max(a, b) for a, b in zip(sizes, found.sizes, strict=True)]
    # Each grade at least the one before it (a word whole is never narrower than its pieces).
    for i in range(1, len(sizes)):
        sizes[i] = max(sizes[i], sizes[i - 1])
    return Measure(_sizes(sizes), atom, piece)


def _untouched(nodes: tuple[m.Inline, ...]) -> bool:
    """Whether the typography pass leaves these inlines as they are: dates (as the formats
    wrote them) and single words or numbers (nothing to bind, quote or dash)."""
    return all(isinstance(n, m.Span) and n.role == "date"
               or isinstance(n, m.Text) and _ONE_WORD.fullmatch(n.text) for n in nodes)
