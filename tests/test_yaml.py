"""YAML parsing: libyaml (when PyYAML has it) and PyYAML's own parser read files alike."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from reportgen.errors import InputError
from reportgen.load import yamlsrc
from reportgen.load.sections import split_front_matter

from .conftest import SAMPLE


def _sample_yaml() -> list[tuple[Path, str]]:
    texts = [(p, p.read_text(encoding="utf-8")) for p in sorted(SAMPLE.rglob("*.yaml"))]
    for md in sorted(SAMPLE.rglob("*.md")):
        front, _, _ = split_front_matter(md.read_text(encoding="utf-8"))
        if front is not None:
            texts.append((md, "\n" + front))
    return texts


EDGE_CASES = """\
plain: 12
quoted: "12"
single: '2018-09-21'
date: 2018-09-21
float: 4.5
flag: yes
none: ~
multi: |
  Строка «одна»
  Ә Ғ Қ Ң Ө Ұ Ү Һ І
base: &b {a: 1, b: [x, y]}
merged:
  <<: *b
  b: [z]
"""


@pytest.mark.skipif(not hasattr(yaml, "CSafeLoader"), reason="PyYAML built without libyaml")
def test_libyaml_and_pyyaml_give_the_same_values_and_locations(
        monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [*_sample_yaml(), (Path("edge.yaml"), EDGE_CASES)]
    assert len(texts) > 10
    fast = [yamlsrc.parse_yaml(text, path) for path, text in texts]
    monkeypatch.setattr(yamlsrc, "_FAST_LOADER", None)
    slow = [yamlsrc.parse_yaml(text, path) for path, text in texts]
    for (path, _), a, b in zip(texts, fast, slow, strict=True):
        assert (a.data, a.value_locs, a.key_locs, a.plain_text) == (
            b.data, b.value_locs, b.key_locs, b.plain_text), path
    edge = fast[-1]
    assert edge.plain_text[("plain",)] == "12" and ("quoted",) not in edge.plain_text
    assert edge.plain_text[("flag",)] == "yes" and ("single",) not in edge.plain_text
    # A '<<' merge: its keys come in, an explicit key overrides one (it used to crash).
    assert edge.data["merged"] == {"a": 1, "b": ["z"]}


def test_a_syntax_error_is_reported_as_pyyaml_words_it() -> None:
    with pytest.raises(InputError) as caught:
        yamlsrc.parse_yaml("a: [1, 2\nb: 3\n", Path("bad.yaml"))
    (problem,) = caught.value.problems
    assert str(problem).startswith("bad.yaml:2:2: error: YAML syntax error: while parsing a "
                                   "flow sequence, expected ',' or ']'")
