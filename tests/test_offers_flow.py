"""Offers at the kiosk, as a guest meets them: taken by click and by keyboard, skipped, kept
across a language change; what was taken is on the folio, moves the key's end or gives the
better room, whose PIN on screen opens its door."""

from __future__ import annotations

from decimal import Decimal

from helpers import Guest, shown
from kiosk.models import ChargeKind

ERIKSSON = ("LH4821", "12.08.1974")  # a double, two adults, two nights


def charges(hotel, code: str) -> dict[ChargeKind, Decimal]:
    return {charge.kind: charge.amount for charge in hotel.gateway.charges_of_booking(code)}


async def test_offers_taken_by_keyboard_sell_them_and_move_the_key(app, guest_hotel) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        guest = Guest(pilot)
        await guest.confirm(ERIKSSON[0])
        await guest.by_hand(ERIKSSON[1])
        assert guest.on("OffersPage") and shown(app, "Nothing added.")
        assert charges(guest_hotel, "LH4821") == {}  # nothing is sold by being shown
        await pilot.press("enter")  # Add breakfast (focus starts there)
        await pilot.press("enter")  # Add late check-out (focus moved on)
        await pilot.press("tab", "enter")  # No thanks to the upgrade
        await pilot.pause()
        assert shown(app, "Total of what you added: €97.00")
        assert charges(guest_hotel, "LH4821") == {}  # not before Continue
        await pilot.press("enter")  # Continue
        await pilot.pause()
        assert guest.on("RoomPage") and shown(app, "Double room")
        await guest.click("#show-key")
        assert shown(app, "Valid until Sunday, 14 June 2026, 14:00")
    assert charges(guest_hotel, "LH4821") == {
        ChargeKind.BREAKFAST: Decimal("72.00"),
        ChargeKind.LATE_CHECK_OUT: Decimal("25.00"),
    }


async def test_no_thanks_to_everything_sells_nothing(app, guest_hotel) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        guest = Guest(pilot)
        await guest.confirm(ERIKSSON[0])
        await guest.by_hand(ERIKSSON[1])
        for kind in ("breakfast", "late_check_out", "upgrade"):
            await guest.click(f"#skip-{kind}")
        assert shown(app, "Nothing added.")
        await guest.click("#offers-continue")
        await guest.click("#show-key")
        assert shown(app, "Valid until Sunday, 14 June 2026, 11:00")
    assert charges(guest_hotel, "LH4821") == {}


async def test_a_paid_upgrade_gives_the_better_room_whose_pin_opens_it(app, guest_hotel) -> None:
    from textual.widgets import Digits

    async with app.run_test(size=(100, 30)) as pilot:
        guest = Guest(pilot)
        await guest.confirm(ERIKSSON[0])
        await guest.by_hand(ERIKSSON[1])
        await guest.click("#add-upgrade")
        assert shown(app, "Total of what you added: €80.00")
        await guest.click("#offers-continue")
        assert guest.on("RoomPage") and shown(app, "Junior Suite")
        assert not shown(app, "free of charge")  # paid for: not told as a gift
        await guest.click("#show-key")
        pin = str(app.screen.query_one("#pin", Digits).value)
        (room,) = guest_hotel.gateway.booking("LH4821").assigned_rooms
    assert guest_hotel.gateway.room(room).type == "junior_suite"
    assert guest_hotel.door.verify(room, pin).opens
    assert charges(guest_hotel, "LH4821") == {ChargeKind.UPGRADE: Decimal("80.00")}


async def test_answers_stay_when_the_language_changes(app, guest_hotel) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        guest = Guest(pilot)
        await guest.confirm(ERIKSSON[0])
        await guest.by_hand(ERIKSSON[1])
        await guest.click("#add-breakfast")
        await guest.choose_language("de")
        assert shown(app, "✓ Hinzugefügt") and shown(app, "Summe Ihrer Auswahl: 72,00 €")
        assert shown(app, "Buffet im Gartensaal")


async def test_offer_names_from_hotel_toml_are_shown_as_plain_text(
    guest_hotel, guest_clock, idle_clock
) -> None:
    from kiosk.hotel import open_hotel
    from screens.app import make_app

    profile = guest_hotel.data_dir.profile
    marked = "[b]Breakfast[/b] [link=x]y"
    text = profile.read_text(encoding="utf-8").replace('"Breakfast"', f'"{marked}"', 1)
    profile.write_text(text, encoding="utf-8")
    hotel = open_hotel(guest_hotel.data_dir, clock=guest_clock, kiosk_id="test-kiosk")
    app = make_app(hotel, demo=True, clock=idle_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        guest = Guest(pilot)
        await guest.confirm(ERIKSSON[0])
        await guest.by_hand(ERIKSSON[1])
        assert guest.on("OffersPage") and shown(app, marked)
