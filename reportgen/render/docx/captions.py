"""Caption labels of the DOCX report as Word's own captions: the text around a figure's,
table's or appendix's number, and the SEQ field's identifier that numbers it.

Part of the render stage. The labels are the print writer's (``rules.caption_parts``:
'Рисунок 3.', '3-сурет.', 'Figure 3.'), with the space next to the number a no-break
space, as the catalogs ask. The SEQ identifier is the label's word ('Рисунок', 'Таблица',
'сурет', 'Figure'), the name Word's Insert Caption gives the sequence of a label it is
given, so a caption an editor adds with Insert Caption continues the report's numbering,
and the list of figures (a TOC field over the sequence) lists it.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportgen.render import rules

NBSP = "\u00a0"
#: Where Word puts a label's caption: a figure's below it, a table's above.
POSITIONS = {"figure": "below", "table": "above"}


@dataclass(frozen=True, slots=True)
class Label:
    """What a caption shows before and after its number, and the sequence that counts it."""

    before: str
    after: str
    seq: str

    def text(self, number: int | str) -> str:
        return f"{self.before}{number}{self.after}"


def label(kind: str, strings: dict[str, str]) -> Label:
    """The label of ``kind`` ('figure', 'table', 'appendix') in the edition's words."""
    before, after = rules.caption_parts(kind, strings)
    if before.endswith(" "):
        before = before[:-1] + NBSP
    if after.startswith(" "):
        after = NBSP + after[1:]
    return Label(before, after, seq_name(before + after, kind))


def seq_name(text: str, kind: str) -> str:
    """A SEQ identifier from a label's words: its letters, digits and underscores (Word's
    rule for a sequence's name, at most 40 characters, starting with a letter)."""
    name = "".join(c for c in text if c.isalnum() or c == "_")[:40]
    return name if name[:1].isalpha() else kind.title()


def word_captions(strings: dict[str, str]) -> list[tuple[str, str]]:
    """The caption labels Word is told of (settings' ``w:captions``): (name, position)."""
    return [(label(kind, strings).seq, pos) for kind, pos in POSITIONS.items()
            if kind in strings or f"caption_{kind}" in strings]
