"""Check-out at the kiosk as a guest does it (Pilot): Welcome's "Check out", the room and PIN
or a scanned key, the folio, the goodbye; one text for every wrong answer; a balance due
sent to the desk; the idle watch and Help as on the check-in's pages."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from helpers import Guest, check_in, shown
from kiosk.hotel import Hotel
from kiosk.models import BookingStatus, HelpReason, RoomStatus
from kiosk.session import RoomKey

SIZE = (100, 30)


def staying(hotel: Hotel, code: str = "LH4821", **fields) -> RoomKey:
    """The demo's guest `code` checked in (with `fields` on the booking first)."""
    if fields:
        with hotel.transaction() as db:
            db.save_booking(replace(db.booking(code), **fields))
    (key,) = check_in(hotel, code)[1].keys
    return key


async def identify(guest: Guest, room: str, pin: str) -> None:
    if guest.on("WelcomePage"):
        await guest.click("#check-out")
    await guest.reader(f"{room}\n")
    await guest.reader(f"{pin}\n")


async def test_a_guest_checks_out_with_room_and_pin(app, guest_hotel: Hotel) -> None:
    key = staying(guest_hotel, email="anna@example.org")
    room = key.room.number
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await identify(guest, room, key.pin)
        assert guest.on("FolioPage")
        assert shown(app, "Anna Eriksson") and shown(app, f"Your bill for room {room}")
        await guest.click("#confirm-check-out")
        assert guest.on("CheckedOutPage")
        assert shown(app, "Your invoice comes from the hotel by e-mail.")
        assert shown(app, f"Your door codes no longer open room {room}.")
        stay = guest_hotel.gateway.booking("LH4821")
        assert stay.status is BookingStatus.CHECKED_OUT
        assert guest_hotel.gateway.room(room).status is RoomStatus.DIRTY
        assert not guest_hotel.door.verify(room, key.pin).opens
        await guest.click("#finish")
        assert guest.on("WelcomePage") and app.check_out is None


async def test_a_guest_checks_out_with_the_keys_qr(app, guest_hotel: Hotel) -> None:
    key = staying(guest_hotel)
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await guest.click("#check-out")
        await guest.reader(key.token + "\n")  # the scanner types the token and Enter
        assert guest.on("FolioPage")
        await guest.click("#confirm-check-out")
        assert guest.on("CheckedOutPage")
        assert shown(app, "Your invoice is ready for you at the desk.")  # no e-mail on file
    assert not guest_hotel.door.verify(key.room.number, key.token).opens


async def test_a_wrong_pin_gets_the_same_text_as_a_wrong_room(app, guest_hotel: Hotel) -> None:
    key = staying(guest_hotel)
    other = staying(guest_hotel, "LH6144")
    wrong_pin = "000000" if key.pin != "000000" else "111111"
    texts = []
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        for room, pin in [
            (key.room.number, wrong_pin),
            ("999", key.pin),
            (other.room.number, key.pin),
        ]:
            await identify(guest, room, pin)
            assert guest.on("IdentifyStayPage")
            texts.append(str(app.screen.query_one("#problem").render()))
            # Both fields are empty again: nothing says which one was wrong.
            assert app.screen.query_one("#check-out-room").value == ""
            assert app.screen.query_one("#check-out-pin").value == ""
    # The same words each time; only the last adds how many tries are left.
    assert texts[0] == texts[1] and texts[2].startswith(texts[0])
    assert (
        texts[0]
        == "We found no stay for this room and PIN, or this key. Please check both and try again."
    )
    assert guest_hotel.gateway.booking("LH4821").status is BookingStatus.CHECKED_IN


async def test_a_balance_due_sends_the_guest_to_the_desk(app, guest_hotel: Hotel) -> None:
    key = staying(guest_hotel, balance_due=Decimal("120.00"), paid=Decimal("80.00"))
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await identify(guest, key.room.number, key.pin)
        assert shown(app, "€200.00") and shown(app, "€80.00") and shown(app, "€120.00")
        assert shown(app, "Please pay what is still due at the desk after checking out.")
        await guest.click("#confirm-check-out")
        assert shown(app, "Please pay €120.00 at the desk; they know you are coming.")
    (request,) = guest_hotel.help.requests()
    assert (request.reason, request.booking) == (HelpReason.BALANCE_DUE, "LH4821")


async def test_in_german(app, guest_hotel: Hotel) -> None:
    key = staying(guest_hotel, balance_due=Decimal("1234.5"))
    async with app.run_test(size=SIZE) as pilot:
        app.language = "de"
        await pilot.pause()
        guest = Guest(pilot)
        assert shown(app, "Auschecken")
        await identify(guest, key.room.number, key.pin)
        assert shown(app, "Noch zu zahlen") and shown(app, "1.234,50 €")
        await guest.click("#confirm-check-out")
        assert shown(app, "Bitte zahlen Sie 1.234,50 € an der Rezeption")


async def test_an_idle_guest_is_forgotten_on_the_folio(app, guest_hotel, idle_clock) -> None:
    key = staying(guest_hotel)
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot, idle_clock)
        await identify(guest, key.room.number, key.pin)
        assert guest.on("FolioPage")
        await guest.walk_away(guest_hotel.profile.idle_timeout - 5)
        assert guest.on("IdleWarning")
        await guest.walk_away(10)
        assert guest.on("WelcomePage") and app.check_out is None
        assert not shown(app, "Anna Eriksson")
    assert guest_hotel.gateway.booking("LH4821").status is BookingStatus.CHECKED_IN


async def test_help_on_the_folio_names_the_stay(app, guest_hotel: Hotel) -> None:
    key = staying(guest_hotel)
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await identify(guest, key.room.number, key.pin)
        await guest.click("#help")
        assert app.help_pending
    (request,) = guest_hotel.help.requests()
    assert (request.reason, request.booking) == (HelpReason.GUEST, "LH4821")


async def test_markup_in_a_name_is_shown_as_it_is(app, guest_hotel: Hotel) -> None:
    key = staying(guest_hotel, first_name="[bold]Anna[/]")
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await identify(guest, key.room.number, key.pin)
        assert shown(app, "[bold]Anna[/] Eriksson")
        await guest.click("#confirm-check-out")
        assert shown(app, "Thank you, [bold]Anna[/].")
