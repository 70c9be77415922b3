"""Assemble stage: the page's width shared out among a table's measured columns.

The second half of ``columns`` (see its description): each column at least its
``hyphenated`` minimum and the rest in proportion to what more it could use, as a
browser's automatic table layout shares it; a column's ``width:`` fixes that column, never
below its minimum, and the others share what is left; a table whose dates and numbers do
not fit across the page is an error. Knows nothing about HTML or Word.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportgen.assemble.columns import (
    GRADES,
    TEXT_WIDTH_MM,
    WIDTH_TEXT,
    Fit,
    Measure,
    measure_column,
)
from reportgen.model import nodes as m


def given_width(value: float | str | None, count: int, room: float) -> float | None:
    """A column's ``width:`` in mm: '30%' of the table, '40mm', or a number of average
    columns (``room / count`` each)."""
    if value is None:
        return None
    if isinstance(value, str):
        found = WIDTH_TEXT.match(value)
        if found is None:
            raise ValueError(f"not a width: {value!r}")
        number = float(found.group(1))
        return number * room / 100 if found.group(2) == "%" else number
    return float(value) * room / count


def _spread(columns: Sequence[Measure], room: float) -> list[float]:
    """``room`` shared among ``columns`` as the automatic table layout shares it: each column
    between two grades of its measure, the room over the narrower one in proportion to what
    the wider one adds; over the whole texts, in proportion to them."""
    if not columns:
        return []
    for grade in range(len(GRADES) - 1):
        low = [c.sizes[grade] for c in columns]
        high = [c.sizes[grade + 1] for c in columns]
        if room <= sum(high):
            extra = sum(high) - sum(low)
            if extra <= 0:
                return low
            spare = max(room - sum(low), 0.0)
            return [a + spare * (b - a) / extra for a, b in zip(low, high, strict=True)]
    whole = [c.sizes[-1] for c in columns]
    return [w * room / sum(whole) for w in whole]


def _narrowed(widths: list[float], floors: list[float], room: float) -> list[float]:
    """``widths`` narrowed to fill ``room``, each in proportion to what it has over its floor."""
    over = sum(w - f for w, f in zip(widths, floors, strict=True))
    cut = sum(widths) - room
    if cut <= 0 or over <= 0:
        return widths
    cut = min(cut, over)
    return [w - (w - f) * cut / over for w, f in zip(widths, floors, strict=True)]


def _proportional(widths: list[float], floors: list[float], room: float) -> list[float]:
    """``widths`` scaled to fill ``room`` in their proportions, but none below its floor: a
    column at its floor keeps it, the others share the rest in their proportions."""
    held: set[int] = set()
    while True:
        rest = room - sum(floors[i] for i in held)
        total = sum(w for i, w in enumerate(widths) if i not in held)
        out = [floors[i] if i in held else w * rest / total for i, w in enumerate(widths)]
        low = {i for i, w in enumerate(out) if i not in held and w < floors[i] - 1e-9}
        if not low or len(held | low) == len(widths):
            return [max(w, f) for w, f in zip(out, floors, strict=True)]
        held |= low


def fit(columns: Sequence[Measure], given: Sequence[float | None], room: float) -> Fit:
    """The widths of columns measured as ``columns``, ``given`` in mm (None: measured), on a
    page ``room`` mm wide."""
    count = len(columns)
    notes: list[tuple[int | None, str]] = []
    least = sum(c.sizes[0] for c in columns)
    if least > room:
        widest = max(range(count), key=lambda i: columns[i].sizes[0])
        return Fit((1 / count,) * count, (room / count,) * count, error=(
            f"the table needs at least {least:.0f} mm across with its dates and numbers kept "
            f"whole (column {widest + 1}: «{columns[widest].atom}»), and the page has "
            f"{room:.0f} mm: show fewer columns, or put the table on a landscape page "
            "(landscape: true)"))
    floors = [c.sizes[1] for c in columns]
    free = [i for i in range(count) if given[i] is None]
    asked = {i: w for i, w in enumerate(given) if w is not None}
    if not free:  # every column given: their proportions, filling the page
        total = sum(asked.values())
        asked = {i: w * room / total for i, w in asked.items()}
    fixed: dict[int, float] = {}
    for i, width in asked.items():
        if width < floors[i] - 1:  # (a hair narrower is widened without a word)
            notes.append((i, f"width: {width:.0f} mm is narrower than the column's widest piece "
                             f"that cannot break, «{columns[i].piece}» ({floors[i]:.0f} mm): "
                             f"widened to {floors[i]:.0f} mm"))
        fixed[i] = max(width, floors[i])
    widths = [0.0] * count
    if not free:
        widths = _proportional([asked[i] for i in range(count)], floors, room)
    else:
        need = sum(floors[i] for i in free)
        left = room - sum(fixed.values())
        if fixed and left < need:
            order = sorted(fixed)
            target = max(room - need, sum(floors[i] for i in order))
            notes.append((None, f"the widths given leave the other columns {max(left, 0):.0f} mm, "
                                f"less than they need even hyphenated ({need:.0f} mm): the "
                                f"given columns are narrowed by {sum(fixed.values()) - target:.0f} mm"))
            narrowed = _narrowed([fixed[i] for i in order], [floors[i] for i in order], target)
            fixed = dict(zip(order, narrowed, strict=True))
            left = room - sum(fixed.values())
        for i, w in fixed.items():
            widths[i] = w
        for i, w in zip(free, _spread([columns[i] for i in free], left), strict=True):
            widths[i] = w
    if sum(widths) > room + 0.01:  # the hyphenated minimums do not fit: break anywhere
        if fixed:
            notes.append((None, "the table's words do not fit across the page even hyphenated: "
                                "the widths given are left out, and words break anywhere"))
        widths = _spread(columns, room)
    total = sum(widths)
    return Fit(tuple(w / total for w in widths), tuple(widths), tuple(notes))


def column_widths(head: tuple[m.Row, ...], rows: tuple[m.Row, ...],
                  given: Sequence[float | str | None], lang: str,
                  room: float = TEXT_WIDTH_MM) -> Fit:
    """The widths of a table's columns: ``head`` rows (bold) and ``rows`` (a group's row
    spans them all and is left out), ``given`` widths as written (None: measured), in a
    section in ``lang``, on a page ``room`` mm wide."""
    count = len(given)
    full = [r for r in (*head, *rows) if len(r.cells) == count]
    bold = {id(r) for r in head}
    columns = [measure_column([(r.cells[col].children, id(r) in bold) for r in full], lang)
               for col in range(count)]
    return fit(columns, [given_width(g, count, room) for g in given], room)

