"""PDF writer, a laid-out paragraph read back (issue 22; render/pdf/justify.py chooses its
lines): its text with soft hyphens, each character's computed style, where its lines
ended and on which page, the column's width; the widths of its pieces measured with
WeasyPrint's own text layout (Pango and HarfBuzz: the widths of the layout itself); where
it may break (UAX 14 as Pango applies it to running text); and the lines WeasyPrint's first
fit makes of it, simulated, so that a paragraph the simulation gets wrong is left alone.

Reads WeasyPrint's box trees and measures with its text layout; writes nothing.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from reportgen.render.softhyphens import SOFT_HYPHEN

#: How close to the column's width (CSS px) a line's width summed from its words' is
#: measured again whole: PT Serif kerns some letters against a space (by up to a pixel a
#: line), which decides whether a line that just fits does.
NEAR = 3.0
#: The simulation's tolerance when it checks that a line fits, in CSS px.
EPSILON = 0.01

_COMPOUND = "-\u2010"
_DASHES = "\u2013\u2014/"


@dataclass
class Paragraph:
    """A laid-out paragraph, read back: its text with soft hyphens (generated text such as a
    footnote call included), each character's style and whether the HTML wrote it, where
    its lines ended, each line's page, and the column's width (CSS px)."""

    key: str
    text: str = ""
    styles: list[Any] = field(default_factory=list)
    written: list[bool] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)  # a line's end index into text
    pages: list[int] = field(default_factory=list)
    width: float = 0.0
    nowrap: list[bool] = field(default_factory=list)

    def add(self, text: str, style: Any, written: bool) -> None:
        self.text += text
        self.styles += [style] * len(text)
        self.written += [written] * len(text)
        self.nowrap += [style["white_space"] != "normal"] * len(text)


def read_paragraph(key: str, lines: Sequence[tuple[int, float, Any]]) -> Paragraph | None:
    """The paragraph of the line boxes ``lines`` ((page, the width of the block holding it,
    LineBox)), or None when its lines hold anything but text (a picture, an inline box
    with padding or borders)."""
    from weasyprint.formatting_structure import boxes

    par = Paragraph(key)
    for n, (page, width, line) in enumerate(lines):
        par.width = width
        last = None
        for box in line.descendants():
            if isinstance(box, boxes.TextBox):
                par.add(box.text, box.style, "::" not in (box.element_tag or ""))
                last = box
            elif isinstance(box, boxes.InlineBox):
                if any(getattr(box, a) for a in ("padding_left", "padding_right",
                       "border_left_width", "border_right_width", "margin_left",
                       "margin_right")):
                    return None
            elif not isinstance(box, boxes.LineBox):
                return None  # a picture, an inline block
        if last is None:
            return None
        if par.text.endswith(SOFT_HYPHEN + last.style["hyphenate_character"]):
            cut = len(last.style["hyphenate_character"])
            par.text, par.styles = par.text[:-cut], par.styles[:-cut]
            par.written, par.nowrap = par.written[:-cut], par.nowrap[:-cut]
        par.ends.append(len(par.text))
        par.pages.append(page)
        if n + 1 < len(lines) and not par.text.endswith(SOFT_HYPHEN) and not _compound_end(
                par.text):
            par.add(" ", last.style, True)
    if par.text.endswith(" "):
        return None
    return par


def _compound_end(text: str) -> bool:
    return len(text) > 1 and text[-1] in _COMPOUND + _DASHES and not text[-2].isspace()


# ------------------------------------------------------------------ measuring


def _measured(text: str, style: Any) -> float:
    from weasyprint.text.line_break import create_layout, line_size

    layout = create_layout(text, style, None, None, 0)
    line, _ = layout.get_first_line()
    width, _ = line_size(line, style)
    return float(width)


class Measure:
    """Widths of pieces of one paragraph, by their characters' styles (WeasyPrint's layout);
    ``cache`` may be shared by the paragraphs of one layout (its styles stay alive).

    A piece's width is the sum of its words' and spaces' widths (a word being a run of one
    style between spaces), each word measured once: a pair kerned across a space or a
    change of style is not, which first fit's simulation shows to be close enough."""

    def __init__(self, par: Paragraph, cache: dict[Any, float] | None = None,
                 tightening: tuple[float, float] = (0.0, 0.0)) -> None:
        self.par = par
        self.cache = {} if cache is None else cache
        #: A word-spacing and a letter-spacing of minus ``tightening`` em on the paragraph
        #: (``TIGHTENING``): WeasyPrint narrows every space and no-break space, and every
        #: letter's advance, by as much.
        self.tightening = tightening
        self._styles: dict[int, Any] = {}
        self._widths: dict[tuple[int, int, bool], float] = {}
        text, styles = par.text, par.styles
        #: The words and spaces: where each starts, and the width of all before it.
        self.starts: list[int] = []
        self.before: list[float] = [0.0]
        run = 0
        for i in range(1, len(text) + 1):
            if i < len(text) and styles[i] is styles[run] and (text[i] == " ") == (
                    text[run] == " ") and text[run] != " ":
                continue
            self.starts.append(run)
            self.before.append(self.before[-1] + self._piece(run, i))
            run = i
        self.starts.append(len(text))

    def _measured(self, text: str, style: Any, exact: bool = False) -> float:
        """The width of ``text`` in ``style``, tightened: measured so near the column's
        edge (``exact``), else the untightened width less the tightening of its letters
        and spaces (Pango gives it to each, but for half at a run's two ends: the sum of a
        line's words is an estimate either way)."""
        tightened = any(self.tightening)
        key = (text, id(style), self.tightening if exact and tightened else None)
        found = self.cache.get(key)
        if found is None:
            found = self.cache[key] = _measured(
                text, self._tightened(style) if exact else style)
        if exact or not tightened:
            return found
        words, letters = self.tightening
        spaces = text.count(" ") + text.count("\u00a0")
        return found - style["font_size"] * (words * spaces + letters * len(text))

    def _tightened(self, style: Any) -> Any:
        """``style`` with the word-spacing and letter-spacing of the tightening."""
        if not any(self.tightening):
            return style
        found = self._styles.get(id(style))
        if found is None:
            words, letters = self.tightening
            found = self._styles[id(style)] = style.copy()
            found["word_spacing"] = style["word_spacing"] - words * style["font_size"]
            if letters:
                base = style["letter_spacing"]
                found["letter_spacing"] = (0 if base == "normal" else base) - (
                    letters * style["font_size"])
        return found

    def _space(self, style: Any) -> float:
        return self._measured("a a", style) - self._measured("aa", style)

    def _piece(self, start: int, end: int, hyphen: bool = False) -> float:
        """One word's part ``text[start:end]`` (one style), or one space."""
        text, style = self.par.text[start:end], self.par.styles[start]
        if text == " ":
            return self._space(style)
        if hyphen:
            text += style["hyphenate_character"]
        return self._measured(text, style)

    def width(self, start: int, end: int, hyphen: bool = False) -> float:
        """The width of ``text[start:end]`` (trailing spaces left out, a hyphenation
        character added when ``hyphen``); each asked once (the planner asks again and again)."""
        key = (start, end, hyphen)
        found = self._widths.get(key)
        if found is None:
            found = self._widths[key] = self._width(start, end, hyphen)
        return found

    def _width(self, start: int, end: int, hyphen: bool) -> float:
        text = self.par.text
        while end > start and text[end - 1] == " ":
            end -= 1
        if end <= start:
            return 0.0
        i = bisect.bisect_right(self.starts, start) - 1  # the word start is in
        j = bisect.bisect_right(self.starts, end - 1) - 1  # the word end - 1 is in
        if i == j:
            if start == self.starts[i] and end == self.starts[i + 1] and not hyphen:
                return self.before[i + 1] - self.before[i]
            return self._piece(start, end, hyphen)
        first = (self.before[i + 1] - self.before[i] if start == self.starts[i]
                 else self._piece(start, self.starts[i + 1]))
        last = (self.before[j + 1] - self.before[j] if end == self.starts[j + 1] and not hyphen
                else self._piece(self.starts[j], end, hyphen))
        estimate = first + self.before[j] - self.before[i + 1] + last
        if abs(estimate - self.par.width) > NEAR:
            return estimate
        return self._exact(start, end, hyphen)

    def _exact(self, start: int, end: int, hyphen: bool) -> float:
        """The width of ``text[start:end]`` measured in runs of one style, spaces included
        (kerned as the layout kerns them)."""
        text, styles = self.par.text, self.par.styles
        total, run = 0.0, start
        for i in range(start + 1, end + 1):
            if i == end or styles[i] is not styles[run]:
                piece = text[run:i]
                if hyphen and i == end:
                    piece += styles[run]["hyphenate_character"]
                total += self._measured(piece, styles[run], exact=True)
                run = i
        return total

    def spaces(self, start: int, end: int) -> int:
        """The spaces a justified line of ``text[start:end]`` stretches (WeasyPrint's
        count: spaces and no-break spaces)."""
        body = self.par.text[start:end].rstrip(" ")
        return body.count(" ") + body.count("\u00a0")

    def space(self) -> float:
        """The width of a space in the paragraph's first style."""
        return self._space(self.par.styles[0])


# ------------------------------------------------------------------ break opportunities


@dataclass(frozen=True, slots=True)
class Break:
    """Where a line may end: ``at`` is the end of its text; ``resume`` where the next line
    starts; ``hyphen`` a soft hyphen's (a hyphenation character is drawn); ``kind`` 'space',
    'soft', 'compound' (after a word's own hyphen) or 'other' (after a dash or a slash)."""

    at: int
    resume: int
    kind: str

    @property
    def hyphenated(self) -> bool:
        return self.kind in ("soft", "compound")


def opportunities(par: Paragraph) -> list[Break]:
    """Every place the text may break, in order: a space, a soft hyphen, after a hyphen or a
    dash inside a word (UAX 14 as Pango applies it, for the characters of running text)."""
    text, nowrap = par.text, par.nowrap
    found = []
    for i, char in enumerate(text):
        if nowrap[i] or i == 0:
            continue
        after = text[i + 1] if i + 1 < len(text) else ""
        if char == " " and i + 1 < len(text):
            found.append(Break(i, i + 1, "space"))
        elif char == SOFT_HYPHEN:
            found.append(Break(i + 1, i + 1, "soft"))
        elif (char in _COMPOUND and text[i - 1].isalpha() and after.isalpha()
              and not nowrap[i + 1]):
            found.append(Break(i + 1, i + 1, "compound"))
        elif char in _DASHES and after and not after.isspace() and not text[i - 1].isspace():
            found.append(Break(i + 1, i + 1, "other"))
    return found


def first_fit(par: Paragraph, measure: Measure, breaks: Sequence[Break],
              start: int = 0) -> list[Break]:
    """The lines WeasyPrint makes from ``start`` with the opportunities ``breaks``: each
    line ends at the last one that fits (the paragraph's end for the last line)."""
    lines: list[Break] = []
    while True:
        if measure.width(start, len(par.text)) <= par.width + EPSILON:
            return lines
        best = None
        for b in breaks:
            if b.at <= start:
                continue
            if measure.width(start, b.at, b.kind == "soft") > par.width + EPSILON:
                if best is not None and b.kind == "space":
                    break
                continue
            best = b
        if best is None:
            return lines  # an overfull line: WeasyPrint lets it overflow
        lines.append(best)
        start = best.resume


def paragraphs(pages: Sequence[Any]) -> Iterator[tuple[str, list[tuple[int, float, Any]]]]:
    """The line boxes of every paragraph with a key (``data-k``), in order over all pages,
    with their page and the width of the block they are in."""
    from weasyprint.formatting_structure import boxes

    found: dict[str, list[tuple[int, float, Any]]] = {}
    for n, page in enumerate(pages):
        for box in page.descendants():
            if isinstance(box, boxes.BlockBox) and box.element_tag == "p":
                key = box.element.get("data-k")
                if key:
                    found.setdefault(key, []).extend(
                        (n, box.width, line) for line in box.children
                        if isinstance(line, boxes.LineBox))
    yield from found.items()

