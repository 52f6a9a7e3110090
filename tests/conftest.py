"""Shared fixtures: a seeded demo hotel under tmp_path that stands still in time.

Everything a screenshot could show is fixed: the clock and its time zone, the property
secret, the door PINs and the grant ids (so the QR codes too).
"""

from __future__ import annotations

import base64
import itertools
import os
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from textual.errors import NoWidget

from kiosk import demo, keys
from kiosk.clock import FixedClock
from kiosk.datadir import DataDir
from kiosk.hotel import Hotel, open_hotel

NOW = datetime(2026, 6, 12, 14, 30, tzinfo=ZoneInfo("Europe/Berlin"))  # a Friday afternoon
SECRET = bytes(range(32))


class IdleClock:
    """Stands in for time.monotonic in the app's idle watch; tests move it by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def fixed_codes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Door PINs and grant ids from counters instead of `secrets`: the same every run."""
    pins = (f"{(n * 379_721 + 482_913) % 10**6:06d}" for n in itertools.count())
    grant_ids = (base64.b32encode(n.to_bytes(5, "big")).decode() for n in itertools.count(1))
    monkeypatch.setattr(keys, "draw_pin", lambda length: next(pins)[:length])
    monkeypatch.setattr(keys, "new_grant_id", lambda: next(grant_ids))


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def hotel(tmp_path, clock: FixedClock, fixed_codes: None) -> Iterator[Hotel]:
    data_dir = DataDir(tmp_path / "data")
    data_dir.prepare()
    descriptor = os.open(data_dir.secret, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(SECRET)
    seeded = open_hotel(data_dir, clock=clock, kiosk_id="test-kiosk")
    demo.seed(seeded)
    yield seeded


@pytest.fixture
def idle_clock() -> IdleClock:
    return IdleClock()


@pytest.fixture
def app(hotel: Hotel, idle_clock: IdleClock):
    from screens.app import make_app

    kiosk = make_app(hotel, demo=True, clock=idle_clock)
    kiosk.animation_level = "none"
    return kiosk


# -- driving the guest app (imported by the app tests: `from conftest import ...`) ------------
# Textual is imported inside functions here: the core tests share this conftest and stay
# free of it.


def screen_text(app) -> str:
    """The characters on the terminal right now, modal screens included, one line per row."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


# Border and block glyphs that frame wrapped text; dropped so that a sentence reads on.
_FRAMES = str.maketrans("", "", "█▊▎▔▁▀▄")


def shown(app, text: str) -> bool:
    """Whether `text` is on screen, read across wrapped lines (runs of spaces flattened)."""
    flat = " ".join(screen_text(app).translate(_FRAMES).split())
    return " ".join(text.split()) in flat


async def until(pilot, condition: Callable[[], bool], what: str, *, at_most: float = 60.0) -> None:
    """Wait for something the app does in its own time (a worker, a poll, a timer) as an
    event: as long as it takes on a busy machine. The bound only turns a hang into a failure."""
    deadline = time.monotonic() + at_most
    while not condition():
        assert time.monotonic() < deadline, f"still waiting after {at_most:.0f} s for {what}"
        await pilot.pause(0.05)


def under_the_pointer(app, target) -> bool:
    """Whether a click at the top left of `target` (a selector or a widget; where Pilot
    clicks) would reach it."""
    if isinstance(target, str):
        found = app.screen.query(target)
        if not found:
            return False
        target = found.first()
    if not target.is_attached or not target.region.area:
        return False
    try:
        return app.get_widget_at(*target.region.offset)[0] is target
    except NoWidget:
        return False


async def click(pilot, target) -> None:
    """Click `target` once it is laid out: on a busy machine a page or dialog may not be
    drawn yet when the test gets here, and a click sent then lands elsewhere."""
    await until(pilot, lambda: under_the_pointer(pilot.app, target), f"{target} to be shown")
    assert await pilot.click(target), f"nothing clickable at {target}"


class Guest:
    """A guest at the kiosk: the steps as a person takes them, with keys and clicks."""

    def __init__(self, pilot, idle_clock: IdleClock | None = None) -> None:
        self.pilot = pilot
        self.app = pilot.app
        self.idle_clock = idle_clock

    async def walk_away(self, seconds: float) -> None:
        """Leave the kiosk alone for `seconds`; the app's once-a-second tick notices."""
        assert self.idle_clock is not None, "Guest(pilot, idle_clock) to walk away"
        self.idle_clock.advance(seconds)
        self.app.tick_idle()
        await self.pilot.pause()

    def on(self, name: str) -> bool:
        """Whether the guest sees `name`: a page of the guest screen, or a screen over it."""
        screen = self.app.screen
        return type(getattr(screen, "page", screen)).__name__ == name

    async def click(self, selector: str) -> None:
        await click(self.pilot, selector)

    async def type(self, text: str, *then: str) -> None:
        """A person typing: one key at a time."""
        await self.pilot.press(*text, *then)
        await self.pilot.pause()

    async def reader(self, text: str) -> None:
        """A barcode or document reader: every character at once, a newline sent as Enter."""
        from textual import events
        from textual.keys import _character_to_key

        for char in text:
            key, char = ("enter", "\r") if char == "\n" else (_character_to_key(char), char)
            self.app.post_message(events.Key(key, char))
        await self.pilot.pause()

    async def find(self, code: str, last_name: str | None = None) -> None:
        """Welcome → Find, then the code and Enter, as a scanner would send it, and the last
        name and Enter. Without `last_name`: the booking's own (or, for a code nobody has,
        another name), as the guest would type it."""
        if self.on("WelcomePage"):
            await self.click("#check-in")
        if last_name is None:
            booking = self.app.hotel.gateway.booking(code)
            last_name = booking.last_name if booking else "Nobody"
        await self.reader(code + "\n")
        await self.reader(last_name + "\n")

    async def confirm(self, code: str) -> None:
        await self.find(code)
        await self.click("#yes")

    async def by_hand(self, birth: str, last4: str = "7A21") -> None:
        if self.on("IdentityChoicePage"):
            await self.click("#by-hand")
        # Each field's keys sent at once, or the tests would spend most of their time typing.
        await self.reader(f"{birth}\n")
        await self.reader(f"{last4}\n")

    async def scan(self, zone: str) -> None:
        """A document reader: each line of the zone, then Enter."""
        if self.on("IdentityChoicePage"):
            await self.click("#scan")
        await self.reader("".join(line + "\n" for line in zone.splitlines()))

    async def to_room(self, code: str, birth: str) -> None:
        await self.confirm(code)
        await self.by_hand(birth)

    async def to_door_code(self, code: str, birth: str) -> None:
        await self.to_room(code, birth)
        await self.click("#show-key")
