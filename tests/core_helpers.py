"""Shared fixtures and helpers for the core tests (no Textual). Test modules import the
fixtures they use by name; this is not a conftest so that it stays local to the core tests."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kiosk import demo
from kiosk.clock import FixedClock
from kiosk.datadir import DataDir
from kiosk.hotel import Hotel, open_hotel
from kiosk.models import Booking, Room
from kiosk.session import CheckedIn, CheckInSession, Found, Step, Verified
from kiosk.staff import Role, StaffMember

BERLIN = ZoneInfo("Europe/Berlin")
# A Saturday afternoon well away from a daylight-saving change; never today's date.
NOW = datetime(2026, 3, 14, 16, 30, tzinfo=BERLIN)
TODAY = NOW.date()

MANAGER = StaffMember("Marta Manager", Role.MANAGER)
AGENT = StaffMember("Arne Agent", Role.AGENT)


# -- fixtures -------------------------------------------------------------------------------


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def hotel(root: Path, clock: FixedClock) -> Hotel:
    """An empty house."""
    return open_hotel(DataDir(root), clock=clock, kiosk_id="k1")


@pytest.fixture
def demo_hotel(root: Path, clock: FixedClock) -> Hotel:
    """The demo house: 40 rooms, 15 bookings around today (see kiosk.demo)."""
    opened = open_hotel(DataDir(root), clock=clock, kiosk_id="k1")
    demo.seed(opened)
    return opened


# -- helpers --------------------------------------------------------------------------------


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


def booking(code: str, last_name: str = "Meyer", room_type: str = "double", *, nights: int = 2,
            arrival: date = TODAY, **fields) -> Booking:
    """A booking with a date of birth on file (GUEST_BIRTH) unless `date_of_birth` says otherwise."""
    fields.setdefault("date_of_birth", GUEST_BIRTH)
    return Booking(code=code, last_name=last_name, first_name="Kim", arrival=arrival,
                   departure=arrival + timedelta(days=nights), room_type=room_type, **fields)


def zone(hotel: Hotel, code: str, *, number: str = "C01X00T47", expiry: date | None = None,
         birth: date | None = None, last_name: str | None = None) -> str:
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
    return [e for e in found
            if (action is None or e["action"] == action)
            and (booking_code is None or e["booking"] == booking_code)]


def data_files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
