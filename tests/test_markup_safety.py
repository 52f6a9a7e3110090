"""Text from data is plain text on every guest page and staff tab (issue 10).

Found: a guest named `[/oops]` in the import crashed the staff Arrivals tab with a
MarkupError, and the app exited to a shell. Here every kind of text that comes from data
(guest and staff names, room types and features, hotel.toml texts, help request reasons,
staff's reasons) holds something Textual would read as markup; the guest and staff walk
every page and tab, and each text must be on screen as it was written, the app still up."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from helpers import Guest, IdleClock, give_reason, kiosk_app, override, pick_rooms, shown, type_pin
from kiosk import lobby
from kiosk.audit import Actor
from kiosk.hotel import Hotel, open_hotel
from kiosk.models import Booking, Room, RoomStatus
from kiosk.session import CheckInSession
from kiosk.staff import Role, StaffMember
from screens.app import make_app

CODE = "MK1001"
FIRST, LAST = "[bold]Eve", "[/oops]"
ROOM_TYPE = "[link=x]y"
HOTEL_NAME = "[/oops] Lindenhof"
DIRECTIONS = "[link=x]y lifts on the right"
BREAKFAST = "[bold]7 to 10"
WIFI = "[/b]guest"
HELP_REASON = "[/oops] the door"
ROOM_REASON = "[link=x]y checked"
STAFF = StaffMember("[bold]Eve Desk", Role.MANAGER)
STAFF_PIN = "975310"
SIZE = (160, 50)


@pytest.fixture
def marked(guest_hotel: Hotel) -> Hotel:
    """The demo house with markup in the profile's texts, one such guest and room, and a
    staff member with such a name."""
    profile = guest_hotel.data_dir.profile
    text = profile.read_text(encoding="utf-8")
    for key, value in (
        ("name", HOTEL_NAME),
        ("directions.en", DIRECTIONS),
        ("breakfast.en", BREAKFAST),
        ("wifi_name", WIFI),
    ):
        text, count = re.subn(rf"(?m)^{re.escape(key)} = .*$", f'{key} = "{value}"', text)
        assert count == 1, key
    profile.write_text(text, encoding="utf-8")
    marked = open_hotel(guest_hotel.data_dir, clock=guest_hotel.clock, kiosk_id="test-kiosk")
    today = marked.today()
    guest = Booking(
        CODE,
        LAST,
        FIRST,
        today,
        today + timedelta(days=1),
        ROOM_TYPE,
        date_of_birth=today.replace(year=today.year - 40),
    )
    # On the ground floor: first on the room board.
    room = Room("001", 0, ROOM_TYPE, RoomStatus.CLEAN, ["[/oops]", "[link=x]y"])
    with marked.transaction() as db:
        db.add_bookings([guest])
        db.add_rooms([room])
    marked.staff.add(STAFF.name, STAFF.role, STAFF_PIN)
    return marked


def birth_typed(hotel: Hotel) -> str:
    birth = hotel.gateway.booking(CODE).date_of_birth
    return f"{birth:%d.%m.%Y}"


async def test_every_guest_page_shows_data_as_plain_text(marked: Hotel, idle_clock) -> None:
    app = make_app(marked, demo=True, clock=idle_clock)
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot, idle_clock)
        assert shown(app, HOTEL_NAME)

        await guest.find(CODE)
        assert guest.on("ConfirmPage") and shown(app, f"{FIRST} {LAST}")
        assert shown(app, "[Link=X]Y")  # an unknown room type shows its own code

        await guest.click("#yes")
        await guest.by_hand(birth_typed(marked))
        await guest.no_thanks()
        assert guest.on("RoomPage") and shown(app, "Room 001") and shown(app, "[Link=X]Y")

        await guest.click("#show-key")
        assert guest.on("DoorCodePage") and shown(app, HOTEL_NAME)

        await guest.click("#next")
        assert guest.on("DonePage")
        for text in (FIRST, DIRECTIONS, BREAKFAST, WIFI):
            assert shown(app, text), text
        assert app.is_running


async def test_every_staff_tab_and_dialog_shows_data_as_plain_text(marked: Hotel) -> None:
    session = CheckInSession(marked)
    session.find(CODE, LAST)
    session.confirm()
    marked.help.request(Actor("guest"), HELP_REASON, CODE)
    lobby.set_room_status(
        marked, Actor("staff", STAFF.name), "101", RoomStatus.INSPECTED, ROOM_REASON
    )
    app = kiosk_app(marked, IdleClock(), session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        await type_pin(pilot, STAFF_PIN)
        assert shown(app, f"{STAFF.name} (manager)") and shown(app, HOTEL_NAME)
        assert shown(app, f"{CODE} {FIRST} {LAST}")  # the Session tab

        await override(pilot, "approve-identity")
        await give_reason(pilot, choice=None, note="[bold]passport seen")
        await override(pilot, "choose-room")
        assert shown(app, "001 floor 0 [link=x]y")  # the room picker
        await pick_rooms(pilot, "001")
        await give_reason(pilot, choice=None, note="[/oops] at the desk")
        assert shown(app, "Room 001, valid until")  # the new key
        await pilot.press("escape")
        await pilot.pause()

        for tab, texts in (
            ("arrivals", [f"{FIRST} {LAST}", ROOM_TYPE]),
            ("help", [HELP_REASON]),
            ("rooms", [f"{CODE} {FIRST} {LAST}", ROOM_TYPE]),
            ("audit", [f"staff:{STAFF.name}", f"reason: {ROOM_REASON}", "[bold]passport seen"]),
        ):
            await pilot.click(f"#--content-tab-{tab}")
            await pilot.pause()
            for text in texts:
                assert shown(app, text), (tab, text)
        assert app.is_running
