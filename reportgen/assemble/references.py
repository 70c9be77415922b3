"""Assemble stage: cross-references resolved once the whole document is read.

Sections, appendices, headings, figures and tables are targets, each with an
id, a kind, a number (if it has one) and a title. A reference written as
``{numref}`tab-events``` or ``{ref}`см. {title} <analytics>``` is resolved
here to the target's anchor, kind and number and spelled from its template,
with a ``PageRef`` where the page goes (the writers resolve pages). An unknown
id is an error at the reference, with the closest known id suggested.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from dataclasses import dataclass, fields, is_dataclass, replace
from typing import Any

from reportgen.errors import Problems, SourceLoc, did_you_mean
from reportgen.model import nodes as m
from reportgen.model import walk
from reportgen.model.bynode import ByNode

PLACEHOLDERS = ("number", "page", "title", "kind")
_AUTO_HEADING = re.compile(r"^h\d+$")


@dataclass(frozen=True, slots=True)
class Target:
    anchor: str  # the id in the outputs (HTML id; the DOCX bookmark is found by it)
    kind: str  # "section", "appendix", "heading", "figure", "table"
    number: int | None
    title: str
    loc: SourceLoc


def targets(doc: m.Document, problems: Problems) -> dict[str, Target]:
    """Every referable thing of ``doc`` by the id an author writes; twice-used ids are errors."""
    found: dict[str, Target] = {}

    def add(key: str, target: Target) -> None:
        if key in found:
            problems.error(target.loc, f"the id '{key}' is used twice (also by the "
                           f"{found[key].kind} at {found[key].loc}); ids must be unique")
            return
        found[key] = target

    for section in doc.sections:
        for key, target in _SECTION_TARGETS(section):
            add(key, target)
    return found


def _section_targets(section: m.Section) -> tuple[tuple[str, Target], ...]:
    """What ``section`` holds that can be referred to, in order, by the id an author writes."""
    kind = "appendix" if section.appendix is not None else "section"
    found = [(section.id, Target(f"sec-{section.id}", kind, section.appendix, section.title,
                                 SourceLoc(section.source, 1)))]
    for block in walk.walk_blocks(section.blocks):
        match block:
            case m.Heading(id=anchor, children=c, loc=loc):
                found.append((anchor, Target(anchor, "heading", None, m.plain_text(c), loc)))
            case m.Figure(id=anchor, number=n, caption=c, loc=loc) | m.Gallery(
                    id=anchor, number=n, caption=c, loc=loc) | m.Chart(
                    id=anchor, number=n, caption=c, loc=loc):
                found.append((anchor, Target(anchor, "figure", n, m.plain_text(c), loc)))
            case m.Table(id=anchor, number=n, caption=c, loc=loc):
                found.append((anchor, Target(anchor, "table", n, m.plain_text(c), loc)))
    return tuple(found)


def _refs(section: m.Section) -> tuple[m.CrossRef, ...]:
    """The cross-references of ``section``, in order."""
    found: list[m.CrossRef] = []

    def seen(ref: m.CrossRef) -> m.CrossRef:
        found.append(ref)
        return ref

    rewrite_refs(section, seen)
    return tuple(found)


def _no_resolutions(section: m.Section) -> dict[tuple[object, ...], m.Section]:
    return {}


#: Each section's targets and references, found once while it is the same object
#: (``model.bynode``), and the section resolved against what its references name: a
#: preview rebuild walks and resolves only the edited section.
_SECTION_TARGETS = ByNode(_section_targets)
_REFS = ByNode(_refs)
_RESOLVED = ByNode(_no_resolutions)


def resolve(doc: m.Document, problems: Problems) -> m.Document:
    """``doc`` with every cross-reference resolved (or the problems recorded)."""
    known = targets(doc, problems)
    strings = doc.meta.strings

    def spell(ref: m.CrossRef) -> m.CrossRef:
        target = known.get(ref.target)
        if target is None:
            choices = [k for k in known if not _AUTO_HEADING.match(k)]
            problems.error(ref.loc, f"{{{ref.role}}}: no section, appendix, heading, figure or "
                           f"table with the id '{ref.target}'{did_you_mean(ref.target, choices)}")
            return ref
        template = ref.template if ref.template is not None else strings[f"ref.{ref.role}"]
        children: list[m.Inline] = []
        for literal, name, spec, conversion in string.Formatter().parse(template):
            if literal:
                children.append(m.Text(literal))
            if name is None:
                continue
            if name not in PLACEHOLDERS or spec or conversion:
                problems.error(ref.loc, f"{{{ref.role}}}: unknown placeholder '{{{name}}}' in "
                               f"'{template}' (known: "
                               + ", ".join("{" + p + "}" for p in PLACEHOLDERS) + ")")
                continue
            if name == "page":
                children.append(m.PageRef(target.anchor))
            elif name == "title":
                children.append(m.Text(target.title))
            elif target.number is None:
                use = "{ref}" if ref.template is None else "{title} or {page}"
                problems.error(ref.loc, f"{{{ref.role}}}: '{ref.target}' is a {target.kind}, "
                               f"which has no number; use {use}")
                return ref
            elif name == "number":
                children.append(m.Text(str(target.number)))
            else:
                children.append(m.Text(strings[f"ref.{target.kind}"]))
        return replace(ref, target=target.anchor, kind=target.kind, number=target.number,
                       children=m.merge_text(children))

    wording = tuple(sorted((k, v) for k, v in strings.items() if k.startswith("ref.")))

    def resolved(section: m.Section) -> m.Section:
        refs = _REFS(section)
        if not refs:
            return section
        # What resolving it reads: the targets its references name, and the words of a
        # reference; the same section against the same gives the same section.
        key = (wording, *((ref.target, known.get(ref.target)) for ref in refs))
        done = _RESOLVED(section)
        if key not in done:
            before = len(problems.items)
            out = rewrite_refs(section, spell)
            if len(problems.items) != before:
                return out  # its problems are given each time: not remembered
            done.clear()  # one resolution a section: the latest
            done[key] = out
        return done[key]

    return replace(doc, sections=tuple(resolved(s) for s in doc.sections))


def rewrite_refs(node: Any, fn: Callable[[m.CrossRef], m.CrossRef]) -> Any:
    """``node`` (a model node, or a tuple of them) with ``fn`` applied to every CrossRef."""
    if isinstance(node, m.CrossRef):
        return fn(node)
    if isinstance(node, tuple):
        new = tuple(rewrite_refs(x, fn) for x in node)
        return node if all(a is b for a, b in zip(new, node, strict=True)) else new
    if is_dataclass(node) and not isinstance(node, type) and type(node).__module__ == m.__name__:
        changes = {}
        for f in fields(node):
            old = getattr(node, f.name)
            new_value = rewrite_refs(old, fn)
            if new_value is not old:
                changes[f.name] = new_value
        return replace(node, **changes) if changes else node
    return node
