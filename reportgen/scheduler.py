"""Render-stage scheduling: jobs handed to a pool of workers by priority.

Build layer, above ``workers`` (the pool and what a worker does) and below ``rendering``,
which adds the jobs of a build's render step. A pool takes jobs first come, first served;
the ``Scheduler`` keeps them until a worker is free and hands out the best-ranked first,
runs ``then`` callbacks in this process as jobs end, and turns a worker's failure into a
``RenderError`` naming what the job was making.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from reportgen import workers
from reportgen.errors import RenderError
from reportgen.workers import Logged, OutOfMemory, gib, result, submit

T = TypeVar("T")


class Scheduler:
    """Hands jobs to a pool by priority, never more at once than it has workers.

    A pool takes jobs first come, first served; a job that becomes known later (the next
    round of the biggest PDF, whose end is the build's end) would wait behind all the
    others. Here it waits only for a free worker: jobs are kept until then, and the one
    with the lowest ``rank`` (then the oldest) goes first.
    """

    def __init__(self, pool: Executor, size: int) -> None:
        self.pool, self.size = pool, size
        self._ready: list[tuple[tuple[int, ...], int, Callable[..., Any], tuple[Any, ...],
                                Callable[[Any], None], str]] = []
        self._order = itertools.count()
        self._running: dict[Future[Any], Callable[[Any], None]] = {}
        self._outside: set[Future[Any]] = set()
        self._named: dict[Future[Any], str] = {}  # a running job -> what it makes

    def add(self, rank: tuple[int, ...], fn: Callable[..., Any], args: tuple[Any, ...],
            then: Callable[[Any], None], what: str = "a job") -> None:
        """Run ``fn(*args)`` in a worker when its turn comes; ``then(value)`` here after.
        ``what``: the job, as an error names it ('the PDF of the 'ru' edition')."""
        heapq.heappush(self._ready, (rank, next(self._order), fn, args, then, what))

    def watch(self, future: Future[Any], then: Callable[[Any], None]) -> None:
        """Wait for ``future`` (run elsewhere, a thread of this process) with the jobs;
        ``then(value)`` when it is done."""
        self._running[future] = then
        self._outside.add(future)

    def _start(self) -> None:
        while self._ready and len(self._running) - len(self._outside) < self.size:
            _, _, fn, args, then, what = heapq.heappop(self._ready)
            future = submit(self.pool, fn, *args)
            self._running[future] = then
            self._named[future] = what

    def run(self, advance: Callable[[], None],
            meanwhile: Callable[[], None] | None = None) -> None:
        """Run jobs until none is left; ``advance()`` is called first and after every job
        done (it may add jobs); ``meanwhile()`` once the first jobs are out (work of this
        process to do while it waits for them). On an error, jobs not started are dropped."""
        try:
            advance()
            self._start()
            if meanwhile is not None:
                meanwhile()
            while self._running:
                done, _ = wait(self._running, return_when=FIRST_COMPLETED)
                for future in done:
                    then = self._running.pop(future)
                    if future in self._outside:
                        self._outside.discard(future)
                        then(future.result())
                    else:
                        then(self._result(future))
                advance()
                self._start()
        except BrokenProcessPool:  # submitting to a pool a dead worker broke
            raise RenderError("a worker process ended while rendering (killed, or out of "
                              "memory)") from None
        except BaseException:
            for future in self._running:
                future.cancel()
            self._ready.clear()
            raise


    def _result(self, future: Future[tuple[T, Logged]]) -> T:
        """``result(future)``; a job that ran out of memory, or whose worker died, is a
        ``RenderError`` naming what it made, never a traceback."""
        what = self._named.pop(future, "a job")
        try:
            return result(future)
        except OutOfMemory:
            raise RenderError(f"{what} needs more memory than a worker may use "
                              f"({gib(workers.WORKER_MEMORY)}): the layout or the input asks for too "
                              "much (a page, a picture or a text too large?)") from None
        except BrokenProcessPool:
            raise RenderError(f"the worker process making {what} ended before it was done "
                              "(killed, or past the memory a worker may use, "
                              f"{gib(workers.WORKER_MEMORY)})") from None
