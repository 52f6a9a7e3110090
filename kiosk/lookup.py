"""Finding a booking at the kiosk: which booking the guest's answers lead to, and what they
may be told about it (ARCHITECTURE.md, Who gets a key). How failed lookups slow the kiosk
down is kiosk/attempts.py's.

A booking code and a last name together find a booking; neither does alone. Until both
belong to one booking, every answer is the same (not found), counts towards the kiosk's
limit and costs the same work whether or not a booking with that code exists: whoever
stands at the kiosk with a code or a name learns nothing from it. Past the limit the
kiosk waits before the next try, longer after each further failure, and calls staff; it
never closes for the next guest.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from kiosk.gateway import Reads
from kiosk.models import Booking, BookingStatus, last_name_keys, normalise_name

LONGEST_ANSWER = 80
# The name a lookup compares with when no booking has the typed code, so that a made-up
# code costs the same work as a real one.
_NOBODY = "Nobody-Noname"


class Verdict(StrEnum):
    FOUND = "found"
    NOT_FOUND = "not_found"
    CANCELLED = "cancelled"
    ALREADY_CHECKED_IN = "already_checked_in"
    WRONG_DAY = "wrong_day"
    LOCKED = "locked"


def is_answer(text: str) -> bool:
    """Whether a typed answer can be looked up at all (a blank or junk one is not a try)."""
    text = text.strip()
    return bool(text) and len(text) <= LONGEST_ANSWER and text.isprintable()


def last_name_matches(last_name: str, typed: str) -> bool:
    """Müller as MUELLER or MULLER, Schmidt-Weber whole or as SCHMIDT or WEBER."""
    return normalise_name(typed) in last_name_keys(last_name)


def booking_for(db: Reads, first: str, second: str) -> Booking | None:
    """The booking whose code is one answer and whose last name is the other. Guests may give
    them in either order, so both orders are always tried: the same work every time."""
    found = None
    for code, name in ((first, second), (second, first)):
        booking = db.booking(code)
        matches = last_name_matches(booking.last_name if booking else _NOBODY, name)
        if booking is not None and matches and found is None:
            found = booking
    return found


def verdict(booking: Booking | None, today: date) -> Verdict:
    """What a guest who gave both the code and the name of `booking` may be told about it."""
    if booking is None:
        return Verdict.NOT_FOUND
    if booking.status is BookingStatus.CANCELLED:
        return Verdict.CANCELLED
    if booking.status in (BookingStatus.CHECKED_IN, BookingStatus.CHECKED_OUT):
        return Verdict.ALREADY_CHECKED_IN
    if not booking.arrival <= today < booking.departure:
        return Verdict.WRONG_DAY
    if booking.locked:
        return Verdict.LOCKED
    return Verdict.FOUND
