"""Which editions a save leaves as they were: the project's files as each rebuild found them.

Preview layer. Before each rebuild the session notes every input file's stamp (its
modification time, size and inode) under the watched folders (``watch``: the project, the
layout); the files whose stamp differs from the last rebuild's are what was saved since.
An edition may be taken as it was checked and typeset last time only if every changed file
is a section file that some edition read and it did not (its translation was edited):
any other change (report.yaml, the data, a picture, a layout file, a file added or
removed) may reach every edition, and all are made again; the sections assembled before
are then forgotten too (``only_sections``: the session's ``SectionMemo`` holds only while
section texts alone changed). A file changed while a rebuild reads it has a new stamp at
the next one, so it is never missed. Nothing here builds.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from reportgen.preview.watch import is_input

#: What tells a file's versions apart: (st_mtime_ns, st_size, st_ino).
Stamp = tuple[int, int, int]

_SKIPPED = {".git", "__pycache__", ".reportgen-cache"}


def snapshot(roots: Iterable[Path]) -> dict[Path, Stamp]:
    """The stamp of every input file under ``roots`` (``watch.is_input``), by resolved path."""
    roots = [Path(r).resolve() for r in roots]
    out: dict[Path, Stamp] = {}
    for root in roots:
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if d not in _SKIPPED]
            for name in files:
                path = Path(folder, name)
                if not is_input(path, roots):
                    continue
                try:
                    st = path.stat()
                except OSError:  # gone meanwhile, or a broken link: the next snapshot tells
                    continue
                out[path] = (st.st_mtime_ns, st.st_size, st.st_ino)
    return out


def changed(before: Mapping[Path, Stamp], now: Mapping[Path, Stamp]) -> set[Path]:
    """The files added, removed or changed between two snapshots."""
    return {p for p in before.keys() | now.keys() if before.get(p) != now.get(p)}


def only_sections(saved: set[Path], sources: Mapping[str, set[Path]]) -> bool:
    """Whether every file ``saved`` is a section file of some edition (``sources``: each
    edition's section files, resolved)."""
    return saved <= (set().union(*sources.values()) if sources else set())


def unchanged_editions(saved: set[Path], sources: Mapping[str, set[Path]]) -> set[str]:
    """The editions (of ``sources``: each edition's section files, resolved) that the files
    ``saved`` cannot have changed: none if any saved file is not a section file."""
    if not only_sections(saved, sources):
        return set()
    return {lang for lang, files in sources.items() if not files & saved}
