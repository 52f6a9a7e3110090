"""Every guest screen in English and German, and the welcome and door code in every other
language, at 100×30, as SVG snapshots under __snapshots__/.

Deterministic by construction (see conftest): fixed clock, time zone, secret, PINs and
grant ids; steady cursors; the mouse parked on the top bar before the picture is taken.
Update after a deliberate change with `pytest tests/test_guest_snapshots.py --snapshot-update`
and look at the pictures before committing them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

import pytest

from helpers import Guest, guest_snapshot
from kiosk import demo
from kiosk.i18n import LANGUAGES


async def welcome(guest: Guest) -> None:
    pass


async def find_not_found(guest: Guest) -> None:
    await guest.find("ZZ9999")


async def confirm(guest: Guest) -> None:
    await guest.find("LH7388")


async def identity_choice(guest: Guest) -> None:
    await guest.confirm("LH7388")


async def identity_scan_only(guest: Guest) -> None:
    await guest.confirm("LH7015")  # no date of birth on file


async def scan_unreadable(guest: Guest) -> None:
    await guest.confirm("LH6144")
    await guest.scan("P<UTOHELLO\nWORLD")


async def hand_entry_with_help_called(guest: Guest) -> None:
    await guest.confirm("LH7388")
    await guest.click("#by-hand")
    await guest.reader("17.05.1980")
    await guest.click("#help")
    await guest.click("#birth")


async def room_upgrade(guest: Guest) -> None:
    await guest.confirm("LH8107")
    await guest.by_hand("03.03.1983")
    await guest.no_thanks()


async def door_code(guest: Guest) -> None:
    await guest.to_door_code("LH4821", "12.08.1974")


async def done(guest: Guest) -> None:
    await guest.to_door_code("LH4821", "12.08.1974")
    await guest.click("#next")


async def lookup_wait(guest: Guest) -> None:
    for _ in range(guest.app.hotel.profile.lookup_attempts):
        await guest.find("ZZ9999")


async def document_refused(guest: Guest) -> None:
    booking = guest.app.hotel.gateway.booking("LH7388")
    expired = demo.passport_zone(
        booking, number="C01X0006H", expiry=date(2026, 1, 31), birth=booking.date_of_birth
    )
    await guest.confirm("LH7388")
    await guest.scan(expired)


async def no_room(guest: Guest) -> None:
    await guest.confirm("LH8290")
    await guest.by_hand("04.04.1984")


async def language_list(guest: Guest) -> None:
    await guest.find("LH7388")
    await guest.click("#language")


async def idle_warning(guest: Guest) -> None:
    await guest.find("LH7388")
    await guest.walk_away(guest.app.hotel.profile.idle_timeout - 10)


SCREENS: list[Callable[[Guest], Awaitable[None]]] = [
    welcome,
    find_not_found,
    confirm,
    identity_choice,
    identity_scan_only,
    scan_unreadable,
    hand_entry_with_help_called,
    room_upgrade,
    door_code,
    done,
    lookup_wait,
    document_refused,
    no_room,
    language_list,
    idle_warning,
]


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("reach", SCREENS, ids=[screen.__name__ for screen in SCREENS])
def test_guest_screen(snap_compare, app, idle_clock, language: str, reach) -> None:
    assert guest_snapshot(snap_compare, app, idle_clock, language, reach)


@pytest.mark.parametrize("language", LANGUAGES[2:])
@pytest.mark.parametrize("reach", [welcome, door_code], ids=["welcome", "door_code"])
def test_every_language_welcomes_and_gives_the_door_code(
    snap_compare, app, idle_clock, language: str, reach
) -> None:
    assert guest_snapshot(snap_compare, app, idle_clock, language, reach)
