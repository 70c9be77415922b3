"""The sections' HTML kept between renders (``render.htmlmemo``): never a different HTML.

Each render with a memo is compared with the same render made without one, over the
changes a split render and the preview make between two HTMLs: other page numbers, words
kept whole, figures deferred, galleries compact, references written 'ниже', an edited
section in a new document whose other sections are equal.
"""

from __future__ import annotations

import dataclasses
import re

import pytest

from reportgen.assemble.document import assemble
from reportgen.load.project import load_project
from reportgen.model import nodes as m
from reportgen.model import walk
from reportgen.render.adjustments import Adjustments
from reportgen.render.htmlmemo import SectionMemo
from reportgen.render.htmlpage import render_html
from reportgen.render.softhyphens import stem

from .conftest import SAMPLE


@pytest.fixture(scope="module")
def doc() -> m.Document:
    project = load_project(SAMPLE)
    return assemble(project, project.period(None))


class Pages(dict[str, str]):
    """Every element on a page that depends on ``seed`` (what a round's numbers look like)."""

    def __init__(self, seed: int) -> None:
        super().__init__()
        self.seed = seed

    def __missing__(self, key: str) -> str:
        return str(sum(map(ord, key)) % 3 + 1 + self.seed)


def broken_words(html: str, count: int) -> frozenset[str]:
    """Keys (``softhyphens.word_key``) of the first word with a soft hyphen in ``count``
    paragraphs: words the refinement could ask to keep whole."""
    keys = []
    for key, body in re.findall(r'<p[^>]* data-k="([^"]+)">(.*?)</p>', html, re.S):
        words = re.findall(r"[^\W\d_][\w\u00ad]*", re.sub(r"<[^>]+>", " ", body))
        hyphenated = [w for w in words if "\u00ad" in w]
        if hyphenated:
            word = hyphenated[0]
            if words.index(word) == words.index(word):  # its first occurrence
                keys.append(f"{key}/{word.replace(chr(0xAD), '')}/0")
        if len(keys) == count:
            break
    return frozenset(keys)


def adjustments_of(doc: m.Document, html: str, step: int) -> Adjustments:
    figures = [f.id for s in doc.sections for f in walk.walk_blocks(s.blocks)
               if isinstance(f, m.Figure | m.Gallery | m.Chart)]
    galleries = [f.id for s in doc.sections for f in walk.walk_blocks(s.blocks)
                 if isinstance(f, m.Gallery)]
    refs = re.findall(r'<a id="(ref-[^"]+)"', html)
    paragraphs = re.findall(r'<p[^>]* data-k="([^"]+)">', html)[:step]
    # a word of the next ones broken only after its second letter (pyphen's minimum: every
    # first soft hyphen of a Russian word is there or later), and glued to the next word
    later = sorted(broken_words(html, 4 * step) - broken_words(html, 3 * step))
    return Adjustments(
        unbroken=broken_words(html, 3 * step),
        deferred=tuple((fid, 1 + (i + step) % 2) for i, fid in enumerate(figures[step:step + 2])),
        compact=frozenset(galleries[:step]),
        here=frozenset(refs[:step]),
        only=frozenset(f"{k}@2" for k in later[::2]),
        glued=frozenset(later[1::2]),
        planned=frozenset(paragraphs),
        tight=frozenset(f"{k}={1 + n % 4}" for n, k in enumerate(paragraphs)),
    )


def test_each_render_with_the_memo_is_the_render_without_it(doc: m.Document) -> None:
    memo = SectionMemo()
    plain0 = render_html(doc, pages=Pages(0))
    assert render_html(doc, pages=Pages(0), memo=memo) == plain0
    outputs = {plain0}
    for step in range(4):
        for seed in (0, 1):
            adjust = adjustments_of(doc, plain0, step)
            plain = render_html(doc, pages=Pages(seed), adjustments=adjust)
            assert render_html(doc, pages=Pages(seed), adjustments=adjust, memo=memo) == plain
            outputs.add(plain)
    # Not vacuous: the adjustments and numbers changed the HTML, and sections were reused.
    assert len(outputs) >= 6
    assert memo.reused > memo.written > 0


def test_an_edited_section_in_a_new_document_is_written_again_and_only_it(
        doc: m.Document) -> None:
    memo = SectionMemo()
    render_html(doc, pages=Pages(0), memo=memo)
    index = next(i for i, s in enumerate(doc.sections)
                 if any(isinstance(b, m.Paragraph) for b in s.blocks))
    section = doc.sections[index]
    j = next(k for k, b in enumerate(section.blocks) if isinstance(b, m.Paragraph))
    paragraph = section.blocks[j]
    assert isinstance(paragraph, m.Paragraph)
    # Its words twice: the edition's vocabulary stays the same (see the next test).
    edited_block = dataclasses.replace(paragraph, children=(*paragraph.children, m.Text(" "),
                                                            *paragraph.children))
    edited = dataclasses.replace(section, blocks=(*section.blocks[:j], edited_block,
                                                  *section.blocks[j + 1:]))
    sections = list(doc.sections)
    sections[index] = edited
    new_doc = dataclasses.replace(doc, sections=tuple(sections))
    written = memo.written
    html = render_html(new_doc, pages=Pages(0), memo=memo)
    assert html == render_html(new_doc, pages=Pages(0))
    assert html != render_html(doc, pages=Pages(0))
    assert memo.written == written + 1  # the edited section; the others are equal


def test_a_section_is_written_again_when_the_vocabulary_it_asked_changes(
        doc: m.Document) -> None:
    """The name rule asks the edition's vocabulary whether a capitalized word is also written
    in small letters: once another section writes it so, an unchanged section that holds it
    breaks it, and must be written again."""
    memo = SectionMemo()
    before = render_html(doc, pages=Pages(0), memo=memo)
    words = memo.vocabulary(doc)
    # A capitalized word that is not broken now (its stem is not in the vocabulary).
    last = doc.sections[-1]
    word = next(w for s in doc.sections[:-1] for b in walk.walk_blocks(s.blocks)
                if isinstance(b, m.Paragraph)
                for w in re.findall(r"(?<=[а-яё,] )[А-ЯЁ][а-яё]{7,}", m.plain_text(b.children))
                if stem(w, "ru") not in words)
    added = m.Paragraph((m.Text(f"Здесь {word.lower()} написано со строчной."),), paragraph_loc(doc))
    new_doc = dataclasses.replace(doc, sections=(*doc.sections[:-1], dataclasses.replace(
        last, blocks=(*last.blocks, added))))
    assert memo.vocabulary(new_doc) != words
    written = memo.written
    html = render_html(new_doc, pages=Pages(0), memo=memo)
    assert html == render_html(new_doc, pages=Pages(0))
    assert memo.written >= written + 2  # the last section, and the one holding the word
    assert html.count("\u00ad") > before.count("\u00ad") + 2  # the word is broken now


def paragraph_loc(doc: m.Document) -> object:
    return next(b.loc for s in doc.sections for b in walk.walk_blocks(s.blocks)
                if isinstance(b, m.Paragraph))


def test_renders_that_alternate_between_two_refinements_write_nothing_again(
        doc: m.Document) -> None:
    """Each round of a split render starts without the refinements and ends with them: both
    versions of a section are kept."""
    memo = SectionMemo()
    plain = render_html(doc, pages=Pages(0))
    refined = adjustments_of(doc, plain, 2)
    assert render_html(doc, pages=Pages(0), adjustments=refined) != plain
    for adjust in (Adjustments(), refined):
        render_html(doc, pages=Pages(0), adjustments=adjust, memo=memo)
    written = memo.written
    for adjust in (Adjustments(), refined, Adjustments(), refined):
        expected = render_html(doc, pages=Pages(0), adjustments=adjust)
        assert render_html(doc, pages=Pages(0), adjustments=adjust, memo=memo) == expected
    assert memo.written == written


def test_a_section_is_written_again_when_its_lines_are_chosen(doc: m.Document) -> None:
    """Each decision of pdf/justify.py asked as the writer asks it: a paragraph marked and
    tightened, a word broken at one place only, a word glued to the next."""
    plain0 = render_html(doc, pages=Pages(0))
    para, body = next((k, b) for k, b in re.findall(r'<p[^>]* data-k="([^"]+)">(.*?)</p>',
                                                    plain0, re.S)
                     if b.count("\u00ad") > 1 and not k.startswith("summary"))  # in a section
    word = next(w for w in re.findall(r"[^\W\d_][\w\u00ad]*", re.sub(r"<[^>]+>", " ", body))
                if w.count("\u00ad") > 1)
    key = f"{para}/{word.replace(chr(0xAD), '')}/0"
    offset = len(word.split("\u00ad")[0])  # only its first soft hyphen left
    planned = Adjustments(planned=frozenset({para}))
    for before, adjust in ((Adjustments(), planned),
                           (planned, dataclasses.replace(planned, tight=frozenset({f"{para}=2"}))),
                           (Adjustments(), Adjustments(only=frozenset({f"{key}@{offset}"}))),
                           (Adjustments(), Adjustments(glued=frozenset({key})))):
        plain = render_html(doc, pages=Pages(0), adjustments=adjust)
        assert plain != render_html(doc, pages=Pages(0), adjustments=before), adjust
        memo = SectionMemo()
        render_html(doc, pages=Pages(0), adjustments=before, memo=memo)
        assert render_html(doc, pages=Pages(0), adjustments=adjust, memo=memo) == plain, adjust
