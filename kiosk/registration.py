"""Who fills in a registration card (the Meldeschein), what the card holds under the law of
the hotel's country, and whether what the guest typed on it is complete.

- `DE`: Bundesmeldegesetz §29 and §30 as in force since 1 January 2025. A guest who is not a
  German citizen signs a card by hand on the arrival day; it holds the fields of §30(2) and
  nothing more; it is kept one year from arrival and destroyed within the three months after
  (§30(4)).
- `AT`: Meldegesetz 1991 §5 and §10. Every guest is entered on a Gästeblatt (name, sex, date
  of birth, nationality, address, arrival and departure); a foreigner's also holds the travel
  document's type, number, date of issue and issuing authority. The Gästeverzeichnis is kept
  seven years.
- `none`: no card.

A card holds the whole document number, the one record that does: it is kept only sealed
(kiosk/registrations.py), never in the main file, the audit trail, history or a log.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import cache
from typing import Any

from kiosk.models import Booking
from kiosk.mrz import MrzDocument

# Nationality codes of ICAO 9303 (a German document says `D`, a booking may say `DEU`).
GERMAN = frozenset({"D", "DEU"})
AUSTRIAN = frozenset({"A", "AUT"})


class Country(StrEnum):
    DE = "DE"
    AT = "AT"
    NONE = "none"


class CardStatus(StrEnum):
    TO_SIGN = "to_sign"  # printed, or waiting for staff to print it; not yet signed
    SIGNED = "signed"  # staff saw the guest sign it by hand


@dataclass(frozen=True)
class Law:
    """One country's registration rules, as the kiosk applies them."""

    country: Country
    citation: str
    keep_days: int
    """Days from arrival the card is kept."""
    destroy_within_days: int
    """Days after that by which it must be gone (the kiosk destroys it the first day)."""
    fields: tuple[str, ...]
    """The fields the card holds for a guest who is not a citizen, in the card's order."""
    citizen_fields: tuple[str, ...] | None
    """The fields of a citizen's card, or None: citizens fill in no card."""
    citizens: frozenset[str]


_PERSON = ("surname", "first_names", "date_of_birth", "nationalities")
_ADDRESS = ("street", "postcode", "town", "country")
_STAY = ("arrival", "departure")

LAWS = {
    Country.DE: Law(
        Country.DE,
        "Bundesmeldegesetz (BMG) §§29-30, as in force since 1 January 2025",
        keep_days=365,
        destroy_within_days=90,
        fields=(
            *_STAY,
            *_PERSON,
            *_ADDRESS,
            "companions",
            "companion_nationalities",
            "document_number",
        ),
        citizen_fields=None,
        citizens=GERMAN,
    ),
    Country.AT: Law(
        Country.AT,
        "Meldegesetz 1991 (MeldeG) §5 and §10, Gästeblatt of Anlage D",
        keep_days=7 * 365 + 2,  # seven years, whichever leap days fall in them
        destroy_within_days=90,
        fields=(
            *_STAY,
            *_PERSON,
            "sex",
            *_ADDRESS,
            "companions",
            "companion_nationalities",
            "document_type",
            "document_number",
            "document_issued_on",
            "document_authority",
        ),
        citizen_fields=(
            *_STAY,
            *_PERSON,
            "sex",
            *_ADDRESS,
            "companions",
            "companion_nationalities",
        ),
        citizens=AUSTRIAN,
    ),
}


def law_of(country: str) -> Law | None:
    return LAWS.get(Country(country))


def guest_nationality(booking: Booking) -> str:
    """From the document where one was scanned, else the booking's; "" when neither says."""
    identity = booking.identity
    return (
        identity.nationality if identity and identity.nationality else booking.nationality
    ).upper()


def card_fields(law: Law | None, booking: Booking) -> tuple[str, ...] | None:
    """The fields of this guest's card, or None when they fill in none. A guest whose
    nationality nobody knows fills one in, as the desk would ask them to."""
    if law is None:
        return None
    if guest_nationality(booking) in law.citizens:
        return law.citizen_fields
    return law.fields


class Problem(StrEnum):
    """What is wrong with a field the guest typed; the catalog's `card.problem.*` says it."""

    MISSING = "missing"
    TOO_LONG = "too_long"
    NOT_A_NAME = "not_a_name"
    POSTCODE = "postcode"
    COUNTRY = "country"
    NATIONALITY = "nationality"
    COUNT = "count"
    COMPANION_NATIONALITIES = "companion_nationalities"
    DOCUMENT_NUMBER = "document_number"
    DATE = "date"
    SEX = "sex"


@dataclass(frozen=True)
class RegistrationCard:
    """A filled card. Fields the guest's card does not hold stay empty, and `shown()` leaves
    them out."""

    id: str
    booking: str
    law: Country
    language: str
    """The guest's language, the card's second one beside the house's."""
    holds: tuple[str, ...]
    """The fields this card holds, in order (kiosk/registration.py, `Law`)."""
    arrival: date
    departure: date
    surname: str
    first_names: str
    date_of_birth: date | None
    nationalities: tuple[str, ...]
    street: str = ""
    postcode: str = ""
    town: str = ""
    country: str = ""
    """ISO 3166 alpha-2 code of the guest's country of residence."""
    companions: int = 0
    companion_nationalities: tuple[str, ...] = ()
    document_number: str = field(default="", repr=False)
    sex: str = ""
    document_type: str = ""
    document_issued_on: date | None = None
    document_authority: str = ""
    created_at: datetime | None = None
    status: CardStatus = CardStatus.TO_SIGN
    signed_by: str = ""
    signed_at: datetime | None = None

    def destroy_on(self) -> date:
        """The first day the card is no longer kept."""
        return self.arrival + timedelta(days=LAWS[self.law].keep_days)

    def shown(self) -> list[tuple[str, Any]]:
        """The card's fields as it holds them, for the page and the PDF."""
        return [(name, getattr(self, name)) for name in self.holds]

    def to_doc(self) -> dict[str, Any]:
        doc: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, date | datetime):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = list(value)
            doc[item.name] = value
        return doc

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> RegistrationCard:
        return cls(
            **{
                **doc,
                "law": Country(doc["law"]),
                "holds": tuple(doc["holds"]),
                "arrival": date.fromisoformat(doc["arrival"]),
                "departure": date.fromisoformat(doc["departure"]),
                "date_of_birth": _day(doc.get("date_of_birth")),
                "nationalities": tuple(doc["nationalities"]),
                "companion_nationalities": tuple(doc.get("companion_nationalities", ())),
                "document_issued_on": _day(doc.get("document_issued_on")),
                "created_at": _moment(doc.get("created_at")),
                "status": CardStatus(doc.get("status", CardStatus.TO_SIGN)),
                "signed_at": _moment(doc.get("signed_at")),
            }
        )


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def prefilled(
    holds: tuple[str, ...],
    booking: Booking,
    document: MrzDocument | None,
    language: str,
) -> dict[str, str]:
    """What the card shows before the guest types: the stay and the person from the booking,
    and from the document zone where one was scanned. Texts, as the page's fields hold them."""
    nationality = guest_nationality(booking)
    values = {
        "surname": booking.last_name,
        "first_names": booking.first_name,
        "date_of_birth": booking.date_of_birth.isoformat() if booking.date_of_birth else "",
        "nationalities": nationality,
        "street": "",
        "postcode": "",
        "town": "",
        "country": country_name(_residence_guess(nationality), language),
        "companions": "0",
        "companion_nationalities": "",
        "document_number": "",
        "sex": "",
        "document_type": "",
        "document_issued_on": "",
        "document_authority": "",
    }
    if document is not None:
        values.update(
            surname=_title(document.surname),
            first_names=_title(document.given_names),
            date_of_birth=document.date_of_birth.isoformat(),
            document_number=document.document_number,
            sex={"M": "M", "F": "F"}.get(document.sex, ""),
            document_type=document.document_type,
        )
    return {name: value for name, value in values.items() if name in holds}


def _title(mrz_name: str) -> str:
    """MUELLER LUTZ as Mueller Lutz: a zone holds capitals only, the guest corrects the rest."""
    return " ".join(part.capitalize() for part in mrz_name.split())


# The country of residence a nationality suggests, before the guest types their own.
_RESIDENCE_BY_NATIONALITY = {
    "D": "DE", "DEU": "DE", "A": "AT", "AUT": "AT", "CHE": "CH", "FRA": "FR", "ITA": "IT",
    "ESP": "ES", "NLD": "NL", "BEL": "BE", "POL": "PL", "SWE": "SE", "DNK": "DK", "NOR": "NO",
    "FIN": "FI", "IRL": "IE", "GBR": "GB", "USA": "US", "CAN": "CA", "TUR": "TR", "UKR": "UA",
    "CHN": "CN", "JPN": "JP", "CZE": "CZ", "PRT": "PT", "GRC": "GR", "HUN": "HU", "LUX": "LU",
    "AUS": "AU",
}  # fmt: skip


def _residence_guess(nationality: str) -> str:
    return _RESIDENCE_BY_NATIONALITY.get(nationality, "")


@cache
def _territories(language: str) -> dict[str, str]:
    from babel import Locale

    return {
        code: name
        for code, name in Locale.parse(language).territories.items()
        if len(code) == 2 and code.isalpha() and code not in {"ZZ", "EU", "EZ", "UN", "QO"}
    }


def country_name(code: str, language: str) -> str:
    return _territories(language).get(code, "") if code else ""


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum())


def country_code(text: str, languages: tuple[str, ...]) -> str | None:
    """A country typed by name in any of `languages` (any case, accents aside) or as its
    two-letter code; None when it is none of them."""
    wanted = _folded(text)
    if not wanted:
        return None
    for language in languages:
        for code, name in _territories(language).items():
            if wanted in (_folded(name), code.casefold()):
                return code
    return None


_NAME = re.compile(r"[^\W\d_](?:[^\W\d_]|[ '’.\-])*")
_LETTER = re.compile(r"[^\W\d_]")
_POSTCODE = re.compile(r"[A-Z0-9](?:[A-Z0-9 \-]{0,8}[A-Z0-9])?")
_GERMAN_POSTCODE = re.compile(r"\d{5}")
_DOCUMENT_NUMBER = re.compile(r"[A-Z0-9]{4,20}")
_NATIONALITY = re.compile(r"[A-Z]{1,3}")
_LONGEST = {"street": 80, "town": 60, "document_authority": 60, "surname": 60, "first_names": 80}
_MOST_COMPANIONS = 20


class _Wrong(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem


@dataclass(frozen=True)
class _Typed:
    """What the guest typed, and what the card needs to read it."""

    fields: dict[str, str]
    languages: tuple[str, ...]
    today: date

    def text(self, name: str, *, required: bool = True) -> str:
        value = " ".join(self.fields.get(name, "").split())
        if not value and required:
            raise _Wrong(Problem.MISSING)
        if not value.isprintable():
            # Control and format characters (an escape, a bidi override, a zero-width
            # space): a terminal showing the card to staff or the printed card would obey them.
            raise _Wrong(Problem.NOT_A_NAME)
        if len(value) > _LONGEST.get(name, 40):
            raise _Wrong(Problem.TOO_LONG)
        return value


def _name(typed: _Typed, name: str) -> str:
    value = typed.text(name)
    if not _NAME.fullmatch(value):
        raise _Wrong(Problem.NOT_A_NAME)
    return value


def _street(typed: _Typed, name: str) -> str:
    value = typed.text(name)
    if not _LETTER.search(value):
        raise _Wrong(Problem.NOT_A_NAME)
    return value


def _postcode(typed: _Typed, name: str) -> str:
    value = typed.text(name).upper()
    if not _POSTCODE.fullmatch(value):
        raise _Wrong(Problem.POSTCODE)
    return value


def _country(typed: _Typed, name: str) -> str:
    code = country_code(typed.text(name), typed.languages)
    if code is None:
        raise _Wrong(Problem.COUNTRY)
    return code


def _codes(text: str) -> tuple[str, ...]:
    return tuple(part for part in re.split(r"[\s,;/]+", text.upper()) if part)


def _nationalities(typed: _Typed, name: str) -> tuple[str, ...]:
    codes = _codes(typed.text(name, required=name == "nationalities"))
    if not all(_NATIONALITY.fullmatch(code) for code in codes):
        raise _Wrong(Problem.NATIONALITY)
    return codes


def _count(typed: _Typed, name: str) -> int:
    count = typed.text(name, required=False) or "0"
    # Decimal, not isdigit(): ² (AltGr+2 on a German keyboard) is a digit int() cannot read.
    if not (count.isdecimal() and int(count) <= _MOST_COMPANIONS):
        raise _Wrong(Problem.COUNT)
    return int(count)


def _document_number(typed: _Typed, name: str) -> str:
    value = typed.text(name).replace(" ", "").upper()
    if not _DOCUMENT_NUMBER.fullmatch(value):
        raise _Wrong(Problem.DOCUMENT_NUMBER)
    return value


def _past_day(typed: _Typed, name: str) -> date:
    try:
        day = date.fromisoformat(typed.text(name))
    except ValueError:
        raise _Wrong(Problem.DATE) from None
    if not date(1900, 1, 1) <= day <= typed.today:
        raise _Wrong(Problem.DATE)
    return day


def _sex(typed: _Typed, name: str) -> str:
    value = typed.text(name).upper()
    if value not in ("M", "F", "X"):
        raise _Wrong(Problem.SEX)
    return value


def _upper(typed: _Typed, name: str) -> str:
    return typed.text(name).upper()


_READERS: dict[str, Callable[[_Typed, str], Any]] = {
    "surname": _name,
    "first_names": _name,
    "date_of_birth": _past_day,
    "nationalities": _nationalities,
    "street": _street,
    "postcode": _postcode,
    "town": _name,
    "country": _country,
    "companions": _count,
    "companion_nationalities": _nationalities,
    "document_number": _document_number,
    "sex": _sex,
    "document_type": _upper,
    "document_issued_on": _past_day,
    "document_authority": _street,
}


@dataclass(frozen=True)
class Checked:
    card: RegistrationCard | None
    problems: dict[str, Problem]
    """Field to what is wrong with it; empty when the card is complete."""


def check(
    holds: tuple[str, ...],
    typed: dict[str, str],
    *,
    law: Law,
    booking: Booking,
    language: str,
    house_language: str,
    today: date,
    now: datetime,
) -> Checked:
    """The card as the guest completed it, or what is wrong with each field. Only the fields
    the card holds are read: anything else typed is dropped, not kept."""
    reading = _Typed(typed, (language, house_language, "en"), today)
    problems: dict[str, Problem] = {}
    values: dict[str, Any] = {}
    for name in holds:
        if name in _READERS:
            try:
                values[name] = _READERS[name](reading, name)
            except _Wrong as wrong:
                problems[name] = wrong.problem
    if values.get("companions") and not values.get("companion_nationalities"):
        problems.setdefault("companion_nationalities", Problem.COMPANION_NATIONALITIES)
    checked_ending = booking.identity.number_last4 if booking.identity else ""
    if not values.get("document_number", checked_ending).endswith(checked_ending):
        # The guest proved who they are with the number's last four: the card's number is
        # that document's, not another (or a typo of it).
        problems.setdefault("document_number", Problem.DOCUMENT_NUMBER)
    if values.get("country") == "DE" and not _GERMAN_POSTCODE.fullmatch(
        values.get("postcode", "0")
    ):
        problems.setdefault("postcode", Problem.POSTCODE)
    if problems:
        return Checked(None, problems)
    card = RegistrationCard(
        id=secrets.token_hex(8),
        booking=booking.code,
        law=law.country,
        language=language,
        holds=holds,
        arrival=booking.arrival,
        departure=booking.departure,
        surname=values.pop("surname", booking.last_name),
        first_names=values.pop("first_names", booking.first_name),
        date_of_birth=values.pop("date_of_birth", None),
        nationalities=values.pop("nationalities", ()),
        created_at=now,
    )
    return Checked(replace(card, **values), {})
