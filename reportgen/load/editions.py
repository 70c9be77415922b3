"""Load stage: a report's editions, one per language, and which file each section uses in each.

``report.yaml`` declares ``languages: [ru, kk, en]`` (``language`` is the main
one). A section listed as a path is the main language's file; its edition in
language ``xx`` is the file ``name.xx.md`` next to it. A section listed as a
mapping names its files per language and may be limited to some editions::

    - sections/about.md                                  # about.kk.md, about.en.md
    - {id: press-en, en: sections/press-en.md, editions: [en]}

Appendices are listed the same way and numbered within each edition. A
section missing from an edition is an error naming it and the file that was
expected; a draft build uses the main language's text instead, marked. Texts
of report.yaml (title, organization, ...) are one text, or one per edition; a
report with several editions must give them per edition. Nothing here reads
the sections themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from reportgen.errors import Problems, SourceLoc
from reportgen.load.schema import Period, Report, SectionEntry
from reportgen.load.yamlsrc import Located, Path_
from reportgen.text.formats import period_label
from reportgen.text.strings import languages as catalog_languages

#: The texts of report.yaml that appear in an edition, by their path in the file.
LOCALIZED_FIELDS: tuple[Path_, ...] = (
    ("title",), ("subtitle",), ("organization", "name"), ("organization", "short_name"),
    ("addressee",), ("city",),
)


def text_in(value: str | Mapping[str, str] | None, lang: str) -> str | None:
    """A report text in the language of an edition (checked to exist by ``check_editions``)."""
    if value is None or isinstance(value, str):
        return value
    return value.get(lang)


def period_text(period: Period, lang: str) -> str:
    """A period's label in ``lang``: as written, or made from its dates."""
    return text_in(period.label, lang) or period_label(period.start, period.end, lang)


@dataclass(frozen=True, slots=True)
class SectionSource:
    """The file one section is read from in one edition."""

    default_id: str  # the id shared by the section's editions, unless its front matter says
    file: Path
    ref: str  # the path as written in report.yaml
    loc: SourceLoc  # the section's entry in report.yaml
    lang: str  # the language the file is written in (unless its front matter says)
    stand_in: bool = False  # a draft build's main-language text for a missing edition
    appendix: int | None = None  # its number among the edition's appendices; None: a section


def check_editions(report: Report, doc: Located, problems: Problems) -> None:
    """The editions are known languages and every text and section entry fits them."""
    editions = report.editions
    known = catalog_languages()
    if report.languages is not None and report.language not in report.languages:
        problems.error(doc.loc(("languages",)), f"languages: the main language '{report.language}' "
                       f"(language:) must be one of the editions {report.languages}")
        return  # the other checks would only repeat it
    for i, lang in enumerate(report.languages or [report.language]):
        if lang not in known:
            where = doc.loc(("languages", i) if report.languages else ("language",))
            problems.error(where, f"no message catalog for language '{lang}' "
                           f"(reportgen has: {', '.join(known)})")
    several = len(editions) > 1
    for path in LOCALIZED_FIELDS:
        value = _get(report, path)
        name = ".".join(map(str, path))
        if isinstance(value, str) and several:
            problems.error(doc.loc(path), f"{name}: the report has editions {', '.join(editions)}; "
                           f"give this text for each ({{{': ..., '.join(editions)}: ...}})")
        elif isinstance(value, dict):
            _check_mapping(value, editions, doc, path, name, problems)
    for i, period in enumerate(report.periods):
        if isinstance(period.label, str) and several:
            problems.error(doc.loc(("periods", i, "label")),
                           f"periods[{i}].label: the report has editions {', '.join(editions)}; "
                           "give the label for each, or leave it out to have it made from "
                           "the dates")
        elif isinstance(period.label, dict):
            _check_mapping(period.label, editions, doc, ("periods", i, "label"),
                           f"periods[{i}].label", problems)
    for key in ("sections", "appendices"):
        for i, entry in enumerate(getattr(report, key)):
            if isinstance(entry, SectionEntry):
                for lang in [*entry.files, *(entry.editions or [])]:
                    if lang not in editions:
                        problems.error(doc.loc((key, i)),
                                       f"{key}[{i}]: '{lang}' is not an edition of this report "
                                       f"(languages: {', '.join(editions)})")


def _check_mapping(value: Mapping[str, str], editions: list[str], doc: Located, path: Path_,
                   name: str, problems: Problems) -> None:
    for lang in editions:
        if lang not in value:
            problems.error(doc.loc(path), f"{name}: no {lang} text (the report's editions are "
                           f"{', '.join(editions)})")
    for lang in value:
        if lang not in editions:
            problems.error(doc.loc((*path, lang), key=True), f"{name}: '{lang}' is not an "
                           f"edition of this report (languages: {', '.join(editions)})")


def _get(report: Report, path: Path_) -> object:
    node: object = report
    for part in path:
        node = getattr(node, str(part), None)
    return node


def section_sources(report: Report, root: Path, source: Located, lang: str, draft: bool,
                    problems: Problems) -> list[SectionSource]:
    """The files of the sections, then of the appendices, of the ``lang`` edition, in order.

    Appendices are numbered within the edition: one left out of it leaves no gap.
    """
    out = _sources(report, "sections", root, source, lang, draft, problems)
    appendices = _sources(report, "appendices", root, source, lang, draft, problems)
    out += [replace(a, appendix=n) for n, a in enumerate(appendices, 1)]
    return out


def _sources(report: Report, key: str, root: Path, source: Located, lang: str, draft: bool,
             problems: Problems) -> list[SectionSource]:
    out: list[SectionSource] = []
    main = report.language
    what = "section" if key == "sections" else "appendix"
    for i, entry in enumerate(getattr(report, key)):
        loc = source.loc((key, i))
        if isinstance(entry, str):
            main_ref = entry
            ref = entry if lang == main else _sibling(entry, lang)
            default_id = Path(entry).stem
        else:
            if entry.editions is not None and lang not in entry.editions:
                continue
            files = entry.files
            main_ref = files.get(main) or next(iter(files.values()))
            ref = files.get(lang, "")
            default_id = entry.id or Path(main_ref).stem
        if ref and (root / ref).is_file():
            out.append(SectionSource(default_id, root / ref, ref, loc, lang))
            continue
        expected = f"'{ref}' not found" if ref else f"no '{lang}:' file in the entry"
        if draft and ref != main_ref:
            problems.warning(loc, f"{what} '{default_id}' has no {lang} edition ({expected}); "
                             f"the draft uses the {main} text, marked")
            out.append(SectionSource(default_id, root / main_ref, main_ref, loc, main,
                                     stand_in=True))
            continue
        if ref == main_ref or lang == main:
            problems.error(loc, f"{what} file '{ref or main_ref}' not found")
            continue
        problems.error(loc, f"{what} '{default_id}' has no {lang} edition: {expected}; "
                       f"write it, or limit the {what} to some editions "
                       f"({{{main}: {main_ref}, editions: [{main}]}}), or build with --draft")
    return out


def _sibling(ref: str, lang: str) -> str:
    """'sections/about.md' in Kazakh: 'sections/about.kk.md'."""
    path = Path(ref)
    return str(path.with_name(f"{path.stem}.{lang}{path.suffix}"))
