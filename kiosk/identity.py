"""The identity checks that every way of proving identity ends in."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from kiosk.models import Booking, IdentityRecord
from kiosk.mrz import MrzDocument, MrzError, parse_mrz, surname_matches


class IdentityProblem(StrEnum):
    UNREADABLE = "document_unreadable"
    EXPIRED = "document_expired"
    NAME_MISMATCH = "name_mismatch"
    TOO_YOUNG = "too_young"
    BIRTH_DATE_MISMATCH = "birth_date_mismatch"
    HAND_ENTRY_UNAVAILABLE = "hand_entry_unavailable"
    INVALID_INPUT = "invalid_input"


@dataclass(frozen=True)
class IdentityCheck:
    record: IdentityRecord | None
    problem: IdentityProblem | None = None
    refused: bool = False
    """The guest was refused (their document, or their age), not merely misread or
    mistyped: the booking waits for staff."""
    document: MrzDocument | None = field(default=None, repr=False)
    """The zone read, for the registration card only (its whole number is kept nowhere
    else); None for hand entry."""


def hand_entry_counts(booking: Booking) -> bool:
    """Hand entry is a date of birth checked against the one on file (and four characters
    nobody can check). Without a date on file anyone could type an adult's, so the guest
    scans a document instead, or staff approve. (Every booking the kiosk finds was found by
    its code and last name together: kiosk/lookup.py.)"""
    return booking.date_of_birth is not None


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _common_checks(
    booking: Booking, birth: date, today: date, minimum_age: int
) -> IdentityProblem | None:
    if booking.date_of_birth and booking.date_of_birth != birth:
        return IdentityProblem.BIRTH_DATE_MISMATCH
    if age_on(birth, today) < minimum_age:
        return IdentityProblem.TOO_YOUNG
    return None


def check_zone(booking: Booking, zone: str, *, today: date, minimum_age: int) -> IdentityCheck:
    try:
        document: MrzDocument = parse_mrz(zone, today=today)
    except MrzError:
        return IdentityCheck(None, IdentityProblem.UNREADABLE)
    if document.expiry < today:
        return _refused(IdentityProblem.EXPIRED)
    if not surname_matches(booking.last_name, document.surname):
        return _refused(IdentityProblem.NAME_MISMATCH)
    problem = _common_checks(booking, document.date_of_birth, today, minimum_age)
    if problem:
        return _refused(problem)
    return IdentityCheck(
        IdentityRecord(
            method="mrz",
            document_type=document.document_type,
            issuing_state=document.issuing_state,
            nationality=document.nationality,
            expiry=document.expiry.isoformat(),
            number_last4=document.number_last4,
        ),
        document=document,
    )


def check_by_hand(
    booking: Booking, birth_text: str, number_last4: str, *, today: date, minimum_age: int
) -> IdentityCheck:
    if not hand_entry_counts(booking):
        return IdentityCheck(None, IdentityProblem.HAND_ENTRY_UNAVAILABLE)
    try:
        birth = date.fromisoformat(birth_text.strip())
    except ValueError:
        return IdentityCheck(None, IdentityProblem.INVALID_INPUT)
    last4 = number_last4.strip().upper()
    if len(last4) != 4 or not last4.isascii() or not last4.isalnum() or birth >= today:
        return IdentityCheck(None, IdentityProblem.INVALID_INPUT)
    problem = _common_checks(booking, birth, today, minimum_age)
    if problem:
        # A typed date that is not the one on file may be a typo; an age is an age.
        return IdentityCheck(None, problem, refused=problem is IdentityProblem.TOO_YOUNG)
    return IdentityCheck(IdentityRecord(method="hand", number_last4=last4))


def _refused(problem: IdentityProblem) -> IdentityCheck:
    """A document that was read and refused says something about whoever holds it: no other
    document or method may then stand in for it."""
    return IdentityCheck(None, problem, refused=True)
