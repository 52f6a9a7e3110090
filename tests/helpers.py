"""What the tests share besides fixtures: the fixed dates, the demo's people, and the steps of
the core flow, of a guest at the kiosk and of staff at the desk. Test modules import these by
name; the fixtures are in conftest.py, where pytest finds them.

Textual is imported inside the functions that drive an app, so that the core tests stay free
of it."""

from __future__ import annotations

import errno
import os
import re
import stat
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from kiosk import demo, registration
from kiosk.datadir import DataDir
from kiosk.hotel import Hotel, open_hotel
from kiosk.models import Booking, Room
from kiosk.registration import LAWS, Country, RegistrationCard, check
from kiosk.session import CheckedIn, CheckInSession, Found, Step, Verified
from kiosk.staff import Role, StaffMember

if TYPE_CHECKING:
    from textual.pilot import Pilot

    from screens.app import KioskApp

BERLIN = ZoneInfo("Europe/Berlin")
# The clock of the core and staff tests: a Saturday afternoon well away from a daylight-saving
# change; never today's date.
NOW = datetime(2026, 3, 14, 16, 30, tzinfo=BERLIN)
TODAY = NOW.date()
# The clock of the guest app tests (fixture `guest_hotel`): a Friday afternoon. The guest
# snapshots show its dates, the staff snapshots show NOW's.
GUEST_NOW = datetime(2026, 6, 12, 14, 30, tzinfo=BERLIN)

MANAGER = StaffMember("Marta Manager", Role.MANAGER)
AGENT = StaffMember("Arne Agent", Role.AGENT)
PINS = {MANAGER: "246810", AGENT: "135791"}  # their PINs in the `desk_hotel` fixture
WRONG_PIN = "999999"
KIOSK = "lobby-1"  # the `desk_hotel` fixture's kiosk id
SIZE = (100, 30)


# -- the core -------------------------------------------------------------------------------


def reopen(hotel: Hotel, kiosk_id: str = "k1") -> Hotel:
    """A new Hotel on the same data directory and clock: what a restart sees."""
    return open_hotel(hotel.data_dir, clock=hotel.clock, kiosk_id=kiosk_id)


def set_profile(root: Path, key: str, value: str) -> None:
    """Change one `key = value` line of hotel.toml (creating the folder and template first)."""
    DataDir(root).prepare()
    path = DataDir(root).profile
    text = path.read_text(encoding="utf-8")
    new, count = re.subn(rf"(?m)^{re.escape(key)}\s*=.*$", f"{key} = {value}", text)
    assert count == 1, f"{key} is not once in the template"
    path.write_text(new, encoding="utf-8")


def furnish(hotel: Hotel, rooms: list[Room] = (), bookings: list[Booking] = ()) -> None:
    with hotel.transaction() as db:
        if rooms:
            db.add_rooms(rooms)
        if bookings:
            db.add_bookings(bookings)


GUEST_BIRTH = date(1985, 2, 3)


def booking(
    code: str,
    last_name: str = "Meyer",
    room_type: str = "double",
    *,
    nights: int = 2,
    arrival: date = TODAY,
    **fields,
) -> Booking:
    """A booking with a date of birth on file (GUEST_BIRTH) unless `date_of_birth` says
    otherwise."""
    fields.setdefault("date_of_birth", GUEST_BIRTH)
    return Booking(
        code=code,
        last_name=last_name,
        first_name="Kim",
        arrival=arrival,
        departure=arrival + timedelta(days=nights),
        room_type=room_type,
        **fields,
    )


def zone(
    hotel: Hotel,
    code: str,
    *,
    number: str = "C01X00T47",
    expiry: date | None = None,
    birth: date | None = None,
    last_name: str | None = None,
) -> str:
    """A valid TD3 zone for the booking's guest (or, with `last_name`, for somebody else)."""
    guest = hotel.gateway.booking(code)
    assert guest is not None
    if last_name is not None:
        guest = replace(guest, last_name=last_name)
    return demo.passport_zone(
        guest,
        number=number,
        expiry=expiry or TODAY.replace(year=TODAY.year + 5),
        birth=birth or guest.date_of_birth or date(1985, 2, 3),
    )


def found(hotel: Hotel, code: str) -> CheckInSession:
    """A session in which the guest has typed their booking code and last name."""
    session = CheckInSession(hotel)
    guest = hotel.gateway.booking(code)
    assert guest is not None
    assert isinstance(session.find(code, guest.last_name), Found)
    return session


def at_identify(hotel: Hotel, code: str) -> CheckInSession:
    session = found(hotel, code)
    assert session.confirm() is Step.IDENTIFY
    return session


def ready(hotel: Hotel, code: str) -> CheckInSession:
    """Identified by a scanned passport, which every booking takes."""
    session = at_identify(hotel, code)
    assert isinstance(session.identify_by_zone(zone(hotel, code, number="C01X00T47")), Verified)
    return session


def check_in(hotel: Hotel, code: str) -> tuple[CheckInSession, CheckedIn]:
    """Check a booking in through the guest flow."""
    session = ready(hotel, code)
    result = session.check_in()
    assert isinstance(result, CheckedIn), result
    return session, result


def events(hotel: Hotel, action: str | None = None, booking_code: str | None = None) -> list[dict]:
    found = reopen(hotel).audit_trail.events(limit=1_000_000)
    return [
        e
        for e in found
        if (action is None or e["action"] == action)
        and (booking_code is None or e["booking"] == booking_code)
    ]


def data_files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


# The fields of BMG §30(2), in the order a German card holds them: these and no others.
SECTION_30_2 = (
    "arrival",
    "departure",
    "surname",
    "first_names",
    "date_of_birth",
    "nationalities",
    "street",
    "postcode",
    "town",
    "country",
    "companions",
    "companion_nationalities",
    "document_number",
)


# -- a foreign guest and their registration card ---------------------------------------------

# Everything a booking and a card may hold of a guest (kiosk/retention.py and kiosk/erasure.py
# make it go).
SURNAME, FIRST_NAME = "Okonkwo", "Adaeze"
EMAIL = "adaeze.okonkwo@example.org"
BIRTH = date(1984, 7, 9)
DOCUMENT_NUMBER = "C01X00T47"  # the passport helpers.zone makes, and the card's


def foreign_guest(code: str = "RT4711", **fields) -> Booking:
    stay = booking(code, SURNAME, date_of_birth=BIRTH, email=EMAIL, nationality="NGA", **fields)
    return replace(stay, first_name=FIRST_NAME)


def registration_card(hotel: Hotel, code: str) -> RegistrationCard:
    """The card the guest completed at the kiosk, as `registration.check` makes it."""
    law = registration.law_of(hotel.profile.registration_country)
    assert law is not None
    stay = hotel.gateway.booking(code)
    assert stay is not None
    holds = registration.card_fields(law, stay)
    assert holds is not None
    typed = {
        **registration.prefilled(holds, stay, None, "en"),
        "street": "Marina Road 4",
        "postcode": "101241",
        "town": "Lagos",
        "country": "Nigeria",
        "document_number": DOCUMENT_NUMBER,
    }
    checked = registration.check(
        holds,
        typed,
        law=law,
        booking=stay,
        language="en",
        house_language=hotel.profile.language,
        today=hotel.today(),
        now=hotel.now(),
    )
    assert checked.card is not None, checked.problems
    return checked.card


# What a Polish guest types on a card: every field of either law (check reads only those the
# card holds). The country typed in German, as a guest at a German house may.
POLISH_GUEST = {
    "surname": "Kowalski",
    "first_names": "Jan Maria",
    "date_of_birth": "1985-02-03",
    "nationalities": "POL",
    "street": "ul. Długa 5",
    "postcode": "00-950",
    "town": "Warszawa",
    "country": "Polen",
    "companions": "1",
    "companion_nationalities": "POL",
    "document_number": "EA1234567",
    "sex": "M",
    "document_type": "P",
    "document_issued_on": "2020-01-02",
    "document_authority": "Wojewoda Mazowiecki",
}


def polish_card(
    country: Country = Country.DE, code: str = "LH1001", language: str = "en", **typed: str
) -> RegistrationCard:
    """The card a foreign guest of booking `code` completed under `country`'s law, with
    `typed` over POLISH_GUEST, as registration.check reads it at NOW."""
    guest = booking(code, "Kowalski", nationality="POL")
    law = LAWS[country]
    checked = check(
        law.fields,
        {**POLISH_GUEST, **typed},
        law=law,
        booking=guest,
        language=language,
        house_language="de",
        today=TODAY,
        now=NOW,
    )
    assert checked.card is not None, checked.problems
    return checked.card


def fake_lp(folder: Path, *, exit_status: int = 0, stderr: str = "") -> Path:
    """An `lp` that writes its arguments and what it read to `lp.json` beside it."""
    folder.mkdir(exist_ok=True)
    script = folder / "lp"
    script.write_text(
        f"#!{sys.executable}\n"
        "import json, sys\n"
        f"record = {{'argv': sys.argv[1:], 'stdin': sys.stdin.buffer.read().decode('latin-1')}}\n"
        f"open({str(folder / 'lp.json')!r}, 'w').write(json.dumps(record))\n"
        f"sys.stderr.write({stderr!r})\n"
        f"sys.exit({exit_status})\n",
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return folder / "lp.json"


# -- a guest at the kiosk ---------------------------------------------------------------------


class IdleClock:
    """Stands in for time.monotonic in the app's idle watch; tests move it by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


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
    from textual.errors import NoWidget

    if not target.is_attached or not target.region.area:
        return False
    try:
        return app.get_widget_at(*target.region.offset)[0] is target
    except NoWidget:
        return False


def scrolled_into_sight(app, target) -> bool:
    """Whether `target` is under the pointer, scrolling it into sight if it is laid out but
    not (a small screen: a person scrolls to what they tap)."""
    if under_the_pointer(app, target):
        return True
    found = app.screen.query(target) if isinstance(target, str) else [target]
    if found and found[0].is_attached and found[0].region.area:
        found[0].scroll_visible(animate=False, immediate=True)
    return False


async def click(pilot, target) -> None:
    """Click `target` once it is laid out: on a busy machine a page or dialog may not be
    drawn yet when the test gets here, and a click sent then lands elsewhere."""
    await until(pilot, lambda: scrolled_into_sight(pilot.app, target), f"{target} to be shown")
    assert await pilot.click(target), f"nothing clickable at {target}"


def seconds_to_warning(profile) -> int:
    """Seconds left alone after which a guest past Welcome sees the idle warning."""
    return profile.idle_timeout - profile.idle_warning + 1


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

    async def choose_language(self, language: str) -> None:
        """The language button, then the language in the list."""
        await self.click("#language")
        await self.click(f"#language-{language}")
        await until(
            self.pilot,
            lambda: self.app.screen is self.app.guest_screen and self.app.language == language,
            f"the kiosk in {language}",
        )
        await self.pilot.pause()

    async def type(self, text: str, *then: str) -> None:
        """A person typing: one key at a time."""
        await self.pilot.press(*text, *then)
        await self.pilot.pause()

    async def reader(self, text: str) -> None:
        """A barcode or document reader: every character at once, a newline sent as Enter."""
        from textual import events
        from textual.keys import _character_to_key

        for typed in text:
            key, char = ("enter", "\r") if typed == "\n" else (_character_to_key(typed), typed)
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

    async def no_thanks(self) -> None:
        """On the offers page (kiosk/offers.py), if it shows: on without adding anything."""
        if self.on("OffersPage"):
            await self.click("#offers-continue")

    async def at_the_card(self, code: str) -> None:
        """Found, confirmed and a passport scanned: on the registration card."""
        await self.confirm(code)
        await self.scan(zone(self.app.hotel, code, number=DOCUMENT_NUMBER))
        await until(self.pilot, lambda: self.on("RegistrationPage"), "the registration card")

    async def past_the_card(self) -> None:
        await until(
            self.pilot,
            lambda: self.on("OffersPage") or self.on("RoomPage"),
            "the offers or the room",
        )

    async def type_in_card(self, field: str, text: str) -> None:
        """Into a field of the registration card, replacing what it held (the card scrolls
        to the field); a newline in `text` is Enter, on to the next field."""
        input_field = self.app.screen.query_one(f"#card-{field}")
        input_field.focus()
        input_field.value = ""  # as the guest clearing it
        await self.pilot.pause()
        await self.reader(text)

    async def card_address(self, postcode: str = "111 22") -> None:
        """A Stockholm address on the registration card, field by field with Enter."""
        await self.type_in_card("street", "Storgatan 1\n")
        await self.reader(postcode + "\n")
        await self.reader("Stockholm\n")

    async def submit_card(self) -> None:
        self.app.screen.query_one("#card-submit").focus()
        await self.pilot.press("enter")
        await self.pilot.pause()

    async def to_room(self, code: str, birth: str) -> None:
        await self.confirm(code)
        await self.by_hand(birth)
        await self.no_thanks()

    async def to_door_code(self, code: str, birth: str) -> None:
        await self.to_room(code, birth)
        await self.click("#show-key")


# -- staff at the desk ------------------------------------------------------------------------


def kiosk_app(
    hotel: Hotel, idle_clock: IdleClock, session: CheckInSession | None = None
) -> KioskApp:
    """The kiosk app on Welcome, with `session` as the guest session staff will find."""
    from screens.app import make_app

    app = make_app(hotel, demo=False, clock=idle_clock)
    app.animation_level = "none"
    app.session = session
    return app


# guest sessions in the states staff meet them in


def identifying(hotel: Hotel, code: str = "LH6144") -> CheckInSession:
    return at_identify(hotel, code)


def locked(hotel: Hotel, code: str = "LH6144") -> CheckInSession:
    """A booking that waits for staff: dates of birth that are not the one on file until the
    limit, or, where none is on file, somebody else's passport."""
    session = at_identify(hotel, code)
    if session.hand_entry_counts:
        for _ in range(hotel.profile.identity_attempts):
            session.identify_by_hand("2020-01-01", "T047")  # each try counts
    else:
        session.identify_by_zone(zone(hotel, code, last_name="Fremd"))
    assert session.step is Step.LOCKED
    return session


def checked_in(hotel: Hotel, code: str = "LH6144") -> CheckInSession:
    session = ready(hotel, code)
    assert isinstance(session.check_in(), CheckedIn)
    return session


def no_room(hotel: Hotel, code: str = "LH8290") -> CheckInSession:
    """The demo's suite guest: identified, but no suite is ready."""
    session = ready(hotel, code)
    session.check_in()
    assert session.step is Step.NO_ROOM
    return session


# staff's steps with Pilot


async def log_in(pilot: Pilot, member: StaffMember) -> None:
    await pilot.press("f2")
    await pilot.pause()
    await type_pin(pilot, PINS[member])


async def type_pin(pilot: Pilot, pin: str) -> None:
    """Type a PIN and Enter, and wait for the answer (the PIN is checked on a thread): the
    prompt has taken the PIN and is ready for the next, or it has gone. Not by waiting for
    the workers: one may not have started yet, and one that failed (a full disk) would
    raise here although the app dealt with it."""
    from screens.staff.pin_prompt import StaffPinPrompt

    await pilot.press(*pin, "enter")

    def answered() -> bool:
        prompt = pilot.app.screen
        if not isinstance(prompt, StaffPinPrompt):
            return True
        field = prompt.query_one("#staff-pin")
        return field.value == "" and not field.disabled

    await until(pilot, answered, "the PIN to be checked")
    await pilot.pause()


async def give_reason(pilot: Pilot, *, choice: int | None = 0, note: str = "") -> None:
    """In the reason dialog: pick the `choice`-th listed reason, write `note`, go ahead."""
    from textual.widgets import RadioButton

    screen = pilot.app.screen
    if choice is not None:
        await click(pilot, screen.query(RadioButton)[choice])
    if note:
        await click(pilot, "#reason-note")
        await pilot.press(*note)
    await click(pilot, "#reason-ok")
    await pilot.pause()


async def pick_rooms(pilot: Pilot, *numbers: str) -> None:
    """In the room picker: tick the rooms, then Choose."""
    from textual.widgets import SelectionList

    choices = pilot.app.screen.query_one(SelectionList)
    for number in numbers:
        choices.select(number)
    await pilot.pause()
    await click(pilot, "#room-ok")
    await pilot.pause()


async def override(pilot: Pilot, override_id: str) -> None:
    await click(pilot, f"#{override_id}")
    await pilot.pause()


def guest_snapshot(
    snap_compare, app, idle_clock: IdleClock, language: str, reach, size: tuple[int, int] = SIZE
) -> bool:
    """Whether the guest screen, `size` cells (columns, rows), in `language`, once
    `reach(guest)` took the guest there, looks as its snapshot does (no hover highlight from
    the last click)."""

    async def run_before(pilot) -> None:
        pilot.app.language = language
        await pilot.pause()
        await reach(Guest(pilot, idle_clock))
        await pilot.hover(None, offset=(0, 0))

    return snap_compare(app, run_before=run_before, terminal_size=size)


def no_space(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def file_of(fd: int) -> str:
    """The path of the file an open descriptor is on (Linux: /proc)."""
    return os.readlink(f"/proc/self/fd/{fd}")


def full_disk(monkeypatch, data_file: Path | None = None) -> None:
    """The disk is full: what is written no longer reaches it, which the fsync says (on a
    full disk at the latest there). With `data_file`, only its own files fail, its journal
    and its new snapshots, and the small files elsewhere still fit (the door's pending
    folder); without, everything does."""
    real = os.fsync

    def fsync(fd: int) -> None:
        name = os.path.basename(file_of(fd))
        if data_file is None or name.startswith((data_file.name, f".{data_file.name}.")):
            no_space()
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)


def stored(data_file: Path) -> bytes:
    """What the house holds on disk: the snapshot and its journal. A commit appends to the
    journal and leaves kiosk.json as it was, so "nothing was written" compares both."""
    journal = Path(f"{data_file}.journal")
    return (
        data_file.read_bytes()
        + b"\0journal\0"
        + (journal.read_bytes() if journal.exists() else b"")
    )
