"""Results of a function of texts, kept while they are asked for.

Base layer. ``@recent(maxsize)`` remembers ``fn(*args)`` by its arguments, as
``functools.lru_cache`` does, for the functions the preview calls on every section's text
after every save (parsing the Markdown, finding names and dates); ``turn()``, which the
preview calls before each rebuild, forgets what no call asked for since the turn before.
The texts of the sections a save left alone are asked for again and stay; an edited
section's older versions are not, and go after two turns, so what the server holds stays
flat over any number of saves, where an LRU cache fills up to its size. Between turns
(and in a build, which never turns) ``maxsize`` bounds it, the least recently asked first
out. A value is shared: it must not be changed. Safe to call from several threads.
"""

from __future__ import annotations

import functools
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

_ALL: weakref.WeakSet[Recent[..., Any]] = weakref.WeakSet()
_TURN = [0]


class Recent(Generic[P, R]):
    """``fn``, remembered (see the module's description)."""

    def __init__(self, fn: Callable[P, R], maxsize: int) -> None:
        self.fn, self.maxsize = fn, maxsize
        self._done: OrderedDict[Hashable, tuple[R, int]] = OrderedDict()
        self._lock = threading.Lock()
        functools.update_wrapper(self, fn)
        _ALL.add(self)

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        key: Hashable = (args, tuple(sorted(kwargs.items()))) if kwargs else args
        with self._lock:
            found = self._done.get(key)
            if found is not None:
                self._done[key] = (found[0], _TURN[0])
                self._done.move_to_end(key)
                return found[0]
        value = self.fn(*args, **kwargs)
        with self._lock:
            self._done[key] = (value, _TURN[0])
            self._done.move_to_end(key)
            while len(self._done) > self.maxsize:
                self._done.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._done)

    def _forget_before(self, turn: int) -> None:
        with self._lock:
            for key in [k for k, (_, used) in self._done.items() if used < turn]:
                del self._done[key]


def recent(maxsize: int) -> Callable[[Callable[P, R]], Recent[P, R]]:
    """``fn`` remembered by its (hashable) arguments (see the module's description)."""
    def wrap(fn: Callable[P, R]) -> Recent[P, R]:
        return Recent(fn, maxsize)
    return wrap


def turn() -> None:
    """A new round of calls begins (the preview's rebuild): forget what neither the round
    that ends nor the one before it asked for."""
    _TURN[0] += 1
    for memo in list(_ALL):
        memo._forget_before(_TURN[0] - 2)
