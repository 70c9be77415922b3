"""Assemble stage: the sections assembled before, taken again while their input stands.

The preview assembles an edition again after each save, and every section but the edited
one gives what it gave the last time. ``SectionMemo`` remembers, for each section, what
assembling it gave: the ``model.Section`` and everything assembling it did besides, so
that taking it again is the same as assembling it:

- the problems it recorded, given again in their order;
- the numbering it moved on (``Counters``: figures, tables, headings, notes);
- the charts it placed (a chart placed twice is an error at the second place);
- the entries of the caches of expressions and pictures it used (kept by their ``save``).

A section is keyed by what its assembly reads besides the edition: its file and text, its
entry in report.yaml (``SectionSource``), its language, and the state it starts from (the
numbering so far, the charts placed so far). What every section of an edition shares (the
project, the period's data, the layout, the pictures) is not in the key: the memo holds
only while none of it changed, which its owner knows and says (``forget``). The preview
forgets when a saved file is anything but a section's text (``preview.session``); a build
has no memo. Nothing here reads a file.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

from reportgen.assemble.narrative import Counters
from reportgen.cache.signed import SignedStore
from reportgen.errors import Problem, SourceLoc
from reportgen.load.editions import SectionSource
from reportgen.load.sections import SectionFile
from reportgen.model import nodes as m

#: Sections remembered at most (the oldest first out); ``sweep`` keeps far fewer.
MAX_SECTIONS = 384


@dataclass(frozen=True, slots=True)
class _Taken:
    """What assembling one section gave, to give again."""

    section: m.Section
    problems: tuple[Problem, ...]
    counters: tuple[int, ...]  # the numbering after it
    placed: tuple[tuple[str, SourceLoc], ...]  # the charts it placed
    used: tuple[dict[bytes, Any], ...]  # per store, the entries it used


class SectionMemo:
    """What each section's assembly gave, by what it reads (see the module's description)."""

    def __init__(self, limit: int = MAX_SECTIONS) -> None:
        self._taken: OrderedDict[tuple[object, ...], _Taken] = OrderedDict()
        #: The assembly of its edition (a count per scope) each entry was last taken in.
        self._when: dict[tuple[object, ...], int] = {}
        self._passes: dict[object, int] = {}
        self.limit = limit
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._taken)

    def forget(self) -> None:
        """Forget every section: what they share (data, project, layout, files) changed."""
        self._taken.clear()
        self._when.clear()

    def sweep(self, scope: object) -> None:
        """The edition ``scope`` was assembled: forget its sections that neither this
        assembly nor the one before took (an edit undone finds its section again; older
        versions go, and what the preview holds stays flat over many edits)."""
        now = self._passes.get(scope, 0)
        for key in [k for k in self._taken if k[4] == scope and self._when[k] < now - 1]:
            del self._taken[key], self._when[key]
        self._passes[scope] = now + 1

    def assemble(self, read: SectionFile, source: SectionSource, lang: str, scope: object,
                 counters: Counters, placed: dict[str, SourceLoc] | None,
                 stores: tuple[SignedStore | None, ...], problems: list[Problem],
                 make: Callable[[], m.Section]) -> m.Section:
        """``make()``, the section ``read`` (from ``source``, in ``lang``) assembled, or what
        it gave before from the same start. ``scope``: what the edition's sections share and
        a key needs besides (the edition's language, the period); ``counters``, ``placed``
        (None: no charts), ``stores`` and ``problems``: the edition's numbering, the charts
        it placed, its caches, the list of problems it records to."""
        key = (read.file, read.text, source, lang, scope, dataclasses.astuple(counters),
               tuple(placed.items()) if placed is not None else None)
        taken = self._taken.get(key)
        if taken is not None:
            self._when[key] = self._passes.get(scope, 0)
            self._taken.move_to_end(key)
            self.hits += 1
            problems.extend(taken.problems)
            for f, value in zip(dataclasses.fields(counters), taken.counters, strict=True):
                setattr(counters, f.name, value)
            if placed is not None:
                placed.update(taken.placed)
            for store, entries in zip(stores, taken.used, strict=True):
                if store is not None:
                    store.use(entries)
            return taken.section
        self.misses += 1
        start, placed_before = len(problems), len(placed) if placed is not None else 0
        with ExitStack() as stack:
            logs = [stack.enter_context(store.recording()) if store is not None else {}
                    for store in stores]
            section = make()
        self._taken[key] = _Taken(
            section, tuple(problems[start:]), dataclasses.astuple(counters),
            tuple(placed.items())[placed_before:] if placed is not None else (),
            tuple(logs))
        self._when[key] = self._passes.get(scope, 0)
        while len(self._taken) > self.limit:
            del self._when[self._taken.popitem(last=False)[0]]
        return section
