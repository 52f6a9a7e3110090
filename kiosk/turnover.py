"""When a stay lets go of its rooms, and what a room is then.

A checked-in stay holds its rooms until the departure day's check-out time, or longer while
a key of it still opens (a late check-out moves the key's end). A checked-out stay holds
nothing. A stay that ended without a check-out leaves its rooms due for cleaning: dirty,
whatever their status said, until housekeeping sets a status after the stay's end. So the
day's next arrival gets such a room once it is clean or inspected, never before.

Nothing is written when a stay ends: what a room is follows from the records at every moment,
so the kiosk, the board and the command line agree at 11:00 without a write at 11:00.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING

from kiosk.gateway import Reads
from kiosk.models import READY_STATUSES, Booking, Room, RoomStatus

if TYPE_CHECKING:
    from kiosk.hotel import Hotel


@dataclass(frozen=True)
class RoomState:
    """A room as the house sees it now."""

    room: Room
    """As housekeeping last set it."""
    held: bool = False
    """A stay holds the room now (`Turnover.occupants` says which)."""
    vacated_by: str | None = None
    """The code of a stay that ended here without a check-out, housekeeping not seen since."""

    @property
    def status(self) -> RoomStatus:
        """The status that counts: a room a stay has just left is dirty."""
        return RoomStatus.DIRTY if self.vacated_by else self.room.status

    @property
    def as_seen(self) -> Room:
        """The room with the status that counts (asked of every free room at each check-in:
        the record itself, unless a stay has just left it)."""
        return replace(self.room, status=RoomStatus.DIRTY) if self.vacated_by else self.room

    @cached_property
    def ready(self) -> bool:
        """Whether the kiosk may give the room to a guest by itself (asked of each room at
        every check-in, of states Turnover keeps while the rooms are unchanged)."""
        return not self.held and self.status in READY_STATUSES


@dataclass(frozen=True)
class _Ended:
    booking: Booking
    at: datetime


class Turnover:
    def __init__(self, hotel: Hotel) -> None:
        self.hotel = hotel
        # The rooms as Reads.rooms last gave them, and each as a free and as a held state.
        self._plain: tuple[tuple[Room, ...], tuple[tuple[RoomState, RoomState], ...]] = ((), ())

    def stay_ends(self, db: Reads, booking: Booking) -> datetime:
        """When a checked-in stay lets go of its rooms: the departure day's check-out time,
        or the end of its last key if that is later. A revoked key ends nothing."""
        key_ends = [
            grant.valid_until
            for grant in db.grants_of_booking(booking.code)
            if grant.revoked_at is None
        ]
        return max([self.hotel.departure_moment(booking.departure), *key_ends])

    def rooms(self, db: Reads | None = None) -> list[RoomState]:
        """Every room by floor and number: whether a stay holds it, or which has just left
        it. Asked at every check-in: only the rooms of stays that ended cost a look-up."""
        db = db or self.hotel.gateway
        ended = self._ended(db)
        assigned = db.assigned_rooms()
        left = {number for stay in ended.values() for number in stay.booking.assigned_rooms}
        rooms = db.rooms()
        return [
            self._state(db, room, ended) if room.number in left else plain[room.number in assigned]
            for room, plain in zip(rooms, self._plain_states(rooms), strict=True)
        ]

    def _plain_states(self, rooms: tuple[Room, ...]) -> tuple[tuple[RoomState, RoomState], ...]:
        """Each room free and held, made again only for another tuple of rooms (Reads.rooms
        gives the same one until a room changes): a state for each of 600 rooms cost a
        check-in a third of its time."""
        if self._plain[0] is not rooms:
            states = tuple((RoomState(room), RoomState(room, held=True)) for room in rooms)
            self._plain = (rooms, states)
        return self._plain[1]

    def held_rooms(self, db: Reads | None = None) -> set[str]:
        """Rooms a stay holds now (what the index of checked-in stays gives, less those let go)."""
        db = db or self.hotel.gateway
        ended = self._ended(db)
        released = {
            number
            for stay in ended.values()
            for number in stay.booking.assigned_rooms
            if all(code in ended for code in db.stays_in(number))
        }
        return db.assigned_rooms() - released

    def state(self, room: Room, db: Reads | None = None) -> RoomState:
        """One room's state, as `rooms` gives it."""
        db = db or self.hotel.gateway
        return self._state(db, room, self._ended(db))

    def occupant(self, room: str, db: Reads | None = None) -> str | None:
        """The code of the stay that holds `room` now."""
        return self.occupants(db).get(room)

    def occupants(self, db: Reads | None = None) -> dict[str, str]:
        """The code of the stay that holds each held room."""
        db = db or self.hotel.gateway
        ended = self._ended(db)
        found = {
            number: next((code for code in db.stays_in(number) if code not in ended), None)
            for number in db.assigned_rooms()
        }
        return {number: code for number, code in found.items() if code is not None}

    def _ended(self, db: Reads) -> dict[str, _Ended]:
        now = self.hotel.now()
        ended = {}
        for booking in db.checked_in_departing_by(now.date()):
            at = self.stay_ends(db, booking)
            if at <= now:
                ended[booking.code] = _Ended(booking, at)
        return ended

    def _state(self, db: Reads, room: Room, ended: dict[str, _Ended]) -> RoomState:
        codes = db.stays_in(room.number)
        if any(code not in ended for code in codes):
            return RoomState(room, held=True)
        last = max((ended[code] for code in codes), key=lambda stay: stay.at, default=None)
        if last is None or self._seen_since(room, last.at):
            return RoomState(room)
        return RoomState(room, vacated_by=last.booking.code)

    def _seen_since(self, room: Room, moment: datetime) -> bool:
        """Whether housekeeping set the room's status after `moment`. A status set at a time
        still to come was set on a clock that ran ahead (kiosk/archiving.py): it proves
        nothing about a stay that ended since the clock came back."""
        since = room.status_since
        return since is not None and moment <= since <= self.hotel.now()
