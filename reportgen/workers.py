"""Render-stage scheduling: charts and outputs drawn in parallel worker processes.

Called only by the build orchestrator. Assembly stays in the parent (it is
cheap and its errors are collected there); what is slow and independent goes to
a pool of worker processes: each chart to draw, then each output (the PDF and
the DOCX of every edition). Workers return bytes; only the parent writes files,
so outputs stay atomic and the chart cache is written by one process. A worker's
error comes back as the same exception (``RenderError``, ``InputError``), and what
it logs is logged again by the parent (a warning is never lost in a worker).

With one job (``jobs=1``, or one usable core) everything runs in this process
(but an ``ApartJob``: the join of a long PDF runs in a process started for it, with
any number of jobs), in the same order, through the same functions: parallel and
serial builds give the same bytes (tests/test_incremental.py checks it:
``test_parallel_build_equals_serial_build``).
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import gc
import logging
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from reportgen.cache.charts import store
from reportgen.errors import RenderError
from reportgen.layout import DEFAULT, Layout
from reportgen.model import nodes as m
from reportgen.model import walk
from reportgen.render.chartfiles import check_files
from reportgen.render.pdf.plan import ApartJob, EngineJob

if TYPE_CHECKING:
    from reportgen.render.pdf.writer import LayoutEngine

T = TypeVar("T")
#: How much less a worker process is scheduled than the build process (``os.nice``).
WORKER_NICENESS = 5
#: The address space a worker may use (``RLIMIT_AS``): the worst layout or input fails in
#: seconds with a message, instead of taking the machine (a page of 1e9 px asked WeasyPrint
#: for 23.8 GB, issue 23).
WORKER_MEMORY = 3 * 2**30


class OutOfMemory(RenderError):
    """A job needed more memory than its worker may use (``WORKER_MEMORY``)."""


def gib(size: int) -> str:
    return f"{size / 2**30:g} GiB"


def usable_cores() -> int:
    """The cores this process may run on (a container or taskset may allow fewer than exist)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


class SerialExecutor(Executor):
    """Runs each job at once in this process: the pool of a one-core build."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        future: Future[T] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed back through the future, like a pool does
            future.set_exception(exc)
        return future


def pool_size(jobs: int | None = None, tasks: int = 2) -> int:
    """How many workers ``workers(jobs, tasks)`` has (1: it is a serial executor)."""
    return max(1, min(jobs or usable_cores(), tasks))


@contextmanager
def workers(jobs: int | None = None, tasks: int = 2,
            warm: Callable[..., Any] | None = None, warm_args: tuple[Any, ...] = ()
            ) -> Iterator[Executor]:
    """A pool of ``jobs`` worker processes (default: the usable cores), never more than
    ``tasks``; a serial executor when that leaves one.

    ``warm(*warm_args)`` is run by every worker first, at once, while this process goes on
    (imports and caches its first real job would otherwise fill). If the pool is left
    while a worker is still at it (an error, or a build with nothing to render), the
    workers are stopped rather than waited for.
    """
    count = pool_size(jobs, tasks)
    if count <= 1:
        yield SerialExecutor()
        return
    # fork: workers start in milliseconds and share the parent's imported modules. Forked
    # before any thread of the build starts (rich's progress bars draw from a thread, but
    # workers never print).
    pool = ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context("fork"),
                               initializer=_worker_start)
    warming = [pool.submit(_warmed, warm, *warm_args) for _ in range(count)] if warm else []
    try:
        yield pool
    except BaseException:
        _stop(pool)
        raise
    if all(f.done() for f in warming):
        pool.shutdown(wait=True)
    else:
        _stop(pool)


def _worker_start() -> None:
    """A worker yields the CPU to the build process (which reads the input, and draws the
    charts the workers wait for, while they warm up), ends with it (``_die_with_parent``),
    and uses at most ``WORKER_MEMORY`` (an allocation past it is a MemoryError, reported as
    ``OutOfMemory``)."""
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICENESS)
    _limit_memory(WORKER_MEMORY)
    _clean_up_at_end()
    _die_with_parent()


def _clean_up_at_end() -> None:
    """Have this worker remove the font files its engine wrote however it ends: a worker
    exits through ``os._exit`` (no ``atexit``), so on a pool's shutdown by multiprocessing's
    own exit hook (``Finalize``), and on SIGTERM (a pool stopped mid-job, ``_stop``; the
    build process died, ``_die_with_parent``) by a handler that removes them and exits."""
    import signal
    from multiprocessing import util

    util.Finalize(None, _release_engine, exitpriority=10)

    def end(signum: int, frame: Any) -> None:
        from reportgen.render.pdf.writer import remove_temporary_files

        remove_temporary_files(kept_engine() if kept_engine.cache_info().currsize else None)
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, end)


def _limit_memory(size: int) -> None:
    """This process's address space at most ``size`` bytes (never above the hard limit)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Unix
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS,
                           (size if hard == resource.RLIM_INFINITY else min(size, hard), hard))


def _die_with_parent() -> None:
    """Have the kernel end this worker when the build process dies (killed, it cannot shut its
    pool down; its workers would wait for jobs forever). Linux only; elsewhere a no-op."""
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        return
    if os.getppid() == 1:  # pragma: no cover - the parent died before the call
        os._exit(1)


def _quietly(fn: Callable[..., Any], *args: Any) -> None:
    """``fn(*args)`` for its side effects only: what it logs or raises is dropped (a real job
    meets the same problem again and reports it)."""
    # A warm-up is an optimisation, never an error.
    with _collected_logs(), contextlib.suppress(Exception):
        fn(*args)


def _warmed(fn: Callable[..., Any], *args: Any) -> None:
    """A worker's warm-up (``_quietly``); then what the worker holds for good (what it was
    forked with, the modules, fonts and stylesheets the warm-up loaded) is set aside from
    the garbage collector's full collections (``gc.freeze``): each went through all of it,
    about 40 ms a time on the large project, a twentieth of a worker's time."""
    _quietly(fn, *args)
    gc.collect()
    gc.freeze()


def _stop(pool: ProcessPoolExecutor) -> None:
    """Shut ``pool`` down without waiting for the jobs its workers are running."""
    processes = list((pool._processes or {}).values())  # noqa: SLF001 - no public handle
    manager: threading.Thread | None = getattr(pool, "_executor_manager_thread", None)
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join()
    # Joined here, not left to threading._shutdown at exit: there, concurrent.futures' exit
    # hook wakes it while it closes its pipe, and 'Exception ignored in threading._shutdown
    # ... Bad file descriptor' follows a clean error message, now and then (issue 23).
    if manager is not None:
        manager.join(timeout=10)


@functools.cache
def kept_engine() -> LayoutEngine:
    """The layout engine this process keeps between its jobs (a worker's; in a serial build,
    the build process's own): the stylesheets it parses for one part serve the next. One
    a process, made on first use: a pool's worker keeps nothing else between jobs."""
    from reportgen.render.pdf.writer import LayoutEngine

    return LayoutEngine()


@atexit.register
def _release_engine() -> None:
    """Free the kept engine's font configuration (GObjects held through cffi) while Pango
    and GObject are still alive: left to the interpreter's last garbage collection, its
    g_object_unref ran after them and the process died at exit with SIGSEGV."""
    if kept_engine.cache_info().currsize:
        kept_engine().close()
        kept_engine.cache_clear()
        gc.collect()


def _run(fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)``; a job that lays out pages (an ``EngineJob``) gets ``kept_engine()``, one
    that must run apart (an ``ApartJob``) gets a process of its own."""
    if isinstance(fn, EngineJob):
        return fn.fn(kept_engine(), *args)
    if isinstance(fn, ApartJob):
        return _apart(fn.fn, *args)
    return fn(*args)


def _apart(fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)`` in a new process (a fresh interpreter, not a fork: a fork starts with
    this process's resident pages), started like a worker (``_worker_start``) and ended
    after: the memory it takes is given back at once. Its errors come back as raised."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context,
                             initializer=_worker_start) as pool:
        try:
            return pool.submit(fn, *args).result()
        except BrokenProcessPool:
            raise RenderError(f"the process started for {_doing(fn)} ended before it was "
                              "done (killed, or past the memory a worker may use, "
                              f"{gib(WORKER_MEMORY)})") from None


def _doing(fn: Callable[..., Any]) -> str:
    """What a job run apart does, as its error says it."""
    return {"join_job": "joining the PDF's parts",
            "render_docx_job": "writing the DOCX"}.get(getattr(fn, "__name__", ""), "a job")


def warm_up(project_root: Path, layout: Layout, variant: str, langs: list[str]) -> None:
    """A worker's warm-up (``workers``): WeasyPrint with the layout, in the engine the worker
    keeps (charts are drawn by the build's own process)."""
    from reportgen.render.pdf.parts import warm_up as warm_pdf

    warm_pdf(kept_engine(), project_root, layout, variant, langs)


Logged = list[tuple[str, int, str]]  # logger name, level, message


@contextmanager
def _collected_logs() -> Iterator[Logged]:
    """What is logged inside the block, collected instead of shown (the root logger's
    handlers are this process's: a worker's, never the build's)."""
    logged: Logged = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            logged.append((record.name, record.levelno, record.getMessage()))

    root = logging.getLogger()
    saved = root.handlers[:]
    root.handlers = [Collect()]
    try:
        yield logged
    finally:
        root.handlers = saved


def _logging(fn: Callable[..., T], *args: Any) -> tuple[T, Logged]:
    """``fn(*args)`` and, in a worker process, what it logged (to be logged by the parent).
    A MemoryError, raised or the cause of another error (WeasyPrint's, said as a
    RenderError), is ``OutOfMemory``: the cause does not cross the process boundary."""
    try:
        if multiprocessing.parent_process() is None:
            return _run(fn, *args), []
        with _collected_logs() as logged:
            value = _run(fn, *args)
        return value, logged
    except Exception as exc:
        if _out_of_memory(exc):
            raise OutOfMemory("out of memory") from None
        raise


def _out_of_memory(exc: BaseException | None) -> bool:
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, MemoryError):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def submit(pool: Executor, fn: Callable[..., T], *args: Any) -> Future[tuple[T, Logged]]:
    return pool.submit(_logging, fn, *args)


def result(future: Future[tuple[T, Logged]]) -> T:
    """The job's value, after logging here what the worker logged."""
    value, logged = future.result()
    for name, level, message in logged:
        logging.getLogger(name).log(level, message)
    return value


# -------------------------------------------------------------------- charts

def charts_to_draw(docs: Sequence[m.Document]) -> list[m.Chart]:
    """The charts of ``docs`` whose files are not in the cache, each digest once."""
    seen: set[str] = set()
    missing: list[m.Chart] = []
    for doc in docs:
        for section in doc.sections:
            for chart in walk.charts(section.blocks):
                if chart.digest in seen or (chart.svg.is_file() and chart.png.is_file()):
                    continue
                seen.add(chart.digest)
                missing.append(chart)
    return missing


def draw_charts(charts: Sequence[m.Chart], layout: Layout, stop: threading.Event,
                done: Callable[[m.Chart], None]) -> int:
    """Draw ``charts`` here, store and check their files, and tell ``done(chart)`` after
    each; how many were drawn. Run in a thread of the build while the workers typeset what
    shows no chart (one process imports matplotlib, once); stops early once ``stop`` is set
    (the build failed)."""
    from reportgen.render.chartdraw import draw

    for count, chart in enumerate(charts):
        if stop.is_set():
            return count
        svg, png = draw(chart, layout)
        store(chart.svg, svg)
        store(chart.png, png)
        check_files(chart)
        done(chart)
    return len(charts)


# ------------------------------------------------------------------- outputs

def render_docx_job(doc: m.Document, project_root: Path, reference_docx: Path | None,
                    pages: dict[str, int], paginate: bool = False,
                    layout: Layout = DEFAULT) -> bytes:
    """One edition's DOCX; ``pages``: the print layout's page of each anchor (for PAGEREFs);
    ``paginate``: the page-number pass (LibreOffice lays the DOCX out, docs/docx.md)."""
    from reportgen.render.docx import render_docx

    return render_docx(doc, project_root, reference_docx, pages, paginate, layout)
