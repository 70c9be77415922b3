"""The preview's memo of assembled sections (``assemble.sectionmemo``): a section taken again
gives the document, the problems, the numbering and the caches' entries that assembling it
again gives, and nothing is taken once what it was made from changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reportgen.assemble.sectionmemo import SectionMemo
from reportgen.checking import CheckResult, check
from reportgen.model.bynode import ByNode

from .conftest import SAMPLE, Project
from .test_preview import SECTION_B, two_sections


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    root = tmp_path / "sample"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".reportgen-cache"))
    return root


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _same(memoized: CheckResult, fresh: CheckResult) -> None:
    """What a check through the memo gave is what a check without it gives."""
    assert [str(p) for p in memoized.problems] == [str(p) for p in fresh.problems]
    assert memoized.assemblies.keys() == fresh.assemblies.keys()
    for lang, assembly in fresh.assemblies.items():
        assert memoized.assemblies[lang].document == assembly.document, lang
    for kept, made in ((memoized.codes, fresh.codes), (memoized.pictures, fresh.pictures)):
        assert kept is not None and made is not None
        assert kept.used().keys() == made.used().keys()


def _checked(root: Path, memo: SectionMemo | None) -> CheckResult:
    return check(root, cache=True, memo=memo)


def test_sections_taken_again_equal_a_fresh_assembly(sample: Path) -> None:
    memo = SectionMemo()
    first = _checked(sample, memo)
    assert memo.hits == 0 and memo.misses == len(memo) > 20  # three editions of the sample
    _same(first, _checked(sample, None))
    again = _checked(sample, memo)
    assert memo.misses == len(memo) and memo.hits == len(memo)  # nothing assembled again
    _same(again, _checked(sample, None))
    # One paragraph of one edition edited: that section alone is assembled again.
    _edit(sample / "sections" / "about.md", "является", "является (1)")
    misses = memo.misses
    edited = _checked(sample, memo)
    assert memo.misses == misses + 1
    _same(edited, _checked(sample, None))
    assert "является (1)" in repr(edited.assemblies["ru"].document)


def test_numbering_moved_on_assembles_the_later_sections_again(sample: Path) -> None:
    """A figure added to the first section numbers every later figure one more: each of the
    edition's later sections starts from other counters, so none is taken as it was."""
    memo = SectionMemo()
    _checked(sample, memo)
    _edit(sample / "sections" / "analytics.md", "```{chart}\nwork-trend\n```",
          "![Ещё рисунок](../assets/images/4-memo-1.jpg)\n\n```{chart}\nwork-trend\n```")
    misses = memo.misses
    memoized = _checked(sample, memo)
    assert memo.misses - misses >= 5  # analytics and every section after it in Russian
    _same(memoized, _checked(sample, None))


def test_a_chart_placed_again_later_is_an_error_when_the_first_place_is_taken(
        sample: Path) -> None:
    memo = SectionMemo()
    _checked(sample, memo)
    about = sample / "sections" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\n```{chart}\nwork-trend\n```\n",
                     encoding="utf-8")
    memoized = _checked(sample, memo)  # analytics (placing work-trend first) taken as it was
    assert any("chart 'work-trend' is placed twice" in p.message for p in memoized.errors)
    _same(memoized, _checked(sample, None))


def test_problems_of_a_section_taken_again_are_given_again(sample: Path) -> None:
    memo = SectionMemo()
    _edit(sample / "sections" / "press.md", "\n\n", "\n\n{{ indicators.no_such_thing }}\n\n")
    first = _checked(sample, memo)
    assert any("no_such_thing" in p.message for p in first.errors)
    _edit(sample / "sections" / "about.md", "является", "является (1)")
    memoized = _checked(sample, memo)  # press taken as it was, its error with it
    assert any("no_such_thing" in p.message for p in memoized.errors)
    _same(memoized, _checked(sample, None))


def test_the_memo_is_bounded() -> None:
    assert SectionMemo(limit=3).limit == 3


def test_a_bounded_memo_keeps_the_latest(sample: Path) -> None:
    memo = SectionMemo(limit=4)
    _checked(sample, memo)
    assert len(memo) == 4
    memo.forget()
    assert len(memo) == 0


# --------------------------------------------- walks remembered by node (model.bynode)

def test_a_section_taken_again_shows_its_targets_new_title(project: Project) -> None:
    """Section a, taken as it was, refers to b: renaming b renames the reference."""
    two_sections(project)
    memo = SectionMemo()
    before = check(project.root, memo=memo)
    assert "«Второй раздел»" in repr(before.assemblies["ru"].document)
    project.write("sections/b.md", SECTION_B.replace("Второй раздел", "Другой раздел"))
    after = check(project.root, memo=memo)
    assert memo.hits >= 1  # a was taken as it was
    doc = repr(after.assemblies["ru"].document)
    assert "«Другой раздел»" in doc and "«Второй раздел»" not in doc
    assert after.assemblies["ru"].document == check(project.root).assemblies["ru"].document


def test_a_missing_glyph_of_a_section_taken_again_is_reported_again(project: Project) -> None:
    two_sections(project)
    project.write("sections/b.md", SECTION_B.replace("Текст второго раздела.", "Снег \u2603."))
    memo = SectionMemo()
    for _ in range(2):  # b the same object the second time
        found = [p.message for p in check(project.root, memo=memo).errors]
        assert any("U+2603" in message for message in found), found


class _Node:
    """A node remembered by identity: weakly referable, as ``model.nodes.Section`` is."""

    def __init__(self, *values: int) -> None:
        self.values = values


def test_by_node_is_by_identity_bounded_and_weak() -> None:
    import gc

    calls: list[object] = []

    def fn(node: _Node) -> int:
        calls.append(node)
        return sum(node.values)

    memo: ByNode[_Node, int] = ByNode(fn, limit=2)
    a, b, c = _Node(1, 2), _Node(3, 4), _Node(5, 6)
    assert memo(a) == 3 and memo(a) == 3 and len(calls) == 1
    assert memo(_Node(1, 2)) == 3 and len(calls) == 2  # equal, another object: made again
    memo(b)
    memo(c)
    assert len(memo) == 2
    memo(a)  # gone with the oldest: made again
    assert len(calls) == 5
    calls.clear()
    del b, c
    gc.collect()
    assert len(memo) == 1  # what was remembered of a node goes with it


def test_old_versions_of_an_edited_section_are_swept(sample: Path) -> None:
    """Many saves of one section: the memo keeps its latest two versions, not every one."""
    memo = SectionMemo()
    _checked(sample, memo)
    size = len(memo)
    about = sample / "sections" / "about.md"
    for i in range(6):
        _edit(about, "является" if i == 0 else f"является ({i - 1})", f"является ({i})")
        _checked(sample, memo)
    assert len(memo) == size + 1


def test_recent_forgets_what_two_turns_did_not_ask_for() -> None:
    from reportgen import recent

    calls: list[str] = []

    @recent.recent(maxsize=100)
    def upper(text: str) -> str:
        calls.append(text)
        return text.upper()

    assert upper("a") == "A" and upper("a") == "A" and calls == ["a"]
    upper("old")
    recent.turn()
    upper("a")  # asked again each round: kept
    recent.turn()
    upper("a")
    assert len(upper) == 2  # "old" was asked in the round before the last: still kept
    recent.turn()
    assert len(upper) == 1  # ...and now gone
    upper("old")
    assert calls == ["a", "old", "old"]
