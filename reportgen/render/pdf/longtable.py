"""PDF writer, split render: the HTML of a part cut around one long data table.

Part of the render stage, used by ``windows``; text only (no WeasyPrint). A part
whose data table has thousands of rows would be laid out as one WeasyPrint
document of hundreds of pages, all held in memory until written (about 3 MiB a
page of table): ``windows`` lays such a part out in windows of rows instead, and
this module makes each window's HTML from the part's:

- the first window is the part as it is up to the table's ``<tbody>``, then
  rows ``[0, end)``; nothing after the table;
- a continuation is the part's head and ``<body>``, the elements the table is in
  (their start tags, without ids), the table's wrapper (without its margin-top
  and id), the table's start tag, ``<colgroup>`` and ``<thead>`` (repeated on each
  page as in one document), no caption, then row ``start - 1`` alone on a first page
  (which the window drops), rows ``[start, end)`` and, for the last window, everything
  after the table;
- a continuation's first element sets the strings (``string-set``) the part had
  set by then, so that its running headers show what one document shows there.

Only the HTML the writer makes is cut (``html.HtmlWriter``: a data table is a
``<div class="data-table">`` holding one ``<table>`` whose cells are escaped text,
so no ``</tr>`` is inside a cell); anything else is left whole (``find`` gives None).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

#: A table with more rows than this is laid out in windows.
LONG_TABLE_ROWS = 600
#: Marks the windowed table in a window's HTML (so its rows can be found in the layout).
MARK = "data-reportgen-window"

_WRAPPER = re.compile(r'<div class="data-table[^"]*"[^>]*>')
_ROW = re.compile(r"<tr\b[^>]*>.*?</tr>", re.S)
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "source", "track", "wbr"})


@dataclass(frozen=True)
class LongTable:
    """Where a part's long table is: the part's text cut into the pieces windows reuse."""

    opening: str  # the part up to the <body ...> tag, included
    before: str  # from after <body ...> up to the <tbody> tag, included
    ancestors: tuple[str, ...]  # start tags of the elements the table wrapper is in
    wrapper: str  # <div class="data-table ...">, without id and with no top margin
    table: str  # <table ...>, <colgroup> and <thead>, and <tbody>
    rows: tuple[str, ...]
    after: str  # from </tbody> to the end of the part

    def first(self, end: int) -> str:
        """The window of rows ``[0, end)`` (the whole part when ``end`` is the last row)."""
        return self._close(self.opening + self.before + "".join(self.rows[:end]), end)

    def continuation(self, start: int, end: int, strings: dict[str, str]) -> str:
        """The window of rows ``[start, end)`` after a page break, its running strings set."""
        head = "".join(self.ancestors) + self.wrapper + self.table
        setter = ("" if not strings else
                  '<div style="string-set: ' + ", ".join(
                      f"{name} {css_string(text)}" for name, text in strings.items())
                  + '"></div>')
        if setter and self.ancestors:  # set by the outermost element, before any box
            head = _with_style(self.ancestors[0], setter) + head[len(self.ancestors[0]):]
        elif setter:
            head = setter + head
        # The row before, alone on a page the window drops: row ``start`` then begins a
        # continued page, its top border the one it shares with that row, as in one
        # document (a table's first row shares the header's wider one instead).
        before = self.rows[start - 1]
        tag_end = before.index(">") + 1
        lead = _with_style(before[:tag_end], 'style="break-after: page"') + before[tag_end:]
        return self._close(self.opening + head + lead + "".join(self.rows[start:end]), end)

    def _close(self, text: str, end: int) -> str:
        if end >= len(self.rows):
            return text + self.after
        # The parser closes the rest (the wrapper, its ancestors, the body) at the end.
        return text + "</tbody></table>\n"


def css_string(text: str) -> str:
    """``text`` as a CSS string in double quotes, for a ``style`` attribute (HTML-escaped)."""
    escaped = "".join(c if c not in '"\\\n\r\f' and c.isprintable() or c == " "
                      else f"\\{ord(c):x} " for c in text)
    return "&quot;" + escaped.replace("&", "&amp;").replace("<", "&lt;") + "&quot;"


def _with_style(tag: str, setter: str) -> str:
    """``tag`` with the ``style`` of the ``setter`` div (its string-set) added."""
    style = re.search(r'style="([^"]*)"', setter).group(1)  # type: ignore[union-attr]
    if ' style="' in tag:
        return tag.replace(' style="', f' style="{style}; ', 1)
    return tag[:-1] + f' style="{style}">'


class _Open(HTMLParser):
    """The start tags of the elements open at the end of the text fed (void ones aside)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _VOID:
            self.stack.append((tag, self.get_starttag_text() or f"<{tag}>"))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return


def _without_id(tag: str) -> str:
    return re.sub(r'\s+id="[^"]*"', "", tag)


def find(html: str, limit: int | None = None) -> LongTable | None:
    """The first data table of a part's ``html`` with more than ``limit`` rows (default
    ``LONG_TABLE_ROWS``), cut; None if it has none (or a table that is not as the writer
    makes it)."""
    limit = LONG_TABLE_ROWS if limit is None else limit
    _, sep, _ = html.partition("<body")
    if not sep:
        return None
    body_at = html.index("<body")
    body_end = html.index(">", body_at) + 1
    for wrapper in _WRAPPER.finditer(html, body_end):
        table_at = html.find("<table", wrapper.end())
        tbody_at = html.find("<tbody>", table_at)
        tbody_end = html.find("</tbody>", tbody_at)
        if min(table_at, tbody_at, tbody_end) < 0:
            return None
        inner = html[tbody_at + len("<tbody>"):tbody_end]
        rows = _ROW.findall(inner)
        if len(rows) <= limit:
            continue
        between = html[wrapper.end():table_at]
        if "".join(rows) != inner or "<table" in between or "<table" in inner:
            return None  # not the writer's plain table: left whole
        parser = _Open()
        parser.feed(html[body_end:wrapper.start()])
        if any(tag in ("table", "p", "li") for tag, _ in parser.stack):
            return None
        table_tag = html[table_at:html.index(">", table_at) + 1]
        marked = table_tag[:-1] + f' {MARK}="1">'
        table = marked + html[table_at + len(table_tag):tbody_at] + "<tbody>"
        if "<caption" in table:
            return None
        first_part = html[:table_at] + table  # the table marked in the first window too
        return LongTable(
            opening=html[:body_end],
            before=first_part[body_end:],
            ancestors=tuple(_without_id(t) for _, t in parser.stack),
            wrapper=_with_style(_without_id(wrapper.group(0)), 'style="margin-top: 0"'),
            table=table[table.index("<table"):],
            rows=tuple(rows),
            after=html[tbody_end:],
        )
    return None
