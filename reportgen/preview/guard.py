"""The preview server's guard: it answers only requests to itself, from its own pages.

Preview layer. ``HostCheck`` is ASGI middleware: a request whose Host header does not
name this server gets 421 (no DNS rebinding), a WebSocket or POST from a page of another
origin gets 403. ``SECURITY_HEADERS`` and ``CSP`` go with every answer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.responses import Response

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
}
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")

Scope = dict[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]],
                   Awaitable[None]]


def own_hosts(host: str, port: int) -> frozenset[str]:
    """The Host headers that name this server: its address and port (and, on a loopback
    address, the names of loopback)."""
    names = {host}
    if host in ("127.0.0.1", "localhost", "::1"):
        names |= {"127.0.0.1", "localhost", "[::1]"}
    names = {f"[{n}]" if ":" in n and not n.startswith("[") else n for n in names}
    return frozenset(f"{n}:{port}".lower() for n in names)


class HostCheck:
    """ASGI middleware: a request whose Host header is not one of ``hosts`` gets 421, and a
    WebSocket or POST whose Origin is another site's is refused (403)."""

    def __init__(self, app: ASGIApp, hosts: Callable[[], frozenset[str]]) -> None:
        self.app, self.hosts = app, hosts

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        allowed = self.hosts()
        host = headers.get("host", "").lower()
        origin = headers.get("origin")
        why = None
        if host not in allowed:
            why = (421, "this server answers only requests to itself (Host: "
                   f"{sorted(allowed)[0]})")
        elif (scope["type"] == "websocket" or scope.get("method") not in ("GET", "HEAD")) and \
                origin is not None and origin.lower() not in {f"http://{h}" for h in allowed}:
            why = (403, "requests from another site's page are refused")
        if why is None:
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await receive()  # the connect message
            await send({"type": "websocket.close", "code": 1008})
            return
        await Response(why[1] + "\n", why[0], media_type="text/plain")(scope, receive, send)
