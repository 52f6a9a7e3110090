"""Keys in the order they were typed (issue 9): a fast typist or a scanner sends its keys in one
burst, corrections included, and each field applies them in that order.

Textual runs a key's binding (Backspace, Delete, the arrows) only once the key has bubbled up
to the app, while the characters after it go straight into the field: on today's Textual a
burst of "14", Backspace, Backspace, "56" left "14" or "16" instead of "56"."""

from __future__ import annotations

from textual import events
from textual.keys import _character_to_key

from helpers import Guest

SIZE = (100, 30)


async def burst(pilot, *keys: str) -> None:
    """Every key posted before the app gets to any of them, as a scanner or a fast typist
    sends them: a character is typed, a name such as "backspace" is that key."""
    for key in keys:
        pilot.app.post_message(
            events.Key(_character_to_key(key), key) if len(key) == 1 else events.Key(key, None)
        )
    await pilot.pause()


async def test_a_booking_code_corrected_at_speed_is_the_code_the_guest_meant(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await guest.click("#check-in")
        await burst(pilot, *"LH73889", "backspace", "backspace", "9")
        assert app.screen.query_one("#find-text").value == "LH7389"

        await burst(pilot, "backspace", "left", "left", "delete", "3", "end", "8", "enter")
        await burst(pilot, *"Weisz", "backspace", "s", "enter")  # then the last name
        assert guest.on("ConfirmPage") and app.session.booking.code == "LH7388"


async def test_a_date_of_birth_corrected_at_speed_identifies_the_guest(app, guest_hotel) -> None:
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await guest.confirm("LH7388")
        await guest.click("#by-hand")
        await burst(pilot, *"14", "backspace", "backspace", *"17.05.1980")
        assert app.screen.query_one("#birth").value == "17.05.1980"

        await burst(pilot, "enter")
        await burst(pilot, *"4711", "enter")
        await guest.no_thanks()
        assert guest.on("RoomPage")
        assert guest_hotel.gateway.booking("LH7388").assigned_rooms


async def test_a_zone_corrected_at_speed_is_the_zone_that_was_typed(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await guest.confirm("LH4821")
        await guest.click("#scan")
        await burst(pilot, *"P<SWX", "backspace", *"EERIKSSON<<ANNA")
        assert app.screen.query_one("#zone").text == "P<SWEERIKSSON<<ANNA"


async def test_a_code_corrected_at_speed_on_the_welcome_page_is_the_code_the_guest_meant(
    app,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await burst(pilot, *"LH73889", "backspace", "backspace", "9")
        assert guest.on("FindBookingPage")
        assert app.screen.query_one("#find-text").value == "LH7389"


async def test_a_code_tab_and_a_name_in_one_burst_find_the_booking(app) -> None:
    """A scanner or a fast typist: the code, Tab to the next field, the name and Enter."""
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await guest.click("#check-in")
        await burst(pilot, *"LH4821", "tab", *"Eriksson", "enter")
        assert guest.on("ConfirmPage") and app.session.booking.code == "LH4821"
        await guest.click("#no")
        assert guest.on("FindBookingPage")
        # Back to the code to finish it, then Enter there.
        await burst(pilot, *"LH731", "tab", *"Weiss", "shift+tab", "end", "backspace", *"88")
        await burst(pilot, "enter")
        assert guest.on("ConfirmPage") and app.session.booking.code == "LH7388"


async def test_a_code_tab_and_a_name_typed_on_the_welcome_page_find_the_booking(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await burst(pilot, *"LH4821", "tab", *"Eriksson", "enter")
        assert guest.on("ConfirmPage") and app.session.booking.code == "LH4821"
