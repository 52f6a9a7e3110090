"""Who fills in a registration card under each country's law, what each card holds, what a
guest may type on it, and how the register keeps it sealed (kiosk/registration.py,
kiosk/registrations.py)."""

from __future__ import annotations

import stat
from dataclasses import replace
from datetime import date

import pytest

from helpers import (
    DOCUMENT_NUMBER,
    NOW,
    SECTION_30_2,
    TODAY,
    booking,
    foreign_guest,
    furnish,
    ready,
    registration_card,
)
from kiosk.datadir import DataDir
from kiosk.hotel import open_hotel
from kiosk.models import IdentityRecord, Room
from kiosk.registration import LAWS, Country, Problem, card_fields, check, law_of
from kiosk.registrations import CardNotFound, RegistrationKeyError
from kiosk.session import Failure, Registered, Rejected, Step

GERMAN_BOOKING = booking("DE1", "Schulz", nationality="DEU")
SWEDISH_BOOKING = booking("SE1", "Berg", nationality="SWE")
AUSTRIAN_BOOKING = booking("AT1", "Gruber", nationality="AUT")


def _scanned(stay, nationality: str):
    return replace(stay, identity=IdentityRecord(method="mrz", nationality=nationality))


@pytest.mark.parametrize(
    ("country", "stay", "fields"),
    [
        ("DE", GERMAN_BOOKING, None),
        ("DE", _scanned(SWEDISH_BOOKING, "D"), None),  # the document counts over the booking
        ("DE", SWEDISH_BOOKING, LAWS[Country.DE].fields),
        ("DE", _scanned(GERMAN_BOOKING, "NLD"), LAWS[Country.DE].fields),
        ("DE", replace(SWEDISH_BOOKING, nationality=""), LAWS[Country.DE].fields),
        ("AT", AUSTRIAN_BOOKING, LAWS[Country.AT].citizen_fields),
        ("AT", GERMAN_BOOKING, LAWS[Country.AT].fields),
        ("none", SWEDISH_BOOKING, None),
    ],
    ids=[
        "DE German",
        "DE German passport on a Swedish booking",
        "DE Swedish",
        "DE Dutch passport on a German booking",
        "DE nationality unknown",
        "AT Austrian",
        "AT German",
        "none",
    ],
)
def test_who_fills_in_a_card(country, stay, fields) -> None:
    assert card_fields(law_of(country), stay) == fields


def test_section_30_2_fields_and_austrias_additions() -> None:
    german = set(LAWS[Country.DE].fields)
    assert LAWS[Country.DE].fields == SECTION_30_2
    austrian = set(LAWS[Country.AT].fields)
    assert austrian - german == {
        "sex",
        "document_type",
        "document_issued_on",
        "document_authority",
    }
    # An Austrian's Gästeblatt holds no travel document.
    assert not {"document_type", "document_number"} & set(LAWS[Country.AT].citizen_fields)


def _typed(**changes: str) -> dict[str, str]:
    return {
        "surname": "Berg",
        "first_names": "Lena Maria",
        "date_of_birth": "1980-01-31",
        "nationalities": "SWE, FIN",
        "street": "Storgatan 1",
        "postcode": "111 22",
        "town": "Stockholm",
        "country": "Schweden",
        "companions": "2",
        "companion_nationalities": "SWE",
        "document_number": "ab 123 4567",
        "sex": "f",
        "document_type": "p",
        "document_issued_on": "2020-05-04",
        "document_authority": "Polisen Stockholm",
        **changes,
    }


def _check(country: Country, /, stay=SWEDISH_BOOKING, **changes: str):
    law = LAWS[country]
    return check(
        law.fields,
        _typed(**changes),
        law=law,
        booking=stay,
        language="en",
        house_language="de",
        today=TODAY,
        now=NOW,
    )


def test_a_german_card_keeps_what_section_30_asks_and_drops_the_rest() -> None:
    checked = _check(Country.DE)
    card = checked.card
    assert card is not None, checked.problems
    assert card.nationalities == ("SWE", "FIN")
    assert (card.country, card.postcode, card.document_number) == ("SE", "111 22", "AB1234567")
    assert (card.companions, card.companion_nationalities) == (2, ("SWE",))
    # Typed, but not a field of a German card: not kept.
    assert card.sex == card.document_type == card.document_authority == ""
    assert card.document_issued_on is None
    assert card.destroy_on() == SWEDISH_BOOKING.arrival.replace(year=TODAY.year + 1)


def test_an_austrian_card_holds_the_travel_document() -> None:
    card = _check(Country.AT).card
    assert card is not None
    assert (card.sex, card.document_type, card.document_authority) == (
        "F",
        "P",
        "Polisen Stockholm",
    )
    assert card.document_issued_on == date(2020, 5, 4)


@pytest.mark.parametrize(
    ("field", "typed", "problem"),
    [
        ("street", "", Problem.MISSING),
        ("street", "12", Problem.NOT_A_NAME),
        ("postcode", "11<22>", Problem.POSTCODE),
        ("town", "[b]Stockholm[/b]", Problem.NOT_A_NAME),
        ("country", "Atlantis", Problem.COUNTRY),
        ("nationalities", "Swedish!", Problem.NATIONALITY),
        ("companions", "-1", Problem.COUNT),
        ("companions", "99", Problem.COUNT),
        ("companion_nationalities", "", Problem.COMPANION_NATIONALITIES),
        ("document_number", "A1", Problem.DOCUMENT_NUMBER),
        ("date_of_birth", "2099-01-01", Problem.DATE),
        ("date_of_birth", "31.02.1980", Problem.DATE),
        ("surname", "x" * 61, Problem.TOO_LONG),
    ],
)
def test_a_field_typed_badly_is_named_with_what_is_wrong(field, typed, problem) -> None:
    checked = _check(Country.DE, **{field: typed})
    assert checked.card is None
    assert checked.problems == {field: problem}


def test_a_german_address_has_a_five_digit_postcode() -> None:
    assert _check(Country.DE, country="Germany", postcode="1096").problems == {
        "postcode": Problem.POSTCODE
    }
    assert _check(Country.DE, country="Deutschland", postcode="10969").card is not None


@pytest.mark.parametrize(
    ("field", "typed", "problem"),
    [
        ("sex", "Q", Problem.SEX),
        ("document_issued_on", "2030-01-01", Problem.DATE),
        ("document_authority", "", Problem.MISSING),
    ],
)
def test_austrian_fields_are_checked_too(field, typed, problem) -> None:
    assert _check(Country.AT, **{field: typed}).problems == {field: problem}


# -- the session -----------------------------------------------------------------------------


@pytest.fixture
def german_house(german_law, clock):
    house = open_hotel(DataDir(german_law), clock=clock, kiosk_id="k1")
    furnish(house, [Room("101", 1, "double")], [foreign_guest()])
    return house


def test_the_zone_fills_the_card_and_cannot_be_typed_over(german_house) -> None:
    session = ready(german_house, "RT4711")
    assert session.proceed() is None and session.step is Step.REGISTER
    prefilled = session.card_prefilled("en")
    assert prefilled["document_number"] == DOCUMENT_NUMBER
    assert "document_number" in session.card_fixed()
    typed = {
        **prefilled,
        "street": "Marina Road 4",
        "postcode": "101241",
        "town": "Lagos",
        "country": "Nigeria",
        "document_number": "FORGED123",  # no field on the page; a forged one changes nothing
    }
    outcome = session.register(typed, "en")
    assert isinstance(outcome, Registered) and not outcome.printed
    assert outcome.card.document_number == DOCUMENT_NUMBER
    assert session.step is Step.READY
    assert session.proceed() is not None or session.step is Step.OFFERS  # on to the check-in


def test_an_incomplete_card_changes_nothing(german_house) -> None:
    session = ready(german_house, "RT4711")
    session.proceed()
    outcome = session.register(session.card_prefilled("en"), "en")
    assert isinstance(outcome, Rejected) and outcome.failure is Failure.CARD_INCOMPLETE
    assert set(outcome.problems) == {"street", "postcode", "town", "country"}
    assert session.step is Step.REGISTER
    assert german_house.registrations.cards() == []


def test_a_card_filled_in_before_is_not_asked_again(german_house) -> None:
    german_house.registrations.save(registration_card(german_house, "RT4711"))
    session = ready(german_house, "RT4711")
    session.proceed()
    assert session.step is not Step.REGISTER
    assert session.card is not None


# -- the register ----------------------------------------------------------------------------


def test_cards_are_sealed_under_a_key_of_their_own(german_house) -> None:
    card = registration_card(german_house, "RT4711")
    german_house.registrations.save(card)
    data_dir = german_house.data_dir
    key = data_dir.registration_key
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert key.read_bytes() != data_dir.secret.read_bytes()
    (sealed,) = data_dir.registrations.iterdir()
    assert stat.S_IMODE(sealed.stat().st_mode) == 0o600
    assert DOCUMENT_NUMBER.encode() not in sealed.read_bytes()
    assert b"Okonkwo" not in sealed.read_bytes()
    assert german_house.registrations.card(card.id) == card
    assert german_house.registrations.of_booking("RT4711") == card
    assert "RT4711" not in sealed.name


def test_a_card_moved_or_changed_does_not_open(german_house) -> None:
    card = registration_card(german_house, "RT4711")
    register = german_house.registrations
    register.save(card)
    (sealed,) = register.folder.iterdir()
    moved = sealed.with_name(sealed.name.replace(card.id, "0123456789abcdef"))
    sealed.rename(moved)
    with pytest.raises(RegistrationKeyError, match="does not open"):
        register.card("0123456789abcdef")
    changed = bytearray(moved.read_bytes())
    changed[-1] ^= 1
    sealed.write_bytes(bytes(changed))
    with pytest.raises(RegistrationKeyError):
        register.card(card.id)
    with pytest.raises(CardNotFound):
        register.card("../secret")


def test_a_lost_key_stops_rather_than_making_cards_unreadable(german_house) -> None:
    german_house.registrations.save(registration_card(german_house, "RT4711"))
    german_house.data_dir.registration_key.unlink()
    reopened = open_hotel(german_house.data_dir, clock=german_house.clock)
    with pytest.raises(RegistrationKeyError, match="Restore the key from a backup"):
        reopened.registrations.cards()
    assert not german_house.data_dir.registration_key.exists()
