"""Model: what a function of one model node gave, remembered by the node's identity.

The model's nodes are frozen dataclasses, so what a function of a node alone gives stays
true while the node lives. A preview rebuild gives each unchanged section as the same
object as the last time (``assemble.sectionmemo``), so a walk over a whole document (the
files it names, its words, its characters, its references, its typography) is made again
only for the sections that changed, through ``ByNode``. An entry lives as long as its
node (a weak reference: a section no one holds any more takes what was remembered of it
along), and at most ``limit`` are kept, the oldest going first. A value is shared: it
must not be changed (a tuple, a frozenset, bytes, a node).
"""

from __future__ import annotations

import functools
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

N = TypeVar("N")
V = TypeVar("V")

#: Nodes remembered by each function: three editions of a long report, and a version of
#: each edited section (the preview's memory stays flat).
LIMIT = 512


class ByNode(Generic[N, V]):
    """``fn(node)``, made once for each of the last ``limit`` nodes it was asked of (by
    identity). Safe to call from several threads (the preview's release gate runs beside
    the render)."""

    def __init__(self, fn: Callable[[N], V], limit: int = LIMIT) -> None:
        self.fn, self.limit = fn, limit
        self._done: OrderedDict[int, tuple[weakref.ref[N], V]] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, node: N) -> V:
        """``fn(node)``; ``node`` must be weakly referable (``model.nodes.Section`` is)."""
        key = id(node)
        with self._lock:
            found = self._done.get(key)
            if found is not None and found[0]() is node:
                self._done.move_to_end(key)
                return found[1]
        value = self.fn(node)
        with self._lock:
            self._done[key] = (weakref.ref(node, functools.partial(self._gone, key)), value)
            self._done.move_to_end(key)
            while len(self._done) > self.limit:
                self._done.popitem(last=False)
        return value

    def _gone(self, key: int, ref: weakref.ref[N]) -> None:
        """The node of ``ref`` is gone: so is its entry (unless its id was given again)."""
        with self._lock:
            found = self._done.get(key)
            if found is not None and found[0] is ref:
                del self._done[key]

    def __len__(self) -> int:
        return len(self._done)
