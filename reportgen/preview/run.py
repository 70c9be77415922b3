"""``reportgen preview`` put together: the worker pool, the session, the server.

Preview layer. The worker processes are forked first, before any thread of the server
starts (a fork copies only the thread that forks), warmed up once and kept until the
server stops; they ignore Ctrl-C (the terminal sends it to the whole process group: the
server shuts them down itself, after its last rebuild) and end with the server if it is
killed (``workers``: the kernel's parent-death signal).
"""

from __future__ import annotations

import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reportgen.errors import InputError
from reportgen.load.project import load_project
from reportgen.preview.server import Preview, serve
from reportgen.preview.session import Session
from reportgen.render.pdf.variant import DEFAULT_VARIANT
from reportgen.workers import pool_size, usable_cores, warm_up, workers


def preview(project_dir: Path, host: str = "127.0.0.1", port: int = 8000,
            period_id: str | None = None, langs: list[str] | None = None,
            pdf_variant: str = DEFAULT_VARIANT, draft: bool = False, strict: bool = False,
            jobs: int | None = None, out_dir: Path = Path("dist"),
            ready: Callable[[str], None] | None = None,
            started: Callable[[Preview], None] | None = None) -> None:
    """Serve the preview of ``project_dir`` on ``host``:``port`` until Ctrl-C or SIGTERM.
    ``ready(url)`` is told once it listens; ``started(preview)`` gets the server's state
    first (tests and the benchmark listen to its rebuilds)."""
    size = pool_size(jobs, usable_cores())
    with workers(jobs, size, *_warm_up(project_dir, langs, pdf_variant)) as pool:
        session = Session(project_dir, pool, size, period_id, langs, pdf_variant, draft, strict)
        server = Preview(session, out_dir, project_dir)
        if started is not None:
            started(server)
        serve(server, host, port, ready)


def _warm_up(project_dir: Path, langs: list[str] | None, variant: str
             ) -> tuple[Callable[..., None], tuple[Any, ...]] | tuple[()]:
    try:
        project = load_project(project_dir)
    except InputError:
        return ()  # the first rebuild shows why
    return _warm_worker, (project.root, project.layout, variant,
                          list(langs or project.report.editions))


def _warm_worker(*args: Any) -> None:
    """A worker's warm-up: Ctrl-C is for the server (see the module's description), then
    the build's own warm-up."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    warm_up(*args)
