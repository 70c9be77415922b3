"""What the preview's browsers are shown: the editions' pages, the problems, the updates.

Preview layer. ``Hub`` is changed by the rebuild thread and read by the event loop
(under its lock); ``publish`` pushes a message to every connected browser from any
thread. ``problem_view`` is a problem as the overlay shows it, with its source line.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.websockets import WebSocket

from reportgen.errors import Problem, display_path
from reportgen.preview.pages import EditionPages


@dataclass
class Hub:
    """What the browsers are shown, and the browsers connected; changed by the rebuild
    thread, read by the event loop (under ``lock``)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    editions: dict[str, EditionPages] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)
    failure: str | None = None
    title: str = ""
    status: str = "starting"  # starting, building, ready
    generation: int = 0
    seconds: float = 0.0
    timings: list[tuple[str, float]] = field(default_factory=list)  # the last rebuild's steps
    #: What the browsers see of each edition: lang -> 0-based pages (drawn first on a change).
    visible: dict[str, set[int]] = field(default_factory=dict)
    sockets: set[WebSocket] = field(default_factory=set)
    loop: asyncio.AbstractEventLoop | None = None
    ready: threading.Event = field(default_factory=threading.Event)

    def snapshot(self, changed: dict[str, list[int]] | None = None) -> dict[str, Any]:
        with self.lock:
            return {
                "type": "state",
                "generation": self.generation,
                "status": self.status,
                "title": self.title,
                "seconds": round(self.seconds, 3),
                "timings": [[name, round(s, 4)] for name, s in self.timings],
                "problems": self.problems,
                "failure": self.failure,
                "changed": changed or {},
                "editions": [{
                    "lang": lang,
                    "name": e.name,
                    "versions": e.versions,
                    "sizes": [[round(w, 2), round(h, 2)] for w, h in e.sizes],
                    "outline": [{"title": o.title, "level": o.level, "page": o.page}
                                for o in e.outline],
                } for lang in self.order if (e := self.editions.get(lang)) is not None],
            }

    def publish(self, message: dict[str, Any]) -> None:
        """Send ``message`` to every browser (from any thread)."""
        if self.loop is None:
            return
        text = json.dumps(message, ensure_ascii=False)
        with self.lock:
            sockets = list(self.sockets)

        async def send_all() -> None:
            for ws in sockets:
                try:
                    await ws.send_text(text)
                except Exception:  # noqa: BLE001 - a browser that went away
                    with self.lock:
                        self.sockets.discard(ws)

        with contextlib.suppress(RuntimeError):  # the loop has stopped: shutting down
            asyncio.run_coroutine_threadsafe(send_all(), self.loop)


def problem_views(problems: list[Problem], root: Path | None) -> list[dict[str, Any]]:
    """``problem_view`` of each problem, each file read once (a save shows them all again)."""
    lines: dict[Path, list[str]] = {}
    return [problem_view(p, root, lines) for p in problems]


def problem_view(problem: Problem, root: Path | None,
                 read: dict[Path, list[str]] | None = None) -> dict[str, Any]:
    """A problem as the overlay shows it: ``check``'s line, and the source line it points at.
    ``read``: the lines of the files read so far, by path (filled in)."""
    loc = problem.loc
    source = ""
    if loc is not None and loc.line and root is not None:
        lines = None if read is None else read.get(loc.file)
        if lines is None:
            lines = _lines(loc.file, root)
            if read is not None:
                read[loc.file] = lines
        if 0 < loc.line <= len(lines):
            source = lines[loc.line - 1]
    return {
        "text": str(problem),
        "severity": problem.severity,
        "file": display_path(loc.file) if loc else None,
        "line": loc.line if loc else None,
        "col": loc.col if loc else None,
        "message": problem.message,
        "source": source,
    }


def _lines(path: Path, root: Path) -> list[str]:
    """The lines of ``path`` if it is a file of the project ``root``, else none."""
    try:
        file = path.resolve()
        if file.is_relative_to(root) and file.is_file():
            return file.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        pass
    return []
