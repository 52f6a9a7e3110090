"""The guest's check-out at the kiosk as a state machine: who may check out (a room and its
door PIN, or the key's QR), what they are shown (the folio), and what checking out does.

Identifying follows the lookup's rules (kiosk/lookup.py): until a room and a PIN (or a
scanned key) belong to one stay that is checked in, every answer is the same, costs the
same work and counts towards the kiosk's growing wait (kiosk/attempts.py, a key of its own
per kiosk); the kiosk slows down, it never closes. A wrong PIN here does not count towards
the door's keypad lock-out: the kiosk's own wait limits guessing already, and counting it
would let anyone at the kiosk shut a guest's keypad.

Checking out is one write: the stay's keys stop opening, the booking is checked out, its
rooms become dirty, the city tax goes on the folio, and a balance due is settled as the
profile says (the guest goes to the desk, who get a help request, or the property charges
the card it holds; the kiosk takes no card data). The invoice comes from the property system.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from kiosk import keys, lookup
from kiosk.attempts import LookupLimit
from kiosk.audit import Actor
from kiosk.folio import Folio, city_tax, folio_of
from kiosk.gateway import Writer
from kiosk.grants import with_pin
from kiosk.hotel import Hotel
from kiosk.models import (
    Booking,
    BookingStatus,
    Charge,
    ChargeKind,
    Grant,
    HelpReason,
    RoomStatus,
)
from kiosk.money import shown

_GrantFinder = Callable[[Writer], Grant | None]
"""The grant the guest's answer names, if any: the same lookup whether or not there is one."""


class CheckOutStep(StrEnum):
    IDENTIFY = "identify"  # waiting for a room and its PIN, or a scanned key
    CONFIRM = "confirm"  # the stay found; the guest reads the folio and confirms
    DONE = "done"  # checked out; the summary is on screen
    ENDED = "ended"  # forgotten, or checked out meanwhile elsewhere


class CheckOutFailure(StrEnum):
    NOT_RECOGNISED = "not_recognised"  # one answer for a wrong room, PIN or key
    TOO_MANY_TRIES = "too_many_tries"
    INVALID_INPUT = "invalid_input"  # blank or unreadable: not a try
    ALREADY_CHECKED_OUT = "already_checked_out"  # the desk (or another kiosk) was quicker
    WRONG_STEP = "wrong_step"


class Settlement(StrEnum):
    """What becomes of the balance at check-out."""

    NOTHING_DUE = "nothing_due"
    DESK = "desk"  # the guest pays at the desk; staff have a help request
    CARD_ON_FILE = "card_on_file"  # the property charges the card it holds


@dataclass(frozen=True)
class CheckOutRejected:
    failure: CheckOutFailure
    attempts_left: int | None = None
    wait_until: datetime | None = None
    """TOO_MANY_TRIES: when the kiosk takes the next try."""


@dataclass(frozen=True)
class StayFound:
    booking: Booking
    folio: Folio


@dataclass(frozen=True)
class CheckedOut:
    folio: Folio
    rooms: tuple[str, ...]
    settlement: Settlement
    invoice_by_email: bool
    """The property system mails the invoice (the booking has an address); else the desk."""


CheckOutOutcome = StayFound | CheckedOut | CheckOutRejected


class CheckOutSession:
    def __init__(self, hotel: Hotel) -> None:
        self.hotel = hotel
        self.id = secrets.token_hex(4)
        self.actor = Actor("guest", self.id)
        self.booking: Booking | None = None
        self.folio: Folio | None = None
        self.checked_out: CheckedOut | None = None
        self.step = CheckOutStep.IDENTIFY
        self._limit = LookupLimit.for_check_out(hotel.profile, hotel.kiosk_id)

    def waiting_until(self) -> datetime | None:
        """When this kiosk takes the next try, if too many have failed."""
        return self._limit.wait_until(self.hotel.gateway, self.hotel.now())

    # -- the guest's steps ------------------------------------------------------------------

    def identify(self, room: str, pin: str) -> StayFound | CheckOutRejected:
        """The room number and the door PIN the guest was given."""
        if not (lookup.is_answer(room) and lookup.is_answer(pin)):
            return CheckOutRejected(CheckOutFailure.INVALID_INPUT)
        number, typed = room.strip().upper(), pin.strip()
        secret = self.hotel.secret
        return self._identify(
            "pin", lambda db: next(with_pin(db.grants_of_room(number), secret, number, typed), None)
        )

    def identify_by_key(self, token: str) -> StayFound | CheckOutRejected:
        """The key's QR code at the scanner (it types the token)."""
        if not lookup.is_answer(token):
            return CheckOutRejected(CheckOutFailure.INVALID_INPUT)
        claims = keys.read_token(self.hotel.secret, token)

        def key_of(db: Writer) -> Grant | None:
            if claims is None:  # not signed by this house: no grant to look for
                return None
            grants = db.grants_of_room(claims.room)
            return next((grant for grant in grants if grant.id == claims.grant_id), None)

        return self._identify("qr", key_of)

    def _identify(self, method: str, find_grant: _GrantFinder) -> StayFound | CheckOutRejected:
        if self.step is not CheckOutStep.IDENTIFY:
            return CheckOutRejected(CheckOutFailure.WRONG_STEP)
        now = self.hotel.now()
        with self._transaction() as db:
            wait_until = self._limit.wait_until(db, now)
            if wait_until:
                db.audit(self.actor, "check_out_lookup", outcome=CheckOutFailure.TOO_MANY_TRIES)
                return CheckOutRejected(CheckOutFailure.TOO_MANY_TRIES, wait_until=wait_until)
            booking = _stay_held_by(db, find_grant(db))
            if booking is None:
                outcome = self._failed(db, now)
                db.audit(self.actor, "check_out_lookup", outcome=outcome.failure, method=method)
                return outcome
            self._limit.forgive(db, booking.code)
            db.audit(self.actor, "check_out_lookup", booking=booking.code, method=method)
        folio = folio_of(self.hotel.gateway, booking, self.hotel.profile)
        self.booking, self.folio, self.step = booking, folio, CheckOutStep.CONFIRM
        return StayFound(booking, folio)

    def _failed(self, db: Writer, now: datetime) -> CheckOutRejected:
        failed = self._limit.fail(db, now)
        limit = self._limit.wait.first_at
        if failed.wait_until is None:
            return CheckOutRejected(
                CheckOutFailure.NOT_RECOGNISED, attempts_left=limit - failed.failures
            )
        if failed.failures == limit:
            self.hotel.help.file(db, self.actor, HelpReason.LOOKUP_LOCKED, None)
        return CheckOutRejected(CheckOutFailure.TOO_MANY_TRIES, wait_until=failed.wait_until)

    def confirm(self) -> CheckedOut | CheckOutRejected:
        """The guest has read the folio and checks out."""
        if self.step is not CheckOutStep.CONFIRM or self.booking is None:
            return CheckOutRejected(CheckOutFailure.WRONG_STEP)
        profile = self.hotel.profile
        with self._transaction() as db:
            booking = db.booking(self.booking.code)
            if booking is None or booking.status is not BookingStatus.CHECKED_IN:
                self.step = CheckOutStep.ENDED
                db.audit(
                    self.actor,
                    "checked_out",
                    outcome=CheckOutFailure.ALREADY_CHECKED_OUT,
                    booking=self.booking.code,
                )
                return CheckOutRejected(CheckOutFailure.ALREADY_CHECKED_OUT)
            now = self.hotel.now()
            self._charge_city_tax(db, booking, now)
            folio = folio_of(db, booking, profile)
            self.hotel.grants.revoke(db, booking.code, self.actor, reason="checked out")
            for number in booking.assigned_rooms:
                room = db.room(number)
                if room is not None:
                    db.save_room(replace(room, status=RoomStatus.DIRTY, status_since=now))
            db.save_booking(replace(booking, status=BookingStatus.CHECKED_OUT, checked_out_at=now))
            settlement = self._settle(db, folio)
            db.audit(
                self.actor,
                "checked_out",
                booking=booking.code,
                rooms=booking.assigned_rooms,
                balance=str(folio.balance),
                currency=folio.currency,
                settlement=str(settlement),
            )
        self.checked_out = CheckedOut(
            folio, tuple(booking.assigned_rooms), settlement, bool(booking.email)
        )
        self.booking, self.folio, self.step = booking, folio, CheckOutStep.DONE
        return self.checked_out

    def _charge_city_tax(self, db: Writer, booking: Booking, now: datetime) -> None:
        tax = city_tax(booking, self.hotel.profile)
        charged = any(
            charge.kind is ChargeKind.CITY_TAX for charge in db.charges_of_booking(booking.code)
        )
        if tax and not charged:
            db.add_charge(
                Charge(
                    id=secrets.token_hex(8),
                    booking=booking.code,
                    kind=ChargeKind.CITY_TAX,
                    description="City tax",
                    amount=tax,
                    currency=self.hotel.profile.currency,
                    charged_at=now,
                    charged_by=str(self.actor),
                )
            )

    def _settle(self, db: Writer, folio: Folio) -> Settlement:
        if folio.balance <= 0:
            return Settlement.NOTHING_DUE
        settlement = Settlement(self.hotel.profile.balance_at_check_out)
        if settlement is Settlement.DESK:
            owed = shown(folio.balance, folio.currency, "en")
            self.hotel.help.file(
                db, self.actor, HelpReason.BALANCE_DUE, folio.booking, note=f"{owed} to pay"
            )
        return settlement

    def not_mine(self) -> CheckOutStep:
        """Back from the folio to the room and PIN: nothing was changed."""
        if self.step is CheckOutStep.CONFIRM:
            self.booking, self.folio, self.step = None, None, CheckOutStep.IDENTIFY
        return self.step

    def request_help(self, reason: HelpReason = HelpReason.GUEST) -> int:
        code = self.booking.code if self.booking else None
        return self.hotel.help.request(self.actor, reason, code)

    def forget(self) -> None:
        """The guest has left: nothing of their stay stays in memory."""
        self.booking, self.folio, self.checked_out = None, None, None
        self.step = CheckOutStep.ENDED

    @contextmanager
    def _transaction(self) -> Iterator[Writer]:
        """As CheckInSession's: a write that fails leaves the session as it was."""
        before = (self.booking, self.folio, self.checked_out, self.step)
        try:
            with self.hotel.transaction() as db:
                yield db
        except BaseException:
            self.booking, self.folio, self.checked_out, self.step = before
            raise


def _stay_held_by(db: Writer, grant: Grant | None) -> Booking | None:
    """The checked-in stay whose key `grant` is: not revoked (a key that ran out at check-out
    time still checks its guest out that morning), and its room still the stay's."""
    if grant is None or grant.revoked_at is not None:
        return None
    booking = db.booking(grant.booking)
    if booking is None or booking.status is not BookingStatus.CHECKED_IN:
        return None
    return booking if grant.room in booking.assigned_rooms else None
