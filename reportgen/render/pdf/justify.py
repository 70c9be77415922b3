"""PDF writer, justification: where the lines of a laid-out paragraph could have broken, and
the breaks that space its words most evenly within the rules of hyphenation (issue 22;
docs/typography.md, "Justification").

WeasyPrint 70 breaks a line at the last opportunity that fits (first fit), never shrinks a
space and stretches only the spaces of a justified line. So a line before a word that may
not break (a name: the name rule of ``softhyphens``) is as loose as the word is long, and
the limits on hyphenation (two lines in a row, none at a page's foot) loosen more lines.
Knuth and Plass choose the breaks of a whole paragraph at once: a line may end earlier
than it could, so that the next one fills. Here the same choice is made over the breaks
the first-fit layout itself can be led to make, which is what the next HTML can ask for:

- the last word that does not fit is broken at one of its soft hyphens that fits (the
  others are left out of it), or kept whole;
- or the line ends a word earlier: that word is glued to the next one by a no-break space
  (both kept whole), so that together they go to the next line.

The paragraph is read back from its line boxes (the text, each piece's computed style, the
width of the column) and measured with WeasyPrint's own text layout (Pango and HarfBuzz:
the widths of the layout itself); the first-fit breaks are simulated and a paragraph whose
simulation does not give the lines WeasyPrint made is left as it is. The choice keeps the
paragraph's number of lines (so that no page changes), at most ``MAX_HYPHENATED``
hyphenated lines in a row, no hyphen on a line that ends a page, and minimizes the sum of
the lines' looseness cubed (TeX's badness) with a penalty per hyphen.

Only the decisions leave this module, as word keys (``softhyphens.word_key``): nothing
here writes HTML or a file.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from reportgen.render.softhyphens import SOFT_HYPHEN, WORD, word_key

#: Hyphenated lines in a row a paragraph may have (the DOCX asks Word for the same).
MAX_HYPHENATED = 2
#: A hyphen's cost, in the units of a line's badness (100 × looseness³, looseness being
#: how much each space is stretched over its natural width): a hyphen is worth it when it
#: saves a line stretched by about 0.8 of a space.
HYPHEN_PENALTY = 50.0
#: The word-spacing a paragraph may be set with, in em: none, then the layout's classes
#: ``tight-1`` and ``tight-2`` (report.css). A space of the body font is 0.243 em, so at most
#: 84 % of it: within the 80–133 % a justified line's spaces are given in (InDesign's
#: defaults; the Russian typesetter's "вгонка" tightens a paragraph's spaces so).
TIGHTENING = (0.0, 0.02, 0.04)
#: What a tightening costs, per step (a little: a plan as good untightened is kept so).
TIGHTENING_PENALTY = 5.0
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

    def __init__(self, par: Paragraph, cache: dict[tuple[str, int, float], float] | None = None,
                 tightening: float = 0.0) -> None:
        self.par = par
        self.cache = {} if cache is None else cache
        #: A word-spacing of minus ``tightening`` em on the paragraph (``TIGHTENING``):
        #: WeasyPrint narrows every space and no-break space by as much.
        self.tightening = tightening
        self._styles: dict[int, Any] = {}
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

    def _measured(self, text: str, style: Any) -> float:
        key = (text, id(style), self.tightening)
        found = self.cache.get(key)
        if found is None:
            found = self.cache[key] = _measured(text, self._tightened(style))
        return found

    def _tightened(self, style: Any) -> Any:
        """``style`` with the word-spacing of the tightening (WeasyPrint applies it through
        Pango's letter spacing on each space, which is measured so, not computed)."""
        if not self.tightening:
            return style
        found = self._styles.get(id(style))
        if found is None:
            found = self._styles[id(style)] = style.copy()
            found["word_spacing"] = style["word_spacing"] - self.tightening * style["font_size"]
        return found

    def _space(self, style: Any) -> float:
        key = (" ", id(style), self.tightening)
        found = self.cache.get(key)
        if found is None:
            found = self.cache[key] = (self._measured("a a", style)
                                       - self._measured("aa", style))
        return found

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
        character added when ``hyphen``)."""
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
                total += self._measured(piece, styles[run])
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
    lines = []
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


# ------------------------------------------------------------------ choosing


#: A line is loose when a space is stretched to more than twice its natural width (the
#: measure of tools/measure_print.py); such a line costs this much more than its badness.
LOOSE_PENALTY = 1000.0


@dataclass(frozen=True, slots=True)
class Choice:
    """How one line ends: at ``end`` (a Break); ``whole`` the chunks whose words are kept
    whole, ``only`` the break a word may take and no other, ``glue`` a space to make a
    no-break space."""

    end: Break
    whole: tuple[tuple[int, int], ...] = ()  # chunks (start, end) of the text
    only: int | None = None
    glue: int | None = None


@dataclass
class Plan:
    """The chosen lines of a paragraph, as decisions on its words (word keys)."""

    whole: set[str] = field(default_factory=set)
    only: set[str] = field(default_factory=set)  # 'key@offset'
    glued: set[str] = field(default_factory=set)
    lines: list[Break] = field(default_factory=list)
    cost: float = 0.0
    greedy_cost: float = 0.0
    tight: int = 0  # the tightening chosen: an index into TIGHTENING


class Planner:
    """Knuth–Plass over the breaks first fit can be led to (see the module's docstring)."""

    def __init__(self, par: Paragraph, measure: Measure) -> None:
        self.par, self.measure = par, measure
        self.breaks = opportunities(par)
        self._ats = [b.at for b in self.breaks]
        self._choices: dict[int, list[Choice]] = {}
        #: A space's natural width (untightened), and its width in this plan.
        self.space = Measure(par, measure.cache).space()
        self.gap = measure.space()
        text = par.text
        #: Where each whitespace-separated chunk starts and ends.
        self.chunks: list[tuple[int, int]] = []
        start = 0
        for b in self.breaks:
            if b.kind == "space":
                self.chunks.append((start, b.at))
                start = b.resume
        self.chunks.append((start, len(text)))

    def _chunk(self, at: int) -> tuple[int, int]:
        for chunk in self.chunks:
            if chunk[0] <= at <= chunk[1]:
                return chunk
        return (at, at)

    def badness(self, start: int, end: Break, last: bool = False) -> float:
        if last:
            return 0.0
        natural = self.measure.width(start, end.at, end.kind == "soft")
        extra = max(0.0, self.par.width - natural)
        spaces = self.measure.spaces(start, end.at)
        if spaces == 0:
            return 10000.0 if extra > 1 else 0.0
        # How far each space is from its natural width (wider, or narrower when tightened)
        ratio = (self.gap + extra / spaces - self.space) / self.space
        return 100 * abs(ratio) ** 3 + (LOOSE_PENALTY if ratio > 1 else 0.0)

    def cost(self, lines: Sequence[Break]) -> float:
        """The cost of ending the lines at ``lines`` (the last line's end left out)."""
        total, start = 0.0, 0
        for b in lines:
            total += self.badness(start, b) + (HYPHEN_PENALTY if b.hyphenated else 0.0)
            start = b.resume
        return total

    def looseness(self, lines: Sequence[Break]) -> tuple[int, float]:
        """How many of the lines are loose (a space over twice its natural width), and the
        widest space's stretch over its natural width."""
        ratios, start = [], 0
        for b in lines:
            spaces = self.measure.spaces(start, b.at)
            if spaces:
                extra = self.par.width - self.measure.width(start, b.at, b.kind == "soft")
                ratios.append((self.gap + extra / spaces - self.space) / self.space)
            start = b.resume
        return sum(r > 1 for r in ratios), round(max(ratios, default=0.0), 3)

    def choices(self, start: int) -> list[Choice]:
        """How the line starting at ``start`` may end, first fit's own end first."""
        if start in self._choices:
            return self._choices[start]
        fitting = []
        for b in self.breaks[bisect.bisect_right(self._ats, start):]:
            if self.measure.width(start, b.at, b.kind == "soft") <= self.par.width + EPSILON:
                fitting.append(b)
            elif b.kind == "space":
                break
        self._choices[start] = found = self._ending(start, fitting)
        return found

    def _ending(self, start: int, fitting: list[Break]) -> list[Choice]:
        if not fitting:
            return []
        found = [Choice(fitting[-1])]
        spaces = [b for b in fitting if b.kind == "space"]
        # The chunk that does not fit whole (first fit may have broken it).
        over = self._chunk(spaces[-1].resume if spaces else start)
        inside = [b for b in fitting if over[0] < b.at <= over[1] and b.kind != "space"]
        if inside and spaces:
            # (a) the line ends before it, which is kept whole
            found.append(Choice(spaces[-1], whole=(over,)))
        for b in inside[:-1]:
            # (b) it breaks earlier, if no later break of its own but a soft hyphen fits
            if all(c.kind == "soft" for c in inside if c.at > b.at):
                found.append(Choice(b, only=b.at))
        if len(spaces) >= 2 and over[1] > over[0]:
            # (c) the last word that fits goes down too, glued to the one that does not
            pushed = self._chunk(spaces[-2].resume)
            found.append(Choice(spaces[-2], whole=(pushed, over), glue=spaces[-1].at))
        return found

    def plan(self, lines: int, feet: frozenset[int]) -> Plan | None:
        """The best choice of ``lines`` lines, or None when the rules leave none."""
        text_end = len(self.par.text)
        memo: dict[tuple[int, int, int], tuple[float, list[Choice]] | None] = {}

        def best(start: int, line: int, run: int) -> tuple[float, list[Choice]] | None:
            key = (start, line, run)
            if key in memo:
                return memo[key]
            result = None
            if self.measure.width(start, text_end) <= self.par.width + EPSILON:
                result = (0.0, []) if line == lines - 1 else None
            elif line < lines - 1:
                for choice in self.choices(start):
                    hyphen = choice.end.hyphenated
                    if hyphen and (run + 1 > MAX_HYPHENATED or line in feet):
                        continue
                    rest = best(choice.end.resume, line + 1, run + 1 if hyphen else 0)
                    if rest is None:
                        continue
                    cost = self.badness(start, choice.end) + rest[0] + (
                        HYPHEN_PENALTY if hyphen else 0.0)
                    if result is None or cost < result[0] - 1e-9:
                        result = (cost, [choice, *rest[1]])
            memo[key] = result
            return result

        found = best(0, 0, 0)
        if found is None:
            return None
        plan = Plan(cost=found[0])
        keys = self._keys()
        start = 0
        for choice in found[1]:
            plan.lines.append(choice.end)
            if choice != self.choices(start)[0] and not self._decide(choice, keys, plan):
                return None
            start = choice.end.resume
        return plan

    def _decide(self, choice: Choice, keys: dict[int, str], plan: Plan) -> bool:
        """The decisions ``choice`` needs added to ``plan``; False if a word it needs has no
        key (text the HTML did not write)."""
        for first, last in choice.whole:
            words = [k for p, k in keys.items() if first <= p < last]
            if not words:
                return False
            plan.whole.update(words)
        if choice.only is not None:
            starts = [p for p in keys if p < choice.only]
            if not starts:
                return False
            word = max(starts)
            offset = sum(1 for c in self.par.text[word:choice.only] if c != SOFT_HYPHEN)
            plan.only.add(f"{keys[word]}@{offset}")
        if choice.glue is not None:
            chunk = self._chunk(choice.glue)
            starts = [p for p in keys if chunk[0] <= p < choice.glue]
            if not starts:
                return False
            plan.glued.add(keys[max(starts)])
        return True

    def _keys(self) -> dict[int, str]:
        """The word key of each word (by its start in the text), counted as the HTML writer
        counts the words it wrote (generated text left out)."""
        par = self.par
        positions = [i for i, w in enumerate(par.written) if w]
        written = "".join(par.text[i] for i in positions)
        counted: dict[str, int] = {}
        keys = {}
        for match in WORD.finditer(written):
            word = match.group().replace(SOFT_HYPHEN, "")
            n = counted.get(word, 0)
            counted[word] = n + 1
            keys[positions[match.start()]] = word_key(par.key, word, n)
        return keys


def plan_paragraph(par: Paragraph, measure: Measure) -> Plan | None:
    """The plan of a laid-out paragraph, or None when first fit's lines are to stay: when
    its layout is not what the simulation gives, when the rules leave no choice, or when
    first fit kept the rules and no plan has fewer loose lines (or, as many, a narrower
    widest space), so that a paragraph is laid out again only for what a reader sees.
    Each tightening of ``TIGHTENING`` is tried; the plan with the lowest cost is kept."""
    planner = Planner(par, measure)
    greedy = first_fit(par, measure, planner.breaks)
    if [b.at for b in greedy] != par.ends[:-1]:
        return None
    feet = frozenset(i for i in range(len(par.pages) - 1) if par.pages[i + 1] != par.pages[i])
    best, best_planner = None, planner
    for level, tightening in enumerate(TIGHTENING):
        narrower = Planner(par, Measure(par, measure.cache, tightening)) if level else planner
        plan = narrower.plan(len(par.ends), feet)
        if plan is not None:
            plan.tight = level
            plan.cost += level * TIGHTENING_PENALTY
            if best is None or plan.cost < best.cost - 1e-9:
                best, best_planner = plan, narrower
    if best is None:
        return None
    best.greedy_cost = planner.cost(greedy)
    if not _breaks_rules(greedy, feet) and (
            best_planner.looseness(best.lines) >= planner.looseness(greedy)):
        return None
    return best


def _breaks_rules(lines: Sequence[Break], feet: frozenset[int]) -> bool:
    run = 0
    for i, line in enumerate(lines):
        run = run + 1 if line.hyphenated else 0
        if run > MAX_HYPHENATED or (line.hyphenated and i in feet):
            return True
    return False


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

