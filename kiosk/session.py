"""The guest's check-in as a state machine. Each method takes the guest's (or staff's) input
and returns an outcome; screens render `session.step` and the outcome, nothing more."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from kiosk import lookup, offers, privacy, registration, signing
from kiosk import rooms as room_rules
from kiosk.attempts import LookupLimit
from kiosk.audit import Actor
from kiosk.gateway import Writer
from kiosk.help_desk import HelpDesk
from kiosk.hotel import Hotel
from kiosk.identity import (
    IdentityCheck,
    IdentityProblem,
    check_by_hand,
    check_zone,
    hand_entry_counts,
)
from kiosk.models import (
    Booking,
    BookingStatus,
    Charge,
    ChargeKind,
    HelpReason,
    IdentityRecord,
    Room,
    RoomStatus,
)
from kiosk.mrz import MrzDocument
from kiosk.offers import Quote
from kiosk.printing import PrintError
from kiosk.privacy import Kept
from kiosk.profile import HotelProfile
from kiosk.registration import Problem, RegistrationCard
from kiosk.staff import StaffError, StaffMember


class Step(StrEnum):
    FIND = "find"  # waiting for a booking code and a last name
    CONFIRM = "confirm"  # booking found; the guest confirms it is theirs
    IDENTIFY = "identify"  # waiting for a document zone or hand entry
    READY = "ready"  # identity proven; the card (if due), offers (if any fit), rooms and keys next
    REGISTER = "register"  # a guest the law asks to register completes their card
    OFFERS = "offers"  # the guest says yes or no to each offer that fits (session.quotes)
    KEYS = "keys"  # checked in; the door codes are on screen
    DONE = "done"  # codes put away (put_away_keys); goodbye
    NO_ROOM = "no_room"  # identity proven but nothing ready; staff called
    LOCKED = "locked"  # the booking waits for staff (a refused document, too many failures)
    ENDED = "ended"  # forgotten (the guest left, or staff ended it), or checked in elsewhere


class Failure(StrEnum):
    NOT_FOUND = "not_found"
    CANCELLED = "cancelled"
    ALREADY_CHECKED_IN = "already_checked_in"
    WRONG_DAY = "wrong_day"
    LOCKED = "locked"
    TOO_MANY_TRIES = "too_many_tries"
    INVALID_INPUT = "invalid_input"
    DOCUMENT_UNREADABLE = "document_unreadable"
    DOCUMENT_EXPIRED = "document_expired"
    NAME_MISMATCH = "name_mismatch"
    TOO_YOUNG = "too_young"
    BIRTH_DATE_MISMATCH = "birth_date_mismatch"
    HAND_ENTRY_UNAVAILABLE = "hand_entry_unavailable"
    NO_ROOM_READY = "no_room_ready"
    OFFERS_CHANGED = "offers_changed"  # a chosen offer no longer fits, or costs another price
    CARD_INCOMPLETE = "card_incomplete"  # Rejected.problems says which fields, and why
    WRONG_STEP = "wrong_step"


# A date of birth typed by hand that is not the one on file may be a typo: it may be tried
# again, a few times. (A refused document waits for staff at once; a misread zone proves
# nothing and does not count.)
_COUNTED = {IdentityProblem.BIRTH_DATE_MISMATCH}
_HELP_REASON_FOR_REFUSAL = {IdentityProblem.TOO_YOUNG: HelpReason.TOO_YOUNG}
# What staff approving an identity solves: the approval proves it and unlocks the booking.
_IDENTITY_HELP = frozenset(
    {
        HelpReason.LOCKED,
        HelpReason.IDENTITY_LOCKED,
        HelpReason.DOCUMENT_REFUSED,
        HelpReason.TOO_YOUNG,
    }
)


@dataclass(frozen=True)
class Rejected:
    failure: Failure
    attempts_left: int | None = None
    arrival: date | None = None
    wait_until: datetime | None = None
    """TOO_MANY_TRIES: when the kiosk takes the next lookup."""
    because: Failure | None = None
    """LOCKED by this very step: what was refused (a document expired, a guest too young)."""
    problems: Mapping[str, Problem] | None = None
    """CARD_INCOMPLETE: each field of the registration card that is wrong, and how."""


@dataclass(frozen=True)
class Found:
    booking: Booking


@dataclass(frozen=True)
class Verified:
    identity: IdentityRecord


@dataclass(frozen=True)
class Registered:
    card: RegistrationCard
    printed: bool
    """Sent to the hotel's printer; else it waits for staff to print it."""


@dataclass(frozen=True)
class RoomKey:
    room: Room
    pin: str
    token: str
    valid_until: datetime
    opens_at: datetime | None = None
    """Set when the key opens later than its check-in (kiosk/offers.py, early check-in)."""


@dataclass(frozen=True)
class CheckedIn:
    keys: tuple[RoomKey, ...]
    upgraded_to: str | None = None


Outcome = Found | Verified | Registered | CheckedIn | Rejected
"""What a guest's step gave."""


class CheckInSession:
    def __init__(self, hotel: Hotel) -> None:
        self.hotel = hotel
        self.id = secrets.token_hex(4)
        self.actor = Actor("guest", self.id)
        self.booking: Booking | None = None
        self.keys: tuple[RoomKey, ...] = ()
        self.upgraded_to: str | None = None
        """A free upgrade the house gave (a paid one is an offer the guest chose)."""
        self.quotes: tuple[Quote, ...] = ()
        """The offers shown at Step.OFFERS, priced for this stay."""
        self.at_desk = False
        self.card: RegistrationCard | None = None
        """The guest's registration card once filled in (or found filled in already)."""
        self.card_printed: bool | None = None
        """Whether the card filled in here went to the printer; None: not filled in here."""
        self.card_fields: tuple[str, ...] = ()
        """At Step.REGISTER: the fields of the card the law asks of this guest."""
        self._document: MrzDocument | None = None
        """The zone read at the identity step, until it has pre-filled the card."""
        self.step = Step.FIND
        self._lookup_limit = LookupLimit.for_kiosk(hotel.profile, hotel.kiosk_id)

    @classmethod
    def at_the_desk(cls, hotel: Hotel, code: str, staff: StaffMember) -> CheckInSession:
        """A session staff open on a booking from the dashboard, e.g. to unlock a booking
        whose guest came to the desk instead of waiting at the kiosk."""
        booking = hotel.gateway.booking(code)
        if booking is None:
            raise StaffError(f"There is no booking {code}.")
        session = cls(hotel)
        session.actor = Actor("staff", staff.name)
        session.booking = booking
        session.at_desk = True  # staff sell nothing on the kiosk's behalf: no offers
        if booking.locked:
            session.step = Step.LOCKED
        elif booking.status is BookingStatus.CHECKED_IN:
            session.step = Step.DONE
        elif booking.status is not BookingStatus.RESERVED:
            session.step = Step.ENDED
        else:
            session.step = Step.READY if booking.identity else Step.IDENTIFY
        with hotel.transaction() as db:
            db.audit(session.actor, "session_opened_at_desk", booking=booking.code)
        return session

    # -- the guest's steps ------------------------------------------------------------------

    def waiting_until(self) -> datetime | None:
        """When this kiosk takes the next lookup, if too many have failed (kiosk/attempts.py)."""
        return self._lookup_limit.wait_until(self.hotel.gateway, self.hotel.now())

    def find(self, code: str, last_name: str) -> Found | Rejected:
        """The booking code (typed or scanned) and the guest's last name, in either order.
        Until both belong to one booking, the answer is always the same (kiosk/lookup.py)."""
        if self.step is Step.LOCKED:
            # Still a lookup attempt, and one staff will want to see: somebody keeps trying.
            with self._transaction() as db:
                db.audit(self.actor, "lookup", outcome=Failure.LOCKED)
            return Rejected(Failure.LOCKED)
        if self.step not in (Step.FIND, Step.CONFIRM):
            return Rejected(Failure.WRONG_STEP)
        if not (lookup.is_answer(code) and lookup.is_answer(last_name)):
            return Rejected(Failure.INVALID_INPUT)
        now = self.hotel.now()
        with self._transaction() as db:
            wait_until = self._lookup_limit.wait_until(db, now)
            if wait_until:
                db.audit(self.actor, "lookup", outcome=Failure.TOO_MANY_TRIES)
                return Rejected(Failure.TOO_MANY_TRIES, wait_until=wait_until)
            booking = lookup.booking_for(db, code.strip(), last_name.strip())
            verdict = lookup.verdict(booking, now.date())
            if verdict is lookup.Verdict.FOUND:
                assert booking is not None
                self._lookup_limit.forgive(db, booking.code)
                db.audit(self.actor, "lookup", booking=booking.code)
                self.booking, self.step = booking, Step.CONFIRM
                return Found(booking)
            if verdict is lookup.Verdict.NOT_FOUND:
                outcome = self._failed_lookup(db, now)
            else:
                # Code and name match: the guest may hear what is the matter with their booking.
                assert booking is not None
                wrong_day = verdict is lookup.Verdict.WRONG_DAY
                outcome = Rejected(
                    Failure(str(verdict)), arrival=booking.arrival if wrong_day else None
                )
                if verdict is lookup.Verdict.LOCKED:
                    self.booking, self.step = booking, Step.LOCKED
                    self.hotel.help.file(db, self.actor, HelpReason.LOCKED, booking.code)
            db.audit(
                self.actor,
                "lookup",
                outcome=outcome.failure,
                booking=booking.code if booking else None,
            )
        return outcome

    def _failed_lookup(self, db: Writer, now: datetime) -> Rejected:
        failed = self._lookup_limit.fail(db, now)
        limit = self.hotel.profile.lookup_attempts
        if failed.wait_until is None:
            return Rejected(Failure.NOT_FOUND, attempts_left=limit - failed.failures)
        if failed.failures == limit:
            self.hotel.help.file(db, self.actor, HelpReason.LOOKUP_LOCKED, None)
        return Rejected(Failure.TOO_MANY_TRIES, wait_until=failed.wait_until)

    def confirm(self) -> Step:
        """The guest says the booking shown is theirs."""
        if self.step is Step.CONFIRM:
            self.step = Step.IDENTIFY
        return self.step

    def not_mine(self) -> Step:
        if self.step in (Step.CONFIRM, Step.IDENTIFY):
            self.booking, self.step = None, Step.FIND
        return self.step

    @property
    def hand_entry_counts(self) -> bool:
        """Whether this booking may be proven by hand entry (kiosk/identity.py)."""
        return self.booking is not None and hand_entry_counts(self.booking)

    def identify_by_zone(self, zone: str) -> Verified | Rejected:
        return self._identify(
            lambda booking, today, age: check_zone(booking, zone, today=today, minimum_age=age)
        )

    def identify_by_hand(self, date_of_birth: str, number_last4: str) -> Verified | Rejected:
        return self._identify(
            lambda booking, today, age: check_by_hand(
                booking, date_of_birth, number_last4, today=today, minimum_age=age
            )
        )

    def _identify(
        self, check: Callable[[Booking, date, int], IdentityCheck]
    ) -> Verified | Rejected:
        if self.step is Step.LOCKED:
            return Rejected(Failure.LOCKED)
        if self.step is Step.READY and self.booking is not None and self.booking.identity:
            # Proven already; the check-in after it could not be written. Not asked again:
            # `proceed` tries the check-in again.
            return Verified(self.booking.identity)
        if self.step is not Step.IDENTIFY or self.booking is None:
            return Rejected(Failure.WRONG_STEP)
        result: IdentityCheck = check(
            self.booking, self.hotel.today(), self.hotel.profile.minimum_age
        )
        limit = self.hotel.profile.identity_attempts
        with self._transaction() as db:
            booking = self._refresh_booking(db)
            if booking.locked:
                # Locked meanwhile by this booking's session on another kiosk: no more tries
                # here either, or each open session would add attempts (and could pass).
                self.step = Step.LOCKED
                db.audit(self.actor, "identity", outcome=Failure.LOCKED, booking=self.booking.code)
                return Rejected(Failure.LOCKED)
            if result.record is not None:
                self._document = result.document
                self._save_booking(db, identity=result.record, identity_failures=0)
                db.audit(
                    self.actor, "identity", booking=self.booking.code, method=result.record.method
                )
                self.step = Step.READY
                return Verified(result.record)
            assert result.problem is not None
            failures = booking.identity_failures
            if result.refused:
                # No other document or method may stand in for this one, here or on another
                # kiosk: the booking waits for staff, who are called at once.
                self._save_booking(db, identity_failures=failures + 1, locked=True)
                self.step = Step.LOCKED
                reason = _HELP_REASON_FOR_REFUSAL.get(result.problem, HelpReason.DOCUMENT_REFUSED)
                self.hotel.help.file(db, self.actor, reason, self.booking.code)
                db.audit(
                    self.actor, "identity", outcome=str(result.problem), booking=self.booking.code
                )
                return Rejected(Failure.LOCKED, because=Failure(str(result.problem)))
            if result.problem in _COUNTED:
                failures += 1
                locked = failures >= limit
                self._save_booking(db, identity_failures=failures, locked=locked)
                if locked:
                    self.step = Step.LOCKED
                    self.hotel.help.file(
                        db, self.actor, HelpReason.IDENTITY_LOCKED, self.booking.code
                    )
            db.audit(self.actor, "identity", outcome=str(result.problem), booking=self.booking.code)
        if self.step is Step.LOCKED:
            return Rejected(Failure.LOCKED)
        return Rejected(Failure(str(result.problem)), attempts_left=limit - failures)

    def proceed(self) -> CheckedIn | Rejected | None:
        """What follows by itself from where the session stands: a proven identity, whoever
        proved it (the guest, or staff who approved it or unlocked the booking), goes on to
        the offers that fit the stay, or, where none fits (or at the desk), gets its rooms
        and keys at once, also when the check-in after it could not be written.
        None: the next step is the guest's."""
        if self.step is not Step.READY or self.booking is None:
            return None
        if not self.at_desk and self._card_due():
            self.step = Step.REGISTER
            return None
        if not self.at_desk:
            gateway = self.hotel.gateway
            self.quotes = offers.fitting(
                self.hotel.profile,
                gateway,
                self.booking,
                self.hotel.now(),
                self.hotel.turnover.rooms(gateway),
            )
            if self.quotes:
                self.step = Step.OFFERS
                return None
        return self.check_in()

    def _card_due(self) -> bool:
        """Whether this guest fills in a registration card now: the law asks one of them, and
        none is on file for the booking (one filled in before a check-in that could not be
        written, or on another kiosk, stands). Staff at the desk register on paper."""
        assert self.booking is not None
        if self.card is not None:
            return False
        holds = registration.card_fields(
            registration.law_of(self.hotel.profile.registration_country), self.booking
        )
        if holds is None:
            return False
        self.card = self.hotel.registrations.of_booking(self.booking.code)
        self.card_fields = () if self.card else holds
        return self.card is None

    def card_prefilled(self, language: str) -> dict[str, str]:
        """The card's fields as the guest first sees them: from the booking and the zone."""
        assert self.booking is not None
        return registration.prefilled(self.card_fields, self.booking, self._document, language)

    def card_fixed(self) -> frozenset[str]:
        """The card's fields the guest does not type: what a machine read from the document
        zone and the check-in checked (date of birth, the document's number and type, the
        sex it states), and a date of birth on file that the guest confirmed by hand."""
        read = {"date_of_birth"} if self.booking and self.booking.date_of_birth else set()
        if self._document is not None:
            read |= {"date_of_birth", "document_number", "document_type", "sex"}
        prefilled = self.card_prefilled(self.hotel.profile.language)
        return frozenset(name for name in read & prefilled.keys() if prefilled[name])

    def register(self, typed: dict[str, str], language: str) -> Registered | Rejected:
        """The guest's completed card (`language`: the one they read it in). A complete card
        is kept sealed and starts on its way to the guest's signature (kiosk/registrations.py);
        then the check-in goes on. An incomplete one changes nothing: Rejected.problems says
        what is wrong with which field."""
        if self.step is not Step.REGISTER or self.booking is None:
            return Rejected(Failure.WRONG_STEP)
        profile, now = self.hotel.profile, self.hotel.now()
        law = registration.law_of(profile.registration_country)
        assert law is not None, "a card is due only under a law"
        prefilled = self.card_prefilled(language)
        checked = registration.check(
            self.card_fields,
            {**typed, **{name: prefilled[name] for name in self.card_fixed()}},
            law=law,
            booking=self.booking,
            language=language,
            house_language=profile.language,
            today=now.date(),
            now=now,
        )
        if checked.card is None:
            return Rejected(Failure.CARD_INCOMPLETE, problems=checked.problems)
        card = checked.card
        self.hotel.registrations.save(card)
        started = self.hotel.signature.start(card, lambda: _printable(profile, card, language))
        with self._transaction() as db:
            db.audit(
                self.actor,
                "registration_card",
                outcome="printed" if started.printed else "to_sign",
                booking=self.booking.code,
                card=card.id,
                problem=started.problem,
            )
            if started.problem:
                self.hotel.help.file(
                    db,
                    self.actor,
                    HelpReason.CARD_NOT_PRINTED,
                    self.booking.code,
                    note=started.problem,
                )
        self.card, self.card_fields, self._document = card, (), None
        self.card_printed = started.printed
        self.step = Step.READY
        return Registered(card, started.printed)

    def privacy_receipt(self) -> tuple[Kept, ...]:
        """What the kiosk keeps about this guest's stay, and until when."""
        assert self.booking is not None
        return privacy.receipt(self.booking, self.card, self.hotel.profile)

    def print_privacy_receipt(
        self, lines: list[tuple[str, str]], title: str, language: str
    ) -> bool:
        """The receipt, worded for the guest (`lines`: what is kept, until when), on the
        desk's printer, with the registration card where there is one. False: it did not
        print (staff are told why in the audit trail)."""
        assert self.booking is not None
        try:
            signing.print_card(
                self.hotel, self.card, language=language, receipt=lines, receipt_title=title
            )
        except PrintError as error:
            problem: str | None = str(error)
        else:
            problem = None
        with self.hotel.transaction() as db:
            db.audit(
                self.actor,
                "privacy_receipt_printed",
                outcome="ok" if problem is None else "not_printed",
                booking=self.booking.code,
                problem=problem,
            )
        return problem is None

    def take_offers(self, chosen: set[ChargeKind]) -> CheckedIn | Rejected:
        """The guest's answers to the offers shown: `chosen` are those they said yes to
        (none: no to all). Then the check-in goes on, the chosen offers charged with it in
        one write. An offer that no longer fits, or would cost another price than the guest
        saw (another kiosk took the last suite), is not sold: the offers are shown again."""
        if self.step is not Step.OFFERS or self.booking is None:
            return Rejected(Failure.WRONG_STEP)
        if not chosen <= {quote.kind for quote in self.quotes}:
            return Rejected(Failure.INVALID_INPUT)
        return self._check_in(self.actor, None, "", chosen=chosen)

    def check_in(
        self, rooms: list[str] | None = None, *, staff: StaffMember | None = None, reason: str = ""
    ) -> CheckedIn | Rejected:
        """Assign rooms and issue keys in one atomic write. Staff may name the rooms."""
        if self.step not in (Step.READY, Step.NO_ROOM) or self.booking is None:
            return Rejected(Failure.WRONG_STEP)
        if rooms is not None and staff is None:
            return Rejected(Failure.WRONG_STEP)
        actor = Actor("staff", staff.name) if staff else self.actor
        return self._check_in(actor, rooms, reason, chosen=None)

    def _check_in(
        self,
        actor: Actor,
        rooms: list[str] | None,
        reason: str,
        *,
        chosen: set[ChargeKind] | None,
    ) -> CheckedIn | Rejected:
        """`chosen`: the guest's answers to the offers shown (None: none were shown)."""
        assert self.booking is not None
        with self._transaction() as db:
            if self._refresh_booking(db).status is not BookingStatus.RESERVED:
                # Another kiosk (or the desk) was quicker; the trail shows both attempts.
                self.step = Step.ENDED
                db.audit(
                    actor,
                    "rooms_assigned",
                    outcome=Failure.ALREADY_CHECKED_IN,
                    booking=self.booking.code,
                )
                return Rejected(Failure.ALREADY_CHECKED_IN)
            taken: tuple[Quote, ...] = ()
            states = self.hotel.turnover.rooms(db)
            if chosen is not None:
                fresh = offers.fitting(
                    self.hotel.profile, db, self.booking, self.hotel.now(), states
                )
                taken = tuple(quote for quote in fresh if quote.kind in chosen)
                if len(taken) < len(chosen) or any(quote not in self.quotes for quote in taken):
                    self.quotes = fresh
                    db.audit(
                        actor,
                        "offers_shown",
                        outcome=Failure.OFFERS_CHANGED,
                        booking=self.booking.code,
                        offers=[str(quote.kind) for quote in fresh],
                    )
                    return Rejected(Failure.OFFERS_CHANGED)
            upgrade = next((quote for quote in taken if quote.kind is ChargeKind.UPGRADE), None)
            free = room_rules.free_ready_rooms(states)
            if rooms is None:
                assignment = room_rules.choose_rooms(
                    free,
                    upgrade.room_type if upgrade and upgrade.room_type else self.booking.room_type,
                    self.booking.rooms,
                    ladder=self.hotel.profile.upgrade_ladder,
                    upgrades_allowed=self.hotel.profile.upgrades_allowed and upgrade is None,
                )
            else:
                assignment = self._staff_choice(db, rooms)
            if assignment is None:
                self.step = Step.NO_ROOM
                self.hotel.help.file(db, actor, HelpReason.NO_ROOM, self.booking.code)
                db.audit(
                    actor,
                    "rooms_assigned",
                    outcome=Failure.NO_ROOM_READY,
                    booking=self.booking.code,
                )
                return Rejected(Failure.NO_ROOM_READY)
            numbers = [room.number for room in assignment.rooms]
            db.audit(
                actor,
                "rooms_assigned",
                booking=self.booking.code,
                rooms=numbers,
                upgraded_to=assignment.upgraded_to,
                reason=reason,
            )
            opens_at = None
            if chosen is not None:
                self._charge(db, actor, taken)
                early = {quote.kind for quote in self.quotes} - chosen
                if ChargeKind.EARLY_CHECK_IN in early:
                    # No to an early check-in: the key opens when checking in costs nothing.
                    opens_at = offers.early_check_in_from(self.hotel.profile, self.booking.arrival)
            issued = tuple(
                self._issue(db, room, actor, opens_at=opens_at) for room in assignment.rooms
            )
            now = self.hotel.now()
            self._save_booking(
                db, status=BookingStatus.CHECKED_IN, assigned_rooms=numbers, checked_in_at=now
            )
            db.audit(actor, "checked_in", booking=self.booking.code, rooms=numbers)
            HelpDesk.close_solved(
                db, actor, {HelpReason.NO_ROOM}, solved_by="checked_in", booking=self.booking.code
            )
        self.keys, self.upgraded_to, self.step = issued, assignment.upgraded_to, Step.KEYS
        return CheckedIn(issued, assignment.upgraded_to)

    def _charge(self, db: Writer, actor: Actor, taken: tuple[Quote, ...]) -> None:
        """The offers shown, and the chosen ones as charges on the booking's folio."""
        assert self.booking is not None
        profile, now = self.hotel.profile, self.hotel.now()
        db.audit(
            actor,
            "offers_shown",
            booking=self.booking.code,
            offers=[str(quote.kind) for quote in self.quotes],
        )
        for quote in taken:
            charge = Charge(
                id=secrets.token_hex(8),
                booking=self.booking.code,
                kind=quote.kind,
                description=offers.name(quote.offer, profile.language),
                amount=quote.amount,
                currency=profile.currency,
                charged_at=now,
                charged_by=str(actor),
            )
            db.add_charge(charge)
            db.audit(
                actor,
                "offer_taken",
                booking=self.booking.code,
                offer=str(quote.kind),
                charge=charge.id,
                amount=str(charge.amount),
                currency=charge.currency,
                room_type=quote.room_type,
            )

    def put_away_keys(self) -> Step:
        """The guest has their codes: the plain PINs leave memory."""
        self.keys = tuple(replace(key, pin="", token="") for key in self.keys)
        if self.step is Step.KEYS:
            self.step = Step.DONE
        return self.step

    def request_help(self, reason: HelpReason = HelpReason.GUEST) -> int:
        code = self.booking.code if self.booking else None
        return self.hotel.help.request(self.actor, reason, code)

    def forget(self) -> None:
        """The guest has left (done, gone idle, started over): forget everything this
        session knew of them. Memory only; what is on file stays."""
        self.keys = ()
        self.booking = None
        self.upgraded_to = None
        self.quotes = ()
        self.card, self.card_fields, self._document = None, (), None
        self.card_printed = None
        if self.step is not Step.LOCKED:
            self.step = Step.ENDED

    # -- staff overrides --------------------------------------------------------------------

    def approve_identity(self, staff: StaffMember, reason: str) -> None:
        """Staff saw the document themselves."""
        booking = self._require_booking()
        record = IdentityRecord(method="staff", approved_by=staff.name)
        with self._transaction() as db:
            self._refresh_booking(db)
            self._save_booking(db, identity=record, identity_failures=0, locked=False)
            actor = Actor("staff", staff.name)
            db.audit(actor, "identity_approved", booking=booking.code, reason=reason)
            # The approval also unlocks the booking: whatever locked it is solved.
            HelpDesk.close_solved(
                db, actor, _IDENTITY_HELP, solved_by="identity_approved", booking=booking.code
            )
        if booking.status is BookingStatus.RESERVED:
            self.step = Step.READY

    def unlock(self, staff: StaffMember, reason: str) -> None:
        """The booking's failures and this kiosk's failed lookups are cleared, and so are
        the help requests they filed."""
        actor = Actor("staff", staff.name)
        with self._transaction() as db:
            self._lookup_limit.clear(db)
            if self.booking is not None:
                self._refresh_booking(db)
                self._save_booking(db, identity_failures=0, locked=False)
            code = self.booking.code if self.booking else None
            db.audit(actor, "session_unlocked", booking=code, reason=reason)
            HelpDesk.close_solved(
                db,
                actor,
                {HelpReason.LOOKUP_LOCKED},
                solved_by="session_unlocked",
                kiosk=self.hotel.kiosk_id,
            )
            if code is not None:
                HelpDesk.close_solved(
                    db,
                    actor,
                    {HelpReason.LOCKED, HelpReason.IDENTITY_LOCKED},
                    solved_by="session_unlocked",
                    booking=code,
                )
        if self.booking is None:
            self.step = Step.FIND
        elif self.booking.identity is not None:
            self.step = Step.READY
        else:
            self.step = Step.IDENTIFY

    def reassign_room(
        self, staff: StaffMember, old_room: str, new_room: str, reason: str
    ) -> RoomKey:
        """Move a checked-in booking from one room to another; the old room's key stops working."""
        booking = self._require_booking(BookingStatus.CHECKED_IN)
        if old_room not in booking.assigned_rooms:
            raise StaffError(f"Booking {booking.code} does not hold room {old_room}.")
        actor = Actor("staff", staff.name)
        with self._transaction() as db:
            self._refresh_booking(db)
            (room,) = self._staff_choice(db, [new_room]).rooms
            self.hotel.grants.revoke(db, booking.code, actor, room=old_room, reason=reason)
            key = self._issue(db, room, actor)
            assigned = [
                new_room if number == old_room else number for number in booking.assigned_rooms
            ]
            self._save_booking(db, assigned_rooms=assigned)
            db.audit(
                actor,
                "room_reassigned",
                booking=booking.code,
                room=new_room,
                previous=old_room,
                reason=reason,
            )
        self._replace_key(old_room, key)
        return key

    def reissue_key(self, staff: StaffMember, room: str, reason: str) -> RoomKey:
        booking = self._require_booking(BookingStatus.CHECKED_IN)
        if room not in booking.assigned_rooms:
            raise StaffError(f"Booking {booking.code} does not hold room {room}.")
        actor = Actor("staff", staff.name)
        with self._transaction() as db:
            self.hotel.grants.revoke(db, booking.code, actor, room=room, reason=reason)
            room_record = db.room(room)
            assert room_record is not None, "a room a booking holds"
            key = self._issue(db, room_record, actor)
            db.audit(actor, "key_reissued", booking=booking.code, room=room, reason=reason)
        self._replace_key(room, key)
        return key

    def revoke_key(self, staff: StaffMember, room: str, reason: str) -> int:
        booking = self._require_booking(BookingStatus.CHECKED_IN)
        with self._transaction() as db:
            count = self.hotel.grants.revoke(
                db, booking.code, Actor("staff", staff.name), room=room, reason=reason
            )
        self.keys = tuple(key for key in self.keys if key.room.number != room)
        return count

    def undo_check_in(self, staff: StaffMember, reason: str) -> None:
        """Managers only: keys revoked, rooms freed, booking back to reserved."""
        if not staff.is_manager:
            raise StaffError("Only a manager can undo a check-in.")
        booking = self._require_booking(BookingStatus.CHECKED_IN)
        actor = Actor("staff", staff.name)
        with self._transaction() as db:
            self._refresh_booking(db)
            self.hotel.grants.revoke(db, booking.code, actor, reason=reason)
            self._save_booking(
                db, status=BookingStatus.RESERVED, assigned_rooms=[], checked_in_at=None
            )
            db.audit(
                actor,
                "check_in_undone",
                booking=booking.code,
                rooms=booking.assigned_rooms,
                reason=reason,
            )
        self.keys = ()
        self.step = Step.READY if booking.identity else Step.IDENTIFY

    def end_session(self, staff: StaffMember, reason: str) -> None:
        """Staff close the guest's check-in where it stands; the kiosk welcomes the next."""
        with self._transaction() as db:
            db.audit(
                Actor("staff", staff.name),
                "session_ended",
                booking=self.booking.code if self.booking else None,
                reason=reason,
            )
        self.forget()
        self.step = Step.ENDED

    def free_rooms(self) -> list[Room]:
        """Rooms staff may give: any type, not held, not out of order; each with the status
        that counts (a room a stay has just left is dirty)."""
        return [
            state.as_seen
            for state in self.hotel.turnover.rooms()
            if not state.held and state.status is not RoomStatus.OUT_OF_ORDER
        ]

    # -- helpers ----------------------------------------------------------------------------

    @contextmanager
    def _transaction(self) -> Iterator[Writer]:
        """A write of this session: if it does not reach the disk, the session forgets what it
        meant to write, so that the same step can be tried again once the disk works."""
        before = (self.booking, self.step, self.keys, self.upgraded_to, self.quotes)
        try:
            with self.hotel.transaction() as db:
                yield db
        except BaseException:
            self.booking, self.step, self.keys, self.upgraded_to, self.quotes = before
            raise

    def _require_booking(self, status: BookingStatus | None = None) -> Booking:
        if self.booking is None:
            raise StaffError("This session has no booking yet.")
        fresh = self.hotel.gateway.booking(self.booking.code)
        if fresh is None:
            raise StaffError(f"Booking {self.booking.code} is no longer on file.")
        self.booking = fresh
        if status is not None and fresh.status is not status:
            raise StaffError(f"Booking {fresh.code} is {fresh.status}, not {status}.")
        return fresh

    def _refresh_booking(self, db: Writer) -> Booking:
        """The booking as the file holds it now; call it before the transaction's first write."""
        assert self.booking is not None
        fresh = db.booking(self.booking.code)
        if fresh is None:
            raise StaffError(f"Booking {self.booking.code} is no longer on file.")
        self.booking = fresh
        return fresh

    def _save_booking(self, db: Writer, **changes: Any) -> None:
        assert self.booking is not None
        updated = replace(self.booking, **changes)
        db.save_booking(updated)
        self.booking = updated

    def _staff_choice(self, db: Writer, numbers: list[str]) -> room_rules.Assignment:
        by_number = {state.room.number: state for state in self.hotel.turnover.rooms(db)}
        chosen = []
        for number in numbers:
            state = by_number.get(number)
            if state is None:
                raise StaffError(f"There is no room {number}.")
            if state.held or state.status is RoomStatus.OUT_OF_ORDER:
                raise StaffError(f"Room {number} is not free.")
            chosen.append(state.as_seen)
        assert self.booking is not None
        # Only a better type is good news for the guest; another type staff chose is not.
        types = {room.type for room in chosen}
        ladder = self.hotel.profile.upgrade_ladder
        upgraded = all(
            room_rules.ranks_above(kind, self.booking.room_type, ladder) for kind in types
        )
        return room_rules.Assignment(
            tuple(chosen), min(types, key=ladder.index) if upgraded else None
        )

    def _issue(
        self, db: Writer, room: Room, actor: Actor, *, opens_at: datetime | None = None
    ) -> RoomKey:
        assert self.booking is not None
        issued = self.hotel.grants.issue(db, self.booking, room.number, actor, opens_at=opens_at)
        return RoomKey(room, issued.pin, issued.token, issued.valid_until, issued.opens_at)

    def _replace_key(self, room: str, key: RoomKey) -> None:
        others = tuple(existing for existing in self.keys if existing.room.number != room)
        self.keys = (*others, key)


def _printable(profile: HotelProfile, card: RegistrationCard, language: str) -> bytes:
    from kiosk import card_pdf  # reportlab loads only where a card is printed

    return card_pdf.render(profile, language=language, card=card)
