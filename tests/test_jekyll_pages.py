"""The organization's Jekyll pages work as sections unchanged.

tests/fixtures/jekyll/ holds byte-for-byte copies of the seed pages shared/seeds/000_* and 001_*.
"""

from __future__ import annotations

import pytest

from reportgen.assemble.document import assemble
from reportgen.load.project import load_project
from reportgen.model import nodes as m
from reportgen.model import walk

from .conftest import make_seed_project


@pytest.fixture(scope="module")
def seed_doc(tmp_path_factory: pytest.TempPathFactory) -> m.Document:
    project = load_project(make_seed_project(tmp_path_factory.mktemp("seedproj")))
    return assemble(project, project.period(None))


def plain(text: str) -> str:
    """Text with the typography pass's no-break spaces as plain ones."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def test_front_matter_and_bold_lead(seed_doc: m.Document) -> None:
    analytics, coop = seed_doc.sections
    assert plain(analytics.title) == "Информационная и аналитическая деятельность"
    assert m.plain_text(analytics.lead).startswith("За отчетный период Институтом мировой")
    # Jekyll 'cut' (the typography pass binds the number to its noun: issue 22)
    assert "подготовлено 20 информационно" in plain(m.plain_text(analytics.summary))
    assert analytics.cover is not None and analytics.cover.source is not None
    assert analytics.cover.source.name == "7-cover.jpg"  # the project's file (path: its copy)
    assert coop.lead and m.plain_text(coop.lead).startswith("Фонд ведёт активную работу")


def test_expandable_content_is_expanded(seed_doc: m.Document) -> None:
    analytics = seed_doc.sections[0]
    divs = [b for b in analytics.blocks if isinstance(b, m.Div)]
    assert [d.role for d in divs] == ["expandable-content"]
    text = " ".join(m.plain_text(b.children) for b in divs[0].blocks
                    if isinstance(b, m.Paragraph))
    assert "Опубликовано 1004 интервью" in plain(text)
    lists = [b for b in divs[0].blocks if isinstance(b, m.ListBlock)]
    assert [len(x.items) for x in lists] == [5, 5]


def test_carousels_become_galleries_with_every_slide(seed_doc: m.Document) -> None:
    coop = seed_doc.sections[1]
    inner = [b for d in coop.blocks if isinstance(d, m.Div) for b in d.blocks]
    galleries = [b for b in inner if isinstance(b, m.Gallery)]
    assert [len(g.images) for g in galleries] == [3, 7, 11, 6, 5, 5, 3]
    assert str(galleries[2].images[10].source).endswith("/11.jpg")
    assert plain(m.plain_text(galleries[1].caption)) == (
        # the space after an initial put back by the typography pass (issue 22)
        "Подписание меморандума сотрудничества между Фондом Н. Назарбаева и Фондом мира Гои")


def test_video_becomes_a_poster_figure(seed_doc: m.Document) -> None:
    coop = seed_doc.sections[1]
    inner = [b for d in coop.blocks if isinstance(d, m.Div) for b in d.blocks]
    video = [b for b in inner if isinstance(b, m.Figure) and b.role == "video"]
    assert len(video) == 1
    assert str(video[0].image.source).endswith("/UN.jpg")


def test_heading_levels_are_normalized(seed_doc: m.Document) -> None:
    coop = seed_doc.sections[1]
    levels = [(h.level, plain(m.plain_text(h.children))[:30]) for h in walk.headings(coop.blocks)]
    assert levels[0] == (2, "Подписание меморандума с Korea")
    assert (3, "Конференция по правовым вопрос") in levels
    assert {lvl for lvl, _ in levels} == {2, 3}


def test_a_picture_without_caption_is_captioned_by_its_heading(seed_doc: m.Document) -> None:
    # ![](book-cover.png) under "### Презентация книги «Эра независимости»": never an empty
    # caption (a bare "Рисунок 10." in the list of figures, a number as the alt text).
    coop = seed_doc.sections[1]
    figures = [b for b in walk.walk_blocks(coop.blocks) if isinstance(b, m.Figure)]
    assert all(m.plain_text(f.caption).strip() for f in figures)
    cover = next(f for f in figures if f.image.source and f.image.source.name == "book-cover.png")
    assert cover.image.alt == ""
    assert plain(m.plain_text(cover.caption)) == "Презентация книги «Эра независимости»"
    assert plain(m.figure_alt(cover, "Рисунок")) == "Презентация книги «Эра независимости»"
