"""Check stage: every character of an edition must exist in the fonts its layout uses.

Run by the build's check step on each assembled edition, before rendering, so
that a missing glyph is an error naming the character, its code point and where
it occurs, instead of a fallback box or a silently substituted system font in
the output. The fonts are those of the families the layout's files name
(``fontuse``): the bundled ones, and a project's own (``fonts:`` in report.yaml);
a character must be in every face of each (any style may set any text).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator
from itertools import chain

from reportgen.check.fontuse import used_families
from reportgen.errors import Problems, SourceLoc
from reportgen.layout import Layout
from reportgen.load.project import Project
from reportgen.load.schema import Period
from reportgen.model import nodes as m
from reportgen.model import walk
from reportgen.model.bynode import ByNode
from reportgen.text.strings import string_locations

#: Characters that are layout instructions rather than glyphs.
_INVISIBLE = {0x0A, 0x0D, 0x09, 0xAD, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF}


def check_edition(project: Project, period: Period, doc: m.Document, problems: Problems) -> None:
    """Every character of an assembled edition, its cover's words included, is in the fonts.
    A section whose every character is (``_SECTION_CHARS``, found once while it is the same
    object: ``model.bynode``) is not read again."""
    layout = project.layout
    covered = layout.coverage(used_families(layout))
    texts = [section_texts(s) for s in doc.sections if not _SECTION_CHARS(s) <= covered]
    check_glyphs(chain(cover_texts(project, doc.meta, period), *texts), problems, layout)


def check_glyphs(texts: Iterable[tuple[str, SourceLoc | None]], problems: Problems,
                 layout: Layout) -> None:
    """Every character of ``texts`` (each with where it is written) is in the fonts that
    ``layout`` uses."""
    families = used_families(layout)
    covered = layout.coverage(families)
    which = ("the bundled fonts" if not layout.fonts else
             "the fonts of the layout (" + ", ".join(sorted(families)) + ")")
    reported: set[tuple[int, SourceLoc | None]] = set()
    for text, loc in texts:
        for ch in text:
            cp = ord(ch)
            if cp in covered or cp in _INVISIBLE or (cp, loc) in reported:
                continue
            reported.add((cp, loc))
            name = unicodedata.name(ch, "unnamed character")
            problems.error(
                loc,
                f"character {ch!r} (U+{cp:04X} {name}) is not in {which}; "
                f"replace it or add a font that has it (docs/fonts.md; "
                f"context: {_context(text, ch)!r})",
            )


def _context(text: str, ch: str) -> str:
    i = text.index(ch)
    return text[max(0, i - 20): i + 20]


def document_texts(doc: m.Document) -> Iterator[tuple[str, SourceLoc | None]]:
    """The texts of the sections, each with where it comes from (the cover's are the caller's)."""
    for section in doc.sections:
        yield from section_texts(section)


def section_texts(section: m.Section) -> Iterator[tuple[str, SourceLoc | None]]:
    """The texts of ``section``, each with where it comes from."""
    where = SourceLoc(section.source, 1)
    yield section.title, where
    yield m.plain_text(section.lead), where
    yield m.plain_text(section.summary), where
    yield from _blocks(section.blocks)


def _section_chars(section: m.Section) -> frozenset[int]:
    """The code points ``section`` writes, but layout instructions."""
    return frozenset(ord(ch) for text, _ in section_texts(section) for ch in text) - _INVISIBLE


_SECTION_CHARS = ByNode(_section_chars)


def _blocks(blocks: tuple[m.Block, ...]) -> Iterator[tuple[str, SourceLoc | None]]:
    for block in blocks:
        match block:
            case m.Heading(children=c, loc=loc) | m.Paragraph(children=c, loc=loc):
                yield m.plain_text(c), loc
                for note in walk.notes(c):
                    yield " ".join(m.plain_text(p) for p in note.paragraphs), note.loc
            case m.Figure(caption=c, loc=loc) | m.Gallery(caption=c, loc=loc):
                yield m.plain_text(c), loc
            case m.Chart(caption=c, loc=loc, categories=cats, series=series, alt=alt,
                         x_label=x, y_label=y):
                names = [name for name, _ in series]
                yield " ".join([m.plain_text(c), alt, x or "", y or "", *cats, *names]), loc
            case m.ListBlock(items=items):
                for item in items:
                    yield from _blocks(item)
            case m.Quote(blocks=b) | m.Div(blocks=b):
                yield from _blocks(b)
            case m.MetricGrid(metrics=metrics, loc=loc):
                for metric in metrics:
                    yield f"{metric.value} {metric.label} {metric.detail or ''}", loc
            case m.ThematicBreak():
                pass
            case m.Table(caption=c, head=head, body=body, loc=loc):
                yield m.plain_text(c), loc
                for row in (*head, *body):
                    yield " ".join(m.plain_text(cell.children) for cell in row.cells), loc
            case _:
                raise TypeError(f"unknown block {block!r}")


def cover_texts(project: Project, meta: m.Meta, period: Period
                ) -> Iterator[tuple[str, SourceLoc | None]]:
    """The cover's texts with where they are written: report.yaml, or the message catalog."""
    src, lang = project.source, meta.lang
    index = project.report.periods.index(period)

    def at(*path: str | int) -> SourceLoc:
        return src.loc((*path, lang)) if (*path, lang) in src.value_locs else src.loc(path)

    yield meta.title, at("title")
    yield meta.subtitle or "", at("subtitle")
    yield meta.organization, at("organization", "name")
    yield meta.organization_short, at("organization", "short_name")
    yield meta.addressee or "", at("addressee")
    yield meta.city or "", at("city")
    yield meta.period_label, at("periods", index, "label") if project.report.periods[
        index].label else at("periods", index)
    locations = string_locations(lang)
    for key, value in meta.strings.items():
        yield value, locations.get(key)
