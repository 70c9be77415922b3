"""Which files the preview watches, and the loop that waits for them to change.

Preview layer. The project folder (every input a build reads is in it: report.yaml, the
data, the sections, the pictures) and the layout's folder are watched with watchfiles
(inotify; the thread sleeps until the kernel reports a change, then groups the changes
of one save: editors write a file in several steps). The project's cache, editors'
backup and swap files and the output folder are not inputs. Nothing here builds or serves.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from reportgen.cache.root import CACHE_DIR

#: How long a save's changes are grouped before a rebuild (ms): the time watchfiles waits for
#: another change of the same save, at most ``DEBOUNCE_MS`` in all.
STEP_MS = 20
DEBOUNCE_MS = 400
#: How often the wait wakes up to see whether the preview is stopping (ms); never a poll of
#: the files.
WAKE_MS = 1000

_EDITOR_DEBRIS = ("~", ".swp", ".swx", ".swo", ".tmp", ".part", ".crdownload")


def is_input(path: Path, roots: Iterable[Path], ignored: Iterable[Path] = ()) -> bool:
    """Whether a change of ``path`` can change the report: a file under one of ``roots``,
    outside the caches and ``ignored`` folders, not an editor's backup or lock file."""
    path = Path(path)
    name = path.name
    if name.startswith((".#", "#")) or name.endswith(_EDITOR_DEBRIS) or name == "4913":
        return False  # emacs locks and autosaves, vim's backups, swaps and its write test
    parts = path.parts
    if CACHE_DIR in parts or "__pycache__" in parts or ".git" in parts:
        return False
    if any(path.is_relative_to(folder) for folder in ignored):
        return False
    return any(path.is_relative_to(root) for root in roots)


def watch_inputs(roots: list[Path], ignored: list[Path], stop: threading.Event,
                 changed: Callable[[set[Path]], None]) -> None:
    """Call ``changed(paths)`` after each save of an input under ``roots`` until ``stop`` is set.

    Changes made while ``changed`` runs are kept by the watcher and come in the next call,
    together: a burst of saves gives one rebuild after the one that is running."""
    from watchfiles import watch

    for batch in watch(*[str(r) for r in roots if r.exists()], watch_filter=None,
                       debounce=DEBOUNCE_MS, step=STEP_MS, rust_timeout=WAKE_MS,
                       stop_event=stop, raise_interrupt=False):
        paths = {Path(p) for _, p in batch if is_input(Path(p), roots, ignored)}
        if paths:
            changed(paths)
