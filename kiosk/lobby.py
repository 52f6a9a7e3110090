"""The lobby as front-desk staff see it: today's arrivals with a status a desk agent acts on,
open help requests with their age, the room board, and the desk's rules that are not about
a guest session (who may close the kiosk, a room's housekeeping status)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from kiosk.audit import Actor
from kiosk.hotel import Hotel
from kiosk.models import Booking, BookingStatus, HelpRequest, Room, RoomStatus
from kiosk.staff import StaffError, StaffMember


class ArrivalStatus(StrEnum):
    RESERVED = "reserved"
    CHECKED_IN = "checked_in"
    LOCKED = "locked"
    NEEDS_HELP = "needs_help"


@dataclass(frozen=True)
class Arrival:
    booking: Booking
    status: ArrivalStatus


@dataclass(frozen=True)
class WaitingRequest(HelpRequest):
    """A help request as the desk sees it: with how long it has waited."""

    age_minutes: int = 0


OCCUPIED = "occupied"


@dataclass(frozen=True)
class RoomLine:
    room: Room
    occupant: Booking | None

    @property
    def status(self) -> str:
        """What the board shows: a held room reads "occupied", whatever housekeeping says."""
        return OCCUPIED if self.occupant else str(self.room.status)


def help_requests(hotel: Hotel) -> list[WaitingRequest]:
    """Requests not yet closed, oldest first. Cheap enough to poll: the store re-reads the
    file only when another kiosk has written it."""
    now = hotel.now()
    return [
        WaitingRequest(**vars(request), age_minutes=_minutes_between(request.created_at, now))
        for request in hotel.help.requests(open_only=True)
    ]


def arrivals(hotel: Hotel) -> list[Arrival]:
    """Bookings arriving today that are still coming or already in; cancelled ones are not
    arrivals. A booking waiting for staff says so before anything else."""
    asking = {request.booking for request in help_requests(hotel) if request.booking}
    return [
        Arrival(booking, _arrival_status(booking, asking))
        for booking in hotel.gateway.bookings(arrival=hotel.today())
        if booking.status in (BookingStatus.RESERVED, BookingStatus.CHECKED_IN)
    ]


def _arrival_status(booking: Booking, asking: set[str]) -> ArrivalStatus:
    if booking.locked:
        return ArrivalStatus.LOCKED
    if booking.code in asking:
        return ArrivalStatus.NEEDS_HELP
    if booking.status is BookingStatus.CHECKED_IN:
        return ArrivalStatus.CHECKED_IN
    return ArrivalStatus.RESERVED


def room_board(hotel: Hotel) -> list[RoomLine]:
    """Every room by floor, with the checked-in booking that holds it."""
    gateway = hotel.gateway
    lines = []
    for room in gateway.rooms():
        code = gateway.occupant(room.number)
        lines.append(RoomLine(room, gateway.booking(code) if code else None))
    return lines


def set_room_status(
    hotel: Hotel, staff: StaffMember, number: str, status: RoomStatus, reason: str
) -> None:
    """Housekeeping's word on a room, audited with the status it had."""
    with hotel.transaction() as db:
        room = db.room(number)
        if room is None:
            raise StaffError(f"There is no room {number}.")
        db.save_room(replace(room, status=status))
        db.audit(
            Actor("staff", staff.name),
            "room_status",
            room=number,
            status=str(status),
            previous=str(room.status),
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
