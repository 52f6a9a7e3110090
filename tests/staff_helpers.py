"""Fixtures and Pilot helpers for the staff-mode tests. Test modules import what they use by
name, like core_helpers.

The demo house with two staff members is built once per test run and copied for each test:
staff PINs are scrypt hashes, and hashing them again for every test would cost seconds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import IdleClock as Ticks  # the guest tests' idle clock, one class for both
from conftest import click
from core_helpers import NOW, at_identify, ready, zone
from textual.pilot import Pilot
from textual.widgets import RadioButton, SelectionList

from kiosk import demo
from kiosk.clock import FixedClock
from kiosk.datadir import DataDir
from kiosk.hotel import Hotel, open_hotel
from kiosk.session import CheckedIn, CheckInSession, Step
from kiosk.staff import Role, StaffMember
from screens.app import KioskApp, make_app

MANAGER = StaffMember("Marta Manager", Role.MANAGER)
AGENT = StaffMember("Arne Agent", Role.AGENT)
PINS = {MANAGER: "246810", AGENT: "135791"}
WRONG_PIN = "999999"
KIOSK = "lobby-1"
SIZE = (100, 30)




# -- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def staffed_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("staffed") / "data"
    hotel = open_hotel(DataDir(root), clock=FixedClock(NOW), kiosk_id=KIOSK)
    demo.seed(hotel)
    for member, pin in PINS.items():
        hotel.staff.add(member.name, member.role, pin)
    return root


@pytest.fixture
def desk_hotel(staffed_template: Path, tmp_path: Path) -> Hotel:
    """The demo house with a manager and an agent, on a fixed clock."""
    root = tmp_path / "data"
    shutil.copytree(staffed_template, root)
    return open_hotel(DataDir(root), clock=FixedClock(NOW), kiosk_id=KIOSK)


@pytest.fixture
def ticks() -> Ticks:
    return Ticks()


def kiosk_app(hotel: Hotel, ticks: Ticks, session: CheckInSession | None = None) -> KioskApp:
    """The kiosk app on Welcome, with `session` as the guest session staff will find."""
    app = make_app(hotel, demo=False, clock=ticks)
    app.animation_level = "none"
    app.session = session
    return app


# -- guest sessions in the states staff meet them in ----------------------------------------


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


# -- Pilot steps ----------------------------------------------------------------------------


async def log_in(pilot: Pilot, member: StaffMember) -> None:
    await pilot.press("f2")
    await pilot.pause()
    await type_pin(pilot, PINS[member])


async def type_pin(pilot: Pilot, pin: str) -> None:
    """Type a PIN and Enter, and wait for the answer (the PIN is checked on a thread)."""
    await pilot.press(*pin, "enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def give_reason(pilot: Pilot, *, choice: int | None = 0, note: str = "") -> None:
    """In the reason dialog: pick the `choice`-th listed reason, write `note`, go ahead."""
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
    choices = pilot.app.screen.query_one(SelectionList)
    for number in numbers:
        choices.select(number)
    await pilot.pause()
    await click(pilot, "#room-ok")
    await pilot.pause()


async def override(pilot: Pilot, override_id: str) -> None:
    await click(pilot, f"#{override_id}")
    await pilot.pause()
