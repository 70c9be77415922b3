"""Assemble stage: the cells of a table built from the data, and the shares of its columns.

A value becomes cell inlines for the edition's language (``Formatter``: dates, numbers,
lists, yes/no, identifiers through the block's 'labels'); a text in another language
than the section's is a span in its language, a date a span of role ``date``, never
hyphenated. ``table_widths`` gives the columns their shares of the table (``columns``
measures them, ``columnfit`` shares the width out) and locates what could not be done as
asked. Used by ``tables`` and ``comparison``; reads no file and knows nothing about HTML
or Word.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from reportgen.assemble.columnfit import column_widths
from reportgen.assemble.columns import LANDSCAPE_WIDTH_MM, TEXT_WIDTH_MM
from reportgen.errors import Problems
from reportgen.load.schema import TableSpec
from reportgen.load.texts import Place, Texts
from reportgen.load.yamlsrc import Located
from reportgen.model import nodes as m
from reportgen.text.formats import Said, format_date, format_date_range, format_number

#: Fields whose values are identifiers, shown through the block's 'labels'.
IDENT_FIELDS = {"kind", "unit"}


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


def table_widths(head: tuple[m.Row, ...], body: tuple[m.Row, ...],
                 given: Sequence[float | str | None], lang: str, landscape: bool,
                 doc: Located, problems: Problems) -> tuple[float, ...] | None:
    """The shares of a table's columns (``columnfit.column_widths``) on its page; a given width
    that could not be kept is a warning at its column, a table that cannot fit an error at
    its ``columns:`` (None)."""
    fitted = column_widths(head, tuple(r for r in body if r.role is None), given, lang,
                           LANDSCAPE_WIDTH_MM if landscape else TEXT_WIDTH_MM)
    where = doc.loc(("columns",), key=True) if "columns" in doc.data else doc.loc(("data",), key=True)
    if fitted.error is not None:
        problems.error(where, fitted.error)
        return None
    for column, note in fitted.notes:
        at = doc.loc(("columns", column, "width")) if column is not None else where
        prefix = f"columns[{column}]." if column is not None else ""
        problems.warning(at, prefix + note)
    return fitted.shares
