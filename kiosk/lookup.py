"""Finding a booking at the kiosk: which booking the guest's answers lead to, what they may be
told about it, and how the kiosk slows guessing down (DESIGN.md, Security and privacy).

A booking code and a last name together find a booking; neither does alone. Until both
belong to one booking, every answer is the same (not found), counts towards the kiosk's
limit and costs the same work whether or not a booking with that code exists: whoever
stands at the kiosk with a code or a name learns nothing from it. Past the limit the
kiosk waits before the next try, longer after each further failure, and calls staff; it
never closes for the next guest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from tinydb import TinyDB, where

from kiosk.hotel import Hotel
from kiosk.models import Booking, BookingStatus, last_name_keys, normalise_name

FIRST_WAIT = timedelta(seconds=30)
"""The wait after the limit's last failed lookup; it doubles with every further failure."""
LONGEST_WAIT = timedelta(minutes=5)
"""Long enough to make guessing slow (12 tries an hour), short enough for the next guest."""
QUIET_RESET = timedelta(hours=1)
"""Failed lookups this long ago no longer count: the next guest meets a kiosk as new."""
LONGEST_ANSWER = 80
FORGIVEN_KEPT = 200
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


def booking_for(hotel: Hotel, first: str, second: str) -> Booking | None:
    """The booking whose code is one answer and whose last name is the other. Guests may give
    them in either order, so both orders are always tried: the same work every time."""
    found = None
    for code, name in ((first, second), (second, first)):
        booking = hotel.booking(code)
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


def wait_after(failures: int, limit: int) -> timedelta | None:
    """How long the next lookup waits after `failures` failed ones: not at all below the
    limit, then FIRST_WAIT, doubling with each further failure up to LONGEST_WAIT."""
    if failures < limit:
        return None
    doublings = min(failures - limit, 16)  # 2**16 waits are far past LONGEST_WAIT already
    return min(FIRST_WAIT * 2**doublings, LONGEST_WAIT)


@dataclass(frozen=True)
class FailedLookup:
    failures: int
    wait_until: datetime | None


@dataclass(frozen=True)
class LookupLimit:
    """The failed lookups of one kiosk, kept in the data file so that a restart or a new
    session does not clear them."""

    hotel: Hotel
    key: str

    def wait_until(self, db: TinyDB, now: datetime) -> datetime | None:
        return self.hotel.locked_until_in(db, self.key, now)

    def fail(self, db: TinyDB, now: datetime) -> FailedLookup:
        counter = self.hotel.counter(db, self.key)
        last = counter.get("last_failure")
        if last and now - datetime.fromisoformat(last) >= QUIET_RESET:
            counter["failures"] = 0
        counter["failures"] += 1
        wait = wait_after(counter["failures"], self.hotel.profile.lookup_attempts)
        until = now + wait if wait else None
        counter.update(last_failure=now.isoformat(), locked_until=until.isoformat() if until else None)
        self._save(db, counter)
        return FailedLookup(counter["failures"], until)

    def forgive(self, db: TinyDB, code: str) -> None:
        """A found booking clears the kiosk's failed lookups, but each booking only once:
        else whoever knows one code could alternate it with guesses for ever."""
        counter = self.hotel.counter(db, self.key)
        forgiven = counter.get("forgiven", [])
        if not counter["failures"] or code in forgiven:
            return
        counter.update(failures=0, forgiven=[*forgiven, code][-FORGIVEN_KEPT:])
        self._save(db, counter)

    def _save(self, db: TinyDB, counter: dict[str, Any]) -> None:
        db.table("limits").upsert(counter, where("key") == self.key)
