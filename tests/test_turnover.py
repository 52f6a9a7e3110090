"""Rooms that turn over (issue 12): a stay lets go of its rooms at check-out time on its
departure day, the room waits for housekeeping, and the day's arrival gets it once it is
clean. With it: housekeeping on the command line, a dirty room named as such when staff
choose it, help requests that close when staff solve them, late arrivals and departures."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import (
    AGENT,
    BERLIN,
    SIZE,
    TODAY,
    Guest,
    at_identify,
    booking,
    check_in,
    click,
    data_files,
    events,
    furnish,
    give_reason,
    kiosk_app,
    locked,
    log_in,
    no_room,
    override,
    pick_rooms,
    ready,
    shown,
    zone,
)
from kiosk import lobby
from kiosk.audit import Actor
from kiosk.cli import cli
from kiosk.clock import FixedClock
from kiosk.datadir import DataDir
from kiosk.hotel import Hotel, open_hotel
from kiosk.models import BookingStatus, HelpReason, HelpStatus, Room, RoomStatus
from kiosk.session import CheckedIn, CheckInSession, Failure, Rejected, RoomKey, Step

YESTERDAY = TODAY - timedelta(days=1)
HOUSEKEEPER = Actor("staff", "Hanna Housekeeping")


def at(hour: int, minute: int = 0, *, day=TODAY) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


@pytest.fixture
def house(root: Path) -> Hotel:
    """One double. A (Adler) came yesterday, checked in at 17:00 and leaves today; B (Berg)
    arrives today for two nights. The clock stands at 17:00 yesterday."""
    return adler_checked_in(root)[0]


def set_clock(hotel: Hotel, moment: datetime) -> None:
    hotel.clock.current = moment  # type: ignore[attr-defined]


def kiosk(*args: str, hotel: Hotel, monkeypatch: pytest.MonkeyPatch):
    """`kiosk --data-dir … ARGS`, on the house's clock (the command line reads the system's)."""
    monkeypatch.setattr("kiosk.hotel.SystemClock", lambda zone: hotel.clock)
    return CliRunner().invoke(cli, ["--data-dir", str(hotel.data_dir.root), *args])


# -- the core ---------------------------------------------------------------------------------


def test_a_room_is_held_until_check_out_time_then_waits_for_cleaning(house: Hotel) -> None:
    set_clock(house, at(10, 30))
    waiting = ready(house, "B2")
    assert waiting.check_in() == Rejected(Failure.NO_ROOM_READY)  # A is still in
    assert house.turnover.occupant("101") == "A1"

    set_clock(house, at(11, 0))  # A's key ends: the room is free, but nobody has cleaned it
    assert house.turnover.occupant("101") is None
    (state,) = house.turnover.rooms()
    assert (state.vacated_by, state.status, state.ready) == ("A1", RoomStatus.DIRTY, False)
    assert waiting.check_in() == Rejected(Failure.NO_ROOM_READY)

    set_clock(house, at(11, 40))
    lobby.set_room_status(house, HOUSEKEEPER, "101", RoomStatus.CLEAN, "turned over")
    set_clock(house, at(15, 0))
    outcome = waiting.check_in()
    assert isinstance(outcome, CheckedIn) and [key.room.number for key in outcome.keys] == ["101"]
    assert house.turnover.occupant("101") == "B2"
    # The kiosk's own calls for staff are solved by the check-in; no staff member took them.
    requests = house.help.requests(open_only=False)
    assert [(r.reason, r.status, r.taken_by) for r in requests] == [
        (HelpReason.NO_ROOM, HelpStatus.CLOSED, None)
    ] * 2
    # A never checked out: still on file as checked in, but holding nothing.
    assert house.gateway.booking("A1").status is BookingStatus.CHECKED_IN
    assert house.turnover.held_rooms() == {"101"}
    assert [line.status for line in lobby.room_board(house)] == [lobby.OCCUPIED]


def test_a_room_cleaned_before_its_stay_ended_still_waits_for_cleaning(house: Hotel) -> None:
    set_clock(house, at(10, 0))
    lobby.set_room_status(house, HOUSEKEEPER, "101", RoomStatus.INSPECTED, "too early")
    set_clock(house, at(11, 30))
    (line,) = lobby.room_board(house)
    assert (line.status, line.vacated_by, line.room.status) == (
        lobby.DEPARTED,
        "A1",
        RoomStatus.DIRTY,
    )
    assert ready(house, "B2").check_in() == Rejected(Failure.NO_ROOM_READY)


def test_a_room_cleaned_on_a_clock_that_ran_ahead_still_waits_for_cleaning(house: Hotel) -> None:
    set_clock(house, at(10, day=TODAY + timedelta(days=5)))
    lobby.set_room_status(house, HOUSEKEEPER, "101", RoomStatus.CLEAN, "clock five days ahead")
    set_clock(house, at(11, 30))  # the clock is set right; A has left since
    (state,) = house.turnover.rooms()
    assert (state.vacated_by, state.ready) == ("A1", False)


def test_a_key_that_ends_later_keeps_the_room(house: Hotel) -> None:
    """A late check-out moves the key's end: the room stays the guest's until then."""
    with house.transaction() as db:
        (grant,) = db.grants_of_booking("A1")
        db.save_grant(replace(grant, valid_until=at(14, 0)))
    set_clock(house, at(13, 59))
    assert house.turnover.occupant("101") == "A1" and house.turnover.held_rooms() == {"101"}
    set_clock(house, at(14, 0))
    assert house.turnover.occupant("101") is None and house.turnover.held_rooms() == set()


def test_a_checked_out_stay_holds_nothing(house: Hotel) -> None:
    set_clock(house, at(9, 0))
    with house.transaction() as db:
        db.save_booking(replace(db.booking("A1"), status=BookingStatus.CHECKED_OUT))
    assert house.turnover.held_rooms() == set() and house.turnover.occupant("101") is None
    (state,) = house.turnover.rooms()
    assert state.vacated_by is None  # its check-out said what became of the room


def test_staff_may_give_the_departed_room_and_see_it_as_dirty(house: Hotel) -> None:
    set_clock(house, at(11, 5))
    session = ready(house, "B2")
    session.check_in()
    assert session.step is Step.NO_ROOM
    (offered,) = session.free_rooms()
    assert (offered.number, offered.status) == ("101", RoomStatus.DIRTY)
    outcome = session.check_in(["101"], staff=AGENT, reason="guest agrees to wait")
    assert isinstance(outcome, CheckedIn)


def test_a_stay_that_goes_to_history_leaves_its_room_dirty(house: Hotel) -> None:
    """The ended stay was what made the room due for cleaning; the room keeps that."""
    for day in range(4):  # a write a day: the archive trusts a clock that moved on with them
        set_clock(house, at(9, day=TODAY + timedelta(days=day)))
        with house.transaction():
            pass
    assert house.archive.departed() == 1 and house.gateway.booking("A1") is None
    (state,) = house.turnover.rooms()
    assert (state.vacated_by, state.room.status, state.ready) == (None, RoomStatus.DIRTY, False)
    (event,) = events(house, "room_status")
    assert (event["actor"], event["detail"]["previous"]) == ("system", "clean")


def test_departures_are_the_stays_due_out_and_not_checked_out(house: Hotel) -> None:
    set_clock(house, at(9, 0))
    (due,) = lobby.departures(house)
    assert (due.booking.code, due.ends_at, due.overdue) == ("A1", at(11, 0), False)
    set_clock(house, at(11, 0))
    assert [(d.booking.code, d.overdue) for d in lobby.departures(house)] == [("A1", True)]
    with house.transaction() as db:
        db.save_booking(replace(db.booking("A1"), status=BookingStatus.CHECKED_OUT))
    assert lobby.departures(house) == []


def test_a_late_arrival_is_among_the_arrivals(hotel: Hotel) -> None:
    furnish(
        hotel,
        rooms=[Room("101", 1, "double")],
        bookings=[
            booking("L1", "Late", arrival=YESTERDAY, nights=2),
            booking("G1", "Gone", arrival=YESTERDAY, nights=1),  # left today: no arrival
            booking("T1", "Today"),
        ],
    )
    assert {a.booking.code: a.status for a in lobby.arrivals(hotel)} == {
        "L1": lobby.ArrivalStatus.LATE,
        "T1": lobby.ArrivalStatus.RESERVED,
    }
    check_in(hotel, "L1")  # checked in today: still one of today's arrivals
    assert lobby.ArrivalStatus.CHECKED_IN in {a.status for a in lobby.arrivals(hotel)}


# -- help requests close when staff solve them -------------------------------------------------


def open_reasons(hotel: Hotel) -> list[str]:
    return [request.reason for request in hotel.help.requests()]


def closed_by_solving(hotel: Hotel) -> list[tuple[str, str]]:
    return [(e["actor"], e["detail"]["solved_by"]) for e in events(hotel, "help_closed")]


def test_a_room_chosen_closes_the_no_room_request(desk_hotel: Hotel) -> None:
    session = no_room(desk_hotel)
    assert open_reasons(desk_hotel) == [HelpReason.NO_ROOM]
    assert isinstance(session.check_in(["409"], staff=AGENT, reason="suite not ready"), CheckedIn)
    assert open_reasons(desk_hotel) == []
    (request,) = desk_hotel.help.requests(open_only=False)
    assert (request.status, request.taken_by) == (HelpStatus.CLOSED, AGENT.name)
    assert closed_by_solving(desk_hotel) == [(f"staff:{AGENT.name}", "checked_in")]


def test_unlocking_closes_what_the_lock_filed(desk_hotel: Hotel) -> None:
    session = locked(desk_hotel, "LH6144")  # wrong dates of birth: identity_locked
    again = CheckInSession(desk_hotel)
    again.find("LH6144", "Müller")  # the same booking found once more: locked
    assert open_reasons(desk_hotel) == [HelpReason.IDENTITY_LOCKED, HelpReason.LOCKED]
    other = at_identify(desk_hotel, "LH4821").request_help()  # another guest's: stays open
    session.unlock(AGENT, "typing mistakes")
    assert [r.id for r in desk_hotel.help.requests()] == [other]
    assert closed_by_solving(desk_hotel) == [(f"staff:{AGENT.name}", "session_unlocked")] * 2
    assert again.step is Step.LOCKED  # that kiosk's screen is the kiosk's; the file is solved


def test_unlocking_a_kiosk_closes_its_failed_lookups_request(desk_hotel: Hotel) -> None:
    session = CheckInSession(desk_hotel)
    for _ in range(desk_hotel.profile.lookup_attempts):
        session.find("LH0000", "Nobody")
    assert open_reasons(desk_hotel) == [HelpReason.LOOKUP_LOCKED]
    session.unlock(AGENT, "guest identified at the desk")
    assert open_reasons(desk_hotel) == [] and session.step is Step.FIND


@pytest.mark.parametrize("refusal", ["someone else's passport", "too young"])
def test_approving_an_identity_closes_the_refusal(desk_hotel: Hotel, refusal: str) -> None:
    session = at_identify(desk_hotel, "LH7015")  # no date of birth on file
    if refusal == "too young":
        young = TODAY.replace(year=TODAY.year - desk_hotel.profile.minimum_age) + timedelta(1)
        session.identify_by_zone(zone(desk_hotel, "LH7015", birth=young))
        expected = HelpReason.TOO_YOUNG
    else:
        session.identify_by_zone(zone(desk_hotel, "LH7015", last_name="Fremd"))
        expected = HelpReason.DOCUMENT_REFUSED
    assert open_reasons(desk_hotel) == [expected]
    session.approve_identity(AGENT, "passport seen at the desk")
    assert open_reasons(desk_hotel) == []
    assert closed_by_solving(desk_hotel) == [(f"staff:{AGENT.name}", "identity_approved")]


# -- the command line -------------------------------------------------------------------------


def test_rooms_set_is_housekeeping_word_on_a_room(house: Hotel, monkeypatch) -> None:
    set_clock(house, at(11, 30))
    listed = kiosk("rooms", "list", hotel=house, monkeypatch=monkeypatch)
    assert listed.exit_code == 0
    assert listed.output.splitlines()[-1].split() == [
        "101",
        "1",
        "double",
        "dirty",
        "A1",
        "(departed)",
    ]

    outcome = kiosk("rooms", "set", " 101", "Clean", hotel=house, monkeypatch=monkeypatch)
    assert outcome.exit_code == 0 and outcome.output == "Room 101 is now clean.\n"
    (event,) = events(house, "room_status")
    assert event["actor"] == "system:housekeeping"
    assert (event["room"], event["detail"]["status"], event["detail"]["previous"]) == (
        "101",
        "clean",
        "dirty",
    )
    assert house.turnover.rooms()[0].ready

    by = kiosk(
        "rooms", "set", "101", "inspected", "--by", "Hanna", "--reason", "T-17",
        hotel=house, monkeypatch=monkeypatch,
    )  # fmt: skip
    assert by.exit_code == 0
    last = events(house, "room_status")[-1]
    assert (last["actor"], last["detail"]["reason"]) == ("staff:Hanna", "T-17")


@pytest.mark.parametrize(
    ("room", "status", "message"),
    [
        ("909", "clean", "There is no room 909. Nothing was changed."),
        ("101", "sparkling", "There is no room status 'sparkling'; use one of clean, dirty, "),
        ("101", "[b]clean[/b]", "There is no room status '[b]clean[/b]'"),
        ("101 --by \x1b[2J", "clean", "--by takes a name of printable characters"),
    ],
)
def test_rooms_set_refuses_what_does_not_exist_and_changes_nothing(
    house: Hotel, monkeypatch, room: str, status: str, message: str
) -> None:
    before = data_files(house.data_dir.root)
    number, *options = room.split(" ", 2)
    outcome = kiosk("rooms", "set", number, status, *options, hotel=house, monkeypatch=monkeypatch)
    assert outcome.exit_code == 1 and message in outcome.output
    assert data_files(house.data_dir.root) == before


# -- staff and guests at the kiosk ------------------------------------------------------------


async def test_same_day_turnover_at_the_kiosk(house: Hotel, monkeypatch, idle_clock) -> None:
    """A's key ends at 11:00, housekeeping reports the room clean from their tool, and B,
    arriving at 15:00, checks in at the kiosk and gets that room."""
    await cleaned_at_11_45_and_given_to_b_at_15(house, monkeypatch, idle_clock)


async def cleaned_at_11_45_and_given_to_b_at_15(hotel: Hotel, monkeypatch, idle_clock) -> None:
    """Housekeeping reports room 101 clean from their tool at 11:45; B, arriving at 15:00,
    checks in at the kiosk and gets it."""
    set_clock(hotel, at(11, 45))
    assert (
        kiosk("rooms", "set", "101", "clean", hotel=hotel, monkeypatch=monkeypatch).exit_code == 0
    )
    set_clock(hotel, at(15, 0))
    app = kiosk_app(hotel, idle_clock)
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await guest.to_room("B2", "03.02.1985")
        assert guest.on("RoomPage") and shown(app, "101")
    assert hotel.gateway.booking("B2").assigned_rooms == ["101"]


async def test_a_dirty_room_is_named_dirty_in_choose_room(desk_hotel: Hotel, idle_clock) -> None:
    from textual.widgets import SelectionList

    from screens.staff.dialogs import ReasonDialog, RoomPicker

    app = kiosk_app(desk_hotel, idle_clock, no_room(desk_hotel))
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, AGENT)
        await override(pilot, "choose-room")
        assert isinstance(app.screen, RoomPicker)
        choices = app.screen.query_one(SelectionList)
        lines = {
            choices.get_option_at_index(i).value: str(choices.get_option_at_index(i).prompt)
            for i in range(choices.option_count)
        }
        assert "dirty" in lines["105"] and "NOT CLEANED" in lines["105"]
        assert "NOT CLEANED" not in lines["409"]  # clean
        await pick_rooms(pilot, "105")
        assert isinstance(app.screen, ReasonDialog)
        assert shown(app, "Room 105 (dirty: NOT CLEANED)")
        await give_reason(pilot, choice=0)
    assert desk_hotel.gateway.booking("LH8290").assigned_rooms == ["105"]


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Your stay began yesterday (Friday, 13 March 2026)."),
        ("de", "Ihr Aufenthalt hat gestern begonnen (Freitag, 13. März 2026)."),
    ],
)
async def test_a_late_arrival_hears_that_the_stay_began_yesterday(
    hotel: Hotel, idle_clock, language: str, text: str
) -> None:
    furnish(
        hotel,
        rooms=[Room("101", 1, "double")],
        bookings=[booking("L1", "Late", arrival=YESTERDAY, nights=2), booking("T1", "Today")],
    )
    app = kiosk_app(hotel, idle_clock)
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        if language == "de":
            await guest.choose_language("de")
        await guest.find("L1")
        assert guest.on("ConfirmPage") and shown(app, text)
        await guest.click("#no")
        await guest.find("T1")
        assert guest.on("ConfirmPage") and not app.screen.query("#stay-began")


async def test_staff_see_who_is_due_out(house: Hotel, idle_clock) -> None:
    from textual.widgets import DataTable

    set_clock(house, at(11, 15))
    house.staff.add(AGENT.name, AGENT.role, "135791")
    app = kiosk_app(house, idle_clock)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, AGENT)
        await click(pilot, "#--content-tab-arrivals")
        table = app.screen.query_one("#departures-table", DataTable)
        (row,) = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
    assert row[0] == "A1" and row[2] == "101" and "PAST CHECK-OUT" in row[4]


def adler_checked_in(root: Path) -> tuple[Hotel, RoomKey]:
    """The `house` fixture's hotel, and A's key."""
    hotel = open_hotel(DataDir(root), clock=FixedClock(at(17, day=YESTERDAY)), kiosk_id="k1")
    furnish(
        hotel,
        rooms=[Room("101", 1, "double")],
        bookings=[
            booking("A1", "Adler", arrival=YESTERDAY, nights=1),
            booking("B2", "Berg", nights=2),
        ],
    )
    (key,) = check_in(hotel, "A1")[1].keys
    return hotel, key


def test_a_room_checked_out_at_the_kiosk_goes_to_the_days_arrival_once_clean(root: Path) -> None:
    """A checks out at the kiosk at 10:30, housekeeping sets the room clean, and B, arriving
    at 15:00, gets it: the departure day's turnover with a real check-out."""
    from kiosk.check_out import CheckedOut, CheckOutSession, StayFound

    hotel, key = adler_checked_in(root)
    set_clock(hotel, at(10, 30))
    leaving = CheckOutSession(hotel)
    assert isinstance(leaving.identify("101", key.pin), StayFound)
    assert isinstance(leaving.confirm(), CheckedOut)
    assert hotel.turnover.occupant("101") is None
    (state,) = hotel.turnover.rooms()
    assert (state.status, state.ready) == (RoomStatus.DIRTY, False)
    arriving = ready(hotel, "B2")
    assert arriving.check_in() == Rejected(Failure.NO_ROOM_READY)  # not cleaned yet

    set_clock(hotel, at(12, 0))
    lobby.set_room_status(hotel, HOUSEKEEPER, "101", RoomStatus.CLEAN, "turned over")
    set_clock(hotel, at(15, 0))
    outcome = arriving.check_in()
    assert isinstance(outcome, CheckedIn) and [k.room.number for k in outcome.keys] == ["101"]
    assert not hotel.door.verify("101", key.pin).opens
    assert hotel.door.verify("101", outcome.keys[0].pin).opens


async def test_same_day_turnover_with_a_check_out_at_the_kiosk(
    root: Path, monkeypatch, idle_clock
) -> None:
    """The issue's day, by taps: A checks out at the kiosk at 10:30, housekeeping sets the
    room clean from their tool, B checks in at the kiosk at 15:00 and gets that room."""
    hotel, key = adler_checked_in(root)
    set_clock(hotel, at(10, 30))
    async with kiosk_app(hotel, idle_clock).run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await guest.click("#check-out")
        await guest.reader("101\n")
        await guest.reader(f"{key.pin}\n")
        assert guest.on("FolioPage")
        await guest.click("#confirm-check-out")
        assert guest.on("CheckedOutPage")
    assert hotel.gateway.booking("A1").status is BookingStatus.CHECKED_OUT

    await cleaned_at_11_45_and_given_to_b_at_15(hotel, monkeypatch, idle_clock)
