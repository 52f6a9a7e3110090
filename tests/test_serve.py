"""One kiosk server, many screens (issue 14): `kiosk serve` lets in only registered displays,
from its own page, up to its cap, and runs each one's kiosk under the display's name;
`kiosk displays` registers them; `kiosk serve --demo` leaves no demo folder behind."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import stat
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from click.testing import CliRunner

from helpers import NOW
from kiosk.cli import cli
from kiosk.clock import FixedClock
from kiosk.displays import Displays, origin, public_url
from screens.web_server import COOKIE, KioskServer

PUBLIC = "https://kiosk.hotel.example"

# Stands in for `kiosk run`: tells textual-serve it is an app, sends its command line as its
# first screen data, and appends it to the file named first (so a test sees what started).
FAKE_KIOSK = """
import json, sys
started, argv = sys.argv[1], sys.argv[2:]
with open(started, "a") as log:
    log.write(json.dumps(argv) + "\\n")
data = json.dumps(argv).encode()
sys.stdout.buffer.write(b"__GANGLION__\\n" + b"D" + len(data).to_bytes(4, "big") + data)
sys.stdout.buffer.flush()
for chunk in iter(lambda: sys.stdin.buffer.read1(65536), b""):
    if b'"quit"' in chunk:
        break
"""


@pytest.fixture
def displays(tmp_path: Path) -> Displays:
    return Displays(tmp_path / "displays.json", now=FixedClock(NOW).now)


@pytest.fixture
def tokens(displays: Displays) -> dict[str, str]:
    return {name: displays.add(name) for name in ("lobby-1", "lobby-2")}


@pytest.fixture
def started(tmp_path: Path) -> Path:
    """Where the fake kiosks write their command lines: absent until one starts."""
    return tmp_path / "started.jsonl"


def kiosks_started(started: Path) -> list[list[str]]:
    lines = started.read_text().splitlines() if started.exists() else []
    return [json.loads(line) for line in lines]


@asynccontextmanager
async def serving(
    displays: Displays, started: Path, max_connections: int | None = None
) -> AsyncIterator[TestClient]:
    server = KioskServer(
        [sys.executable, "-c", FAKE_KIOSK, str(started)],
        "run",
        host="127.0.0.1",
        port=8000,
        public_url=PUBLIC,
        displays=displays,
        max_connections=max_connections,
    )
    async with TestClient(TestServer(await server._make_app())) as client:
        yield client


def screen(client: TestClient, cookie: str | None, origin: str | None = PUBLIC):
    """A browser's websocket from a display's page: its Origin, and the page's cookie."""
    headers = {"Origin": origin} if origin else {}
    if cookie is not None:
        headers["Cookie"] = f"{COOKIE}={cookie}"
    return client.ws_connect("/ws", headers=headers)


async def refused(client: TestClient, cookie: str | None, origin: str | None = PUBLIC) -> int:
    with pytest.raises(aiohttp.WSServerHandshakeError) as refusal:
        await screen(client, cookie, origin)
    return refusal.value.status


async def first_screen(websocket: aiohttp.ClientWebSocketResponse) -> list[str]:
    """What the kiosk behind the websocket sent first: the fake's command line."""
    message = await websocket.receive()
    assert message.type is aiohttp.WSMsgType.BINARY, message
    return json.loads(message.data)


# -- the page -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["", "?display=lobby-1", "?display=lobby-1&token=guessed", "?display=lobby-9&token=LOBBY1"],
    ids=["no token", "no token for the display", "a wrong token", "another display's token"],
)
async def test_a_page_without_the_displays_token_is_refused(
    displays: Displays, tokens: dict[str, str], started: Path, query: str
) -> None:
    async with serving(displays, started) as client:
        response = await client.get("/" + query.replace("LOBBY1", tokens["lobby-1"]))
        assert response.status == 403
        assert "not registered" in await response.text()
        assert COOKIE not in response.cookies


async def test_a_displays_page_sends_the_browser_to_the_public_url_with_the_token_for_it_only(
    displays: Displays, tokens: dict[str, str], started: Path
) -> None:
    async with serving(displays, started) as client:
        response = await client.get("/", params={"display": "lobby-1", "token": tokens["lobby-1"]})
        assert response.status == 200
        assert 'data-session-websocket-url="wss://kiosk.hotel.example/ws"' in await response.text()
        cookie = response.cookies[COOKIE]
        assert cookie.value == f"lobby-1.{tokens['lobby-1']}"
        assert cookie["path"] == "/ws" and cookie["httponly"] and cookie["secure"]
        assert cookie["samesite"] == "Strict"
        assert response.headers["Referrer-Policy"] == "no-referrer"
    assert kiosks_started(started) == []  # the page starts no kiosk; its websocket does


# -- the websocket --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cookie",
    [None, "lobby-1", "lobby-1.guessed", "lobby-2.LOBBY1", ".LOBBY1"],
    ids=["no token", "no token in it", "a wrong token", "another display's token", "no name"],
)
async def test_a_websocket_without_the_displays_token_is_refused_and_starts_no_kiosk(
    displays: Displays, tokens: dict[str, str], started: Path, cookie: str | None
) -> None:
    async with serving(displays, started) as client:
        typed = cookie.replace("LOBBY1", tokens["lobby-1"]) if cookie else None
        assert await refused(client, typed) == 403
    assert kiosks_started(started) == []


@pytest.mark.parametrize(
    "origin",
    [None, "http://evil.example", "http://kiosk.hotel.example", "https://kiosk.hotel.example:8443"],
)
async def test_a_websocket_from_another_origin_is_refused_even_with_a_token(
    displays: Displays, tokens: dict[str, str], started: Path, origin: str | None
) -> None:
    async with serving(displays, started) as client:
        assert await refused(client, f"lobby-1.{tokens['lobby-1']}", origin) == 403
    assert kiosks_started(started) == []


async def test_a_display_with_its_token_from_the_public_url_gets_a_kiosk_named_after_it(
    displays: Displays, tokens: dict[str, str], started: Path
) -> None:
    async with (
        serving(displays, started) as client,
        screen(client, f"lobby-2.{tokens['lobby-2']}") as websocket,
    ):
        argv = await first_screen(websocket)
    assert argv[argv.index("--kiosk-id") + 1] == "lobby-2" and argv[-1] == "run"
    assert kiosks_started(started) == [argv]


async def test_no_more_screens_than_displays_connect_at_once(
    displays: Displays, tokens: dict[str, str], started: Path
) -> None:
    async with (
        serving(displays, started) as client,
        screen(client, f"lobby-1.{tokens['lobby-1']}") as first,
        screen(client, f"lobby-2.{tokens['lobby-2']}") as second,
    ):
        await first_screen(first)
        await first_screen(second)
        assert await refused(client, f"lobby-1.{tokens['lobby-1']}") == 503
    assert len(kiosks_started(started)) == 2


async def test_max_connections_caps_the_screens_connected_at_once(
    displays: Displays, tokens: dict[str, str], started: Path
) -> None:
    async with (
        serving(displays, started, max_connections=1) as client,
        screen(client, f"lobby-1.{tokens['lobby-1']}") as websocket,
    ):
        await first_screen(websocket)
        assert await refused(client, f"lobby-2.{tokens['lobby-2']}") == 503
    assert len(kiosks_started(started)) == 1


async def test_a_removed_display_is_refused_at_once(
    displays: Displays, tokens: dict[str, str], started: Path
) -> None:
    async with serving(displays, started) as client:
        displays.remove("lobby-1")
        assert await refused(client, f"lobby-1.{tokens['lobby-1']}") == 403
        page = await client.get("/", params={"display": "lobby-1", "token": tokens["lobby-1"]})
        assert page.status == 403


@pytest.mark.parametrize(
    ("typed", "browser_origin"),
    [
        ("https://Kiosk.Hotel.example/", "https://kiosk.hotel.example"),
        ("https://kiosk.hotel.example:443", "https://kiosk.hotel.example"),
        ("http://192.168.1.20:8000", "http://192.168.1.20:8000"),
        ("http://[fe80::1]:8000", "http://[fe80::1]:8000"),
    ],
)
def test_the_origin_checked_is_the_one_a_browser_on_the_public_url_sends(
    typed: str, browser_origin: str
) -> None:
    assert origin(public_url(typed)) == browser_origin


# -- kiosk displays -------------------------------------------------------------------------


def invoke(root: Path, *args: str):
    return CliRunner().invoke(cli, ["--data-dir", str(root), *args])


def test_displays_add_prints_the_address_list_shows_the_name_remove_shuts_it_out(
    tmp_path: Path,
) -> None:
    root = tmp_path / "data"
    added = invoke(
        root, "displays", "add", "lobby-1", "--public-url", "https://kiosk.hotel.example/"
    )
    assert added.exit_code == 0, added.output
    url = urlsplit(added.output.splitlines()[-1])
    assert f"{url.scheme}://{url.netloc}{url.path}" == "https://kiosk.hotel.example/"
    query = parse_qs(url.query)
    assert query["display"] == ["lobby-1"]
    token = query["token"][0]
    assert len(token) >= 43  # 32 random bytes, URL-safe

    kept = (root / "displays.json").read_text()
    assert "lobby-1" in kept and token not in kept
    assert stat.S_IMODE((root / "displays.json").stat().st_mode) == 0o600
    assert Displays(root / "displays.json", now=FixedClock(NOW).now).admits("lobby-1", token)

    listed = invoke(root, "displays", "list")
    assert listed.exit_code == 0 and "lobby-1" in listed.output and token not in listed.output

    assert invoke(root, "displays", "remove", "lobby-1").exit_code == 0
    assert "No displays registered" in invoke(root, "displays", "list").output
    assert not Displays(root / "displays.json", now=FixedClock(NOW).now).admits("lobby-1", token)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", "lobby 1"), "letters, digits and dashes"),
        (("add", "../lobby"), "letters, digits and dashes"),
        (("add", "lobby-1", "--public-url", "kiosk.hotel.example"), "not a public URL"),
        (("add", "lobby-1", "--public-url", "https://kiosk.hotel.example/kiosk"), "no path"),
        (("remove", "lobby-9"), "There is no display 'lobby-9'"),
    ],
)
def test_displays_refuses_what_it_cannot_register_and_writes_nothing(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    outcome = invoke(tmp_path / "data", "displays", *args)
    assert outcome.exit_code != 0 and message in outcome.output
    assert not (tmp_path / "data" / "displays.json").exists()


def test_a_display_is_added_once(tmp_path: Path) -> None:
    assert invoke(tmp_path, "displays", "add", "lobby-1").exit_code == 0
    again = invoke(tmp_path, "displays", "add", "lobby-1")
    assert again.exit_code == 1 and "already" in again.output


def test_serve_refuses_to_start_without_displays_or_with_an_address_no_browser_can_open(
    tmp_path: Path,
) -> None:
    none_yet = invoke(tmp_path, "serve")
    assert none_yet.exit_code == 1 and "kiosk displays add NAME" in none_yet.output
    assert invoke(tmp_path, "displays", "add", "lobby-1").exit_code == 0
    everywhere = invoke(tmp_path, "serve", "--host", "0.0.0.0")
    assert everywhere.exit_code == 2 and "--public-url" in everywhere.output


# -- kiosk serve --demo ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
async def test_serve_demo_shares_one_demo_and_removes_it_when_stopped(tmp_path: Path) -> None:
    root, temporary, port = tmp_path / "data", tmp_path / "tmp", free_port()
    temporary.mkdir()
    public = f"http://127.0.0.1:{port}"
    added = invoke(root, "displays", "add", "lobby-1", "--public-url", public)
    page = added.output.splitlines()[-1]
    token = parse_qs(urlsplit(page).query)["token"][0]
    server = await asyncio.create_subprocess_exec(
        *[sys.executable, "-m", "kiosk", "--data-dir", str(root)],
        *["serve", "--demo", "--port", str(port)],
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env={**os.environ, "TMPDIR": str(temporary), "TEXTUAL_ANIMATION": "none"},
    )
    assert server.stdout is not None
    try:
        while b"Screens can connect" not in (line := await server.stdout.readline()):
            assert line, "the server ended before it served"
        (demo,) = temporary.glob("kiosk-demo-*")
        async with aiohttp.ClientSession() as browser:
            async with browser.get(page) as response:
                assert response.status == 200
            async with browser.ws_connect(
                f"ws://127.0.0.1:{port}/ws",
                headers={"Origin": public, "Cookie": f"{COOKIE}=lobby-1.{token}"},
            ) as websocket:
                # The demo's kiosk draws its first screen: it runs on the server's one demo.
                assert (await websocket.receive()).type is aiohttp.WSMsgType.BINARY
                assert list(temporary.glob("kiosk-demo-*")) == [demo]
                server.send_signal(signal.SIGTERM)
                output, _ = await server.communicate()
    finally:
        if server.returncode is None:
            server.kill()
            await server.wait()
    assert server.returncode == 0, output.decode(errors="replace")
    assert list(temporary.iterdir()) == []
    assert token not in output.decode(errors="replace")  # no access log with the page's address
