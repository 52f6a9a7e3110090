"""The registration card at the kiosk, as guests meet it in a German hotel (BMG §§29-30):
a German passport fills in none; a foreign guest's card comes pre-filled from the booking and
the zone, they type their address, and the card holds the fields of §30(2) and nothing more,
kept sealed; an address typed badly is explained next to the field and keeps nothing."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from helpers import DOCUMENT_NUMBER, SECTION_30_2, Guest, guest_snapshot, shown, until, zone
from kiosk import demo
from kiosk.registration import LAWS, CardStatus, Country

ERIKSSON = "LH4821"  # Swedish, date of birth on file
MUELLER = "LH6144"  # German


pytestmark = pytest.mark.usefixtures("german_law")  # the demo house under German law


def _files_holding(root: Path, text: str) -> list[str]:
    return [
        str(path.relative_to(root))
        for path in root.rglob("*")
        if path.is_file() and text.encode() in path.read_bytes()
    ]


async def test_a_german_passport_fills_in_no_card(app, guest_hotel) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        guest = Guest(pilot)
        await guest.confirm(MUELLER)
        await guest.scan(zone(guest_hotel, MUELLER))
        await guest.past_the_card()
    assert guest_hotel.registrations.cards() == []
    assert not guest_hotel.data_dir.registrations.exists()


async def test_a_german_document_counts_over_a_foreign_booking(app, guest_hotel) -> None:
    """The nationality comes from the document where one was scanned (`D` on a German
    passport), even when the booking said otherwise."""
    booking = guest_hotel.gateway.booking(ERIKSSON)
    german = demo.passport_zone(
        replace(booking, nationality="D<<"),
        number=DOCUMENT_NUMBER,
        expiry=booking.arrival.replace(year=booking.arrival.year + 5),
        birth=booking.date_of_birth,
    )
    async with app.run_test(size=(100, 30)) as pilot:
        guest = Guest(pilot)
        await guest.confirm(ERIKSSON)
        await guest.scan(german)
        await guest.past_the_card()
    assert guest_hotel.registrations.cards() == []


async def test_a_foreign_guest_completes_a_card_with_the_fields_of_section_30(
    app, guest_hotel, root
) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        guest = Guest(pilot)
        await guest.at_the_card(ERIKSSON)
        # Pre-filled from the booking and the zone; what the zone proved is not typed again.
        for field, text in (
            ("surname", "Eriksson"),
            ("first_names", "Anna"),
            ("nationalities", "SWE"),
            ("country", "Sweden"),
        ):
            assert app.screen.query_one(f"#card-{field}").value == text
        assert shown(app, "12.08.1974") and shown(app, DOCUMENT_NUMBER)
        assert not app.screen.query("#card-document_number")
        await guest.card_address()
        await guest.submit_card()
        await guest.past_the_card()
    (card,) = guest_hotel.registrations.cards()
    assert card.holds == LAWS[Country.DE].fields
    assert [name for name, _ in card.shown()] == list(SECTION_30_2)
    assert (card.surname, card.first_names, card.nationalities) == ("Eriksson", "Anna", ("SWE",))
    assert (card.street, card.postcode, card.town, card.country) == (
        "Storgatan 1",
        "111 22",
        "Stockholm",
        "SE",
    )
    assert card.document_number == DOCUMENT_NUMBER
    assert card.status is CardStatus.TO_SIGN
    # Nothing the card does not hold: no sex, no document type (AT only), no e-mail.
    assert card.sex == card.document_type == "" and card.document_issued_on is None
    # The whole number is on file only sealed: in no file of the data folder in the clear.
    assert _files_holding(root, DOCUMENT_NUMBER) == []
    assert _files_holding(root, "Storgatan") == []


async def test_an_address_typed_badly_is_explained_and_keeps_nothing(app, guest_hotel) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        guest = Guest(pilot)
        await guest.at_the_card(ERIKSSON)
        await guest.card_address(postcode="!!")
        await guest.submit_card()
        assert guest.on("RegistrationPage")
        assert shown(app, "Please type the postcode of your address")
        assert app.screen.query_one("#problem").display  # "Some fields need a look", by Continue
        assert app.screen.focused.id == "card-postcode"
        assert guest_hotel.registrations.cards() == []
        # A town of digits and a country nobody knows: each explained under its own field.
        await guest.type_in_card("town", "12345")
        await guest.type_in_card("country", "Narnia")
        await guest.submit_card()
        assert shown(app, "Please write this in letters")
        assert shown(app, "We do not know this country")
        assert guest_hotel.registrations.cards() == []


async def test_the_card_is_filled_in_german_too(app, guest_hotel) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        app.language = "de"
        await pilot.pause()
        guest = Guest(pilot)
        await guest.at_the_card(ERIKSSON)
        assert shown(app, "Ihr Meldeschein")
        assert app.screen.query_one("#card-country").value == "Schweden"
        await guest.card_address(postcode="1234")
        await guest.type_in_card("country", "Deutschland")
        await guest.submit_card()
        assert shown(app, "fünf Ziffern")
        await guest.type_in_card("postcode", "10969")
        await guest.submit_card()
        await guest.past_the_card()
    (card,) = guest_hotel.registrations.cards()
    assert (card.country, card.postcode, card.language) == ("DE", "10969", "de")


async def test_the_goodbye_says_where_to_sign_and_what_is_kept(app, guest_hotel) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        guest = Guest(pilot)
        await guest.at_the_card(ERIKSSON)
        await guest.card_address()
        await guest.submit_card()
        await guest.past_the_card()
        await guest.no_thanks()
        await guest.click("#show-key")
        await guest.click("#next")
        await until(pilot, lambda: guest.on("DonePage"), "the goodbye")
        assert shown(app, "Your registration card is ready at the reception desk")
        await guest.click("#privacy")
        assert guest.on("PrivacyPage")
        assert shown(app, "Your registration card, sealed")
        # Kept one year from arrival (12 June 2026), the last day 11 June 2027.
        assert shown(app, "until Friday, 11 June 2027, as the Bundesmeldegesetz §30(4) requires")
        await guest.click("#privacy-back")
        assert guest.on("DonePage")


@pytest.mark.parametrize("language", ["en", "de"])
def test_registration_page_snapshot(snap_compare, app, idle_clock, language) -> None:
    async def reach(guest: Guest) -> None:
        await guest.at_the_card(ERIKSSON)

    assert guest_snapshot(snap_compare, app, idle_clock, language, reach)
