"""Who may open the kiosk through `kiosk serve`: textual-serve's server, refusing (403, no app
started) a page without a registered display's token and a websocket without it or from
another origin, and (503) a connection over the cap; each one it lets in runs the kiosk as
that display (`--kiosk-id NAME`). The rules about displays are kiosk/displays.py's.

textual-serve internals relied on (1.1.x, pinned in pyproject.toml):
- `_make_app` routes "/" to `self.handle_index` and "/ws" to `self.handle_websocket` and
  registers `self.on_shutdown`, so this class's overrides are what run; `serve` is
  textual-serve's own but for the access log and the line saying that screens can connect;
- `Server.handle_websocket` starts the app with `self.command`, so a shallow copy of the
  server per connection carries that display's command, and once the app runs it reads the
  browser's messages in `self._process_messages(websocket, app_service)`, which ends (and
  quits the app) when the websocket closes;
- the page sends the browser to `public_url` + "/ws" and the browser adds only
  `?width=&height=`: the display's token reaches the websocket as a cookie set with the page.
"""

from __future__ import annotations

import asyncio
import copy
import shlex
import signal
from collections.abc import Sequence
from typing import Any

from aiohttp import WSCloseCode, web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from kiosk.displays import Displays, origin

COOKIE = "kiosk-display"


class KioskServer(Server):
    def __init__(
        self,
        kiosk: Sequence[str],
        subcommand: str,
        *,
        host: str,
        port: int,
        public_url: str,
        displays: Displays,
        max_connections: int | None = None,
    ) -> None:
        """`kiosk`: the program and global options each connection's kiosk starts with;
        `max_connections`: default the number of displays registered."""
        super().__init__(
            shlex.join([*kiosk, subcommand]),
            host=host,
            port=port,
            title="Lobby Kiosk",
            public_url=public_url,
        )
        self.kiosk = list(kiosk)
        self.subcommand = subcommand
        self.displays = displays
        self.max_connections = max_connections
        self.origin = origin(public_url)
        # The connections' handlers, and the websockets of those whose kiosk has started
        # (shared with each connection's copy of the server).
        self.live: set[asyncio.Task[Any]] = set()
        self.sockets: set[web.WebSocketResponse] = set()

    def command_for(self, display: str) -> str:
        return shlex.join([*self.kiosk, "--kiosk-id", display, self.subcommand])

    def serve(self, debug: bool = False) -> None:
        """textual-serve's own, but with no access log (it would write each screen's token:
        it is in the page's address) and a line once screens can connect."""
        self.debug = debug
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        for stop in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(stop, self.request_exit)
        web.run_app(
            self._make_app(),
            host=self.host,
            port=self.port,
            handle_signals=False,
            loop=loop,
            access_log=None,
            # aiohttp's word that it listens; textual-serve's start-up lines come before.
            print=lambda *_: self.console.print(f"Screens can connect at {self.public_url}"),
        )

    def _admit(self, display: str, token: str) -> None:
        if not self.displays.admits(display, token):
            raise web.HTTPForbidden(
                text="This screen is not registered: open the address `kiosk displays add` "
                "printed for it."
            )

    async def handle_index(self, request: web.Request) -> web.Response:  # type: ignore[override]
        display, token = request.query.get("display", ""), request.query.get("token", "")
        self._admit(display, token)
        response: web.Response = await super().handle_index(request)
        response.set_cookie(
            COOKIE,
            f"{display}.{token}",
            path="/ws",
            httponly=True,
            samesite="Strict",
            secure=self.public_url.startswith("https:"),
        )
        # The address holds the token: no other site is told it, no cache keeps the page.
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        return response

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        if request.headers.get("Origin") != self.origin:
            raise web.HTTPForbidden(text="A kiosk screen connects from the kiosk's own page.")
        display, _, token = request.cookies.get(COOKIE, "").partition(".")
        self._admit(display, token)
        if len(self.live) >= (self.max_connections or len(self.displays.all())):
            raise web.HTTPServiceUnavailable(text="Every kiosk screen is connected already.")
        task = asyncio.current_task()
        assert task is not None
        self.live.add(task)
        connection = copy.copy(self)
        connection.command = self.command_for(display)
        try:
            return await Server.handle_websocket(connection, request)
        finally:
            self.live.discard(task)

    async def _process_messages(
        self, websocket: web.WebSocketResponse, app_service: AppService
    ) -> None:
        self.sockets.add(websocket)
        try:
            await super()._process_messages(websocket, app_service)
        finally:
            self.sockets.discard(websocket)

    async def on_shutdown(self, app: web.Application) -> None:
        """Every screen is let go as if its browser had closed, and its kiosk quits before
        the server is gone (and, with --demo, the demo's folder)."""
        for websocket in list(self.sockets):
            await websocket.close(code=WSCloseCode.GOING_AWAY)
        if self.live:
            await asyncio.wait(list(self.live))
