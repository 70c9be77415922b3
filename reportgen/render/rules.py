"""What both writers share: the rules the print writer (HTML for WeasyPrint) and the DOCX
writer must agree on, each written once.

Part of the render stage, beside the writers, and imported by them only; it imports
neither of them and reads no files. A rule written in two writers is how the PDF and the
DOCX drift apart, so which figures the list of figures lists and where it goes, how many
columns a gallery or a row of metric tiles has, how an appendix is labelled and what the
cover's place line says are decided here.

The print layout's look is its CSS, data that a user may change; the few of its sizes
that the DOCX repeats (Word has no CSS) are stated here in millimetres, next to the rule
they copy, and tests/test_render_rules.py checks that the bundled layout says the same.
"""

from __future__ import annotations

import re

from reportgen.model import nodes as m
from reportgen.model import walk

#: ``figure img { max-height: 88mm }``: the tallest a picture of a figure is shown.
FIGURE_MAX_HEIGHT_MM = 88
#: ``.chapter-cover { height: 52mm }``: the height of a section's cover picture.
SECTION_COVER_HEIGHT_MM = 52
#: ``.cover-logo { width: 24mm }``: the width of the organization's logo on the cover.
LOGO_WIDTH_MM = 24

#: Where the list of figures may go (the report's ``list_of_figures``).
AFTER_CONTENTS = "after_contents"
AT_END = "end"


def listed_figures(doc: m.Document) -> list[m.Figure | m.Gallery | m.Chart]:
    """What the list of figures lists: every numbered figure (photo, gallery, chart) of
    every section, in reading order."""
    return [figure for section in doc.sections for figure in walk.figures(section.blocks)]


def list_of_figures_place(doc: m.Document) -> str | None:
    """Where the list of figures goes (``AFTER_CONTENTS`` or ``AT_END``); None when the
    report asks for none or has no figure to list (an empty list is left out)."""
    place = doc.meta.list_of_figures
    return place if place and listed_figures(doc) else None


def gallery_columns(count: int) -> int:
    """The columns of a gallery of ``count`` pictures: two for 2 and 4, else three (the
    print layout's ``.gallery.cols-2``, which the HTML writer names)."""
    return 2 if count in (2, 4) else 3


def metric_columns(count: int) -> int:
    """The columns of a grid of ``count`` metric tiles: one alone, two for 2 and 4, else
    three. The HTML writer names the count (``metrics n4``) and the print layout's CSS
    sets these columns for it (``.metrics.n1``, ``.metrics.n2, .metrics.n4``)."""
    return 1 if count == 1 else 2 if count in (2, 4) else 3


#: The catalog's pattern of each kind of label ({n}: the number; Kazakh puts it first:
#: «1-сурет.», «1-қосымша»), and the default where a catalog has none: the word, the number.
_LABEL_KEYS = {"figure": "caption_figure", "table": "caption_table", "appendix": "appendix_label"}
_DEFAULT_LABELS = {"figure": "{word} {n}.", "table": "{word} {n}.", "appendix": "{word} {n}"}
NBSP = "\u00a0"


def caption_parts(kind: str, strings: dict[str, str]) -> tuple[str, str]:
    """What a ``kind`` ('figure', 'table', 'appendix') label shows before and after its
    number: ('Рисунок\u00a0', '.') in Russian, ('', '-сурет.') in Kazakh. A space next to
    the number is a no-break space (the number never starts a line alone). Both writers
    compose labels from these, so the DOCX can put the number in a field between them."""
    pattern = strings.get(_LABEL_KEYS[kind]) or _DEFAULT_LABELS[kind].replace(
        "{word}", strings[kind])
    before, found, after = pattern.partition("{n}")
    if not found:
        raise ValueError(f"the catalog's {_LABEL_KEYS[kind]} has no {{n}}: {pattern!r}")
    if before.endswith(" "):
        before = before[:-1] + NBSP
    if after.startswith(" "):
        after = NBSP + after[1:]
    return before, after


def caption_label(kind: str, number: int | str, strings: dict[str, str]) -> str:
    """'Рисунок 3.', '3-сурет.', 'Приложение 2', 'Figure 3.' (no-break space before the number)."""
    before, after = caption_parts(kind, strings)
    return f"{before}{number}{after}"


def appendix_label(section: m.Section, strings: dict[str, str]) -> str | None:
    """'Приложение 2' («2-қосымша») for an appendix (``strings`` are the layout's words),
    None for a chapter."""
    if section.appendix is None:
        return None
    return caption_label("appendix", section.appendix, strings)


def section_title(section: m.Section, strings: dict[str, str]) -> str:
    """A section's title as the contents, bookmarks and running heads show it:
    'Приложение 2. Title' («2-қосымша. Title») for an appendix, the title alone for a
    chapter."""
    label = appendix_label(section, strings)
    return section.title if label is None else f"{label}. {section.title}"


def cover_place(meta: m.Meta) -> str:
    """The cover's last line: the city and the year of the report's date ('Астана, 2018'),
    either alone, or '' when it has neither."""
    year = str(meta.date.year) if meta.date else None
    return ", ".join(part for part in (meta.city, year) if part)


def reference_here(ref: m.CrossRef, strings: dict[str, str], where: str) -> tuple[m.Inline, ...]:
    """A resolved page reference that stands on its target's own page, spelled without the
    page: the reference up to its target's number (with a word joined to it: «1-кесте»),
    in the catalog's ``ref.above`` or ``ref.below`` pattern (``where``): 'таблица 1 на с. 5'
    -> 'таблица 1 ниже', '1-кесте (5-бет)' -> 'төмендегі 1-кесте', 'Table 1 on p. 5' ->
    'Table 1 below'. What comes between the number and the page ('на с.', '(с.', ', p.')
    goes, and after the page its closing bracket or a suffix joined to it ('-бет'). A
    reference of another shape (no number before its page), or a catalog without the
    pattern, keeps its children."""
    pattern = strings.get(f"ref.{where}")
    children = ref.children
    at = next((i for i, c in enumerate(children) if isinstance(c, m.PageRef)), None)
    if not pattern or "{ref}" not in pattern or at is None or ref.number is None or at == 0:
        return children
    before = children[at - 1]
    if not isinstance(before, m.Text):
        return children
    number = list(re.finditer(rf"(?<!\d){ref.number}(?!\d)(?:-[^\W\d_]+)?", before.text))
    if not number:
        return children
    cut = number[-1].end()
    phrase = before.text[cut:]
    rest = list(children[at + 1:])
    if rest and isinstance(rest[0], m.Text):
        after = rest[0].text
        if "(" in phrase and ")" in after:
            after = after[after.index(")") + 1:]
        elif after.startswith("-"):
            after = re.sub(r"^\S*", "", after)
        rest[0] = m.Text(after)
    # The pattern's spaces stay spaces: 'таблица 1' is one piece already, and 'ниже' may
    # start a line.
    head, _, tail = pattern.partition("{ref}")
    kept = [*children[:at - 1], m.Text(before.text[:cut])]
    return m.merge_text([m.Text(head), *kept, m.Text(tail), *rest])
