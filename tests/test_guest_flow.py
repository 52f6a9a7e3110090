"""The guest's check-in, driven through the real app with keys and clicks: what the screen
shows, and what the hotel's data holds afterwards."""

from __future__ import annotations

import errno
import gc
import itertools
import os
import weakref
from datetime import date

import pytest
from textual import events

from helpers import Guest, full_disk, screen_text, seconds_to_warning, shown, stored, until
from kiosk import demo
from kiosk.i18n import LANGUAGES
from kiosk.models import BookingStatus
from kiosk.session import CheckInSession, Failure, Step

SIZE = (100, 30)


def zone_for(
    hotel,
    code: str,
    *,
    last_name: str | None = None,
    expiry: date = date(2031, 1, 31),
    birth: date | None = None,
) -> str:
    """The booking's guest's passport (its date of birth the one on file, if any)."""
    booking = hotel.gateway.booking(code)
    if last_name:
        booking.last_name = last_name
    birth = birth or booking.date_of_birth or date(1975, 3, 9)
    return demo.passport_zone(booking, number="C01X0006H", expiry=expiry, birth=birth)


def problem(app) -> str:
    return str(app.screen.query_one("#problem").render())


def help_reasons(hotel) -> list[str]:
    return [request.reason for request in hotel.help.requests()]


# -- the happy paths -----------------------------------------------------------------------


async def test_by_code_and_hand_entry_to_the_door_code_and_goodbye(app, guest_hotel) -> None:
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await guest.confirm("LH7388")
        assert guest.on("IdentityChoicePage")
        await guest.by_hand("17.05.1980", "4711")
        await guest.no_thanks()
        (room,) = guest_hotel.gateway.booking("LH7388").assigned_rooms
        assert guest.on("RoomPage") and shown(app, f"Room {room} · floor 1 · Double room")

        await guest.click("#show-key")
        session = app.session
        (key,) = session.keys
        assert guest.on("DoorCodePage")
        assert app.screen.query_one("#pin").value == key.pin
        booking = guest_hotel.gateway.booking("LH7388")
        assert booking.status is BookingStatus.CHECKED_IN and key.room.number == room
        assert booking.identity.method == "hand" and booking.identity.number_last4 == "4711"

        await guest.click("#next")
        assert guest.on("DonePage")
        assert shown(app, "Welcome, Thomas!") and shown(app, f"Room {room} · floor 1")
        assert shown(app, "Lindenhof-Guest") and shown(app, "Sunday, 14 June 2026, by 11:00")
        assert session.step is Step.DONE and session.keys[0].pin == ""

        await pilot.press("enter")
        await pilot.pause()
        assert guest.on("WelcomePage") and app.session is None


async def test_typing_on_the_welcome_page_looks_for_the_booking(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        assert guest.on("WelcomePage")
        await pilot.press(*"lh7388")
        assert guest.on("FindBookingPage") and app.screen.query_one("#find-text").value == "lh7388"
        await pilot.press("enter")
        assert guest.on("FindBookingPage") and app.focused.id == "find-name"
        await guest.type("Weiss", "enter")
        assert guest.on("ConfirmPage") and shown(app, "Thomas Weiß")


async def test_a_code_scanned_on_the_welcome_page_is_not_lost(app) -> None:
    """A scanner types the whole code and Enter before the next page is built."""
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        for character in "LH7388\r":
            key = "enter" if character == "\r" else character
            app.post_message(events.Key(key, character))
        await pilot.pause()
        await pilot.pause()
        assert guest.on("FindBookingPage") and app.screen.query_one("#find-text").value == "LH7388"
        assert app.focused.id == "find-name"  # the last name comes next
        await guest.type("Weiß", "enter")
        assert guest.on("ConfirmPage") and shown(app, "Thomas Weiß")


async def test_keys_typed_on_the_search_buttons_do_not_turn_up_later(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await guest.click("#check-in")
        await pilot.pause()
        assert app.focused.id == "find-text"
        await pilot.press("tab", "tab", "x")  # focus on the Find button: the letter goes nowhere
        assert app.focused.id == "find"
        await guest.click("#find-text")
        await guest.type("LH7388", "enter")
        await guest.type("Weiß", "enter")
        await guest.click("#no")  # back to the search, emptied once the booking was found
        assert guest.on("FindBookingPage")
        assert (
            app.screen.query_one("#find-text").value
            == app.screen.query_one("#find-name").value
            == ""
        )


async def test_by_code_and_last_name_in_any_case(app, guest_hotel) -> None:
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await guest.find("lh4821", "eriksson")
        assert guest.on("ConfirmPage")
        assert (
            shown(app, "Anna Eriksson")
            and shown(app, "2 nights")
            and shown(app, "1 room · Double room")
        )
        await guest.click("#yes")
        await guest.by_hand("12/08/1974")
        await guest.no_thanks()
        assert guest.on("RoomPage")
        assert guest_hotel.gateway.booking("LH4821").status is BookingStatus.CHECKED_IN


async def test_by_passport_zone_typed_by_a_reader(app, guest_hotel) -> None:
    zone = zone_for(guest_hotel, "LH6144")  # Müller, read as MUELLER
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await guest.confirm("LH6144")
        await guest.scan(zone)
        await guest.no_thanks()
        assert guest.on("RoomPage")
        identity = guest_hotel.gateway.booking("LH6144").identity
        assert identity.method == "mrz" and identity.number_last4 == "006H"
        assert "MUELLER" not in screen_text(app)


async def test_scanned_zone_can_be_submitted_with_the_button(app, guest_hotel) -> None:
    line1, line2 = zone_for(guest_hotel, "LH7015").splitlines()
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await guest.confirm("LH7015")
        await guest.click("#scan")
        await guest.reader(f"{line1}\n{line2}")  # no Enter at the end: the guest presses the button
        assert guest.on("ScanPage")
        await guest.click("#check-zone")
        await guest.no_thanks()
        assert guest.on("RoomPage")


async def test_two_rooms_are_shown_one_after_the_other(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await guest.find("LH5930")
        assert shown(app, "2 rooms · Double room")
        await guest.click("#yes")
        await guest.by_hand("01.02.1970")
        await guest.no_thanks()
        assert shown(app, "Your rooms")
        await guest.click("#show-key")
        first, second = app.session.keys
        assert shown(app, "Room 1 of 2") and app.screen.query_one("#pin").value == first.pin
        await guest.click("#next")
        assert shown(app, "Room 2 of 2") and app.screen.query_one("#pin").value == second.pin
        assert shown(app, f"Room {second.room.number}")
        # Room 1's PIN not noted after all: back to it, and on again.
        await guest.click("#previous")
        assert shown(app, "Room 1 of 2") and app.screen.query_one("#pin").value == first.pin
        assert not app.screen.query("#previous")
        await guest.click("#next")
        await guest.click("#next")
        assert guest.on("DonePage")
        assert shown(app, f"Room {first.room.number}") and shown(app, f"Room {second.room.number}")


async def test_free_upgrade_is_told_as_good_news(app, guest_hotel) -> None:
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await guest.confirm("LH8107")
        await guest.by_hand("03.03.1983")
        await guest.no_thanks()
        assert shown(app, "Good news: we have upgraded you to a Double room, free of charge.")
        room = guest_hotel.gateway.booking("LH8107").assigned_rooms[0]
        assert shown(app, f"Room {room}")


async def test_no_room_ready_calls_staff_and_offers_a_way_on(app, guest_hotel) -> None:
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await guest.confirm("LH8290")
        await guest.by_hand("04.04.1984")
        assert guest.on("NoRoomPage")
        assert shown(app, "Your room is not quite ready yet") and shown(
            app, "take a seat in the lounge"
        )
        assert shown(app, "Staff are on their way")
        assert help_reasons(guest_hotel) == ["no_room"]
        assert guest_hotel.gateway.booking("LH8290").status is BookingStatus.RESERVED
        await guest.click("#help")  # already called: no second request
        assert help_reasons(guest_hotel) == ["no_room"]
        await guest.click("#start-over")
        assert guest.on("WelcomePage") and not shown(app, "Staff are on their way")


async def test_a_finished_guests_fields_leave_memory(app, guest_hotel) -> None:
    """What a guest typed (booking code, birth date, document digits, the zone) must not
    outlive their check-in in memory, on a kiosk that runs for months."""
    fields: list[weakref.ref] = []

    def note_fields() -> None:
        fields.extend(weakref.ref(field) for field in app.screen.query("GuestInput, ZoneInput"))

    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await guest.click("#check-in")
        note_fields()
        await guest.confirm("LH7388")
        await guest.click("#by-hand")
        note_fields()
        await guest.by_hand("17.05.1980", "4711")
        await guest.no_thanks()
        await guest.click("#show-key")
        await guest.click("#next")
        await pilot.press("enter")
        await guest.confirm("LH6144")
        await guest.click("#scan")
        note_fields()
        await guest.scan(zone_for(guest_hotel, "LH6144"))
        await guest.no_thanks()
        assert guest.on("RoomPage")
        app.welcome_next_guest()
        assert len(fields) >= 4

        def all_gone() -> bool:
            gc.collect()
            return all(ref() is None for ref in fields)

        # Pending timers (1/2 s at most) let go of the pages they ran on.
        await until(pilot, all_gone, "the fields to leave memory")


# -- finding the booking fails -------------------------------------------------------------


async def test_find_failures_are_explained_and_the_guest_can_go_on(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        for code, message in [
            ("", "Please type both your booking code and your last name."),
            ("LH8356", "This booking has been cancelled."),
            ("LH8471", "This booking is already checked in."),
            ("LH8533", "This booking is for Saturday, 13 June 2026, not for today."),
            ("ZZ9999", "We could not find a booking for today with this code and last name."),
        ]:
            await guest.find(code)  # with the booking's own last name
            assert guest.on("FindBookingPage") and shown(app, message), code
        await guest.find("LH4821")  # the code stays selected, so the next scan replaces it
        assert guest.on("ConfirmPage")


async def test_another_guests_code_without_their_name_tells_nothing(app, guest_hotel) -> None:
    """A made-up code, and the real codes of a cancelled, a checked-in and tomorrow's
    booking: one screen, each counted, no name, no date."""
    catalog = app.catalog
    not_found = catalog.t("find.failure.not_found")
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        seen = []
        for count, code in enumerate(["ZZ9999", "LH8356", "LH8471", "LH8533"], start=1):
            await guest.find(code, "Meier")
            assert guest.on("FindBookingPage")
            assert guest_hotel.gateway.counter("lookup:test-kiosk").failures == count
            seen.append(problem(app))
            for name in ("Claire", "Dubois", "Yuki", "Tanaka", "Lars", "Andersen", "13 June"):
                assert name not in screen_text(app), (code, name)
        assert seen == [
            not_found,
            not_found,
            f"{not_found} {catalog.plural('find.attempts_left', 2)}",
            f"{not_found} {catalog.plural('find.attempts_left', 1)}",
        ]


async def test_a_last_name_alone_gets_no_name_no_stay_and_no_key(app, guest_hotel) -> None:
    """Today a surname and any adult's date of birth checked someone in."""
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        for code, name in [("Mueller", "Mueller"), ("LH6000", "Mueller"), ("Mueller", "")]:
            await guest.find(code, name)
            assert guest.on("FindBookingPage"), (code, name)
            assert "Jürgen" not in screen_text(app) and "nights" not in screen_text(app)
        assert not app.screen.query("#by-hand")
        booking = guest_hotel.gateway.booking("LH6144")
        assert booking.status is BookingStatus.RESERVED and booking.identity is None
        assert guest_hotel.gateway.grants_of_booking("LH6144") == []


async def test_hand_entry_is_not_offered_without_a_date_of_birth_on_file(app, guest_hotel) -> None:
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await guest.confirm("LH7015")  # O'Brien: no date of birth on file
        assert guest.on("IdentityChoicePage") and not app.screen.query("#by-hand")
        assert shown(app, "Your booking has no date of birth on file")
        await guest.scan(zone_for(guest_hotel, "LH7015"))
        await guest.no_thanks()
        assert (
            guest.on("RoomPage") and guest_hotel.gateway.booking("LH7015").identity.method == "mrz"
        )


async def test_two_guests_of_one_name_are_asked_for_their_code(app, guest_hotel) -> None:
    other = demo.demo_bookings(guest_hotel.today())[0]
    other.code, other.last_name, other.first_name = "LH9990", "Smith", "Jane"
    with guest_hotel.transaction() as db:
        db.add_bookings([other])
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await guest.find("Smith", "")
        assert guest.on("FindBookingPage")
        assert problem(app) == app.catalog.t("find.failure.invalid_input")  # both, please
        assert guest_hotel.gateway.counter("lookup:test-kiosk").failures == 0
        assert "John" not in screen_text(app) and "Jane" not in screen_text(app)
        await guest.find("LH8602", "Smith")
        assert guest.on("ConfirmPage") and shown(app, "John Smith") and not shown(app, "Jane")


@pytest.mark.parametrize(
    ("code", "part", "guest_name"),
    [
        ("LH7262", "Weber", "Katrin Schmidt-Weber"),
        ("LH7262", "schmidt", "Katrin Schmidt-Weber"),
        ("LH8845", "Lorca", "Inés García Lorca"),
    ],
)
async def test_any_part_of_a_double_surname_finds_it(
    app, code: str, part: str, guest_name: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await guest.find(code, part)
        assert guest.on("ConfirmPage") and shown(app, guest_name)


async def test_past_the_limit_a_growing_wait_and_the_next_guest_checks_in(
    app, guest_hotel, guest_clock, idle_clock
) -> None:
    attempts = guest_hotel.profile.lookup_attempts
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot, idle_clock)
        for _ in range(attempts - 3):
            await guest.find("ZZ9999")
        assert not shown(app, "more tries")
        await guest.find("ZZ9999")
        assert shown(app, "2 more tries, then a colleague will come to help you.")
        await guest.find("ZZ9999")
        assert shown(app, "1 more try, then a colleague will come to help you.")
        await guest.find("ZZ9999")
        assert guest.on("WaitPage") and shown(app, "You can try again in 0:30.")
        assert shown(app, "A colleague has been called") and shown(app, "Staff are on their way")
        assert help_reasons(guest_hotel) == ["lookup_locked"]
        assert app.screen.query_one("#try-again").disabled and app.screen.query("#help")
        assert len(app.guest_screen.pages) == 2  # the earlier pages are closed

        # The guest leaves; the next one meets the rest of the wait, then the kiosk again.
        await guest.walk_away(guest_hotel.profile.idle_timeout)
        assert guest.on("WelcomePage")
        guest_clock.advance(seconds=10)
        await guest.click("#check-in")
        assert guest.on("WaitPage") and shown(app, "You can try again in 0:20.")
        guest_clock.advance(seconds=20)
        app.guest_screen.page.count_down()  # the page's once-a-second timer
        await pilot.pause()
        assert (
            shown(app, "You can try again now.") and not app.screen.query_one("#try-again").disabled
        )
        await guest.click("#try-again")
        await guest.find("ZZ9999")  # one more failure: a longer wait
        assert guest.on("WaitPage") and shown(app, "You can try again in 1:00.")
        assert help_reasons(guest_hotel) == ["lookup_locked"]  # staff were called once

        guest_clock.advance(minutes=1)
        app.guest_screen.page.count_down()
        await pilot.pause()
        await guest.click("#try-again")
        await guest.find("LH4821")
        assert guest.on("ConfirmPage") and shown(app, "Anna Eriksson")


# -- proving identity fails ----------------------------------------------------------------


async def test_an_unreadable_scan_says_what_to_do_and_does_not_count(app, guest_hotel) -> None:
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await guest.confirm("LH6144")
        for _ in range(guest_hotel.profile.identity_attempts + 1):
            await guest.scan("P<UTOHELLO\nWORLD")
            assert guest.on("ScanPage") and shown(
                app, "We could not read the document. Please scan it again"
            )
            assert app.screen.query_one("#zone").text == ""  # the raw zone leaves the screen
        await guest.scan(zone_for(guest_hotel, "LH6144"))
        await guest.no_thanks()
        assert guest.on("RoomPage")


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            {"expiry": date(2026, 1, 31)},
            "This document has expired, so the kiosk cannot accept it.",
        ),
        ({"last_name": "Schmidt"}, "The name on this document is not the name on the booking"),
        (
            {"birth": date(1980, 5, 18)},
            "The date of birth on this document is not the one on the booking",
        ),
    ],
    ids=["expired", "other_name", "other_birth_date"],
)
async def test_a_refused_document_then_hand_entry_gets_no_key(
    app, guest_hotel, document, message
) -> None:
    """Today: an expired passport refused, then Back, then hand entry checked the guest in."""
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await guest.confirm("LH7388")  # Weiß: date of birth on file, so hand entry is offered
        await guest.scan(zone_for(guest_hotel, "LH7388", **document))
        assert guest.on("LockedPage") and shown(app, message)
        assert shown(app, "Your check-in now waits for a colleague") and shown(
            app, "Staff are on their way"
        )
        assert help_reasons(guest_hotel) == ["document_refused"]
        assert not app.screen.query_one("#back").display  # no way back to hand entry
        await pilot.press("escape")
        await pilot.pause()
        assert guest.on("LockedPage")

        # Nor through a new start, here or on another kiosk (the booking waits for staff).
        await guest.click("#start-over")
        await guest.find("LH7388")
        assert guest.on("LockedPage")
        other = CheckInSession(guest_hotel)
        other.find("LH7388", "Weiß")
        assert other.identify_by_hand("1980-05-17", "4711").failure is Failure.LOCKED
        booking = guest_hotel.gateway.booking("LH7388")
        assert (
            booking.status is BookingStatus.RESERVED and booking.identity is None and booking.locked
        )
        assert guest_hotel.gateway.grants_of_booking("LH7388") == []


async def test_a_guest_under_age_is_helped_by_staff_at_once(app, guest_hotel) -> None:
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await guest.confirm("LH7015")
        await guest.scan(zone_for(guest_hotel, "LH7015", birth=date(2010, 1, 1)))
        assert guest.on("LockedPage") and shown(app, "Guests under 18 check in with a colleague.")
        assert shown(app, "There is no need to try again") and shown(app, "Staff are on their way")
        assert help_reasons(guest_hotel) == ["too_young"]
        assert not app.screen.query("#scan") and not app.screen.query_one("#back").display
        assert guest_hotel.gateway.booking("LH7015").locked


async def test_mistyped_details_say_what_to_do(app, guest_hotel) -> None:
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await guest.confirm("LH7388")
        await guest.by_hand("yesterday")
        assert shown(app, "Please enter your date of birth as DD.MM.YYYY")
        await guest.by_hand("17.05.1980", "47")
        assert guest.on("HandEntryPage") and shown(app, "exactly 4 letters or digits")
        assert guest_hotel.gateway.booking("LH7388").status is BookingStatus.RESERVED


async def test_identity_failures_lock_the_booking_and_call_staff(app, guest_hotel) -> None:
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await guest.confirm("LH7388")
        await guest.by_hand("01.01.1980")
        assert shown(app, "2 more tries")
        for _ in range(guest_hotel.profile.identity_attempts - 1):
            await guest.by_hand("01.01.1980")
        assert guest.on("LockedPage")
        assert guest_hotel.gateway.booking("LH7388").locked
        assert help_reasons(guest_hotel) == ["identity_locked"]


async def test_back_goes_where_it_is_safe(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await guest.confirm("LH4821")
        await guest.click("#by-hand")
        await guest.click("#back")
        assert guest.on("IdentityChoicePage")
        # The wrong booking after all: find again. (By key: the Back button ignores a second
        # tap within 0.2 s, as a double tap would otherwise go back twice.)
        await pilot.press("escape")
        await pilot.pause()
        assert guest.on("FindBookingPage") and app.session.step is Step.FIND
        await guest.type("LH4821", "enter")
        await guest.type("Eriksson", "enter")
        await guest.click("#no")
        assert guest.on("FindBookingPage") and app.screen.query_one("#find-text").value == ""
        await pilot.press("escape")
        await pilot.pause()
        assert guest.on("WelcomePage") and app.session is None


# -- help, idle, language, quitting --------------------------------------------------------


async def test_help_calls_staff_once_and_says_they_are_coming(app, guest_hotel) -> None:
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await guest.find("LH4821")
        assert not shown(app, "Staff are on their way")
        await guest.click("#help")
        assert shown(app, "Staff are on their way")
        requests = guest_hotel.help.requests()
        assert [(r.reason, r.booking) for r in requests] == [("guest", "LH4821")]
        await pilot.press("f1")
        await guest.click("#yes")
        assert shown(app, "Staff are on their way") and len(guest_hotel.help.requests()) == 1


async def test_help_and_language_on_the_welcome_screen_reset_when_left(
    app, guest_hotel, idle_clock
):
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot, idle_clock)
        await guest.click("#help")
        await guest.choose_language("de")
        assert shown(app, "Unser Team ist unterwegs") and help_reasons(guest_hotel) == ["guest"]
        await guest.walk_away(guest_hotel.profile.idle_timeout - 1)
        assert shown(app, "Unser Team ist unterwegs")  # no countdown: nothing private here
        await guest.walk_away(1)
        assert shown(app, "Check in") and not shown(app, "Staff are on their way")


async def test_idle_guest_is_warned_then_forgotten(app, guest_hotel, idle_clock) -> None:
    profile = guest_hotel.profile
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot, idle_clock)
        await guest.to_door_code("LH7388", "17.05.1980")
        session = app.session
        assert app.screen.query_one("#pin").value == session.keys[0].pin

        await guest.walk_away(seconds_to_warning(profile))
        assert guest.on("IdleWarning") and shown(
            app, f"closes in {profile.idle_warning - 1} seconds"
        )
        await guest.walk_away(1)
        assert shown(app, f"closes in {profile.idle_warning - 2} seconds")
        await pilot.press("space")  # any key: the guest is back, and the key does nothing else
        assert guest.on("DoorCodePage") and session.keys[0].pin

        await guest.walk_away(seconds_to_warning(profile))
        await guest.walk_away(profile.idle_warning)
        assert guest.on("WelcomePage") and len(app.screen_stack) == len(app.guest_screen.pages) == 1
        assert app.session is None and session.keys == () and session.booking is None
        assert not app.query("Digits") and "Thomas" not in screen_text(app)


async def test_a_guest_who_leaves_on_the_room_page_leaves_no_pin_behind(
    app, guest_hotel, idle_clock
) -> None:
    """The door code page is built while the guest reads their room; forgotten with the rest."""
    profile = guest_hotel.profile
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot, idle_clock)
        await guest.to_room("LH7388", "17.05.1980")
        assert guest.on("RoomPage")
        session = app.session
        (prepared,) = app.guest_screen.query("DoorCodePage")
        assert not prepared.display and prepared.query_one("#pin").value == session.keys[0].pin

        await guest.walk_away(seconds_to_warning(profile))
        await guest.walk_away(profile.idle_warning)
        assert guest.on("WelcomePage") and session.keys == ()
        assert not app.guest_screen.query("DoorCodePage") and not app.guest_screen.query("Digits")


async def test_a_click_also_keeps_the_session(app, guest_hotel, idle_clock) -> None:
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot, idle_clock)
        await guest.find("LH4821")
        idle_clock.advance(guest_hotel.profile.idle_timeout - 1)
        await guest.click("#no")
        await guest.walk_away(1)
        assert guest.on("FindBookingPage")


async def test_language_switch_mid_flow_changes_every_screen(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await guest.click("#check-in")
        await guest.type("LH48")
        await guest.choose_language("de")
        assert shown(app, "Ihre Buchung finden") and shown(app, "Nachname")
        assert app.screen.query_one("#find-text").value == "LH48"  # what was typed stays
        assert app.focused.id == "find-text"  # back on the page: typing goes on there
        await guest.click("#find-text")
        await guest.type("", "end", "2", "1", "enter")
        await guest.type("Eriksson", "enter")
        assert shown(app, "Ist das Ihre Buchung?") and shown(app, "Freitag, 12. Juni 2026")
        await guest.choose_language("en")
        assert shown(app, "Is this your booking?")
        await guest.choose_language("de")
        await guest.click("#no")  # the screen underneath switched too
        assert guest.on("FindBookingPage") and shown(app, "Ihre Buchung finden")
        await pilot.press("escape")
        await pilot.pause()
        assert shown(app, "Check in") and app.language == "en"  # the next guest starts afresh


async def test_the_language_list_names_each_language_in_its_own_words(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await guest.click("#check-in")
        await guest.type("LH48")
        await guest.click("#language")
        names = [str(button.label) for button in app.screen.query("#language-choices Button")]
        assert names[:3] == ["✓ English", "Deutsch", "Français"]  # the one on is ticked
        assert "Українська" in names and "简体中文" in names and len(names) == 10
        await pilot.press("escape")  # closed: nothing changes, typing goes on
        await until(pilot, lambda: app.screen is app.guest_screen, "the page again")
        assert app.language == "en" and app.focused.id == "find-text"
        await guest.click("#language")
        await pilot.press("down", "down", "down", "down", "down", "down", "enter")  # by keys
        await until(pilot, lambda: shown(app, "Wyszukiwanie rezerwacji"), "the page in Polish")
        assert str(app.screen.query_one("#language").label) == "Polski ▾"
        assert app.screen.query_one("#find-text").value == "LH48"
        await guest.click("#language")
        assert str(app.screen.query_one("#language-pl").label) == "✓ Polski"


async def test_a_guest_who_leaves_the_language_list_open_is_forgotten(
    app, guest_hotel, idle_clock
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot, idle_clock)
        await guest.find("LH7388")
        await guest.click("#language")
        profile = guest_hotel.profile
        await guest.walk_away(seconds_to_warning(profile))
        assert guest.on("IdleWarning")  # over the list: the booking stays hidden
        await guest.walk_away(profile.idle_warning)
        await until(pilot, lambda: app.screen is app.guest_screen, "the guest screen alone")
        assert guest.on("WelcomePage") and app.session is None and app.language == "en"


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_buttons_at_the_bottom_fit_a_phone_in_every_language(app, language) -> None:
    """Help, Back, "Aa" and the language side by side, each whole, none over another."""
    async with app.run_test(size=(43, 46)) as pilot:
        guest = Guest(pilot)
        await guest.find("LH4821")  # a page with Back
        await guest.choose_language(language)
        buttons = [app.screen.query_one(f"#{name}") for name in ("help", "back", "access")]
        buttons.append(app.screen.query_one("#language"))
        regions = [button.region for button in buttons]
        assert all(region.width > 0 and region.right <= 43 for region in regions), regions
        for left, right in itertools.pairwise(regions):
            assert left.right <= right.x, (language, regions)


async def test_language_switched_on_the_room_page_reaches_the_door_code(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await guest.to_room("LH7388", "17.05.1980")
        await guest.choose_language("de")
        assert shown(app, "Meinen Türcode zeigen")
        await guest.click("#show-key")
        assert guest.on("DoorCodePage") and shown(app, "Tür-PIN") and not shown(app, "Door PIN")
        assert app.screen.query_one("#pin").value == app.session.keys[0].pin


async def test_quit_keys_and_the_command_palette_do_nothing(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await guest.find("LH4821")
        for key in ("ctrl+c", "ctrl+q", "ctrl+p"):
            await pilot.press(key)
            await pilot.pause()
            assert app.is_running and guest.on("ConfirmPage"), key
        assert not app.use_command_palette and app.return_code is None


async def test_done_screen_closes_by_itself_without_a_warning(app, idle_clock) -> None:
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot, idle_clock)
        await guest.to_door_code("LH4821", "12.08.1974")
        session = app.session
        await guest.click("#next")
        await guest.walk_away(29)
        assert guest.on("DonePage")
        await guest.walk_away(1)
        assert guest.on("WelcomePage") and app.session is None and session.keys == ()


async def test_small_terminal_still_shows_the_whole_qr_code(app) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        guest = Guest(pilot)
        await guest.to_door_code("LH4821", "12.08.1974")
        qr = app.screen.query_one("#qr")
        assert qr.region.size == (41, 21)
        assert app.screen.region.contains_region(qr.region)
        assert app.screen.get_widget_at(qr.region.x, qr.region.y)[0] is qr
        assert app.screen.get_widget_at(qr.region.right - 1, qr.region.bottom - 1)[0] is qr
        await guest.click("#next")  # every button still reachable
        assert guest.on("DonePage")


# -- disk trouble (issue 5 §5) -------------------------------------------------------------


def read_only(real):
    """os.open as on a read-only data folder: new files (the store's temporary) fail."""

    def fake(path, flags, *args, **kwargs):
        if flags & os.O_CREAT:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real(path, flags, *args, **kwargs)

    return fake


def disk_fills_up_during(monkeypatch, owner, name: str, data_file) -> dict[str, bytes]:
    """Every call of `owner.name` meets a full disk; returns where the data file as it was
    just before the call is kept (under "before")."""
    real = getattr(owner, name)
    seen: dict[str, bytes] = {}

    def on_a_full_disk(*args, **kwargs):
        seen["before"] = stored(data_file)
        with pytest.MonkeyPatch.context() as disk:
            full_disk(disk, data_file)
            return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, on_a_full_disk)
    return seen


async def test_a_full_disk_at_check_in_is_told_calmly_and_the_guest_finishes_later(
    app, guest_hotel
) -> None:
    data_file = guest_hotel.data_dir.database
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await guest.confirm("LH7388")
        with pytest.MonkeyPatch.context() as disk:
            # Identity is written; the disk fills up as the rooms and keys are written.
            seen = disk_fills_up_during(disk, CheckInSession, "take_offers", data_file)
            await guest.by_hand("17.05.1980", "4711")
            await guest.no_thanks()

            assert guest.on("StorageTroublePage") and app.is_running
            assert shown(app, "Something went wrong on our side")
            assert shown(app, "Nothing was lost. Please ask at the front desk")
            assert str(data_file.parent) not in screen_text(app)  # file names are for staff
            assert stored(data_file) == seen["before"]
            assert guest_hotel.gateway.booking("LH7388").status is BookingStatus.RESERVED
            assert guest_hotel.gateway.grants_of_booking("LH7388") == []
            await guest.choose_language("de")
            assert shown(app, "Bei uns ist etwas schiefgegangen")
            await guest.choose_language("en")

        # The disk works again.
        await guest.click("#try-again")
        assert guest.on("OffersPage")
        await guest.no_thanks()
        assert guest.on("RoomPage")
        booking = guest_hotel.gateway.booking("LH7388")
        assert booking.status is BookingStatus.CHECKED_IN and booking.identity.method == "hand"
        await guest.click("#show-key")
        assert app.screen.query_one("#pin").value == app.session.keys[0].pin


async def test_a_disk_trouble_page_over_the_room_keeps_the_door_code_to_come(app) -> None:
    """Help on the room page with a full disk: the trouble page comes and goes, and the
    door code page built meanwhile still shows the guest's PIN."""
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await guest.to_room("LH7388", "17.05.1980")
        pin = app.session.keys[0].pin
        with pytest.MonkeyPatch.context() as disk:
            full_disk(disk, app.hotel.data_dir.database)
            await guest.click("#help")
            assert guest.on("StorageTroublePage")
        await guest.click("#try-again")
        assert guest.on("RoomPage")
        await guest.click("#show-key")
        assert guest.on("DoorCodePage") and app.screen.query_one("#pin").value == pin != ""


async def test_a_full_disk_as_identity_is_written_is_tried_again_later(app, guest_hotel) -> None:
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await guest.confirm("LH7388")
        with pytest.MonkeyPatch.context() as disk:
            full_disk(disk, app.hotel.data_dir.database)
            await guest.by_hand("17.05.1980", "4711")
            assert guest.on("StorageTroublePage")
        await guest.click("#try-again")
        await guest.click("#check-details")
        await guest.no_thanks()
        assert guest.on("RoomPage")
        assert guest_hotel.gateway.booking("LH7388").identity is not None


@pytest.mark.parametrize("trouble", ["full disk", "read-only data folder"], ids=["enospc", "erofs"])
async def test_help_on_a_failing_disk_says_to_go_to_the_desk(
    app, guest_hotel, trouble: str
) -> None:
    data_file = guest_hotel.data_dir.database
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await guest.find("LH4821")
        before = stored(data_file)
        with pytest.MonkeyPatch.context() as disk:
            if trouble == "full disk":
                full_disk(disk, app.hotel.data_dir.database)
            else:
                disk.setattr(os, "open", read_only(os.open))

            await guest.click("#help")
            assert guest.on("StorageTroublePage") and not shown(app, "Staff are on their way")
            assert not shown(app, "We could not call a colleague")
            await pilot.press("f1")  # still failing: the screen says where help is
            await pilot.pause()
            assert guest.on("StorageTroublePage")
            assert shown(
                app, "We could not call a colleague from here. Please go to the front desk."
            )
            assert stored(data_file) == before and guest_hotel.help.requests() == []

        await guest.click("#help")
        assert shown(app, "Staff are on their way") and help_reasons(guest_hotel) == ["guest"]
        await guest.click("#start-over")
        assert guest.on("WelcomePage") and app.session is None


async def test_a_two_room_booking_says_rooms(app) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        guest = Guest(pilot)
        await guest.find("LH5930")
        assert guest.on("ConfirmPage")
        assert shown(app, "Rooms   2 rooms · Double room")


async def test_after_choosing_a_language_typing_goes_to_the_page(app) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        guest = Guest(pilot)
        await guest.click("#check-in")
        await guest.choose_language("de")
        await until(pilot, lambda: shown(app, "Buchungsnummer"), "the page in German")
        await guest.type("LH4821")
        assert app.screen.query_one("#find-text").value == "LH4821"


async def test_help_asked_on_welcome_is_not_the_next_guests_notice(app, guest_hotel) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        guest = Guest(pilot)
        await guest.click("#help")
        assert shown(app, "Staff are on their way")
        await guest.click("#check-in")
        assert not shown(app, "Staff are on their way")
        # Staff still have the request.
        assert [request.reason for request in guest_hotel.gateway.help_requests()] == ["guest"]
