"""The hotel's own texts in the guest's language (issue 15, "Hotel texts in the guest's
language"). Found: in German the last page read "So finden Sie hin: Lifts are to the right
of the reception desk." Every text of hotel.toml takes a value per language, falling back
to the house's language, then to any; a plain text is every language's."""

from __future__ import annotations

import re

import pytest

from helpers import Guest
from kiosk.hotel import Hotel, open_hotel
from kiosk.profile import ProfileError
from screens.app import make_app

SIZE = (100, 30)
# Guests who give their date of birth by hand; each checks in once.
GUESTS = {"LH7388": "17.05.1980", "LH4821": "12.08.1974"}


def with_house_texts(hotel: Hotel, lines: str, language: str = "de") -> Hotel:
    """The house with [house] breakfast and directions as `lines` say, in `language`."""
    path = hotel.data_dir.profile
    text = re.sub(r"(?m)^(breakfast|directions)\b.*\n", "", path.read_text(encoding="utf-8"))
    text = re.sub(r"(?m)^language = .*$", f'language = "{language}"\n{lines}', text)
    path.write_text(text, encoding="utf-8")
    return open_hotel(hotel.data_dir, clock=hotel.clock, kiosk_id="test-kiosk")


async def last_page(hotel: Hotel, idle_clock, language: str, code: str = "LH7388") -> str:
    """What the guest reads under "directions" and "breakfast" on the last page, having
    chosen `language` on the way."""
    app = make_app(hotel, demo=True, clock=idle_clock)
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot, idle_clock)
        app.language = language  # what choosing the language on the page does
        await pilot.pause()
        await guest.to_door_code(code, GUESTS[code])
        await guest.click("#next")
        assert guest.on("DonePage")
        return " · ".join(value for _, value in app.screen.query_one("#house-facts").facts)


async def test_a_german_guest_reads_the_template_texts_in_german(guest_hotel, idle_clock) -> None:
    said = await last_page(guest_hotel, idle_clock, "de")
    assert "Die Aufzüge sind rechts von der Rezeption." in said
    assert "07:00–10:30 Uhr, Erdgeschoss, Gartensaal" in said
    assert "Lifts" not in said and "garden room" not in said


async def test_an_english_guest_reads_them_in_english(guest_hotel, idle_clock) -> None:
    said = await last_page(guest_hotel, idle_clock, "en")
    assert "Lifts are to the right of the reception desk." in said
    assert "07:00–10:30, ground floor, garden room" in said
    assert "Aufzüge" not in said


async def test_a_language_without_a_text_reads_the_house_language(guest_hotel, idle_clock) -> None:
    hotel = with_house_texts(
        guest_hotel,
        'directions.de = "Aufzüge links"\ndirections.en = "Lifts on the left"\n'
        'breakfast.de = "Ab 7 Uhr im Keller"\nbreakfast.en = "From 7 in the cellar"\n',
        language="en",
    )
    said = await last_page(hotel, idle_clock, "de")
    assert "Aufzüge links" in said and "Ab 7 Uhr im Keller" in said
    hotel = with_house_texts(
        guest_hotel,
        'directions.de = "Aufzüge links"\nbreakfast.de = "Ab 7 Uhr im Keller"\n',
        language="de",
    )
    said = await last_page(hotel, idle_clock, "en", "LH4821")
    assert "Aufzüge links" in said and "Ab 7 Uhr im Keller" in said


async def test_a_text_only_in_another_language_still_shows(guest_hotel, idle_clock) -> None:
    """The house speaks German but wrote the way to the lifts in English only."""
    hotel = with_house_texts(
        guest_hotel, 'directions.en = "Lifts on the left"\nbreakfast = "7–10"\n'
    )
    said = await last_page(hotel, idle_clock, "de")
    assert "Lifts on the left" in said and "7–10" in said


async def test_a_plain_text_is_every_languages(guest_hotel, idle_clock) -> None:
    """A hotel.toml from before texts had languages."""
    hotel = with_house_texts(
        guest_hotel, 'directions = "Lifts on the left"\nbreakfast = {de = "Ab 7", en = "From 7"}\n'
    )
    for (language, breakfast), code in zip((("de", "Ab 7"), ("en", "From 7")), GUESTS, strict=True):
        said = await last_page(hotel, idle_clock, language, code)
        assert "Lifts on the left" in said and breakfast in said


@pytest.mark.parametrize(
    ("lines", "key", "line"),
    [
        ('directions = 7\nbreakfast = "7–10"\n', "directions", "directions = 7"),
        ('directions = "left"\nbreakfast.xx = "7–10"\n', "breakfast", "breakfast.xx"),
        ('directions.de = 7\nbreakfast = "7–10"\n', "directions", "directions.de"),
    ],
)
def test_a_bad_text_names_its_key_and_line(guest_hotel, lines: str, key: str, line: str) -> None:
    path = guest_hotel.data_dir.profile
    with pytest.raises(ProfileError) as raised:
        with_house_texts(guest_hotel, lines)
    text = path.read_text(encoding="utf-8")
    number = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith(line))
    message = str(raised.value)
    assert f"[house] {key} (line {number})" in message, message
    assert "must be a text or a table of" in message, message


def demo_panel(app) -> list[str]:
    """The lines of Welcome's demo panel, each as it reads (wrapped or not)."""
    return [str(line.render()) for line in app.screen.query("#demo-panel Static")]


async def test_the_demo_panel_speaks_the_guests_language(app) -> None:
    """Found: "LH4821 a plain stay" under a German heading."""
    async with app.run_test(size=SIZE) as pilot:
        app.language = "de"  # what choosing the language on the page does
        await pilot.pause()
        panel = demo_panel(app)
        assert panel[0] == "Demo: Buchungsnummer und Nachname zum Ausprobieren"
        assert "LH4821 Eriksson · 12.08.1974: ein einfacher Aufenthalt" in panel
        assert "LH6144 Müller · 02.03.1975: Umlaute (MUELLER)" in panel
        assert not any("plain stay" in line or "umlauts" in line for line in panel)
        app.language = "en"
        await pilot.pause()
        assert "LH4821 Eriksson · 12.08.1974: a plain stay" in demo_panel(app)
