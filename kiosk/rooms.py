"""Which rooms a booking gets: the booked type first, then a free upgrade the house allows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kiosk.models import Room
from kiosk.turnover import RoomState


@dataclass(frozen=True)
class Assignment:
    rooms: tuple[Room, ...]
    upgraded_to: str | None = None


def free_ready_rooms(rooms: Iterable[RoomState]) -> list[Room]:
    """Rooms the kiosk may give by itself: nobody holds them, and they are clean or
    inspected (kiosk/turnover.py: a room a stay has just left is not). In the order given:
    `Turnover.rooms` gives them by floor and number."""
    return [state.as_seen for state in rooms if state.ready]


def ranks_above(given: str, booked: str, ladder: tuple[str, ...]) -> bool:
    """Whether `given` is better than `booked` on the house's upgrade ladder."""
    return given in ladder and booked in ladder and ladder.index(given) > ladder.index(booked)


def choose_rooms(
    free: list[Room], room_type: str, count: int, *, ladder: tuple[str, ...], upgrades_allowed: bool
) -> Assignment | None:
    """`count` free rooms of one type: the booked type, else the next type up the ladder."""
    candidates = [room_type]
    if upgrades_allowed and room_type in ladder:
        candidates += list(ladder[ladder.index(room_type) + 1 :])
    for candidate in candidates:
        matching = [room for room in free if room.type == candidate]
        if len(matching) >= count:
            upgraded = None if candidate == room_type else candidate
            return Assignment(_close_together(matching, count), upgraded)
    return None


def _close_together(rooms: list[Room], count: int) -> tuple[Room, ...]:
    """A party with several rooms would rather share a floor: the first floor that has them all."""
    for floor in sorted({room.floor for room in rooms}):
        on_floor = [room for room in rooms if room.floor == floor]
        if len(on_floor) >= count:
            return tuple(on_floor[:count])
    return tuple(rooms[:count])
