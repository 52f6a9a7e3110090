"""The identity checks that every way of proving identity ends in."""

from __future__ import annotations

from dataclasses import dataclass
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
    INVALID_INPUT = "invalid_input"


@dataclass(frozen=True)
class IdentityCheck:
    record: IdentityRecord | None
    problem: IdentityProblem | None = None


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _common_checks(booking: Booking, birth: date, today: date, minimum_age: int) -> IdentityProblem | None:
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
        return IdentityCheck(None, IdentityProblem.EXPIRED)
    if not surname_matches(booking.last_name, document.surname):
        return IdentityCheck(None, IdentityProblem.NAME_MISMATCH)
    problem = _common_checks(booking, document.date_of_birth, today, minimum_age)
    if problem:
        return IdentityCheck(None, problem)
    return IdentityCheck(
        IdentityRecord(
            method="mrz",
            document_type=document.document_type,
            issuing_state=document.issuing_state,
            nationality=document.nationality,
            expiry=document.expiry.isoformat(),
            number_last4=document.number_last4,
        )
    )


def check_by_hand(
    booking: Booking, birth_text: str, number_last4: str, *, today: date, minimum_age: int
) -> IdentityCheck:
    try:
        birth = date.fromisoformat(birth_text.strip())
    except ValueError:
        return IdentityCheck(None, IdentityProblem.INVALID_INPUT)
    last4 = number_last4.strip().upper()
    if len(last4) != 4 or not last4.isascii() or not last4.isalnum() or birth >= today:
        return IdentityCheck(None, IdentityProblem.INVALID_INPUT)
    problem = _common_checks(booking, birth, today, minimum_age)
    if problem:
        return IdentityCheck(None, problem)
    return IdentityCheck(IdentityRecord(method="hand", number_last4=last4))
