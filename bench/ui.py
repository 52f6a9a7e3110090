"""App measurements, each in a fresh process (headless Textual, Pilot).

    python bench/ui.py cold SPAWN_MONOTONIC DATA_DIR   `kiosk demo` to the first interactive frame
    python bench/ui.py flow RUNS                       each guest step, key press to next screen drawn
    python bench/ui.py memory DATA_DIR OPEN            RSS: app on screen, OPEN bookings on file
    python bench/ui.py floor WIDGETS RUNS              Textual alone: push and paint a plain screen

Each prints one JSON object. They need `screens.app.make_app(hotel, demo=...)`; without it
they print {"missing": "..."} and the table says so.
"""

from __future__ import annotations

import asyncio
import gc
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SIZE = (100, 30)
CORE = [0.0]  # seconds spent inside the check-in session's methods (the core) so far


def count_core_time() -> None:
    """Wrap the session's steps so each flow step can say how much of it was the core."""
    from kiosk.session import CheckInSession

    depth = [0]  # a step that calls another (proceed calls check_in) counts once

    def timed(method):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            depth[0] += 1
            try:
                return method(*args, **kwargs)
            finally:
                depth[0] -= 1
                if not depth[0]:
                    CORE[0] += time.perf_counter() - start

        return wrapper

    for name in (
        "find",
        "confirm",
        "identify_by_zone",
        "identify_by_hand",
        "proceed",
        "take_offers",
        "check_in",
        "put_away_keys",
        "forget",
    ):
        setattr(CheckInSession, name, timed(getattr(CheckInSession, name)))


def rss_mb() -> float:
    from bench.core import rss_mb as measure

    return measure()


async def drawn(app) -> None:
    """Until the current screen has processed its messages and been painted."""
    done = asyncio.Event()
    app.screen.call_after_refresh(done.set)
    await asyncio.wait_for(done.wait(), 10)


# ---------------------------------------------------------------- cold start


def cold(spawn: float, data_dir: str) -> None:
    """Run the real `kiosk demo --data-dir DATA_DIR` with the app started headless."""
    try:
        import screens.app as app_module
    except ImportError as error:
        print(json.dumps({"missing": f"screens.app: {error}"}))
        return
    if not hasattr(app_module, "make_app"):
        print(json.dumps({"missing": "screens.app.make_app"}))
        return

    def start(hotel, *, demo: bool, speaker=None) -> None:
        app = app_module.make_app(hotel, demo=demo, freeze_when_ready=True)  # as start() does

        async def run() -> None:
            async with app.run_test(headless=True, size=SIZE) as pilot:
                await pilot.pause()
                await drawn(app)
                ready = time.monotonic()
                print(
                    json.dumps(
                        {
                            "seconds": ready - spawn,
                            "rss_mb": rss_mb(),
                            "screen": type(app.screen).__name__,
                        }
                    )
                )

        asyncio.run(run())

    app_module.start = start
    from kiosk import cli

    sys.argv = ["kiosk", "demo", "--data-dir", data_dir]
    try:
        cli.main()
    except SystemExit as exit_:
        if exit_.code:
            raise


# ---------------------------------------------------------------- the guest flow

# Demo guests who check in plainly, each with the date of birth their booking has (if any).
GUESTS = ["LH4821", "LH6144", "LH7015", "LH7388", "LH7423", "LH8602", "LH8845", "LH5930", "LH8719"]


def shown(app):
    """What the guest sees: the page of the guest screen (screens/base.py), or a screen."""
    screen = app.screen
    return getattr(screen, "page", screen)


QUIET = 0.08  # no frame for this long: a step's drawing is over (Textual draws at most 60
# frames a second, and a layout's follow-up comes within two frames)


FRAMES: Frames  # of the app being measured


class Frames:
    """Every frame the app writes (headless too), with its time, replayed onto a copy of the
    terminal's cells so that a step can tell when the guest first saw its final picture.

    Textual often repaints a new page once or twice more after its first frame (its widgets
    learn their sizes and ask for a second layout that moves nothing). Those repaints are
    timed ("settled"), but the step counts as drawn at the first frame after which the cells
    on screen no longer change, which this checks cell by cell rather than assumes.
    """

    def __init__(self, app) -> None:
        from rich.console import Console

        self.times: list[float] = []
        self._unseen: list[tuple[float, object]] = []  # frames not replayed yet
        self._console = Console(width=SIZE[0], height=SIZE[1], color_system=None)
        self._cells = [[(" ", None)] * SIZE[0] for _ in range(SIZE[1])]
        display = app._display

        def noted(screen, renderable) -> None:
            if renderable is not None and not app._batch_count:  # else Textual shows nothing
                now = time.perf_counter()
                self.times.append(now)
                self._unseen.append((now, renderable))
            display(screen, renderable)

        app._display = noted

    async def last(self, since: float) -> float:
        """The time of the last frame after `since`, once the screen has stayed still."""
        # Polled: what ends the wait is QUIET seconds without a frame, and no event marks that.
        while not self._still_since(since):  # noqa: ASYNC110
            await asyncio.sleep(0.005)
        return self.times[-1]

    def _still_since(self, since: float) -> bool:
        """Whether a frame came after `since` and none for QUIET seconds since then."""
        return bool(self.times) and since < self.times[-1] <= time.perf_counter() - QUIET

    def first_final(self, since: float) -> float:
        """The time of the first frame after `since` from which the screen looked as it does
        now (call after `last`)."""
        pictures = []
        for moment, update in self._unseen:
            self._paint(update)
            if moment > since:
                pictures.append((moment, tuple(map(tuple, self._cells))))
        self._unseen.clear()  # the frames' strips are big: keeping them skews the heap
        final = pictures[-1][1]
        return next(moment for moment, picture in pictures if picture == final)

    def _paint(self, update) -> None:
        from rich.segment import ControlType

        x = y = 0
        for segment in update.__rich_console__(self._console, self._console.options):
            if segment.control:
                for code in segment.control:
                    if code[0] == ControlType.CURSOR_MOVE_TO:
                        x, y = code[1], code[2]
                continue
            for character in segment.text.replace("\n", ""):
                if 0 <= y < SIZE[1] and 0 <= x < SIZE[0]:
                    self._cells[y][x] = (character, segment.style)
                x += 1


async def step(pilot, app, key: str, timings: dict, name: str) -> None:
    """Press `key` and time it until another page (or screen) is on and drawn: the first
    frame from which the screen stays as it ends up (`Frames`). The last repaint the key
    caused is noted too, as "name [settled]".

    The key goes in as Pilot sends it, but the clock stops at that frame, not when Pilot's
    "wait until the process is idle" polling (20 ms sleeps) ends.
    """
    before = shown(app)
    core = CORE[0]
    start = time.perf_counter()
    pressing = asyncio.ensure_future(app._press_keys([key]))
    deadline = start + 10
    while shown(app) is before:
        if time.perf_counter() > deadline:
            raise RuntimeError(
                f"{name}: {key!r} did not lead to another screen (still {type(before).__name__})"
            )
        await asyncio.sleep(0)
    await note_drawn(timings, name, start)
    timings.setdefault(f"{name} [core]", []).append(CORE[0] - core)
    await pressing
    await pilot.pause()


async def note_drawn(timings: dict, name: str, start: float) -> None:
    settled = await FRAMES.last(start)
    timings.setdefault(name, []).append(FRAMES.first_final(start) - start)
    timings.setdefault(f"{name} [settled]", []).append(settled - start)


async def one_guest(pilot, app, hotel, code: str, by_hand: bool, timings: dict) -> None:
    from datetime import date

    from kiosk import demo
    from kiosk.models import normalise_name

    guest = hotel.gateway.booking(code)
    birth = guest.date_of_birth or date(1985, 2, 3)
    await step(pilot, app, "enter", timings, "welcome → find booking")
    await pilot.press(*code, "enter", *normalise_name(guest.last_name))  # Enter: on to the name
    await step(pilot, app, "enter", timings, "booking code and name → confirm")
    await step(pilot, app, "enter", timings, "confirm → how to identify")
    if by_hand:
        await pilot.press("tab")  # from "scan" to "by hand"
        await step(pilot, app, "enter", timings, "choose hand entry → form")
        await pilot.press(*birth.isoformat(), "enter", *"T047")
        await step(pilot, app, "enter", timings, "hand entry → offers (identity)")
    else:
        await step(pilot, app, "enter", timings, "choose scan → scan")
        today = hotel.today()
        zone = demo.passport_zone(
            guest, number=f"BX{code[2:]}Q", expiry=today.replace(year=today.year + 4), birth=birth
        )
        first, second = zone.splitlines()
        await pilot.press(*first, "enter", *second)
        await step(pilot, app, "enter", timings, "zone scanned → offers (identity)")
    if type(shown(app)).__name__ == "OffersPage":  # breakfast fits every stay with a room
        app.screen.query_one("#offers-continue").focus()
        await step(pilot, app, "enter", timings, "offers, none added → room (check-in)")
    await step(pilot, app, "enter", timings, "room → door code (PIN, QR)")
    while type(shown(app)).__name__.startswith("DoorCode") and guest.rooms > 1:
        # a second room: "next room" redraws the same page; time it by its frames
        start = time.perf_counter()
        page = shown(app)
        await app._press_keys(["enter"])
        if shown(app) is not page:
            await note_drawn(timings, "door code → goodbye", start)
            break
        await note_drawn(timings, "door code → next room", start)
        guest.rooms -= 1
    else:
        await step(pilot, app, "enter", timings, "door code → goodbye")
    await step(pilot, app, "enter", timings, "goodbye → welcome")


def flow(runs: int) -> None:
    try:
        import screens.app as app_module
    except ImportError as error:
        print(json.dumps({"missing": f"screens.app: {error}"}))
        return
    import tempfile

    from kiosk import demo
    from kiosk.datadir import DataDir
    from kiosk.hotel import open_hotel

    timings: dict[str, list[float]] = {}
    count_core_time()
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        data = DataDir(Path(tmp) / "data")
        open_hotel(data, kiosk_id="bench")  # the template's hotel.toml
        # The flow times the steps every guest takes: the registration card, which only
        # guests a law asks it of fill in by typing a dozen fields, is left out (no law here).
        data.profile.write_text(
            data.profile.read_text().replace('country = "DE"', 'country = "none"')
        )
        hotel = open_hotel(data, kiosk_id="bench")
        demo.seed(hotel)
        app = app_module.make_app(hotel, demo=True, freeze_when_ready=True)  # as start() does
        global FRAMES  # noqa: PLW0603  (one app is measured per process)
        FRAMES = Frames(app)

        heap: dict[str, list[float]] = {"rss_mb": [], "objects": []}

        def note_heap() -> None:
            """What the kiosk holds between guests: the objects the garbage collector walks
            (those frozen at start-up aside) and the process's memory."""
            gc.collect()
            heap["objects"].append(len(gc.get_objects()))
            heap["rss_mb"].append(rss_mb())

        async def run() -> None:
            async with app.run_test(headless=True, size=SIZE) as pilot:
                await pilot.pause()
                guests = min(runs, len(GUESTS))
                for n in range(guests):
                    await one_guest(
                        pilot, app, hotel, GUESTS[n], by_hand=bool(n % 2), timings=timings
                    )
                    if n in (0, guests - 1):
                        note_heap()

        try:
            asyncio.run(run())
        except Exception as error:  # noqa: BLE001  (a screen still being built: report what was measured)
            print(json.dumps({"timings": timings, "error": f"{type(error).__name__}: {error}"}))
            return
    print(json.dumps({"timings": timings, "heap": {"guests": min(runs, len(GUESTS)), **heap}}))


# ---------------------------------------------------------------- Textual's own floor


def floor(widgets: int, runs: int) -> None:
    """What pushing and painting a screen costs in Textual itself, with no kiosk code: a
    plain screen of `widgets` lines and buttons, like a guest screen's, on a bare app."""
    from textual.app import App, ComposeResult
    from textual.containers import Vertical
    from textual.screen import Screen
    from textual.widgets import Button, Static

    class Plain(Screen):
        def compose(self) -> ComposeResult:
            with Vertical():
                for n in range(widgets):
                    yield Button(f"button {n}") if n % 3 == 0 else Static(f"line {n}")

    class Bare(App):
        def compose(self) -> ComposeResult:
            yield Static("home")

    app = Bare()
    frames = Frames(app)
    seconds: list[float] = []

    async def run() -> None:
        async with app.run_test(headless=True, size=SIZE) as pilot:
            await pilot.pause()
            for _ in range(runs):
                start = time.perf_counter()
                app.push_screen(Plain())
                await frames.last(start)
                seconds.append(frames.first_final(start) - start)
                await pilot.pause()
                app.pop_screen()
                await pilot.pause()

    asyncio.run(run())
    print(json.dumps({"widgets": widgets, "seconds": seconds}))


# ---------------------------------------------------------------- memory with a big house


def memory(data_dir: str, open_bookings: int) -> None:
    from bench import dataset
    from bench.core import ready_sessions

    house = dataset.describe(Path(data_dir), open_bookings)
    hotel = dataset.open_house(house)
    for index in ("code", "last_name", "room"):
        hotel.gateway.store.find("bookings", index, "")
    for session in ready_sessions(hotel, house.arrival_codes[:3]):
        session.check_in()
    core_only = rss_mb()
    try:
        import screens.app as app_module
    except ImportError as error:
        print(
            json.dumps({"rss_mb": core_only, "core_only": True, "missing": f"screens.app: {error}"})
        )
        return
    app = app_module.make_app(hotel, demo=False, freeze_when_ready=True)  # as start() does

    async def run() -> float:
        async with app.run_test(headless=True, size=SIZE) as pilot:
            await pilot.pause()
            await drawn(app)
            return rss_mb()

    print(json.dumps({"rss_mb": asyncio.run(run()), "core_only_mb": core_only}))


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "cold":
        cold(float(args[0]), args[1])
    elif command == "flow":
        flow(int(args[0]))
    elif command == "memory":
        memory(args[0], int(args[1]))
    elif command == "floor":
        floor(int(args[0]), int(args[1]))
    else:
        raise SystemExit(f"unknown command {command}")
