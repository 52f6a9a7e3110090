"""The lobby as staff see it (kiosk.lobby, no Textual): arrival statuses, help requests with
their age, the room board, and who may close the kiosk."""

from __future__ import annotations

from datetime import timedelta

import pytest

from helpers import AGENT, MANAGER, TODAY, at_identify, booking, check_in, events, furnish
from kiosk import lobby
from kiosk.audit import Actor
from kiosk.clock import FixedClock
from kiosk.hotel import Hotel
from kiosk.lobby import ArrivalStatus
from kiosk.models import BookingStatus, HelpStatus, Room, RoomStatus
from kiosk.staff import StaffError


def statuses(hotel: Hotel) -> dict[str, ArrivalStatus]:
    return {arrival.booking.code: arrival.status for arrival in lobby.arrivals(hotel)}


def test_arrivals_are_todays_open_bookings_with_what_staff_must_do(hotel: Hotel) -> None:
    furnish(
        hotel,
        rooms=[Room("101", 1, "double"), Room("102", 1, "double")],
        bookings=[
            booking("A1", "Adler"),
            booking("B2", "Berg"),
            booking("C3", "Cramer"),
            booking("D4", "Dorn"),
            booking("E5", "Engel", status=BookingStatus.CANCELLED),
            booking("F6", "Fink", arrival=TODAY + timedelta(days=1)),
        ],
    )
    check_in(hotel, "B2")
    locked = at_identify(hotel, "C3")
    for _ in range(hotel.profile.identity_attempts):
        locked.identify_by_hand("2020-01-01", "T047")  # not the date on file: counts
    at_identify(hotel, "D4").request_help()

    assert statuses(hotel) == {
        "A1": ArrivalStatus.RESERVED,
        "B2": ArrivalStatus.CHECKED_IN,
        "C3": ArrivalStatus.LOCKED,  # locked outranks the help request the lock filed
        "D4": ArrivalStatus.NEEDS_HELP,
    }


def test_a_closed_help_request_no_longer_marks_the_arrival(hotel: Hotel) -> None:
    furnish(hotel, bookings=[booking("A1", "Adler")])
    request = at_identify(hotel, "A1").request_help()
    hotel.help.update(AGENT, request, HelpStatus.TAKEN)
    assert statuses(hotel) == {"A1": ArrivalStatus.NEEDS_HELP}  # taken, not yet solved
    hotel.help.update(AGENT, request, HelpStatus.CLOSED)
    assert statuses(hotel) == {"A1": ArrivalStatus.RESERVED}


def test_help_requests_are_open_ones_oldest_first_with_their_age(
    hotel: Hotel, clock: FixedClock
) -> None:
    first = hotel.help.request(Actor("guest", "g1"), "guest")
    clock.advance(minutes=4, seconds=30)
    second = hotel.help.request(Actor("guest", "g2"), "lookup_locked")
    third = hotel.help.request(Actor("guest", "g3"), "guest")
    hotel.help.update(AGENT, second, HelpStatus.TAKEN)
    hotel.help.update(AGENT, third, HelpStatus.CLOSED)
    clock.advance(minutes=2)

    requests = lobby.help_requests(hotel)

    assert [(r.id, r.age_minutes, r.status, r.taken_by) for r in requests] == [
        (first, 6, HelpStatus.OPEN, None),
        (second, 2, HelpStatus.TAKEN, AGENT.name),
    ]
    assert requests[0].kiosk == hotel.kiosk_id and requests[1].reason == "lookup_locked"


def test_room_board_shows_held_rooms_as_occupied_with_their_guest(demo_hotel: Hotel) -> None:
    lobby.set_room_status(
        demo_hotel, Actor("staff", MANAGER.name), "104", RoomStatus.DIRTY, "stay-over service"
    )
    board = {line.room.number: line for line in lobby.room_board(demo_hotel)}

    occupied = [number for number, line in board.items() if line.status == lobby.OCCUPIED]
    assert occupied == ["103"]  # the demo's one checked-in guest
    assert board["103"].occupant is not None and board["103"].occupant.guest_name == "Yuki Tanaka"
    assert board["104"].status == "dirty" and board["201"].status == "out_of_order"
    assert list(board) == sorted(board, key=lambda number: (board[number].room.floor, number))


def test_only_a_manager_may_quit_and_both_tries_are_audited(hotel: Hotel) -> None:
    with pytest.raises(StaffError, match="Only a manager"):
        lobby.quit_kiosk(hotel, AGENT)
    lobby.quit_kiosk(hotel, MANAGER)

    assert [(e["actor"], e["outcome"]) for e in events(hotel, "kiosk_quit")] == [
        (f"staff:{AGENT.name}", "refused"),
        (f"staff:{MANAGER.name}", "ok"),
    ]
