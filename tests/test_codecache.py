"""Compiled expressions and the narrative's checks kept between builds (``codecache``):
reused, equal, and never loaded from a file this user's builds did not sign."""

from __future__ import annotations

from pathlib import Path

from reportgen.build import build, check
from reportgen.cache.signed import CodeCache, SignedStore, cache_file, user_key
from reportgen.check.consistency import checks_cache, checks_file

from .conftest import DATA_YAML, Project, problems_of

SECTION = """\
---
title: Раздел
lead: Итоги за {{ period.label }}
---

Подготовлено {{ indicators.materials.text }}, из них {{ indicators.materials.value - 3 }}
в срок.

{% for e in events %}- {{ e.title }}, {{ e.city }}
{% endfor %}
"""


def test_a_rebuild_compiles_nothing_again_and_makes_the_same_files(
        project: Project, tmp_path: Path) -> None:
    project.write("sections/a.md", SECTION)
    first = build(project.root, tmp_path / "a")
    assert cache_file(project.root).is_file() and checks_file(project.root).is_file()
    again = check(project.root, cache=True)
    assert again.codes is not None and again.codes.hits == 2  # the lead and the body
    assert again.checks is not None and again.checks.hits == 1  # the section
    uncached = build(project.root, tmp_path / "b", use_cache=False)
    cached = build(project.root, tmp_path / "c")
    for fmt, path in first.edition().outputs.items():
        assert path.read_bytes() == uncached.edition().outputs[fmt].read_bytes()
        assert path.read_bytes() == cached.edition().outputs[fmt].read_bytes()


def test_cached_code_reports_a_failing_expression_where_it_is_written(
        project: Project, tmp_path: Path) -> None:
    """Code compiled while the data was fine meets data it fails on: the problem is the one
    an uncached build reports, at the expression's file and line."""
    project.write("sections/a.md", SECTION.replace(
        "{{ indicators.materials.value - 3 }}",
        "{{ 100 // (indicators.materials.value - 24) }}"))
    project.write("activity/p1.yaml", DATA_YAML.replace("value: 23", "value: 25"))
    build(project.root, tmp_path / "a")
    project.write("activity/p1.yaml", DATA_YAML.replace("value: 23", "value: 24"))
    with_cache = problems_of(project)
    assert check(project.root, cache=True).codes.hits == 2  # type: ignore[union-attr]
    assert any(line.startswith("sections/a.md:6:") and "division" in line
               for line in with_cache), with_cache
    (project.root / ".reportgen-cache" / "expressions").unlink()
    assert problems_of(project) == with_cache


def test_a_cache_file_not_signed_with_the_users_key_is_never_loaded(
        project: Project, tmp_path: Path) -> None:
    project.write("sections/a.md", SECTION)
    build(project.root, tmp_path / "a")
    file = cache_file(project.root)
    good = file.read_bytes()
    assert check(project.root, cache=True).codes.hits == 2  # type: ignore[union-attr]
    # Received with the project: signed by someone else's key.
    other = CodeCache(file, b"k" * 32)
    assert other.hits == 0 and not other._stored
    # Tampered with: one byte of the code changed.
    file.write_bytes(good[:-1] + bytes([good[-1] ^ 1]))
    assert check(project.root, cache=True).codes.hits == 0  # type: ignore[union-attr]
    # Garbage, or cut short.
    for data in (b"", b"x" * 10, good[:40]):
        file.write_bytes(data)
        assert check(project.root, cache=True).codes.hits == 0  # type: ignore[union-attr]


def test_no_usable_key_means_no_cache_and_no_error(tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the key's folder should be")
    assert user_key(blocked) is None
    cache = CodeCache(tmp_path / "expressions", None)
    cache.save()
    assert not (tmp_path / "expressions").exists()
    made = user_key(tmp_path / "home")
    assert made is not None and len(made) == 32 and user_key(tmp_path / "home") == made
    assert (tmp_path / "home" / "reportgen" / "key").stat().st_mode & 0o077 == 0


TYPED = """\
---
title: Раздел
---

Подготовлено 23 материала и 25 материалов, {{ indicators.materials.text }}.

Второй абзац: 23 материала.
"""


def test_the_checks_of_typed_numbers_are_reused_and_equal_uncached_ones(
        project: Project, tmp_path: Path) -> None:
    """A warning (23, as in the data) and an error (25) found by checking the text, or from
    the last build's checks: the same problems, at the same places, either way."""
    project.write("sections/a.md", TYPED)
    first = check(project.root, cache=True)
    assert first.checks is not None and first.checks.hits == 0
    first.checks.save()
    again = check(project.root, cache=True)
    assert again.checks is not None and again.checks.hits == 1
    assert again.problems == first.problems
    assert again.problems == check(project.root).problems  # no cache at all
    severities = sorted(p.severity for p in again.problems)
    assert severities == ["error", "warning", "warning"], again.problems
    assert all(p.related and p.related[0].file.name == "p1.yaml" for p in again.problems)
    # The data changes: the section is checked again (25 is now right, 23 contradicts it).
    project.write("activity/p1.yaml", DATA_YAML.replace("value: 23", "value: 25"))
    changed = check(project.root, cache=True)
    assert changed.checks is not None and changed.checks.hits == 0
    assert sorted(p.severity for p in changed.problems) == ["error", "error", "warning"]


def test_checks_from_a_file_not_signed_by_this_user_never_hide_an_error(
        project: Project, tmp_path: Path) -> None:
    project.write("sections/a.md", TYPED)
    result = check(project.root, cache=True)
    assert result.checks is not None
    # Someone else's build found nothing in this very text: its file is ignored.
    forged = SignedStore(checks_file(project.root), b"k" * 32, checks_cache(project.root)
                         ._environment)
    forged._used = {k: () for k in result.checks._used}
    forged.save()
    again = check(project.root, cache=True)
    assert again.checks is not None and again.checks.hits == 0
    assert again.problems == result.problems and again.errors
