"""Check stage: numbers typed by hand in the narrative, against the activity data.

Reads the text of each section as it was typed (the Markdown body outside
``{{ }}``/``{% %}``, and the front matter's ``title``, ``lead`` and ``cut``)
and finds numbers that stand next to the words of an indicator's or
breakdown's label: ``23 информационно-аналитических материала`` next to the
label ``информационно-аналитических материалов на имя Главы государства``.
Words are compared by their stems (Snowball), so inflected forms match; how a
number is tied to a label is ``matching``'s. A number that differs from the
data is an error citing both places; one that equals it is a warning, because
it will go stale next period: both suggest the expression to write instead.

What a section's text gives against the data is kept between builds
(``.reportgen-cache/checks``, a signed store like the compiled expressions): a
rebuild checks again only the sections whose text, or the data, changed.
Nothing here changes the document; problems are only recorded.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from reportgen.assemble.document import Assembly, SectionText
from reportgen.cache.root import cache_folder, code_digest, library_versions
from reportgen.cache.signed import SignedStore, user_key
from reportgen.check.matching import Fact, Language, Word, best_match, number_text, phrase, scan
from reportgen.errors import Problem, Problems, SourceLoc
from reportgen.load.schema import ActivityData
from reportgen.load.yamlsrc import Located

FRONT_MATTER_TEXTS = ("title", "lead", "cut")
#: The code whose findings the checks cache keeps.
CHECK_CODE = ("check/consistency.py", "check/matching.py")


def checks_file(project_root: Path) -> Path:
    return cache_folder(project_root, "checks")


def checks_cache(project_root: Path) -> SignedStore:
    """The problems each section's text gave against the data, from the last build."""
    return SignedStore(checks_file(project_root), user_key(),
                       code_digest(*CHECK_CODE) + library_versions("snowballstemmer"))


def check_narrative(assembly: Assembly, problems: Problems,
                    cache: SignedStore | None = None) -> None:
    """Compare the numbers typed in every section with the data of the assembled period.
    ``cache``: what the last build found in the texts it checked (``checks_cache``)."""
    if assembly.activity is None:
        return
    activity = assembly.activity
    languages: dict[str, tuple[Language, list[Fact], bytes]] = {}
    for section in assembly.sections:
        if section.lang not in languages:
            lang = Language(section.lang)
            facts = _data_facts(activity.data, activity.source, lang)
            languages[section.lang] = (lang, facts, repr(facts).encode())
        lang, facts, facts_text = languages[section.lang]
        digest = hashlib.sha256(b"\0".join((
            facts_text, section.lang.encode(), str(section.file).encode(),
            str(section.body_line).encode(), section.text.encode()))).digest()
        found = cache.get(digest) if cache is not None else None
        if found is not None:
            problems.extend(_thawed(found, section.file))
            continue
        here = Problems()
        for start, end in _regions(section):
            _check_text(section, start, end, facts, lang, here)
        problems.extend(here.items)
        if cache is not None:
            cache.put(digest, tuple(_frozen(p) for p in here.items))


Frozen = tuple[str, int | None, int | None, str, tuple[tuple[str, int | None, int | None], ...]]


def _frozen(problem: Problem) -> Frozen:
    """``problem`` (found in a section's file) as plain values that ``marshal`` writes."""
    assert problem.loc is not None
    return (problem.severity, problem.loc.line, problem.loc.col, problem.message,
            tuple((str(r.file), r.line, r.col) for r in problem.related))


def _thawed(found: tuple[Frozen, ...], file: Path) -> list[Problem]:
    return [Problem(SourceLoc(file, line, col), message, severity,
                    tuple(SourceLoc(Path(f), fl, fc) for f, fl, fc in related))
            for severity, line, col, message, related in found]


def _data_facts(data: ActivityData, source: Located, lang: Language) -> list[Fact]:
    """Every labelled value of the data: indicators, breakdown totals and their parts."""

    def forms(label: str | Mapping[str, str]) -> tuple[tuple[Word, ...], ...]:
        texts = [label] if isinstance(label, str) else list(dict.fromkeys(label.values()))
        return tuple(f for f in (lang.significant(t) for t in texts) if f)

    facts = [Fact(f"indicators.{name}", ind.value, forms(ind.label),
                  source.loc(("indicators", name, "value")))
             for name, ind in data.indicators.items()]
    for name, b in data.breakdowns.items():
        facts.append(Fact(f"breakdowns.{name}", b.total, forms(b.label),
                          source.loc(("breakdowns", name, "total"))))
        facts += [Fact(f"breakdowns.{name}.parts.{key}", part.value, forms(part.label),
                       source.loc(("breakdowns", name, "parts", key, "value")))
                  for key, part in b.parts.items()]
    return [f for f in facts if f.forms]


def _regions(section: SectionText) -> Iterator[tuple[int, int]]:
    """The spans of the file that hold typed text: front matter texts, then the body."""
    lines = _line_starts(section.text)
    front = section.front
    keys = sorted((loc.line or 0, loc.col or 0) for path, loc in front.key_locs.items()
                  if len(path) == 1)
    body = lines[section.body_line] if section.body_line < len(lines) else len(section.text)
    for key in FRONT_MATTER_TEXTS:
        if (key,) not in front.key_locs or not isinstance(front.data.get(key), str):
            continue
        at = front.value_locs[(key,)]
        start = _offset(lines, at.line or 1, at.col or 1)
        later = [k for k in keys if k > (at.line or 0, at.col or 0)]
        end = _offset(lines, *later[0]) if later else lines[section.body_line - 1]
        yield start, min(end, body)
    yield body, len(section.text)


def _line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer("\n", text)]


def _offset(lines: list[int], line: int, col: int) -> int:
    return lines[line - 1] + col - 1



def _check_text(section: SectionText, start: int, end: int, facts: list[Fact],
                lang: Language, problems: Problems) -> None:
    tokens = scan(section.text, start, end, lang)
    lines = _line_starts(section.text)
    for i, tok in enumerate(tokens):
        if tok.kind != "num":
            continue
        matches = [m for f in facts if (m := best_match(tokens, i, f, lang)) is not None]
        if not matches:
            continue
        top = max(m.score for m in matches)
        best = [m for m in matches if m.score == top]
        equal = [m for m in best if m.fact.value == tok.value]
        match = (equal or best)[0]
        line = bisect.bisect_right(lines, tok.start)
        where = SourceLoc(section.file, line, tok.start - lines[line - 1] + 1)
        quoted = phrase(section.text[match.start:match.end])
        fact = match.fact
        data_at = f"{fact.name}, {fact.loc}"
        if equal:
            problems.warning(
                where, f"'{quoted}': the number is typed by hand; it equals the data "
                f"({data_at}): write {{{{ {fact.name} }}}} so that it cannot go stale",
                (fact.loc,))
        else:
            problems.error(
                where, f"'{quoted}' contradicts the data: {fact.name} is "
                f"{number_text(fact.value)} ({fact.loc}); write {{{{ {fact.name} }}}} "
                "instead of the typed number", (fact.loc,))
