"""Narrative expressions: numbers, plural agreement, sandbox, and line mapping."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen.assemble.dataviews import Count
from reportgen.assemble.expressions import Expressions, mark_lines, unmark_lines
from reportgen.errors import Problems, SourceLoc
from reportgen.text.formats import format_number

FORMS = {"one": "материал", "few": "материала", "many": "материалов", "other": "материала"}


@pytest.mark.parametrize(("n", "expected"), [
    (0, "материалов"), (1, "материал"), (2, "материала"), (4, "материала"), (5, "материалов"),
    (11, "материалов"), (12, "материалов"), (14, "материалов"), (21, "материал"),
    (22, "материала"), (25, "материалов"), (101, "материал"), (111, "материалов"),
    (1.5, "материала"),
])
def test_russian_plural_forms(n: float, expected: str) -> None:
    assert Count(n, FORMS, "ru").label == expected


@pytest.mark.parametrize(("n", "expected"), [
    (0, "events"), (1, "event"), (2, "events"), (21, "events"), (1.5, "events"),
])
def test_english_plural_forms(n: float, expected: str) -> None:
    assert Count(n, {"one": "event", "other": "events"}, "en").label == expected


@pytest.mark.parametrize(("value", "lang", "expected"), [
    (1004, "ru", "1\u202f004"), (1004, "en", "1,004"), (23, "ru", "23"), (1004, "kk", "1\u202f004"),
    (1234567.5, "ru", "1\u202f234\u202f567,5"), (1234567.5, "en", "1,234,567.5"),
    (1234567.5, "kk", "1\u202f234\u202f567,5"), (0.25, "ru", "0,25"),
])
def test_numbers_follow_the_locale(value: int, lang: str, expected: str) -> None:
    assert format_number(value, lang) == expected


def render(text: str, context: dict[str, object] | None = None) -> tuple[str, list[str]]:
    problems = Problems()
    ctx = {"indicators": {"materials": Count(23, FORMS, "ru")}, **(context or {})}
    out = Expressions(ctx, "ru").render(text, SourceLoc(Path("s.md"), 10), problems)
    return out, [str(p) for p in problems.items]


@pytest.mark.parametrize(("source", "expected"), [
    ("{{ indicators.materials }}", "23"),
    ("{{ indicators.materials.text }}", "23\u00a0материала"),
    ("{{ 21 | plural('мероприятии', 'мероприятиях', 'мероприятиях') }}", "21\u00a0мероприятии"),
    ("{{ 27 | form('мероприятии', 'мероприятиях', 'мероприятиях') }}", "мероприятиях"),
    ("{{ 1004 | number }}", "1\u202f004"),
    ("{{ items | where(kind='a') | length }}", "2"),
])
def test_expressions_render(source: str, expected: str) -> None:
    class Item:
        def __init__(self, kind: str) -> None:
            self.kind = kind

    out, problems = render(source, {"items": [Item("a"), Item("b"), Item("a")]})
    assert problems == []
    assert out == expected


@pytest.mark.parametrize(("source", "expected"), [
    ("a\n{{ indicators.nope }}", ["s.md:11:15: error: undefined name 'nope' (known here: materials)"]),
    ("{{ x }} and\n{{ y }}", ["s.md:10:4: error: undefined name 'x'",
                              "s.md:11:4: error: undefined name 'y'"]),
    ("{{ materials }}", ["s.md:10:4: error: undefined name 'materials'; did you mean "
                         "'indicators.materials'?"]),
    ("{{ indicatrs.materials }}", ["s.md:10:4: error: undefined name 'indicatrs'; did you mean "
                                   "'indicators'?"]),
    ("{{ ''.__class__ }}", ["s.md:10:7: error: expression not allowed: access to attribute "
                            "'__class__' of 'str' object is unsafe."]),
    ("{{ [1].append(2) }}", ["s.md:10:8: error: expression not allowed: access to attribute "
                             "'append' of 'list' object is unsafe."]),
    ("x\n{{ 1 + }}", ["s.md:11: error: expression syntax error: unexpected 'end of print "
                      "statement'"]),
    ("{{ 'x' | plural('a') }}", ["s.md:10: error: expression failed: plural: expected a number, "
                                 "got 'x'"]),
])
def test_expression_errors_are_located(source: str, expected: list[str]) -> None:
    out, problems = render(source)
    assert problems == expected
    assert out == source  # nothing half-rendered


def test_line_markers_map_rendered_lines_back_to_the_source() -> None:
    source = "a\n{% for i in [1, 2] %}\n- {{ i }}\n{% endfor %}\nb"
    out, problems = render(mark_lines(source))
    text, lines = unmark_lines(out)
    assert problems == []
    assert text.splitlines() == ["a", "", "- 1", "", "- 2", "", "b"]
    assert lines == [1, 2, 3, 2, 3, 4, 5]
