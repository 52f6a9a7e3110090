"""The lobby as front-desk staff see it: today's arrivals with a status a desk agent acts on,
open help requests with their age, the room board, and the one desk rule that is not about
a guest session (who may close the kiosk). Queries only read; the rules stay in the core."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from kiosk.audit import Actor
from kiosk.hotel import HelpStatus, Hotel
from kiosk.models import Booking, BookingStatus, Room
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
class HelpRequest:
    id: int
    kiosk: str
    reason: str
    booking: str | None
    status: HelpStatus
    taken_by: str | None
    age_minutes: int


OCCUPIED = "occupied"


@dataclass(frozen=True)
class RoomLine:
    room: Room
    occupant: Booking | None

    @property
    def status(self) -> str:
        """What the board shows: a held room reads "occupied", whatever housekeeping says."""
        return OCCUPIED if self.occupant else str(self.room.status)


def help_requests(hotel: Hotel) -> list[HelpRequest]:
    """Requests not yet closed, oldest first. Cheap enough to poll: the store re-reads the
    file only when another kiosk has written it."""
    now = hotel.now()
    return [
        HelpRequest(
            id=doc["id"],
            kiosk=doc["kiosk"],
            reason=doc["reason"],
            booking=doc["booking"],
            status=HelpStatus(doc["status"]),
            taken_by=doc["taken_by"],
            age_minutes=_minutes_between(datetime.fromisoformat(doc["created_at"]), now),
        )
        for doc in hotel.help_requests(open_only=True)
    ]


def arrivals(hotel: Hotel) -> list[Arrival]:
    """Bookings arriving today that are still coming or already in; cancelled ones are not
    arrivals. A booking waiting for staff says so before anything else."""
    asking = {request.booking for request in help_requests(hotel) if request.booking}
    return [
        Arrival(booking, _arrival_status(booking, asking))
        for booking in hotel.bookings(arrival=hotel.today())
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
    lines = []
    for room in hotel.rooms():
        code = hotel.occupant(room.number)
        lines.append(RoomLine(room, hotel.booking(code) if code else None))
    return lines


def quit_kiosk(hotel: Hotel, staff: StaffMember) -> None:
    """Only a manager may close the kiosk. Both the quit and a refused try are audited;
    a refusal raises StaffError."""
    allowed = staff.is_manager
    with hotel.transaction() as db:
        hotel.audit(
            db, Actor("staff", staff.name), "kiosk_quit", outcome="ok" if allowed else "refused"
        )
    if not allowed:
        raise StaffError("Only a manager can quit the kiosk.")


def _minutes_between(earlier: datetime, later: datetime) -> int:
    return max(0, int((later - earlier).total_seconds() // 60))
