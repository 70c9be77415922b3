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

The paragraph is read back from its line boxes and measured with WeasyPrint's own text
layout (``paragraphs``); the first-fit breaks are simulated and a paragraph whose
simulation does not give the lines WeasyPrint made is left as it is. The choice keeps the
paragraph's number of lines (so that no page changes), at most ``MAX_HYPHENATED``
hyphenated lines in a row, no hyphen on a line that ends a page, and minimizes the sum of
the lines' looseness cubed (TeX's badness) with a penalty per hyphen.

Only the decisions leave this module, as word keys (``softhyphens.word_key``): nothing
here writes HTML or a file.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field

from reportgen.render.pdf.paragraphs import (
    EPSILON,
    Break,
    Measure,
    Paragraph,
    first_fit,
    opportunities,
)
from reportgen.render.softhyphens import SOFT_HYPHEN, WORD, word_key

#: Hyphenated lines in a row a paragraph may have (the DOCX asks Word for the same).
MAX_HYPHENATED = 2
#: A hyphen's cost, in the units of a line's badness (100 × looseness³, looseness being
#: how much each space is stretched over its natural width): a hyphen is worth it when it
#: saves a line stretched by about 0.8 of a space.
HYPHEN_PENALTY = 50.0
#: How much narrower a paragraph's spaces and letter gaps may be set, in em (word-spacing,
#: letter-spacing): none, then the layout's classes ``tight-1`` to ``tight-4`` (report.css;
#: ``adjustments.TIGHT_LEVELS``). A space of the body font is 0.243 em, so at most 84 % of it:
#: within the 80–133 % a justified line's spaces are given in (InDesign's defaults); and a
#: tracking of -10/1000 em at most (the Russian typesetter's "вгонка" tightens a whole
#: paragraph so, to take a line in).
TIGHTENING = ((0.0, 0.0), (0.02, 0.0), (0.04, 0.0), (0.04, 0.005), (0.04, 0.01))
#: What a tightening costs, per step (a little: a plan as good untightened is kept so).
TIGHTENING_PENALTY = 5.0
#: How many words a line may send down to the next one, glued to the word that does not fit.
MAX_PUSHED = 3
#: What a paragraph's extra line costs (when first fit broke a rule, the plan may take one
#: more line than first fit, as keeping a word whole would): about three loose lines.
LINE_PENALTY = 3000.0


#: A line is loose when a space is stretched to more than twice its natural width (the
#: measure of tools/measure_print.py); such a line costs this much more than its badness.
LOOSE_PENALTY = 3000.0


@dataclass(frozen=True, slots=True)
class Choice:
    """How one line ends: at ``end`` (a Break); ``whole`` the chunks whose words are kept
    whole, ``only`` the break a word may take and no other, ``glue`` a space to make a
    no-break space."""

    end: Break
    whole: tuple[tuple[int, int], ...] = ()  # chunks (start, end) of the text
    only: int | None = None
    glue: tuple[int, ...] = ()


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
        self._badness: dict[tuple[int, int], float] = {}
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
        self._chunk_starts = [chunk[0] for chunk in self.chunks]

    def _chunk(self, at: int) -> tuple[int, int]:
        """The first chunk holding ``at`` (its end included), or (at, at) if none does."""
        # Chunks are in order and apart: the first holding ``at`` is the last starting at or
        # before it, or the one before that if it ends exactly at ``at``.
        i = bisect.bisect_right(self._chunk_starts, at) - 1
        if i > 0 and self.chunks[i - 1][1] >= at:
            i -= 1
        if i >= 0 and self.chunks[i][0] <= at <= self.chunks[i][1]:
            return self.chunks[i]
        return (at, at)

    def badness(self, start: int, end: Break) -> float:
        """A line's badness: 100 × the stretch of its spaces over their natural width, cubed
        (shrunk spaces count too), and ``LOOSE_PENALTY`` for a loose line."""
        key = (start, end.at)
        found = self._badness.get(key)
        if found is None:
            found = self._badness[key] = self._bad(start, end)
        return found

    def _bad(self, start: int, end: Break) -> float:
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
        if over[1] > over[0]:
            # (c) the last words that fit go down too, glued to the one that does not
            for n in range(2, min(len(spaces), MAX_PUSHED + 1) + 1):
                pushed = tuple(self._chunk(b.resume) for b in spaces[-n:-1])
                found.append(Choice(spaces[-n], whole=(*pushed, over),
                                    glue=tuple(b.at for b in spaces[-n + 1:])))
        return found

    def plan(self, lines: int, feet: frozenset[int]) -> Plan | None:
        """The best choice of ``lines`` lines, or None when the rules leave none."""
        text_end = len(self.par.text)
        memo: dict[tuple[int, int, int], tuple[float, list[Choice]] | None] = {}
        width = self.par.width + EPSILON

        def best(start: int, line: int, run: int) -> tuple[float, list[Choice]] | None:
            key = (start, line, run)
            if key in memo:
                return memo[key]
            result: tuple[float, list[Choice]] | None = None
            if self.measure.width(start, text_end) <= width:
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
        for glue in choice.glue:
            chunk = self._chunk(glue)
            starts = [p for p in keys if chunk[0] <= p < glue]
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
    The tightenings of ``TIGHTENING`` are tried in turn until one leaves no loose line; the
    plan with the fewest loose lines, then the lowest cost, is kept."""
    planner = Planner(par, measure)
    greedy = first_fit(par, measure, planner.breaks)
    if [b.at for b in greedy] != par.ends[:-1]:
        return None
    feet = frozenset(i for i in range(len(par.pages) - 1) if par.pages[i + 1] != par.pages[i])
    broken = _breaks_rules(greedy, feet)
    counts = (len(par.ends), len(par.ends) + 1) if broken else (len(par.ends),)
    best: tuple[tuple[int, float], Plan, Planner] | None = None
    for level, tightening in enumerate(TIGHTENING):
        narrower = Planner(par, Measure(par, measure.cache, tightening)) if level else planner
        for count in counts:
            plan = narrower.plan(count, feet)
            if plan is None:
                continue
            plan.tight = level
            plan.cost += level * TIGHTENING_PENALTY + (count - len(par.ends)) * LINE_PENALTY
            rank = (narrower.looseness(plan.lines)[0], plan.cost)
            if best is None or rank < best[0]:
                best = (rank, plan, narrower)
        if best is not None and best[0][0] == 0:
            break  # no loose line left: the paragraph is tightened no further
    if best is None:
        return None
    _, plan, chosen = best
    plan.greedy_cost = planner.cost(greedy)
    if not broken and chosen.looseness(plan.lines) >= planner.looseness(greedy):
        return None
    return plan


def _breaks_rules(lines: Sequence[Break], feet: frozenset[int]) -> bool:
    run = 0
    for i, line in enumerate(lines):
        run = run + 1 if line.hyphenated else 0
        if run > MAX_HYPHENATED or (line.hyphenated and i in feet):
            return True
    return False
