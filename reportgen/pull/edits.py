"""The edits an edited DOCX makes to the base texts, block by block, and what cannot be
carried back.

Pull stage. Walks the edited body (and the footnotes) in reading order with what the
build carried of each block (``reader.Block``) and gives, per block the editor changed,
an ``Edit`` of the base's lines, found through ``places``: a paragraph, heading or list
item in its own lines; a section's title (the heading, or its line on the summary page)
in the front matter's ``title``; the lead in the front matter's ``lead`` or the bold first
paragraph; the summary in ``cut``; a caption in the picture's alt text or the table's or
inline chart's ``caption:``; a footnote in its text after ``[^label]:``. What cannot be
carried back becomes a note with its file:line: an edit of a caption that comes from
report.yaml (a chart's), of a table built from the data, of generated text, a moved
paragraph, a deleted figure, an added or deleted footnote. Writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportgen.errors import ReportgenError
from reportgen.load.yamlsrc import dotted, load_yaml
from reportgen.pull import merge, places
from reportgen.pull.data import DataFix
from reportgen.pull.places import Place
from reportgen.pull.reader import Block, Edited
from reportgen.pull.rematch import rematch

_TEXT_KINDS = ("paragraph", "heading", "item")
#: The pages before the sections: the cover's lines, reportgen's own headings (the
#: contents' and the list of figures' entries are Word's fields, rewritten when Word
#: updates them: not read).
_FRONT = ("cover", "words")
_GENERATED = {"table": "a table built from the data",
              "generated": "generated content (a figure, a chart's picture, tiles, a cover)"}


@dataclass(frozen=True, slots=True)
class Edit:
    """A change of base lines ``start``..``end`` (1-based, inclusive) into ``lines``;
    ``start`` = ``end`` + 1: an insertion before ``start``."""

    file: str
    start: int
    end: int
    lines: tuple[str, ...]


@dataclass(slots=True)
class Found:
    edits: list[Edit] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    data: list[DataFix] = field(default_factory=list)


def shown(text: str) -> str:
    """A text as a note quotes it: the build's no-break spaces and soft hyphens as a reader
    sees them (a space, nothing)."""
    return repr(text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u00ad", ""))


def where(block: Block | None) -> str:
    if block is None:
        return "?"
    return f"{block.file}:{block.start}" if block.start else block.file


def find(edited: Edited, root: Path) -> Found:
    """The edits of ``edited`` (the project at ``root`` only for report.yaml's lines)."""
    reading = _Reading(edited, root)
    reading.body()
    reading.footnotes()
    reading.missing()
    return reading.found


class _Reading:
    def __init__(self, edited: Edited, root: Path) -> None:
        self.edited, self.root = edited, root
        self.found = Found()
        self.seen: set[int] = set()

    def note(self, text: str) -> None:
        self.found.notes.append(text)

    # ------------------------------------------------------------------ the body
    def body(self) -> None:
        last: Block | None = None
        last_style = ""  # the style of the paragraph ``last`` was read from, as saved
        section: str | None = None
        for mark, md, style, tag in rematch(self.edited.body, self.edited.blocks):
            block = self.edited.blocks.get(mark) if mark is not None else None
            if block is None or block.id in self.seen:
                if last is None or not md.strip():
                    continue  # the cover, the contents (Word's field), an empty paragraph
                if section is None:  # on the summary page
                    if last.kind in ("title", "summary"):
                        self.note(f"{last.file}: a paragraph added on the summary page: not "
                                  f"carried back (the summary is the front matter's cut): "
                                  f"{shown(md)}")
                elif tag == "tbl":
                    self.note(f"{where(last)}: a table added after it: not carried back: "
                              f"{shown(md[:60])}")
                else:
                    self._added(last, section, md, style == last_style)
                continue
            self.seen.add(block.id)
            if block.kind in _FRONT:  # a page of its own: the list of figures at the end
                self.front(block, md)
                last, section = None, None
                continue
            if block.kind == "heading1":
                section = block.file
            elif block.kind not in ("title", "summary") and section is not None \
                    and block.file != section:
                self.note(f"{where(block)}: the paragraph was moved to {section}: not "
                          "carried back; move it in the sources")
                continue
            self.block(block, md)
            last, last_style = block, style

    def _added(self, last: Block, section: str, md: str, same_style: bool) -> None:
        """A paragraph without a mark after ``last``: one the editor added (written with
        plain spaces: the no-break spaces are the build's typography); a list item when
        ``last`` is one and the new paragraph has its style (as the editor's program
        saved both: LibreOffice renames some styles)."""
        md = md.replace("\u00a0", " ").replace("\u202f", " ")
        if last.kind in _TEXT_KINDS and last.file == section:
            line = f"- {md}" if same_style and last.kind == "item" else md
            lines = (line,) if last.kind == "item" and line.startswith("- ") else ("", line)
            self.found.edits.append(Edit(last.file, last.end + 1, last.end, lines))
            return
        lead = places.bold_lead(last.file, self.edited.files[last.file]) \
            if last.kind == "lead" and places.front_matter(
                last.file, self.edited.files[last.file], "lead") is None else None
        if lead is not None and last.file == section:
            self.found.edits.append(Edit(last.file, lead.end + 1, lead.end, ("", md)))
            return
        after = {"heading1": "the section's title", "lead": "a lead from the front matter",
                 "caption": "a caption", "table": "a table built from the data",
                 "note": "a footnote"}.get(last.kind, "generated content (a figure, tiles)")
        self.note(f"{where(last)}: a paragraph added after {after}: not carried back; put "
                  f"it in the source yourself: {shown(md)}")

    def block(self, block: Block, md: str) -> None:
        """The edits of one block the editor may have changed into ``md``."""
        label = block.extra.get("label", "")
        if label:
            if not merge.same(md[:len(label)], label):
                numbered = block.extra.get("numbered", label).strip()
                self.note(f"{where(block)}: the label {shown(numbered)} was edited: not "
                          f"carried back: {shown(numbered + ' ' + block.markdown)} is now "
                          f"{shown(md)}")
                return
            md = md[len(label):].lstrip(" ")
        if merge.same(block.markdown, md):
            return
        base = self.edited.files[block.file]
        kind = block.kind
        place: Place | None = None
        if kind in _TEXT_KINDS:
            place = places.block(block.file, base, block.start, block.end)
            if "{%" in place.text:
                self.note(f"{where(block)}: an edit in text made by a loop over the data "
                          f"({{% … %}}): not carried back: {shown(block.markdown)} is now {shown(md)}")
                return
        elif kind in ("heading1", "title"):
            place = places.front_matter(block.file, base, "title")
        elif kind == "lead":
            place = places.front_matter(block.file, base, "lead") or \
                places.bold_lead(block.file, base)
        elif kind == "summary":
            place = places.front_matter(block.file, base, "cut")
        elif kind == "note":
            place = places.footnote(block.file, base, block.start, block.end)
        elif kind == "caption":
            place = self._caption(block, base, md)
            if place is None:
                return
        else:
            self.note(f"{where(block)}: an edit in {_GENERATED.get(kind, kind)}: not carried "
                      f"back: {shown(block.markdown)} is now {shown(md)}")
            return
        if place is None:
            self.note(f"{where(block)}: the {kind} is not found as typed in {block.file} (it "
                      f"was made by reportgen): not carried back: {shown(block.markdown)} is now "
                      f"{shown(md)}")
            return
        self.carry(place, block, md)

    def front(self, block: Block, md: str) -> None:
        """An edit on the pages before the sections: reported with where it comes from."""
        if merge.same(block.markdown, md):
            return
        edit = f"not carried back: {shown(block.markdown)} is now {shown(md)}"
        if block.kind == "cover":
            key: tuple[str | int, ...] = tuple(block.extra.get("key", "title").split("."))
            if key == ("periods",):  # the period's label, or its dates
                key = self._period_path()
            self.note(f"{self._report_yaml(key)}: the cover's line is made from report.yaml: "
                      + edit)
        else:
            self.note(f"reportgen's own words ({block.extra.get('key', '')}, in the report's "
                      f"language): {edit}")

    def _caption(self, block: Block, base: str, md: str) -> Place | None:
        of, was = block.extra.get("of", ""), block.markdown
        place: Place | None = None
        if of == "figure":
            place = places.picture_caption(block.file, base, block.start, was)
        elif of == "table":
            place = places.fenced(block.file, base, block.start, [("caption",)], was)
        elif of == "chart":
            place = places.fenced(block.file, base, block.start, [("caption",), ("title",)], was)
            if place is None and block.extra.get("chart"):
                at = self._report_yaml(("charts", block.extra["chart"]))
                self.note(f"{at}: a chart's caption comes from report.yaml: not carried back "
                          f"({where(block)}): {shown(was)} is now {shown(md)}")
                return None
        if place is None:
            why = ("the heading the gallery stands under" if of == "gallery" else
                   "the heading above it, or reportgen's words")
            self.note(f"{where(block)}: the caption of this {of or 'figure'} is not typed in "
                      f"the source (it is {why}): not carried back: {shown(was)} is now {shown(md)}")
        return place

    def _period_path(self) -> tuple[str | int, ...]:
        """The path in report.yaml of the period the DOCX is of: its label, or the period."""
        try:
            periods = load_yaml(self.root / "report.yaml").data.get("periods")
        except (ReportgenError, OSError, AttributeError):
            return ("periods",)
        period = self.edited.meta.get("period", "")
        for i, item in enumerate(periods if isinstance(periods, list) else []):
            if isinstance(item, dict) and str(item.get("id")) == period:
                return ("periods", i, "label") if "label" in item else ("periods", i)
        return ("periods",)

    def _report_yaml(self, path: tuple[str | int, ...]) -> str:
        """``report.yaml:LINE: charts.x.title.ru``: where a text of report.yaml is typed (a
        chart's caption, else its title; the edition's entry of a text per language)."""
        try:
            located = load_yaml(self.root / "report.yaml")
        except (ReportgenError, OSError):
            return "report.yaml: " + dotted(path)
        lang = self.edited.meta.get("lang", "")
        data: Any = _get(located.data, path)
        full = path
        if path[0] == "charts" and isinstance(data, dict):
            key = next((k for k in ("caption", "title") if k in data), None)
            if key is not None:
                full, data = (*path, key), data[key]
        if isinstance(data, dict) and lang in data:
            full = (*full, lang)
        return f"report.yaml:{located.loc(full).line}: {dotted(full)}"

    def carry(self, place: Place, block: Block, md: str) -> None:
        new, problems = merge.carry(place.text, block.markdown, md)
        at = f"{place.file}:{place.start}"
        for p in problems:
            if isinstance(p, merge.DataEdit):
                self.found.data.append(DataFix(place.file, place.start, p.expressions, p.was,
                                               p.now))
            else:
                self.note(f"{at}: {shown(p.was)} is now {shown(p.now)} where the source has a reference "
                          "or a link: not carried back")
        if new != place.text:
            self.found.edits.append(Edit(place.file, place.start, place.end, place.lines(new)))

    # ------------------------------------------------------------- the footnotes
    def footnotes(self) -> None:
        for mark, md, caller in self.edited.notes:
            block = self.edited.blocks.get(mark) if mark is not None else None
            if block is None or block.kind != "note" or block.id in self.seen:
                if md.strip():
                    called = self.edited.blocks.get(caller) if caller is not None else None
                    self.note(f"{where(called)}: a footnote added in the DOCX: not carried "
                              f"back; add [^label] there and its text: {shown(md)}")
                continue
            self.seen.add(block.id)
            self.block(block, md)

    def missing(self) -> None:
        """The blocks the edited DOCX no longer has."""
        for block in self.edited.blocks.values():
            if block.id in self.seen:
                continue
            if block.kind in _TEXT_KINDS and block.start:
                self.found.edits.append(Edit(block.file, block.start, block.end, ()))
            elif block.kind == "words":
                continue
            elif block.kind == "note" and self.edited.footnotes_read:
                self.note(f"{where(block)}: a footnote deleted in the DOCX: not carried back; "
                          f"delete its call and its text in the source: {shown(block.markdown[:60])}")
            elif block.markdown.strip():
                self.note(f"{where(block)}: generated content deleted (a picture, a table, a "
                          f"caption, a title): not carried back: {shown(block.markdown[:60])}")


def _get(data: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        found = isinstance(data, list) and isinstance(part, int) and part < len(data) or \
            isinstance(data, dict) and part in data
        if not found:
            return None
        data = data[part]
    return data
