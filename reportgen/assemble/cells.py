"""Assemble stage: the cells of a table built from the data, and the shares of its columns.

A value becomes cell inlines for the edition's language (``Formatter``: dates, numbers,
lists, yes/no, identifiers through the block's 'labels'); a text in another language
than the section's is a span in its language, a date a span of role ``date``, never
hyphenated. ``column_widths`` measures the columns as a browser's automatic table
layout does, so that both writers give the columns the same shares. Used by ``tables``
and ``comparison``; reads no file and knows nothing about HTML or Word.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from reportgen.errors import Problems
from reportgen.load.schema import TableSpec
from reportgen.load.texts import Place, Texts
from reportgen.load.yamlsrc import Located
from reportgen.model import nodes as m
from reportgen.text.formats import Said, format_date, format_date_range, format_number

#: Fields whose values are identifiers, shown through the block's 'labels'.
IDENT_FIELDS = {"kind", "unit"}
#: About how many characters of table text fit across the text column of a portrait page.
COLUMN_ROOM = 90.0
#: Where a line of a cell may break: ordinary spaces, and after a dash or hyphen.
_BREAKS = re.compile(r"[ \t\n]+|(?<=[-–—])")


def said(text: str, lang: str) -> tuple[m.Inline, ...]:
    """A text as inlines of a section in ``lang``: a span in its own language if it has
    another one (a ``Said`` of the data)."""
    if isinstance(text, Said) and text.lang and text.lang != lang:
        return (m.Span((m.Text(str(text)),), lang=text.lang),)
    return (m.Text(str(text)),)


def date_inlines(text: str) -> tuple[m.Inline, ...]:
    """A date or a period as inlines: a span that is never hyphenated («30 сентя-бря»)."""
    return (m.Span((m.Text(text),), role="date"),)




def get(item: Any, field: str) -> Any:
    """A field of a list item (a validated item, or a mapping of 'extra')."""
    return item.get(field) if isinstance(item, dict) else getattr(item, field, None)



def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


class Formatter:
    """Cell inlines of a value, for the edition's language; identifiers through 'labels'."""

    def __init__(self, edition: str, strings: dict[str, str], texts: Texts, problems: Problems,
                 spec: TableSpec, doc: Located, lang: str) -> None:
        self.edition = edition  # the language values are formatted in
        self.lang = lang  # the section's: a text in another language is a span in its own
        self.strings = strings
        self.labels = {k: texts.text(v, Place(doc, ("labels", k)), lang)
                       for k, v in spec.labels.items()}
        self.problems = problems
        self.where = doc.loc(("labels",), key=True) if spec.labels else doc.loc(("data",))
        self.failed = False
        self.missing: set[str] = set()

    def value(self, item: Any, field: str) -> tuple[m.Inline, ...]:
        if field == "city" and get(item, "online") is True:
            return (m.Text(self.strings["online"]),)
        return self.format(field, get(item, field), item)

    def format(self, field: str, value: Any, item: Any) -> tuple[m.Inline, ...]:
        if value is None or value == []:
            return (m.Text(self.strings["no_value"]),)
        if isinstance(value, list):
            out: list[m.Inline] = []
            for i, v in enumerate(value):
                out += [m.Text(", ")] if i else []
                out += self.format(field, v, None)
            return m.merge_text(out)
        if isinstance(value, bool):
            return (m.Text(self.strings["yes" if value else "no"]),)
        if isinstance(value, dt.date):
            end = get(item, "end") if item is not None and field == "date" else None
            if isinstance(end, dt.date) and end != value:
                return date_inlines(format_date_range(value, end, self.edition))
            return date_inlines(format_date(value, self.edition))
        if isinstance(value, int | float):
            text = format_number(value, self.edition)
            if item is not None and get(item, f"{field}_over") is True:
                text = self.strings["over"].format(n=text)
            return (m.Text(text),)
        if field in IDENT_FIELDS:
            text = str(value)
            name = self.labels.get(text)
            if name is not None:
                return said(name, self.lang)
            if text not in self.missing:
                self.missing.add(text)
                self.problems.error(self.where, f"labels: no name for the {field} '{text}'; "
                                    f"add it: labels: {{{text}: ...}}")
            self.failed = True
            return (m.Text(text),)
        return said(value if isinstance(value, str) else str(value), self.lang)


def column_widths(head: tuple[m.Row, ...], rows: tuple[m.Row, ...],
                  given: Sequence[float | None], room: float = COLUMN_ROOM) -> tuple[float, ...]:
    """Shares of the table's width, like a browser's automatic table layout, in characters.

    Each column needs at least its longest word and at most its longest text;
    the room left over the minimums goes to the columns that can use it. Given
    widths (relative) replace the computed share of their columns. Both writers
    use these shares, so the columns are the same in the PDF and the DOCX.
    """
    count = len(given)
    least: list[float] = []
    most: list[float] = []
    for col in range(count):
        texts = [m.plain_text(r.cells[col].children) for r in (*head, *rows)
                 if len(r.cells) == count]
        # What cannot break: no-break spaces bind ('17 мая 2018 года' is one piece), while
        # a line may end after a dash or hyphen ('21–', 'научно-').
        words = [len(w) for t in texts for w in _BREAKS.split(t)]
        # +3: cell padding, and bold header text is wider.
        least.append(max(words, default=1) + 3)
        most.append(max((len(t) for t in texts), default=1) + 3)
    if sum(most) <= room:
        natural = most
    elif sum(least) >= room:
        natural = least
    else:
        spare = room - sum(least)
        stretch = sum(b - a for a, b in zip(least, most, strict=True))
        natural = [a + spare * (b - a) / stretch for a, b in zip(least, most, strict=True)]
    total = sum(natural)
    shares = [w / total for w in natural]
    if any(g is not None for g in given):
        known = [g for g in given if g is not None]
        free = sum(s for s, g in zip(shares, given, strict=True) if g is None)
        shares = [(g / sum(known)) * (1 - free) if g is not None else s
                  for s, g in zip(shares, given, strict=True)]
    return tuple(shares)
