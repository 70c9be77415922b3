"""The check step: load, assemble and check the editions of a period, every problem at once.

Above the stages (it runs load, assemble and check in order), below ``build``, which runs
it first and renders nothing if it found an error, and the preview, which runs it on
each save and hands back the editions a save cannot have changed (``reuse``).
``reportgen check`` is this step alone. Prints nothing; reads only the project.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportgen.assemble.assets import layout_problems
from reportgen.assemble.document import Assembly, collect
from reportgen.assemble.sectionmemo import SectionMemo
from reportgen.cache.pictures import Decoded
from reportgen.cache.signed import CodeCache, SignedStore
from reportgen.check.consistency import check_narrative, checks_cache
from reportgen.check.glyphs import check_edition
from reportgen.check.names import Stems
from reportgen.check.release_gate import check_release_data, check_release_edition
from reportgen.errors import InputError, Problem, Problems
from reportgen.load.project import Project, load_project
from reportgen.render.templates import template_problems

__all__ = ["CheckResult", "EditionCheck", "check"]


@dataclass
class Timed:
    timings: list[tuple[str, float]] = field(default_factory=list)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings.append((name, time.perf_counter() - start))


@dataclass(frozen=True, slots=True)
class EditionCheck:
    """What checking one edition gave (``check``), to be reused while its input stands."""

    assembly: Assembly
    problems: tuple[Problem, ...]  # those its assembly and checks found
    glyphs: bool  # whether its glyphs were checked (no error came before it)
    #: The entries of the caches of expressions, checks and pictures the whole check had
    #: used once it was done (kept again when it is reused: ``SignedStore.use``).
    used: tuple[dict[bytes, Any], ...]
    gate: tuple[Problem, ...]  # what the release gate found in it


def _used(store: SignedStore | None) -> dict[bytes, Any]:
    return store.used() if store is not None else {}


@dataclass
class CheckResult(Timed):
    """Every problem of one period's input, in source order; warnings are errors if strict."""

    problems: list[Problem] = field(default_factory=list)
    project: Project | None = None
    period_id: str | None = None
    #: The assembled editions, by language (complete only when there is no error).
    assemblies: dict[str, Assembly] = field(default_factory=dict)
    #: Each edition's share of the check, for ``check(reuse=...)``.
    editions: dict[str, EditionCheck] = field(default_factory=dict)
    #: The compiled expressions, to keep for the next build (when asked to cache).
    codes: CodeCache | None = None
    pictures: Decoded | None = None
    #: What each section's text gave against the data, likewise.
    checks: SignedStore | None = None
    #: The release gate still to run (``check(defer_gate=True)``), None once it has run.
    gate: Callable[[], None] | None = None

    def finish(self) -> None:
        """Run the release gate if it was left for later (``check``'s ``defer_gate``)."""
        gate, self.gate = self.gate, None
        if gate is not None:
            gate()

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def check(
    project_dir: Path,
    period_id: str | None = None,
    strict: bool = False,
    langs: Sequence[str] | None = None,
    draft: bool = False,
    cache: bool = False,
    reuse: Mapping[str, EditionCheck] | None = None,
    defer_gate: bool = False,
    memo: SectionMemo | None = None,
) -> CheckResult:
    """Everything a build of the editions ``langs`` (default: all) of a period would use,
    checked without rendering anything. With ``cache``, the expressions the last build
    compiled are reused (``codecache``), and so are the problems the texts it checked gave
    (``consistency``); ``result.codes.save()`` and ``result.checks.save()`` keep this check's.

    ``reuse``: editions checked before (``result.editions`` of an earlier check) whose
    input has not changed since, as their caller knows (the preview: no file it read was
    saved); each is taken as it was, with its problems, instead of being assembled and
    checked again, unless what it was checked after differs (an error in an edition
    before it now, which leaves its glyphs unchecked).

    ``defer_gate``: when nothing else found an error (and not ``strict``, where the gate's
    warnings are errors), the release gate is left for ``result.finish()``: its findings
    are warnings, so the preview renders meanwhile. Until then ``result.problems`` lacks
    them and ``result.editions`` the editions checked this time.

    ``memo``: the sections its caller assembled before (``assemble.sectionmemo``), which
    it forgets when anything but a section's text changed."""
    result = CheckResult()
    problems = Problems()
    with result.stage("load"):
        try:
            project = load_project(project_dir)
            period = project.period(period_id)
            wanted = _editions(project, langs)
        except InputError as exc:
            result.problems = _ordered(exc.problems, strict)
            return result
    result.project, result.period_id = project, period.id
    # The layout's files and stylesheets may name only what a build may read (issue 23); a
    # project's templates must parse and name templates the layout has (issue 21).
    problems.extend(layout_problems(project.layout, project.root))
    problems.extend(template_problems(project.layout))
    result.codes = CodeCache.for_project(project.root) if cache else None
    result.checks = checks_cache(project.root) if cache else None
    result.pictures = Decoded(project.root, persistent=cache)
    suffix = len(project.report.editions) > 1
    stores = (result.codes, result.checks, result.pictures)
    made: dict[str, tuple[Assembly, tuple[Problem, ...], bool]] = {}
    for lang in wanted:
        # Glyphs only of a complete document (an error before means the model is partial).
        glyphs = not problems.errors
        kept = reuse.get(lang) if reuse is not None else None
        if kept is not None and kept.glyphs == glyphs:
            result.assemblies[lang], result.editions[lang] = kept.assembly, kept
            problems.extend(kept.problems)
            for store, entries in zip(stores, kept.used, strict=True):
                if store is not None:
                    store.use(entries)
            continue
        start = len(problems.items)
        with result.stage("assemble" + (f" {lang}" if suffix else "")):
            assembly = result.assemblies[lang] = collect(project, period, problems, lang, draft,
                                                         result.codes, result.pictures, memo)
        with result.stage("check" + (f" {lang}" if suffix else "")):
            if assembly.document is not None and glyphs:
                check_edition(project, period, assembly.document, problems)
            check_narrative(assembly, problems, result.checks)
        made[lang] = (assembly, tuple(problems.items[start:]), glyphs)
    def gate() -> None:
        with result.stage("release gate"):  # placeholders, estimates, dates, names: warnings
            check_release_data(project, period, result.assemblies.values(), problems)
            stems = Stems.shared()
            for lang, assembly in result.assemblies.items():
                if lang not in made:
                    problems.extend(result.editions[lang].gate)
                    continue
                start = len(problems.items)
                check_release_edition(project, period, assembly, problems, stems)
                _, found, glyphs = made[lang]
                result.editions[lang] = EditionCheck(assembly, found, glyphs, tuple(
                    _used(store) for store in stores), tuple(problems.items[start:]))
        result.problems = _ordered(problems.items, strict)

    if defer_gate and not strict and not problems.errors:
        result.problems = _ordered(problems.items, strict)  # the gate's warnings to come
        result.gate = gate
    else:
        gate()
    return result


def _editions(project: Project, langs: Sequence[str] | None) -> list[str]:
    editions = project.report.editions
    wanted = list(langs) if langs else editions
    unknown = [lang for lang in wanted if lang not in editions]
    if unknown:
        raise InputError.single(
            project.source.loc(("languages",) if project.report.languages else ("language",)),
            f"no {', '.join(unknown)} edition in this report (its languages: "
            f"{', '.join(editions)})")
    return wanted


def _ordered(problems: list[Problem], strict: bool) -> list[Problem]:
    """Each problem once (editions share data and files), grouped by file in the order files
    were first met, then by line and column; with ``strict``, warnings become errors."""
    unique = list(dict.fromkeys(problems))
    files: dict[object, int] = {}
    for p in unique:
        files.setdefault(p.loc.file if p.loc else None, len(files))

    def key(p: Problem) -> tuple[int, int, int]:
        if p.loc is None:
            return (files[None], 0, 0)
        return (files[p.loc.file], p.loc.line or 0, p.loc.col or 0)

    out = sorted(unique, key=key)
    if strict:
        out = list(dict.fromkeys(Problem(p.loc, p.message, "error", p.related) for p in out))
    return out
