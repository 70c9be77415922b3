"""The preview's web server: the pages of each edition, the problems, the updates.

Preview layer. A Starlette application served by uvicorn, on 127.0.0.1 unless told
otherwise. What it answers, and nothing else:

- ``/``: the preview page; ``/assets/<name>``: its script and stylesheet, from a fixed
  list read from the package (no path from a request ever reaches the disk);
- ``/state``: the editions (each page's version, sizes, the PDF's outline) and problems;
- ``/page/<lang>/<n>.png?v=<version>``: a page of the current PDF, drawn by PDFium, and
  ``/text/<lang>/<n>.txt?v=<version>`` its text (for screen readers; the picture has none);
- ``/docx/<lang>`` (POST): write the edition's DOCX into the output folder;
- ``/updates``: a WebSocket on which each rebuild's outcome is pushed (which pages changed),
  and the edited pages on screen before the whole PDF is joined (``early``).

Every request must name the server itself in its Host header (``guard.HostCheck``: a
page of another site that a DNS record points at 127.0.0.1 gets nothing, no DNS
rebinding), and a WebSocket or POST from a page of another origin is refused. What the
browsers are shown is ``hub.Hub``'s. The rebuilds run in one
thread of their own (``Preview``), started by the file watcher; the event loop only
serves.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import json
import logging
import signal
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from reportgen.errors import InputError, ReportgenError, display_path
from reportgen.preview.early import show_early
from reportgen.preview.guard import CSP, SECURITY_HEADERS, ASGIApp, HostCheck, own_hosts
from reportgen.preview.hub import Hub, problem_views
from reportgen.preview.pages import EditionPages
from reportgen.preview.session import Outcome, Session
from reportgen.preview.watch import watch_inputs
from reportgen.resources import package_file

log = logging.getLogger(__name__)

#: The files the preview page is made of: name -> (package file, content type).
ASSETS = {
    "preview.js": ("preview/static/preview.js", "text/javascript; charset=utf-8"),
    "preview.css": ("preview/static/preview.css", "text/css; charset=utf-8"),
}
INDEX = "preview/static/index.html"


#: Seconds after a rebuild when its garbage is collected (``_collected_later``): after the
#: browser has fetched the pages that changed; and rebuilds after which, at the latest.
COLLECT_AFTER = 0.25
COLLECT_EVERY = 8
_collector_lock = threading.Lock()
_collector: list[threading.Timer] = []
_uncollected = [0]  # rebuilds since the last collection


@contextlib.contextmanager
def _collected_later() -> Iterator[None]:
    """Python's cycle collector off while the block runs, and run once ``COLLECT_AFTER`` s
    after it (unless another block starts first): a full collection of the models a
    rebuild holds takes ~0.1 s, which came in the middle of one save out of five or six,
    and right after the rebuild it would hold up the page pictures being sent. Not for
    the first rebuild: it draws every chart (matplotlib's figures are cycles), and its
    garbage left for the end raised the server's resident size by 200 MiB for good."""
    with _collector_lock:
        for timer in _collector:
            timer.cancel()
        _collector.clear()
        _uncollected[0] += 1
        if _uncollected[0] > COLLECT_EVERY:  # saves too close together to wait for a pause
            _uncollected[0] = 0
            gc.collect()
        gc.disable()
    try:
        yield
    finally:
        def collect() -> None:
            with _collector_lock:
                if timer in _collector:
                    _collector.remove(timer)
                    _uncollected[0] = 0
                    gc.enable()
                    gc.collect()

        timer = threading.Timer(COLLECT_AFTER, collect)
        timer.daemon = True
        with _collector_lock:
            _collector.append(timer)
        timer.start()


class Preview:
    """The server's state and its rebuild thread: a rebuild at start, then one after each
    save of an input (``watch``)."""

    def __init__(self, session: Session, out_dir: Path, project_dir: Path) -> None:
        self.session, self.out_dir, self.project_dir = session, out_dir, project_dir
        self.hub = Hub()
        self.stop = threading.Event()
        self.hosts: frozenset[str] = frozenset()
        self._thread: threading.Thread | None = None
        #: Called after each rebuild, with its outcome (the benchmark and tests listen).
        self.listeners: list[Callable[[Outcome], None]] = []
        # The edited pages on screen are shown while the whole PDF is joined (``early``).
        session.early = functools.partial(show_early, self.hub)

    # ----------------------------------------------------------------- rebuilds
    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="reportgen-preview-build",
                                        daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        with self.hub.lock:
            for pages in self.hub.editions.values():
                pages.close()

    def _run(self) -> None:
        self.rebuild()
        while not self.stop.is_set():
            try:
                watch_inputs(self.watched(), [self.out_dir.resolve()], self.stop,
                             self._changed)
            except Exception:  # pragma: no cover - a watched folder vanished: watch again
                log.exception("watching the project failed; watching again")
                self.stop.wait(1)

    def _changed(self, paths: set[Path]) -> None:
        self.rebuild()

    def watched(self) -> list[Path]:
        roots = [self.project_dir.resolve()]
        project = self.session.project
        if project is not None:
            with contextlib.suppress(FileNotFoundError):
                roots.append(project.layout.base_dir().resolve())  # a project's is in it
        return roots

    def rebuild(self) -> Outcome:
        if not self.hub.generation:  # the first: charts drawn, whose garbage must go as it comes
            return self._rebuild()
        with _collected_later():
            return self._rebuild()

    def _rebuild(self) -> Outcome:
        hub = self.hub
        with hub.lock:
            hub.status = "building"
        hub.publish({"type": "building"})
        try:
            outcome = self.session.rebuild()
        except ReportgenError as exc:  # pragma: no cover - check and render collect theirs
            outcome = Outcome(failure=str(exc))
        except Exception as exc:  # a bug, or a worker that died: keep serving the last pages
            log.exception("the preview's rebuild failed")
            outcome = Outcome(failure=f"{type(exc).__name__}: {exc}")
        mark = time.perf_counter()
        changed = self._show(outcome)
        with hub.lock:
            hub.timings = [*outcome.timings, ("pages", time.perf_counter() - mark)]
        hub.publish(hub.snapshot(changed))
        hub.ready.set()
        for listener in self.listeners:
            listener(outcome)
        return outcome

    def _show(self, outcome: Outcome) -> dict[str, list[int]]:
        hub = self.hub
        root = self.session.project.root if self.session.project else None
        problems = problem_views(outcome.problems, root)
        changed: dict[str, list[int]] = {}
        with hub.lock:
            visible = {lang: set(pages) for lang, pages in hub.visible.items()}
        for lang, made in outcome.rendered.items():
            pages = hub.editions.get(lang) or EditionPages(lang)
            changed[lang] = pages.update(made.name, made.data, made.page_keys,
                                         visible.get(lang, ()))
            with hub.lock:
                hub.editions[lang] = pages
        with hub.lock:
            if outcome.editions:
                hub.order = outcome.editions
                for lang in list(hub.editions):
                    if lang not in hub.order:
                        hub.editions.pop(lang).close()
            if outcome.title and outcome.ok:
                hub.title = outcome.title
            hub.problems, hub.failure = problems, outcome.failure
            hub.status = "ready"
            hub.seconds = outcome.seconds
            hub.generation += 1
        return changed

    # ------------------------------------------------------------------ the app
    def app(self) -> ASGIApp:
        index = package_file(INDEX).read_bytes()
        assets = {name: (package_file(path).read_bytes(), kind)
                  for name, (path, kind) in ASSETS.items()}
        hub = self.hub

        def headers(extra: dict[str, str] | None = None) -> dict[str, str]:
            return {**SECURITY_HEADERS, **(extra or {})}

        async def home(request: Request) -> Response:
            return Response(index, media_type="text/html; charset=utf-8",
                            headers=headers({"Content-Security-Policy": CSP,
                                             "Cache-Control": "no-store"}))

        async def asset(request: Request) -> Response:
            found = assets.get(request.path_params["name"])
            if found is None:
                return Response("not found\n", 404, media_type="text/plain", headers=headers())
            return Response(found[0], media_type=found[1],
                            headers=headers({"Cache-Control": "no-cache"}))

        async def state(request: Request) -> Response:
            return JSONResponse(hub.snapshot(), headers=headers({"Cache-Control": "no-store"}))

        async def page(request: Request) -> Response:
            lang, number = request.path_params["lang"], request.path_params["number"]
            try:
                version = int(request.query_params.get("v", "-1"))
            except ValueError:
                version = -1
            with hub.lock:
                pages = hub.editions.get(lang)
            png = None
            if pages is not None:
                png = await asyncio.to_thread(pages.png, number - 1, version)
            if png is None:
                return Response("no such page\n", 404, media_type="text/plain", headers=headers())
            return Response(png, media_type="image/png",
                            headers=headers({"Cache-Control": "private, max-age=31536000, immutable"}))

        async def text(request: Request) -> Response:
            lang, number = request.path_params["lang"], request.path_params["number"]
            try:
                version = int(request.query_params.get("v", "-1"))
            except ValueError:
                version = -1
            with hub.lock:
                pages = hub.editions.get(lang)
            found = None if pages is None else await asyncio.to_thread(pages.text, number - 1, version)
            if found is None:
                return Response("no such page\n", 404, media_type="text/plain", headers=headers())
            return Response(found, media_type="text/plain; charset=utf-8",
                            headers=headers({"Cache-Control": "private, max-age=31536000, immutable"}))

        async def docx(request: Request) -> Response:
            lang = request.path_params["lang"]
            if request.headers.get("x-reportgen-preview") != "1":
                return JSONResponse({"error": "missing the preview's header"}, 403, headers=headers())
            with hub.lock:
                known = lang in hub.order
            if not known:
                return JSONResponse({"error": f"no edition '{lang}'"}, 404, headers=headers())
            try:
                path = await asyncio.to_thread(self.session.write_docx, lang, self.out_dir)
            except InputError as exc:
                return JSONResponse({"error": "the input has problems; nothing was written",
                                     "problems": [str(p) for p in exc.problems]}, 422,
                                    headers=headers())
            except ReportgenError as exc:
                return JSONResponse({"error": str(exc)}, 500, headers=headers())
            return JSONResponse({"wrote": display_path(path)}, headers=headers())

        async def updates(ws: WebSocket) -> None:
            await ws.accept()
            with hub.lock:
                hub.sockets.add(ws)
            try:
                await ws.send_text(json.dumps(hub.snapshot(), ensure_ascii=False))
                while True:
                    message = json.loads(await ws.receive_text())
                    if isinstance(message, dict) and isinstance(message.get("visible"), dict):
                        with hub.lock:
                            hub.visible = {str(k): {int(n) - 1 for n in v if isinstance(n, int)}
                                           for k, v in message["visible"].items()
                                           if isinstance(v, list)}
            except (WebSocketDisconnect, ValueError, RuntimeError):
                pass
            finally:
                with hub.lock:
                    hub.sockets.discard(ws)

        @contextlib.asynccontextmanager
        async def lifespan(app: Starlette) -> AsyncIterator[None]:
            hub.loop = asyncio.get_running_loop()
            yield

        routes = [
            Route("/", home),
            Route("/assets/{name}", asset),
            Route("/state", state),
            Route("/page/{lang}/{number:int}.png", page),
            Route("/text/{lang}/{number:int}.txt", text),
            Route("/docx/{lang}", docx, methods=["POST"]),
            WebSocketRoute("/updates", updates),
        ]
        app = Starlette(routes=routes, lifespan=lifespan)
        return HostCheck(app, lambda: self.hosts)


def _server_class() -> type:
    import uvicorn

    class Server(uvicorn.Server):
        """uvicorn's server, whose Ctrl-C (SIGINT) or SIGTERM ends ``serve`` normally: uvicorn
        raises the signal again once it has shut down, which would end the process before
        the workers are shut down in turn (``run``)."""

        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            if threading.current_thread() is not threading.main_thread():
                yield
                return
            saved = {sig: signal.signal(sig, self.handle_exit)
                     for sig in (signal.SIGINT, signal.SIGTERM)}
            try:
                yield
            finally:
                for sig, handler in saved.items():
                    signal.signal(sig, handler)

    return Server


def serve(preview: Preview, host: str, port: int, ready: Callable[[str], None] | None = None) -> None:
    """Serve ``preview`` on ``host``:``port`` (0: a free port) until Ctrl-C (SIGINT) or SIGTERM;
    ``ready(url)`` once it listens."""
    import socket

    import uvicorn

    _Server = _server_class()

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound = sock.getsockname()[1]
    preview.hosts = own_hosts(host, bound)
    # No lifespan protocol: a second Ctrl-C makes uvicorn skip its shutdown, and the
    # lifespan task it leaves is cancelled with a traceback in the terminal. The app's own
    # lifespan (tests' clients run it) only hands the hub its loop: done in ``main``.
    config = uvicorn.Config(preview.app(), log_level="warning", lifespan="off", ws="auto",
                            timeout_graceful_shutdown=2)
    server = _Server(config)
    name = f"[{host}]" if ":" in host else host
    url = f"http://{name}:{bound}/"
    preview.start()

    async def main() -> None:
        preview.hub.loop = asyncio.get_running_loop()
        task = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started and not task.done():
            await asyncio.sleep(0.01)
        if ready is not None and server.started:
            ready(url)
        await task

    try:
        asyncio.run(main())
    finally:
        preview.close()
        sock.close()
