"""Every syntax error of a YAML file the parser can get past, at once, with the advice to quote;
undefined names of an expression with the full path of what was meant."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from reportgen.build import check
from reportgen.errors import InputError
from reportgen.load.yamlsrc import parse_yaml

from .conftest import Project

QUOTE = ("YAML syntax error: mapping values are not allowed here: the value holds ': ', which "
         "YAML reads as another key; quote it: ")


def errors(text: str) -> list[str]:
    with pytest.raises(InputError) as caught:
        parse_yaml(text, Path("x.yaml"))
    return [str(p) for p in caught.value.problems]


def test_every_title_with_a_colon_at_once_fast() -> None:
    """The issue's file: 1,200 events whose titles hold ': ' unquoted."""
    text = "events:\n" + "".join(
        f"  - kind: conference\n    title: Азия: будущее {i}\n    date: 2018-05-01\n"
        f"    partners: [МИД, Фонд]\n" for i in range(1200))
    start = time.perf_counter()
    found = errors(text)
    assert time.perf_counter() - start < 3
    assert len(found) == 1200
    assert found[0] == f"x.yaml:3:16: error: {QUOTE}title: \"Азия: будущее 0\""
    assert found[-1] == f"x.yaml:4799:16: error: {QUOTE}title: \"Азия: будущее 1199\""


CASES = [
    ("a list item, a comment, inner quotes",
     '- partner: Фонд: «Мир» # seen\n- partner: Институт "ИМЭП": Астана\n',
     [f"x.yaml:1:16: error: {QUOTE}partner: \"Фонд: «Мир»\" # seen",
      f"x.yaml:2:27: error: {QUOTE}partner: 'Институт \"ИМЭП\": Астана'"]),
    ("a value ending with a colon", "title: Итоги:\ncity: Астана\n",
     [f"x.yaml:1:13: error: {QUOTE}title: \"Итоги:\""]),
    ("a block scalar's lines are text", "note: |\n  Note: fine\n  a: b\ntitle: A: B\n",
     [f"x.yaml:4:9: error: {QUOTE}title: \"A: B\""]),
    ("an unclosed quote, then a colon", 'a: "abc\nb: 1\n',
     ["x.yaml:3:1: error: YAML syntax error: while scanning a quoted scalar, found unexpected end "
      "of stream (it opens at line 1, column 4, and is never closed)"]),
    ("a tab, then a colon", "a:\n\tb: 1\nc: 2\nd: e: f\n",
     ["x.yaml:2:1: error: YAML syntax error: while scanning for the next token, found character "
      "'\\t' that cannot start any token",
      f"x.yaml:4:5: error: {QUOTE}d: \"e: f\""]),
    ("an unclosed list, then a colon", "a: [1, 2\nb: 3\nc: d: e\n",
     ["x.yaml:2:2: error: YAML syntax error: while parsing a flow sequence, expected ',' or ']', "
      "but got ':'",
      f"x.yaml:3:5: error: {QUOTE}c: \"d: e\""]),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_errors_after_the_first(text: str, expected: list[str]) -> None:
    assert errors(text) == expected


def test_a_file_of_errors_ends() -> None:
    """Errors that only the cuts cause are not reported; the re-parses are bounded."""
    found = errors("a: [\n" * 200)
    assert 1 <= len(found) <= 30


def test_the_project_reports_every_file_at_once(project: Project) -> None:
    project.write("activity/p1.yaml", "events:\n  - kind: conference\n    title: Азия: будущее\n"
                  "  - kind: forum\n    title: Форум: итоги\n")
    project.write("sections/a.md", "---\ntitle: Раздел: итоги\n---\n\nТекст.\n")
    found = [str(p).split("proj/")[1] for p in check(project.root).problems]
    assert found == [f"activity/p1.yaml:3:16: error: {QUOTE}title: \"Азия: будущее\"",
                     f"activity/p1.yaml:5:17: error: {QUOTE}title: \"Форум: итоги\"",
                     f"sections/a.md:2:14: error: {QUOTE}title: \"Раздел: итоги\""]


def test_undefined_names_suggest_the_full_path(project: Project) -> None:
    project.write("sections/a.md", "---\ntitle: Раздел\n---\n\n{{ materials }} {{ indicators.materails }} "
                  "{{ domestic }}.\n")
    found = [str(p).split("proj/")[1] for p in check(project.root).problems]
    assert found == [
        "sections/a.md:5:4: error: undefined name 'materials'; did you mean "
        "'indicators.materials'?",
        "sections/a.md:5:31: error: undefined name 'materails'; did you mean "
        "'indicators.materials'? (known here: materials)",
        "sections/a.md:5:47: error: undefined name 'domestic'; did you mean "
        "'breakdowns.media.parts.domestic'?",
    ]
