"""The printed registration card and privacy receipt, read back from the PDF as a person
reading the page would: the hotel, the card's fields with both languages' labels, the lines
to sign, and nothing else."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from helpers import polish_card
from kiosk.assets import asset_path
from kiosk.card_pdf import render
from kiosk.profile import HotelProfile, load_profile
from kiosk.registration import Country

HEADING = ["Hotel Lindenhof", "Lindenstraße 12, 10969 Berlin"]  # the template hotel.toml's
SIGNATURE = ["Datum / Date", "Unterschrift des Gastes / Guest's signature"]
PERSON = {
    "Ankunft / Arrival": "14.03.2026",
    "Voraussichtliche Abreise / Expected departure": "16.03.2026",
    "Familienname / Surname": "Kowalski",
    "Vornamen / First names": "Jan Maria",
    "Geburtsdatum / Date of birth": "03.02.1985",
    "Staatsangehörigkeiten / Nationalities": "POL",
    "Straße und Hausnummer / Street and number": "ul. Długa 5",
    "Postleitzahl / Postcode": "00-950",
    "Ort / Town": "Warszawa",
    "Staat / Country": "Polen / Poland",
    "Mitreisend: Ehegatte, Lebenspartner, Kinder unter 18 (Anzahl) / Travelling with you: "
    "spouse, partner, children under 18 (number)": "1",
    "Deren Staatsangehörigkeiten / Their nationalities": "POL",
    "Nummer des Passes oder Ausweises / Passport or ID card number": "EA1234567",
}
AUSTRIAN_ONLY = {
    "Geschlecht (M, F oder X) / Sex (M, F or X)": "M",
    "Art des Reisedokuments / Type of travel document": "P",
    "Ausgestellt am / Document issued on": "02.01.2020",
    "Ausstellende Behörde / Issuing authority": "Wojewoda Mazowiecki",
}
CARDS = {
    Country.DE: ("Besonderer Meldeschein / Registration form", PERSON),
    Country.AT: ("Gästeblatt / Guest registration form", {**PERSON, **AUSTRIAN_ONLY}),
}


@pytest.fixture(scope="module")
def profile() -> HotelProfile:
    """The template's house: German, so a guest in English reads both languages."""
    return load_profile(asset_path("hotel.toml"))


def pages(pdf: bytes) -> list[str]:
    """Each page's text with every run of white space as one space."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.parametrize("country", [Country.DE, Country.AT])
def test_the_card_shows_the_hotel_each_field_labelled_in_both_languages_and_the_lines_to_sign(
    profile: HotelProfile, country: Country
) -> None:
    title, fields = CARDS[country]
    [text] = pages(render(profile, language="en", card=polish_card(country)))
    assert text.startswith(" ".join([*HEADING, title]))
    assert text.endswith(" ".join(SIGNATURE))
    rest = text
    for piece in [*HEADING, title, *SIGNATURE, *(f"{k} {v}" for k, v in fields.items())]:
        assert piece in rest
        rest = rest.replace(piece, "", 1)
    assert rest.split() == [], "the card shows nothing but the hotel, its fields and the lines"


def test_a_german_card_has_none_of_the_austrian_fields(profile: HotelProfile) -> None:
    [text] = pages(render(profile, language="en", card=polish_card(Country.DE)))
    for label in AUSTRIAN_ONLY:
        assert label.split(" / ")[0] not in text


def test_nothing_of_the_booking_or_the_register_is_on_the_card(profile: HotelProfile) -> None:
    card = polish_card(Country.AT, code="LH4711")
    pdf = render(profile, language="en", card=card)
    [text] = pages(pdf)
    metadata = " ".join(
        str(value) for value in (PdfReader(io.BytesIO(pdf)).metadata or {}).values()
    )
    for internal in ("LH4711", card.id, "to_sign", "to sign"):
        assert internal not in text
        assert internal not in metadata


def test_a_guest_in_the_house_language_reads_each_label_once(profile: HotelProfile) -> None:
    [text] = pages(render(profile, language="de", card=polish_card(language="de")))
    assert "Familienname Kowalski" in text
    assert "Staat Polen" in text
    assert "Surname" not in text
    assert "Unterschrift des Gastes" in text and "signature" not in text


def test_a_guest_reading_polish_gets_polish_labels_beside_the_german(
    profile: HotelProfile,
) -> None:
    [text] = pages(render(profile, language="pl", card=polish_card(language="pl")))
    assert "Familienname / Nazwisko Kowalski" in text


def test_a_guest_reading_chinese_gets_english_labels_the_font_can_draw(
    profile: HotelProfile,
) -> None:
    """Roboto has no Chinese letters: empty boxes would tell the guest nothing."""
    [text] = pages(render(profile, language="zh_Hans", card=polish_card(language="zh_Hans")))
    assert "Familienname / Surname Kowalski" in text


@pytest.mark.parametrize(
    ("surname", "first_names"),
    [
        ("Wiśniewska", "Łukasz"),
        ("Şahin", "Ğökhan İlker"),
        ("Nováková", "Ľubica Ťažká"),
        ("Παπαδόπουλος", "Αλέξανδρος"),
        ("Иванов", "Дмитрий Ёжиков"),
    ],
)
def test_names_beyond_latin_1_print_as_typed(
    profile: HotelProfile, surname: str, first_names: str
) -> None:
    card = polish_card(surname=surname, first_names=first_names)
    [text] = pages(render(profile, language="en", card=card))
    assert f"Familienname / Surname {surname} Vornamen / First names {first_names}" in text


def test_text_that_looks_like_markup_prints_as_typed(profile: HotelProfile) -> None:
    card = polish_card(street="<b>Lindenweg</b> &amp; 5 <br/>")
    [text] = pages(render(profile, language="en", card=card))
    assert "Street and number <b>Lindenweg</b> &amp; 5 <br/> Postleitzahl" in text


def test_the_receipt_follows_the_card_on_a_page_of_its_own(profile: HotelProfile) -> None:
    receipt = [("Your booking and your keys", "until 30 April 2026"), ("The audit", "2027")]
    pdf = render(
        profile,
        language="en",
        card=polish_card(),
        receipt=receipt,
        receipt_title="What we keep about you",
    )
    card_page, receipt_page = pages(pdf)
    assert "What we keep" not in card_page
    assert receipt_page == (
        "Hotel Lindenhof What we keep about you "
        "Your booking and your keys until 30 April 2026 The audit 2027"
    )


def test_without_a_card_the_receipt_is_the_only_page(profile: HotelProfile) -> None:
    pdf = render(profile, language="en", receipt=[("Booking", "2026")], receipt_title="Kept")
    assert pages(pdf) == ["Hotel Lindenhof Kept Booking 2026"]


def test_the_same_card_makes_the_same_file(profile: HotelProfile) -> None:
    card = polish_card(Country.AT)
    assert render(profile, language="en", card=card) == render(profile, language="en", card=card)
