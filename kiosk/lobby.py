"""The lobby as front-desk staff see it: today's arrivals (late ones from yesterday too) and
departures with a status a desk agent acts on, open help requests with their age, the room
board, and the desk's rules that are not about a guest session (who may close the kiosk, a
room's housekeeping status)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from kiosk.audit import Actor
from kiosk.hotel import Hotel
from kiosk.models import Booking, BookingStatus, HelpRequest, Room, RoomStatus
from kiosk.staff import StaffError, StaffMember


class ArrivalStatus(StrEnum):
    RESERVED = "reserved"
    LATE = "late"  # reserved, and the stay began on an earlier day
    CHECKED_IN = "checked_in"
    LOCKED = "locked"
    NEEDS_HELP = "needs_help"


@dataclass(frozen=True)
class Arrival:
    booking: Booking
    status: ArrivalStatus


@dataclass(frozen=True)
class WaitingRequest(HelpRequest):
    """A help request as the desk sees it: with how long it has waited, and its booking's
    code as the property system writes it."""

    age_minutes: int = 0
    booking_shown: str = ""


@dataclass(frozen=True)
class Departure:
    """A checked-in stay due out today (or before) and not checked out."""

    booking: Booking
    ends_at: datetime
    """When its keys stop and its rooms turn over (kiosk/turnover.py)."""
    overdue: bool
    """Its keys have ended: the check-out time (or a late check-out) has passed."""


OCCUPIED = "occupied"
DEPARTED = "departed"


@dataclass(frozen=True)
class RoomLine:
    room: Room
    """With the status that counts (kiosk/turnover.py): dirty once a stay has left it."""
    occupant: Booking | None
    vacated_by: str | None = None
    """The stay that ended here without a check-out, while the room waits for cleaning."""

    @property
    def status(self) -> str:
        """What the board shows: a held room reads "occupied", whatever housekeeping says,
        and a room its stay has just left "departed"."""
        if self.occupant:
            return OCCUPIED
        return DEPARTED if self.vacated_by else str(self.room.status)


def help_requests(hotel: Hotel) -> list[WaitingRequest]:
    """Requests not yet closed, oldest first. Cheap enough to poll: the store re-reads the
    file only when another kiosk has written it."""
    now = hotel.now()
    return [
        WaitingRequest(
            **vars(request),
            age_minutes=_minutes_between(request.created_at, now),
            booking_shown=shown_code(hotel, request.booking),
        )
        for request in hotel.help.requests(open_only=True)
    ]


def shown_code(hotel: Hotel, code: str | None) -> str:
    """A booking code that a record refers to (`ZQ74416`), as the property system writes it
    (`ZQ7-4416`); as recorded once the booking has gone to history."""
    if not code:
        return ""
    booking = hotel.gateway.booking(code)
    return booking.code_as_imported if booking else code


def arrivals(hotel: Hotel) -> list[Arrival]:
    """Bookings arriving today that are still coming or already in, and late arrivals: a
    stay that began on an earlier day and is still to come (or came in today). Cancelled
    ones are not arrivals. A booking waiting for staff says so before anything else."""
    asking = {request.booking for request in help_requests(hotel) if request.booking}
    today = hotel.today()
    return [
        Arrival(booking, _arrival_status(booking, asking, today))
        for booking in hotel.gateway.bookings()
        if _arrives(booking, today)
    ]


def _arrives(booking: Booking, today: date) -> bool:
    if booking.arrival == today:
        return booking.status in (BookingStatus.RESERVED, BookingStatus.CHECKED_IN)
    if not booking.arrival < today < booking.departure:
        return False
    if booking.status is BookingStatus.RESERVED:
        return True
    checked_in = booking.checked_in_at
    return booking.status is BookingStatus.CHECKED_IN and bool(
        checked_in and checked_in.date() == today
    )


def _arrival_status(booking: Booking, asking: set[str], today: date) -> ArrivalStatus:
    if booking.locked:
        return ArrivalStatus.LOCKED
    if booking.code in asking:
        return ArrivalStatus.NEEDS_HELP
    if booking.status is BookingStatus.CHECKED_IN:
        return ArrivalStatus.CHECKED_IN
    return ArrivalStatus.LATE if booking.arrival < today else ArrivalStatus.RESERVED


def departures(hotel: Hotel) -> list[Departure]:
    """Checked-in stays due out today, or on an earlier day, and not checked out: by the
    time their keys end, earliest first."""
    gateway, now = hotel.gateway, hotel.now()
    due = [
        (hotel.turnover.stay_ends(gateway, booking), booking)
        for booking in gateway.checked_in_departing_by(now.date())
    ]
    return [
        Departure(booking, ends_at, overdue=ends_at <= now)
        for ends_at, booking in sorted(due, key=lambda pair: (pair[0], pair[1].code))
    ]


def room_board(hotel: Hotel) -> list[RoomLine]:
    """Every room by floor, with the stay that holds it or has just left it."""
    gateway = hotel.gateway
    occupants = hotel.turnover.occupants(gateway)
    lines = []
    for state in hotel.turnover.rooms(gateway):
        code = occupants.get(state.room.number)
        lines.append(
            RoomLine(state.as_seen, gateway.booking(code) if code else None, state.vacated_by)
        )
    return lines


def set_room_status(
    hotel: Hotel, actor: Actor, number: str, status: RoomStatus, reason: str
) -> None:
    """Housekeeping's word on a room (from the board, or `kiosk rooms set`), audited with
    the status it had. Also the word that a room a stay has left is cleaned."""
    with hotel.transaction() as db:
        room = db.room(number)
        if room is None:
            raise StaffError(f"There is no room {number}.")
        state = hotel.turnover.state(room, db)
        db.save_room(replace(room, status=status, status_since=hotel.now()))
        db.audit(
            actor,
            "room_status",
            room=number,
            status=str(status),
            previous=str(state.status),
            reason=reason,
        )


def quit_kiosk(hotel: Hotel, staff: StaffMember) -> None:
    """Only a manager may close the kiosk. Both the quit and a refused try are audited;
    a refusal raises StaffError."""
    allowed = staff.is_manager
    with hotel.transaction() as db:
        db.audit(Actor("staff", staff.name), "kiosk_quit", outcome="ok" if allowed else "refused")
    if not allowed:
        raise StaffError("Only a manager can quit the kiosk.")


def _minutes_between(earlier: datetime, later: datetime) -> int:
    return max(0, int((later - earlier).total_seconds() // 60))
