"""A guest checks in by taps in a real browser: the installed `kiosk serve` in the
distribution's Chromium (Playwright from PyPI, pointed at it through `executable_path`; no
browser is downloaded), at a tablet's size. The QR code on the door code page is read from
the browser's screenshot with zxing-cpp, as a phone or a door reader would, and opens the
door with `kiosk key verify`.

The browser draws the terminal on a canvas: there is no button in the page to click. Where a
button is drawn comes from a twin, the same app on a copy of the same house, headless at the
browser's size in cells, taken through the same steps: the test taps the browser where the
twin has the button. What happens in the browser is awaited as events: its audit events in
the data folder, and the screen changing, then settling.
"""

from __future__ import annotations

import asyncio
import io
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import Guest, under_the_pointer, until
from kiosk.datadir import DataDir
from kiosk.hotel import open_hotel

CHROMIUM = Path(os.environ.get("KIOSK_TEST_CHROMIUM", "/usr/bin/chromium"))
TABLET = (1024, 768)
PHONE = (390, 844)  # held upright: some 43 x 46 cells
ERIKSSON = ("LH4821", "Eriksson", "12.08.1974")
AT_MOST = 90.0  # seconds: only turns a hang into a failure

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    ),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _kiosk(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *arguments], capture_output=True, text=True, check=False
    )


@pytest.fixture
def house(tmp_path: Path) -> Path:
    """The demo house on today's date, as `kiosk demo` seeds it, for the server."""
    root = tmp_path / "house"
    made = _kiosk("demo", "--no-app", "--data-dir", str(root))
    assert made.returncode == 0, made.stderr
    return root


@pytest.fixture
def twin_house(house: Path, tmp_path: Path) -> Path:
    """A copy of the house before the browser's guest wrote anything, for the twin."""
    return Path(shutil.copytree(house, tmp_path / "twin"))


@pytest.fixture
def server(house: Path):
    """`kiosk serve` for one registered display, the tablet: the address it opens."""
    port = _free_port()
    public = f"http://127.0.0.1:{port}"
    added = _kiosk("--data-dir", str(house), "displays", "add", "tablet", "--public-url", public)
    assert added.returncode == 0, added.stderr
    (address,) = [line for line in added.stdout.splitlines() if line.startswith(public)]
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "kiosk", "--data-dir", str(house)),
            *("serve", "--port", str(port), "--public-url", public),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        # Listening once it says where screens connect (an event, not a wait).
        assert process.stdout is not None
        for line in process.stdout:
            if "Screens can connect at" in line:
                break
        # Whatever it prints later is read, so that a full pipe never stops the server.
        threading.Thread(target=process.stdout.read, daemon=True).start()
        yield address
    finally:
        process.terminate()
        process.wait(timeout=30)


def _events(root: Path) -> list[str]:
    hotel = open_hotel(DataDir(root), create=False)
    return [event["action"] for event in hotel.audit_trail.events(limit=200)]


class Browser:
    """The kiosk page in Chromium, and taps at a cell of its terminal."""

    def __init__(self, page, columns: int, rows: int) -> None:
        self.page = page
        self.columns, self.rows = columns, rows

    @classmethod
    async def open(cls, playwright, url: str, viewport: tuple[int, int]) -> Browser:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox"]
        )
        page = await browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
        sizes: list[tuple[int, int]] = []

        def connected(socket) -> None:
            query = dict(part.split("=") for part in socket.url.split("?")[1].split("&"))
            sizes.append((int(query["width"]), int(query["height"])))

        page.on("websocket", connected)
        await page.goto(url)
        # The first frame comes a second or two after load; wait for document.body first.
        await page.wait_for_function(
            "document.body && document.body.classList.contains('-first-byte')",
            timeout=AT_MOST * 1000,
        )
        columns, rows = sizes[-1]
        return cls(page, columns, rows)

    async def screenshot(self) -> bytes:
        return await self.page.screenshot()

    async def tap(self, region) -> None:
        """A tap in the middle of `region` (cells), where the terminal draws it."""
        box = await self.page.locator(".xterm-screen").bounding_box()
        cell_width, cell_height = box["width"] / self.columns, box["height"] / self.rows
        x = box["x"] + (region.x + region.width / 2) * cell_width
        y = box["y"] + (region.y + region.height / 2) * cell_height
        await self.page.mouse.click(x, y)

    async def type(self, text: str) -> None:
        """Each line, then Enter, as a person types: the next line once the screen has
        shown the last (Enter moves on to the next field)."""
        for line in text.splitlines():
            await self.page.keyboard.type(line, delay=20)
            await self.page.keyboard.press("Enter")
            await self.settled()

    async def changed_from(self, before: bytes) -> None:
        """The screen changed after a tap, and then stopped changing (the next page drawn)."""
        await _until(lambda: self._differs(before), "the browser's screen to change")
        await self.settled()

    async def settled(self) -> None:
        """Two screenshots a moment apart are the same: the app has drawn what it had to."""
        last = await self.screenshot()
        while True:
            await asyncio.sleep(0.3)
            now = await self.screenshot()
            if now == last:
                return
            last = now

    async def _differs(self, before: bytes) -> bool:
        return await self.screenshot() != before


async def _until(condition: Callable[[], object], what: str) -> None:
    deadline = asyncio.get_running_loop().time() + AT_MOST
    while True:
        result = condition()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        assert asyncio.get_running_loop().time() < deadline, f"still waiting for {what}"
        await asyncio.sleep(0.2)


def _qr_token(png: bytes) -> str | None:
    import zxingcpp
    from PIL import Image

    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return found[0].text if found else None


async def _into_sight(browser: Browser, twin: Guest, selector: str) -> None:
    """A button below the fold (a phone's page scrolls) is brought into sight as a guest
    with a keyboard would: Tab in both until it has the focus, which scrolls both alike."""
    await until(twin.pilot, lambda: bool(twin.app.screen.query(selector)), selector)
    await twin.pilot.pause()
    for _ in range(40):
        if under_the_pointer(twin.app, selector):
            return
        await browser.page.keyboard.press("Tab")
        await browser.settled()
        await twin.pilot.press("tab")
        await twin.pilot.pause()
    raise AssertionError(f"{selector} never came into sight")


async def _tap(
    browser: Browser, twin: Guest, selector: str, then: Callable[[], object] | None = None
) -> None:
    """Tap in the browser where the twin has `selector`, then in the twin: the screen
    changes (or `then` comes true)."""
    await _into_sight(browser, twin, selector)
    region = twin.app.screen.query_one(selector).region
    before = await browser.screenshot()
    await browser.tap(region)
    if then is None:
        await browser.changed_from(before)
    else:
        await _until(then, f"what {selector} does")
    await twin.click(selector)


async def _check_in_by_taps(browser: Browser, twin: Guest, house: Path) -> tuple[str, str]:
    """Eriksson's whole check-in in the browser, each button tapped where the twin has it.
    Returns the room and the QR code's token read from the browser's screen."""
    code, last_name, birth = ERIKSSON

    async def twin_types(text: str) -> None:
        # A line at a time: the field's Enter moves the focus only once its own turn comes.
        for line in text.splitlines():
            await twin.reader(line + "\n")
            await twin.pilot.pause()

    async def tap(selector: str, then: Callable[[], object] | None = None) -> None:
        await _tap(browser, twin, selector, then)

    def audited(action: str, count: int = 1) -> Callable[[], bool]:
        return lambda: _events(house).count(action) >= count

    await tap("#check-in")
    await browser.type(f"{code}\n{last_name}\n")
    await _until(audited("lookup"), "the lookup")
    await twin_types(f"{code}\n{last_name}\n")
    await tap("#yes")
    await tap("#by-hand")
    await browser.type(f"{birth}\n4567\n")
    await _until(audited("identity"), "the identity check")
    await twin_types(f"{birth}\n4567\n")
    assert twin.on("RegistrationPage")
    # The guest types the address on the tablet's keyboard, Enter on to the next field (the
    # country, the companions as filled in), and the passport's number, which ends in the
    # four characters given at the identity check.
    address = "Storgatan 1\n111 22\nStockholm\n\n\n\nX1234567\n"
    await browser.type(address)  # the street, the first empty field, has the cursor
    await twin_types(address)
    await tap("#card-submit", then=audited("registration_card"))
    if twin.app.screen.query("#add-early_check_in"):
        # Before the free window the key would open at 14:00: the guest buys the early
        # check-in, so that the door opens now, whatever the time of the test.
        await tap("#add-early_check_in")
    await tap("#offers-continue", then=audited("checked_in"))
    room = twin.app.session.keys[0].room.number
    await tap("#show-key")
    token: str | None = None

    async def qr_read() -> bool:
        nonlocal token
        token = _qr_token(await browser.screenshot())
        return token is not None

    await _until(qr_read, "a readable QR code on the browser's screen")
    assert token is not None
    return room, token


@pytest.mark.parametrize("viewport", [TABLET, PHONE], ids=["tablet landscape", "phone"])
async def test_a_check_in_by_taps_in_chromium_gives_a_key_that_opens_the_door(
    server, house, twin_house, viewport, idle_clock
) -> None:
    playwright_api = pytest.importorskip("playwright.async_api")
    from screens.app import make_app

    async with playwright_api.async_playwright() as playwright:
        browser = await Browser.open(playwright, server, viewport)
        twin_house_hotel = open_hotel(DataDir(twin_house), kiosk_id="twin")
        # On a clock of its own: the twin must not go idle while the browser works.
        twin_app = make_app(twin_house_hotel, demo=True, clock=idle_clock)
        async with twin_app.run_test(size=(browser.columns, browser.rows)) as pilot:
            room, token = await _check_in_by_taps(browser, Guest(pilot, idle_clock), house)
    opened = _kiosk("--data-dir", str(house), "key", "verify", "--room", room, token)
    assert opened.returncode == 0 and opened.stdout.strip() == f"OPEN: room {room}", opened
    # The audit trail names the screen the guest used.
    trail = open_hotel(DataDir(house), create=False).audit_trail.events(limit=200)
    checked_in = [e for e in trail if e["action"] == "checked_in" and e["booking"] == ERIKSSON[0]]
    assert [event["kiosk"] for event in checked_in] == ["tablet"]


def _pixel(png: bytes, point: tuple[float, float]) -> tuple[int, int, int]:
    """The colour of a screenshot at a point of the page."""
    from PIL import Image

    return Image.open(io.BytesIO(png)).convert("RGB").getpixel((int(point[0]), int(point[1])))


async def test_large_text_by_taps_in_chromium(server, twin_house, idle_clock) -> None:
    """Large text is the app's own style, so a browser shows it as a terminal does: the
    title gets a band of its own, on the row above its text (right of where the text ends,
    so that no letter is mistaken for the band)."""
    playwright_api = pytest.importorskip("playwright.async_api")
    from screens.app import make_app

    async with playwright_api.async_playwright() as playwright:
        browser = await Browser.open(playwright, server, TABLET)
        box = await browser.page.locator(".xterm-screen").bounding_box()
        cell = (box["width"] / browser.columns, box["height"] / browser.rows)

        def at(column: int, row: int) -> tuple[float, float]:
            return box["x"] + (column + 0.5) * cell[0], box["y"] + (row + 0.5) * cell[1]

        twin_app = make_app(
            open_hotel(DataDir(twin_house), kiosk_id="twin"), demo=True, clock=idle_clock
        )
        async with twin_app.run_test(size=(browser.columns, browser.rows)) as pilot:
            twin = Guest(pilot, idle_clock)
            await browser.settled()
            for selector in ("#access", "#large-text", "#close-access"):
                await _tap(browser, twin, selector)
            assert twin.app.large_text
            title = twin.app.guest_screen.page.query_one(".title").region
            page = await browser.screenshot()
            band = _pixel(page, at(title.right - 2, title.y))
            background = _pixel(page, at(title.right - 2, title.y - 1))
            assert band != background


async def test_a_display_address_with_a_font_size_has_bigger_cells(server) -> None:
    """For a screen whose guests need bigger letters all the time (README, "Accessibility"):
    textual-serve's `fontsize` in the display's address, and fewer, bigger cells."""
    playwright_api = pytest.importorskip("playwright.async_api")
    async with playwright_api.async_playwright() as playwright:
        bigger = await Browser.open(playwright, f"{server}&fontsize=24", TABLET)
        # 16 px, the default, gives the tablet some 110 columns; 24 px two thirds of that.
        assert bigger.columns <= 80, bigger.columns
