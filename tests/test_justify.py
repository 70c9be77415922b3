"""Justification (issue 22): the lines of a paragraph chosen over the whole paragraph
(render/pdf/justify.py), written back as decisions on its words, laid out as chosen.

'~' stands for a no-break space, '|' for a soft hyphen in the expected texts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reportgen.errors import SourceLoc
from reportgen.layout import Layout
from reportgen.model import nodes as m
from reportgen.render.adjustments import NONE, TIGHT_LEVELS, Adjustments, Movable
from reportgen.render.html import HtmlWriter
from reportgen.render.pdf import justify, paragraphs, refine
from reportgen.render.pdf.writer import LayoutEngine, page_box
from reportgen.render.softhyphens import Breaks, TextBlock, only_break, stem, word_key
from reportgen.text.strings import strings_for

from .conftest import REPO

LOC = SourceLoc(Path("sections/a.md"), 1)

#: Two paragraphs of the sample (international-cooperation.md, about.md): names that may not
#: break, and long words that would hyphenate many lines in a row.
NAMES = ("Мероприятие посетили высокие гости из других стран: Первая леди Армении Нуне "
         "Саркисян, Вице-Премьер-министр Кыргызстана Алтынай Омурбекова, Заместитель "
         "Премьер-министра Узбекистана Танзила Нарбаева, Министр по делам женщин Афганистана "
         "Дильбар Назари, Министр культуры и\u00a0информации Афганистана Хасин Сафи, йеменская "
         "правозащитница, журналист и\u00a0политик, ставшая первой арабской "
         "женщиной-лауреатом Нобелевской премии мира, Тавакуль Карман и\u00a0др.")
LONG = ("Члены научно-экспертной группы активно участвуют в\u00a0реализации республиканских "
        "проектов в\u00a0сфере межэтнических отношений. На основании результатов собственных "
        "исследований межэтнической сферы, обсуждений и\u00a0совместно выработанных методик на "
        "заседаниях НЭГ АНК проводится профилактическая работа в\u00a0среде различных этносов "
        "по превентивному выявлению потенциальных конфликтных ситуаций на этнической "
        "и\u00a0межэтнической почве, формированию норм социального поведения, характерных для "
        "полиэтничного гражданского общества.")


def shown(text: str) -> str:
    return text.replace("\u00ad", "|").replace("\u00a0", "~")


def _vocabulary(*texts: str) -> frozenset[str]:
    return frozenset(stem(w, "ru") for t in texts for w in re.findall(r"\w+", t) if w.islower())


def _html(adjustments: Adjustments) -> str:
    writer = HtmlWriter(strings_for("ru"), adjustments=adjustments,
                        words=_vocabulary(NAMES, LONG))
    writer.begin("s", "ru")
    body = writer.blocks((m.Paragraph((m.Text(NAMES),), LOC), m.Paragraph((m.Text(LONG),), LOC)))
    return f'<html lang="ru"><body><section class="chapter">{body}</section></body></html>'


@pytest.fixture()
def lay_out(tmp_path: Path) -> Iterator[Any]:
    """Lay out HTML with the default layout; the pages' boxes are used inside the test."""
    engine = LayoutEngine()
    held: list[Any] = []

    def run(html: str) -> list[Any]:
        context = engine.lay_out(html, tmp_path, Layout(), "none")
        document = context.__enter__()
        held.append(context)
        return [page_box(p) for p in document.pages]

    yield run
    for context in held:
        context.__exit__(None, None, None)


def _lines(pages: list[Any]) -> dict[str, paragraphs.Paragraph]:
    found = {}
    for key, lines in paragraphs.paragraphs(pages):
        par = paragraphs.read_paragraph(key, lines)
        assert par is not None
        found[key] = par
    return found


def _line_texts(par: paragraphs.Paragraph, ends: list[int] | None = None) -> list[str]:
    """The texts of the lines ending at ``ends`` (default: where they ended), with a hyphen
    where a word broke, and no soft hyphen."""
    ends = par.ends if ends is None else [*ends, len(par.text)]
    starts = [0] + [e + (par.text[e:e + 1] == " ") for e in ends[:-1]]
    return [par.text[s:e].replace("\u00ad", "") + ("-" if par.text[e - 1] == "\u00ad" else "")
            for s, e in zip(starts, ends, strict=True)]


def _gaps(pages: list[Any], space: float) -> list[float]:
    """The spaces of each justified line's text boxes, over a natural one: ``space`` as
    the paragraph's word- and letter-spacing give it, stretched by the justification."""
    from weasyprint.formatting_structure import boxes

    found = []
    for page in pages:
        for box in page.descendants():
            if isinstance(box, boxes.TextBox) and box.justification_spacing:
                letters = box.style["letter_spacing"]
                found.append((space + box.style["word_spacing"] + (
                    0 if letters == "normal" else letters) + box.justification_spacing) / space)
    return found


def test_the_simulation_gives_the_lines_weasyprint_made(lay_out: Any) -> None:
    for par in _lines(lay_out(_html(NONE))).values():
        measure = paragraphs.Measure(par)
        simulated = paragraphs.first_fit(par, measure, paragraphs.opportunities(par))
        assert [b.at for b in simulated] == par.ends[:-1], par.key


def test_chosen_lines_are_laid_out_as_chosen_within_the_limits(lay_out: Any) -> None:
    first = lay_out(_html(NONE))
    found = refine.findings(first)
    assert found.planned == {"s.1", "s.2"}
    adjustments = refine.advance(NONE, found, Movable({}, frozenset()))
    before, plans = _lines(first), refine._plans(first)[0]
    second = lay_out(_html(adjustments))
    after = _lines(second)
    for key, par in after.items():
        # as many lines (no page changes), and where the plan put them
        assert len(par.ends) == len(before[key].ends)
        planned = _line_texts(before[key], [b.at for b in plans[key].lines])
        assert [t.replace("\u00a0", " ") for t in _line_texts(par)] == [
            t.replace("\u00a0", " ") for t in planned]  # a glued word's space is a no-break one
        hyphenated = [t.endswith("-") and t[-2].isalpha() for t in planned[:-1]]
        runs = "".join("x" if h else "." for h in hyphenated)
        assert "xxx" not in runs, (key, runs)
    assert plans["s.2"].greedy_cost > plans["s.2"].cost  # greedy broke 3 lines in a row
    assert 'data-j="1"' in _html(adjustments)
    # the spaces are stretched less: fewer loose lines (a space over twice its width)
    space = paragraphs.Measure(before["s.1"]).space()
    assert sum(g > 2 for g in _gaps(second, space)) < sum(g > 2 for g in _gaps(first, space))
    assert max(_gaps(second, space)) < max(_gaps(first, space))
    assert refine.findings(second).planned == set()  # planned once, not again


def test_a_word_may_break_at_one_place_only_or_be_glued_to_the_next() -> None:
    assert shown(only_break("со\u00adтруд\u00adни\u00adче\u00adства", 6)) == "сотруд|ничества"
    assert shown(only_break("на\u00adуч\u00adно-экс\u00adперт\u00adной", 7)) == (
        "научно-экспертной")  # after its own hyphen: no soft hyphen left
    breaks = Breaks(only=frozenset({word_key("s.1", "сотрудничества", 0) + "@6"}),
                    glued=frozenset({word_key("s.1", "Армении", 0)}))
    block = TextBlock("s.1", frozenset({stem("сотрудничество", "ru")}), breaks)
    text = "".join(p for p, _ in block.pieces("сотрудничества леди Армении Нуне", "ru"))
    assert shown(text) == "сотруд|ничества леди Армении~Нуне"


def test_a_planned_paragraph_is_marked_and_may_be_tightened() -> None:
    adjustments = Adjustments(planned=frozenset({"s.1"}), tight=frozenset({"s.1=2"}))
    writer = HtmlWriter(strings_for("ru"), adjustments=adjustments)
    writer.begin("s", "ru")
    html = str(writer.blocks((m.Paragraph((m.Text("Один."),), LOC),
                              m.Paragraph((m.Text("Два."),), LOC))))
    assert '<p class="tight-2" data-k="s.1" data-j="1">' in html
    assert '<p data-k="s.2">' in html


def test_each_tightening_has_its_class_in_the_layout() -> None:
    css = (REPO / "layouts" / "default" / "report.css").read_text(encoding="utf-8")
    assert len(justify.TIGHTENING) == TIGHT_LEVELS + 1
    for n, (words, letters) in enumerate(justify.TIGHTENING[1:], 1):
        rule = re.search(rf"p\.tight-{n} {{([^}}]*)}}", css)
        assert rule, n
        assert f"word-spacing: -{words:g}em" in rule.group(1)
        assert (f"letter-spacing: -{letters:g}em" in rule.group(1)) is bool(letters)


def test_the_decisions_are_kept_with_a_cached_part() -> None:
    found = refine.Findings(frozenset({"a/b/0"}), only=frozenset({"a/c/0@3"}),
                            glued=frozenset({"a/d/0"}), planned=frozenset({"a"}),
                            tight=frozenset({"a=1"}))
    assert refine.Findings.from_json(found.to_json()) == found
    merged = refine.advance(NONE, found, Movable({}, frozenset()))
    assert (merged.only, merged.glued, merged.planned, merged.tight) == (
        found.only, found.glued, found.planned, found.tight)


def test_a_plan_is_remembered_by_all_it_depends_on(lay_out: Any) -> None:
    """``planmemo``: the same paragraph laid out again gets the plan chosen before, the same
    as one chosen afresh; a paragraph that measures otherwise (another size, another width)
    gets its own; a new font configuration forgets them all."""
    from reportgen.render.pdf import planmemo

    planmemo.forget()
    first = _lines(lay_out(_html(NONE)))
    plans = {key: planmemo.plan_of(par, {}) for key, par in first.items()}
    assert len(planmemo._plans) == 2
    again = _lines(lay_out(_html(NONE)))  # a new layout: other box and style objects
    for key, par in again.items():
        assert planmemo.plan_of(par, {}) is plans[key]
        fresh = justify.plan_paragraph(par, paragraphs.Measure(par))
        assert fresh is not None and plans[key] is not None
        assert fresh.lines == plans[key].lines and fresh.only == plans[key].only
        assert fresh.glued == plans[key].glued and fresh.tight == plans[key].tight
    assert len(planmemo._plans) == 2
    bigger = _lines(lay_out(_html(NONE).replace("<body>", '<body style="font-size: 12pt">')))
    narrower = _lines(lay_out(_html(NONE).replace('class="chapter"',
                                                  'class="chapter" style="width: 150mm"')))
    for par in (*bigger.values(), *narrower.values()):
        planmemo.plan_of(par, {})
    assert len(planmemo._plans) == 6
    LayoutEngine()._stylesheets(REPO / "data", Layout(), True, None)  # a new configuration
    assert len(planmemo._plans) == 0


def test_the_planner_finds_each_positions_chunk_and_width_as_a_scan_does(lay_out: Any) -> None:
    """``Planner._chunk`` (a bisection) gives the first chunk holding a position, as a scan of
    the chunks does; ``Measure.width``, remembered, what measuring afresh gives."""
    for par in _lines(lay_out(_html(NONE))).values():
        planner = justify.Planner(par, paragraphs.Measure(par))
        for at in range(len(par.text) + 1):
            scanned = next((c for c in planner.chunks if c[0] <= at <= c[1]), (at, at))
            assert planner._chunk(at) == scanned, (par.key, at)
        fresh = paragraphs.Measure(par)
        for start in range(0, len(par.text), 7):
            for end in range(start, len(par.text) + 1, 11):
                for hyphen in (False, True):
                    first = planner.measure.width(start, end, hyphen)
                    assert planner.measure.width(start, end, hyphen) == first
                    assert fresh._width(start, end, hyphen) == first
