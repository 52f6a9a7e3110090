"""Staff mode with Pilot (issue 4): the staff key and PIN, the lock-out, the idle log-out,
each override on the guest session, the lobby dashboard, quitting and the palette.

Every override test checks three things: what the session now says, what the data now
holds, and the audit event with the staff member's name and the reason given."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest
from textual.command import CommandList, CommandPalette
from textual.widgets import (
    Button,
    DataTable,
    Digits,
    RadioButton,
    SelectionList,
    Static,
    TabbedContent,
)

from helpers import (
    AGENT,
    KIOSK,
    MANAGER,
    NOW,
    PINS,
    SIZE,
    WRONG_PIN,
    Guest,
    checked_in,
    click,
    events,
    full_disk,
    give_reason,
    identifying,
    kiosk_app,
    locked,
    log_in,
    no_room,
    override,
    pick_rooms,
    stored,
    type_pin,
    until,
)
from kiosk.clock import FixedClock
from kiosk.datadir import DataDir
from kiosk.hotel import Hotel, open_hotel
from kiosk.models import BookingStatus, HelpStatus, RoomStatus
from kiosk.session import CheckInSession, Step
from screens.staff.dashboard import StaffScreen
from screens.staff.dialogs import KeysDialog, ReasonDialog, RoomPicker
from screens.staff.pin_prompt import StaffPinPrompt
from screens.staff.session_panel import SessionPanel

WORKERS = Path(__file__).parent / "staff_workers"


def last_event(hotel: Hotel, action: str) -> dict:
    found = events(hotel, action)
    assert found, f"no {action} event"
    return found[-1]


def by_staff(event: dict) -> tuple[str, str]:
    return event["actor"], event["detail"].get("reason", "")


def text_of(app, selector: str) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one(selector, Static).render())


# -- entering and leaving ---------------------------------------------------------------------


async def test_staff_key_and_right_pin_open_staff_mode(desk_hotel: Hotel, idle_clock) -> None:
    app = kiosk_app(desk_hotel, idle_clock)
    async with app.run_test(size=SIZE) as pilot:
        guest_screen = app.screen
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, StaffPinPrompt)

        await type_pin(pilot, PINS[MANAGER])

        assert isinstance(app.screen, StaffScreen) and app.staff_mode.member == MANAGER
        assert "Marta Manager (manager)" in text_of(app, "#staff-bar")
        # The guest's screen waited underneath, untouched.
        await pilot.press("f2")
        await pilot.pause()
        assert app.screen is guest_screen and not app.staff_mode.active
    assert [e["actor"] for e in events(desk_hotel, "staff_login")] == ["staff:Marta Manager"]
    assert last_event(desk_hotel, "staff_logout")["detail"] == {"reason": "logout"}


async def test_cancelled_prompt_leaves_the_guest_where_they_were(
    desk_hotel: Hotel, idle_clock
) -> None:
    app = kiosk_app(desk_hotel, idle_clock)
    async with app.run_test(size=SIZE) as pilot:
        guest_screen = app.screen
        await pilot.press("f2", "escape")
        await pilot.pause()
        assert app.screen is guest_screen and not app.staff_mode.active


async def test_no_staff_yet_the_prompt_says_how_to_add_one(tmp_path: Path, idle_clock) -> None:
    empty = open_hotel(DataDir(tmp_path / "data"), clock=FixedClock(NOW), kiosk_id=KIOSK)
    app = kiosk_app(empty, idle_clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        # With this kiosk's folder: a demo's is a temporary one nobody could guess.
        assert f"kiosk --data-dir {empty.data_dir.root} staff add NAME --role manager" in text_of(
            app, "#staff-pin-message"
        )
        assert not app.screen.query("#staff-pin")  # nothing to type a PIN into


async def test_wrong_pins_slow_this_kiosk_down_and_the_right_pin_gets_in_after(
    desk_hotel: Hotel, idle_clock
) -> None:
    app = kiosk_app(desk_hotel, idle_clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        await type_pin(pilot, WRONG_PIN)
        assert "After 4 more wrong PINs" in text_of(app, "#staff-pin-message")
        for _ in range(4):
            await type_pin(pilot, WRONG_PIN)
        assert "checked from 16:30:01" in text_of(app, "#staff-pin-message")  # NOW + 1 s

        await type_pin(pilot, PINS[MANAGER])  # too soon: not even looked at
        assert isinstance(app.screen, StaffPinPrompt) and not app.staff_mode.active
        assert "Try again from 16:30:01" in text_of(app, "#staff-pin-message")

        desk_hotel.clock.advance(seconds=1)
        await type_pin(pilot, PINS[MANAGER])
        assert isinstance(app.screen, StaffScreen) and app.staff_mode.member == MANAGER
    outcomes = [e["outcome"] for e in events(desk_hotel, "staff_login")]
    assert outcomes == ["wrong_pin"] * 5 + ["too_soon", "ok"]


async def test_the_pin_is_hashed_off_the_apps_thread(
    desk_hotel: Hotel, idle_clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """scrypt costs some 45 ms an account: on the app's thread the screen would freeze."""
    import threading

    import kiosk.staff

    hashed_on = []
    real = kiosk.staff.pin_matches

    def watched(pin: str, stored: str) -> bool:
        hashed_on.append(threading.current_thread())
        return real(pin, stored)

    monkeypatch.setattr(kiosk.staff, "pin_matches", watched)
    app = kiosk_app(desk_hotel, idle_clock)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, MANAGER)
        assert app.staff_mode.member == MANAGER
    assert hashed_on and threading.main_thread() not in hashed_on


async def test_another_kiosk_logs_in_at_once_while_this_one_waits(
    desk_hotel: Hotel, idle_clock
) -> None:
    for _ in range(desk_hotel.profile.staff_pin_attempts + 3):
        desk_hotel.staff.login(WRONG_PIN)
    other = open_hotel(desk_hotel.data_dir, clock=desk_hotel.clock, kiosk_id="lobby-2")
    app = kiosk_app(other, idle_clock)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, AGENT)
        assert app.staff_mode.member == AGENT


async def test_idle_staff_mode_logs_out_to_the_guest_screen(desk_hotel: Hotel, idle_clock) -> None:
    app = kiosk_app(desk_hotel, idle_clock, locked(desk_hotel))
    async with app.run_test(size=SIZE) as pilot:
        guest_screen = app.screen
        await log_in(pilot, AGENT)
        await override(pilot, "unlock")  # a dialog open when staff walk away
        timeout = desk_hotel.profile.staff_idle_timeout

        idle_clock.advance(timeout - 1)
        await pilot.press("tab")  # staff still at it: the idle time starts again
        idle_clock.advance(timeout - 1)
        app.staff_mode.check_idle()
        assert app.staff_mode.active

        idle_clock.advance(1)
        app.staff_mode.check_idle()
        await pilot.pause()

        assert app.screen_stack == [guest_screen] and not app.staff_mode.active  # dialog gone too
    assert last_event(desk_hotel, "staff_logout")["detail"] == {"reason": "idle"}
    assert not events(desk_hotel, "session_unlocked")


async def test_the_guests_screen_and_typing_survive_staff_mode(
    desk_hotel: Hotel, idle_clock
) -> None:
    app = kiosk_app(desk_hotel, idle_clock)
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await guest.click("#check-in")
        await guest.type("LH61")
        find_screen = app.screen
        await log_in(pilot, AGENT)
        await pilot.press("f2")
        await pilot.pause()
        assert app.screen is find_screen and find_screen.query_one("#find-text").value == "LH61"


async def test_a_locked_guest_goes_on_once_staff_approve_the_document(
    desk_hotel: Hotel, idle_clock
) -> None:
    app = kiosk_app(desk_hotel, idle_clock)
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await guest.confirm("LH6144")
        for _ in range(desk_hotel.profile.identity_attempts):
            await guest.by_hand("01.01.2020", "T047")  # not the date on file: each try counts
        assert guest.on("LockedPage")

        await log_in(pilot, AGENT)
        await override(pilot, "approve-identity")
        await give_reason(pilot, choice=0)
        await pilot.press("f2")
        await pilot.pause()

        # The kiosk takes the guest on, as after their own identity check: the offers that
        # fit the stay, then the room.
        assert guest.on("OffersPage") and not app.help_pending
        await guest.no_thanks()
        assert guest.on("RoomPage")
    assert desk_hotel.gateway.booking("LH6144").status is BookingStatus.CHECKED_IN


async def test_staff_unlock_a_kiosk_locked_by_failed_lookups(desk_hotel: Hotel, idle_clock) -> None:
    failing = CheckInSession(desk_hotel)
    for _ in range(desk_hotel.profile.lookup_attempts):
        failing.find("ZZ9999", "Nobody")
    assert failing.waiting_until() is not None
    app = kiosk_app(desk_hotel, idle_clock)  # back on Welcome: no guest session
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, AGENT)
        await override(pilot, "unlock")
        await give_reason(pilot, choice=1)
        await pilot.press("f2")
        await pilot.pause()
        guest = Guest(pilot)
        await guest.find("LH6144")
        assert guest.on("ConfirmPage")


# -- overrides on the guest session -----------------------------------------------------------


async def test_approve_identity(desk_hotel: Hotel, idle_clock) -> None:
    session = identifying(desk_hotel)
    app = kiosk_app(desk_hotel, idle_clock, session)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, AGENT)
        await override(pilot, "approve-identity")
        await give_reason(pilot, choice=0)
        assert text_of(app, "#session-outcome") == "Identity approved."

    assert session.step is Step.READY
    identity = desk_hotel.gateway.booking("LH6144").identity
    assert identity is not None and identity.approved_by == AGENT.name
    approved = last_event(desk_hotel, "identity_approved")
    assert by_staff(approved) == ("staff:Arne Agent", "Passport seen at the desk")


async def test_unlock_with_a_written_reason(desk_hotel: Hotel, idle_clock) -> None:
    session = locked(desk_hotel)
    app = kiosk_app(desk_hotel, idle_clock, session)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, AGENT)
        await override(pilot, "unlock")
        await give_reason(pilot, choice=None, note="mail shown")

    assert session.step is Step.IDENTIFY and not desk_hotel.gateway.booking("LH6144").locked
    assert by_staff(last_event(desk_hotel, "session_unlocked")) == (
        "staff:Arne Agent",
        "mail shown",
    )


async def test_a_reason_is_required_and_cancel_changes_nothing(
    desk_hotel: Hotel, idle_clock
) -> None:
    session = locked(desk_hotel)
    app = kiosk_app(desk_hotel, idle_clock, session)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, AGENT)
        await override(pilot, "unlock")
        await click(pilot, "#reason-ok")
        await pilot.pause()
        assert isinstance(app.screen, ReasonDialog)
        assert text_of(app, "#reason-hint") == "Choose a reason or write a note."
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StaffScreen)

    assert session.step is Step.LOCKED and not events(desk_hotel, "session_unlocked")


async def test_choose_rooms_for_a_guest_with_no_room_ready(desk_hotel: Hotel, idle_clock) -> None:
    session = no_room(desk_hotel)
    app = kiosk_app(desk_hotel, idle_clock, session)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, AGENT)
        await override(pilot, "choose-room")
        assert isinstance(app.screen, RoomPicker)
        offered = app.screen.rooms
        assert "105" in {room.number for room in offered}  # dirty, but staff may give it
        assert not {"103", "110", "201"} & {room.number for room in offered}  # held, out of order
        await pick_rooms(pilot, "409")
        await give_reason(pilot, choice=0)
        assert isinstance(app.screen, KeysDialog)
        assert app.screen.query_one(Digits).value == session.keys[0].pin

    assert session.step is Step.KEYS
    booking = desk_hotel.gateway.booking("LH8290")
    assert booking.status is BookingStatus.CHECKED_IN and booking.assigned_rooms == ["409"]
    assigned = last_event(desk_hotel, "rooms_assigned")
    assert by_staff(assigned) == ("staff:Arne Agent", "No room of the booked type ready")
    assert assigned["detail"]["rooms"] == ["409"]


async def test_choose_another_room_moves_a_checked_in_guest(desk_hotel: Hotel, idle_clock) -> None:
    session = checked_in(desk_hotel)
    old = session.keys[0].room.number
    app = kiosk_app(desk_hotel, idle_clock, session)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, AGENT)
        await override(pilot, "choose-room")
        await pick_rooms(pilot, "305")
        await give_reason(pilot, choice=1)
        assert isinstance(app.screen, KeysDialog)

    assert [key.room.number for key in session.keys] == ["305"]
    assert desk_hotel.gateway.booking("LH6144").assigned_rooms == ["305"]
    assert (
        desk_hotel.turnover.occupant(old) is None
        and desk_hotel.turnover.occupant("305") == "LH6144"
    )
    moved = last_event(desk_hotel, "room_reassigned")
    assert by_staff(moved) == ("staff:Arne Agent", "Guest asked for another room")
    assert moved["detail"]["previous"] == old


async def test_reissue_key_revokes_the_old_one_and_shows_the_new_pin(
    desk_hotel: Hotel, idle_clock
) -> None:
    session = checked_in(desk_hotel)
    room = session.keys[0].room.number
    app = kiosk_app(desk_hotel, idle_clock, session)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, AGENT)
        await override(pilot, "reissue-key")
        await give_reason(pilot, choice=0)
        new_pin = app.screen.query_one(Digits).value
        await click(pilot, "#keys-close")
        await pilot.pause()
        assert isinstance(app.screen, StaffScreen)

    assert new_pin == session.keys[0].pin
    grants = desk_hotel.gateway.grants_of_booking("LH6144")
    assert [grant.revoked_at is None for grant in grants] == [False, True]
    assert desk_hotel.door.verify(room, new_pin).opens
    assert by_staff(last_event(desk_hotel, "key_reissued")) == (
        "staff:Arne Agent",
        "Guest forgot the PIN",
    )


async def test_revoke_key(desk_hotel: Hotel, idle_clock) -> None:
    session = checked_in(desk_hotel)
    room = session.keys[0].room.number
    app = kiosk_app(desk_hotel, idle_clock, session)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, AGENT)
        await override(pilot, "revoke-key")
        await give_reason(pilot, choice=0)
        assert text_of(app, "#session-outcome") == f"Key for room {room} revoked."

    assert session.keys == () and not desk_hotel.grants.active(desk_hotel.gateway, room)
    assert by_staff(last_event(desk_hotel, "key_revoked")) == (
        "staff:Arne Agent",
        "Key shared or lost",
    )


async def test_a_manager_undoes_a_check_in(desk_hotel: Hotel, idle_clock) -> None:
    session = checked_in(desk_hotel)
    room = session.keys[0].room.number
    app = kiosk_app(desk_hotel, idle_clock, session)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, MANAGER)
        await override(pilot, "undo-check-in")
        await give_reason(pilot, choice=0)

    booking = desk_hotel.gateway.booking("LH6144")
    assert booking.status is BookingStatus.RESERVED and booking.assigned_rooms == []
    assert desk_hotel.turnover.occupant(room) is None
    assert not desk_hotel.grants.active(desk_hotel.gateway, room)
    assert session.step is Step.READY
    undone = last_event(desk_hotel, "check_in_undone")
    assert by_staff(undone) == ("staff:Marta Manager", "Wrong booking checked in")


async def test_an_agent_cannot_undo_a_check_in(desk_hotel: Hotel, idle_clock) -> None:
    session = checked_in(desk_hotel)
    app = kiosk_app(desk_hotel, idle_clock, session)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, AGENT)
        undo = app.screen.query_one("#undo-check-in", Button)
        assert undo.disabled and undo.tooltip == "Only a manager can undo a check-in."
        await override(pilot, "undo-check-in")
        assert isinstance(app.screen, StaffScreen)  # no reason asked for

        # The palette offers every override; one that does not apply says why at once.
        app.screen.query_one(SessionPanel).run_override("undo-check-in")
        await pilot.pause()
        assert isinstance(app.screen, StaffScreen)
        outcome = app.screen.query_one("#session-outcome", Static)
        assert str(outcome.render()) == "Only a manager can undo a check-in."
        assert outcome.has_class("-refused")

    assert desk_hotel.gateway.booking("LH6144").status is BookingStatus.CHECKED_IN
    assert session.step is Step.KEYS and not events(desk_hotel, "check_in_undone")


def enabled_overrides(app) -> set[str]:  # type: ignore[no-untyped-def]
    buttons = app.screen.query_one("#session-overrides").query(Button)
    return {button.id for button in buttons if not button.disabled}


async def test_only_the_overrides_that_apply_can_be_pressed(desk_hotel: Hotel, idle_clock) -> None:
    looking = CheckInSession(desk_hotel)  # a guest typing a booking code
    app = kiosk_app(desk_hotel, idle_clock, looking)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, AGENT)
        assert enabled_overrides(app) == {"end-session"}
        approve = app.screen.query_one("#approve-identity", Button)
        assert approve.tooltip == "This session has no booking yet."
        await override(pilot, "approve-identity")
        assert isinstance(app.screen, StaffScreen)  # no reason asked for, for nothing

    session = identifying(desk_hotel)
    app = kiosk_app(desk_hotel, idle_clock, session)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, AGENT)
        assert enabled_overrides(app) == {"approve-identity", "end-session"}
        await override(pilot, "approve-identity")
        await give_reason(pilot, choice=0)
        # Identified, not checked in: a room can be given now; no key to change yet.
        assert enabled_overrides(app) == {"choose-room", "end-session"}
        assert app.screen.query_one("#reissue-key", Button).tooltip == (
            "Booking LH6144 is not checked in."
        )


async def test_the_chosen_reason_and_rooms_are_marked_not_only_coloured(
    desk_hotel: Hotel, idle_clock
) -> None:
    session = identifying(desk_hotel)
    app = kiosk_app(desk_hotel, idle_clock, session)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, AGENT)
        await override(pilot, "approve-identity")
        choices = app.screen.query(RadioButton)
        await click(pilot, choices[1])
        marks = [str(choice.render()).split()[0] for choice in choices]
        assert [mark.strip("▐▌") for mark in marks] == ["", "●", ""]
        await click(pilot, "#reason-ok")
        await pilot.pause()

        await override(pilot, "choose-room")
        assert isinstance(app.screen, RoomPicker)
        rooms = app.screen.query_one(SelectionList)
        await pilot.press("down", "space")
        prompts = [str(rooms.get_option_at_index(i).prompt) for i in range(rooms.option_count)]
        assert [prompt[0] for prompt in prompts[:3]] == [" ", "✓", " "]


async def test_end_session(desk_hotel: Hotel, idle_clock) -> None:
    app = kiosk_app(desk_hotel, idle_clock)
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await guest.confirm("LH6144")
        session = app.session
        await log_in(pilot, AGENT)
        await override(pilot, "end-session")
        await give_reason(pilot, choice=0)
        await pilot.press("f2")
        await pilot.pause()
        assert guest.on("WelcomePage") and app.session is None

    assert session.step is Step.ENDED and session.booking is None
    assert by_staff(last_event(desk_hotel, "session_ended")) == ("staff:Arne Agent", "Guest left")


# -- quitting and the palette -----------------------------------------------------------------


async def test_an_agent_cannot_quit(desk_hotel: Hotel, idle_clock) -> None:
    app = kiosk_app(desk_hotel, idle_clock)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, AGENT)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.is_running and app.staff_mode.active
        assert [n.message for n in app._notifications] == ["Only a manager can quit the kiosk."]
    assert last_event(desk_hotel, "kiosk_quit")["outcome"] == "refused"


async def test_a_manager_quits_and_guests_cannot(desk_hotel: Hotel, idle_clock) -> None:
    app = kiosk_app(desk_hotel, idle_clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.is_running  # a guest's ctrl+q does nothing
        await log_in(pilot, MANAGER)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running
    assert app.exit_status == 0  # the one way the kiosk ends that is not a failure
    assert last_event(desk_hotel, "kiosk_quit")["actor"] == "staff:Marta Manager"
    assert last_event(desk_hotel, "staff_logout")["detail"] == {"reason": "quit"}


async def test_command_palette_in_staff_mode_only(desk_hotel: Hotel, idle_clock) -> None:
    app = kiosk_app(desk_hotel, idle_clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert not CommandPalette.is_open(app)

        await log_in(pilot, AGENT)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert CommandPalette.is_open(app)
        await pilot.press(*"show rooms")
        results = app.screen.query_one(CommandList)

        def rooms_highlighted() -> bool:
            option = results.highlighted_option
            return option is not None and "rooms" in str(option.prompt).lower()

        await until(pilot, rooms_highlighted, "the palette's search")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.query_one(TabbedContent).active == "rooms"


# -- the lobby dashboard ----------------------------------------------------------------------


def rows(app, table_id: str) -> list[list[str]]:  # type: ignore[no-untyped-def]
    table = app.screen.query_one(f"#{table_id}", DataTable)
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]


async def show_tab(pilot, tab: str) -> None:  # type: ignore[no-untyped-def]
    await click(pilot, f"#--content-tab-{tab}")
    await pilot.pause()


async def test_arrivals_show_full_names_and_what_each_needs(desk_hotel: Hotel, idle_clock) -> None:
    session = locked(desk_hotel, "LH7015")
    app = kiosk_app(desk_hotel, idle_clock, session)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, AGENT)
        await show_tab(pilot, "arrivals")
        arrivals = {row[0]: row for row in rows(app, "arrivals-table")}

    assert arrivals["LH7015"][1:2] + arrivals["LH7015"][5:6] == ["Siobhan O'Brien", "LOCKED"]
    assert arrivals["LH8471"][5:] == ["checked in", "103"]
    assert arrivals["LH4821"][5] == "reserved"
    assert "LH8356" not in arrivals and "LH8533" not in arrivals  # cancelled; arrives tomorrow


async def test_help_request_from_another_kiosk_appears_and_is_taken_and_closed(
    desk_hotel: Hotel, idle_clock
) -> None:
    app = kiosk_app(desk_hotel, idle_clock)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, AGENT)
        await show_tab(pilot, "help")
        assert rows(app, "help-table") == []

        filed_at = desk_hotel.now()
        # Blocking on purpose: the app stands still while the other kiosk files its request.
        other_kiosk = subprocess.run(  # noqa: ASYNC221
            [
                sys.executable,
                str(WORKERS / "file_help_request.py"),
                str(desk_hotel.data_dir.root),
                "lobby-2",
                "LH7015",
                filed_at.isoformat(),
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        request = other_kiosk.stdout.strip()
        desk_hotel.clock.advance(minutes=3)
        # No restart, no key press: the dashboard's own poll finds it.
        await until(pilot, lambda: bool(rows(app, "help-table")), "the dashboard's poll")
        assert [row[0:5] for row in rows(app, "help-table")] == [
            [request, "3 min", "lobby-2", "guest pressed Help", "LH7015"]
        ]
        assert str(app.screen.query_one(TabbedContent).get_tab("help").label) == "Help (1)"

        await click(pilot, "#help-take")
        await pilot.pause()
        assert rows(app, "help-table")[0][5:] == ["taken", AGENT.name]
        await click(pilot, "#help-close")
        await pilot.pause()
        assert rows(app, "help-table") == []
        assert str(app.screen.query_one(TabbedContent).get_tab("help").label) == "Help (0)"

    assert desk_hotel.help.requests(open_only=False)[-1].status == HelpStatus.CLOSED


async def test_room_board_sets_a_room_status_with_a_reason(desk_hotel: Hotel, idle_clock) -> None:
    app = kiosk_app(desk_hotel, idle_clock)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, AGENT)
        await show_tab(pilot, "rooms")
        board = {row[0]: row for row in rows(app, "rooms-table")}
        assert board["103"][3:] == ["occupied (clean)", "LH8471  Yuki Tanaka"]
        assert board["201"][3] == "out of order"

        table = app.screen.query_one("#rooms-table", DataTable)
        table.move_cursor(row=table.get_row_index("104"))
        await click(pilot, "#room-out_of_order")
        await pilot.pause()
        await give_reason(pilot, choice=2)
        assert {row[0]: row for row in rows(app, "rooms-table")}["104"][3] == "out of order"

    assert (
        next(room for room in desk_hotel.gateway.rooms() if room.number == "104").status
        is RoomStatus.OUT_OF_ORDER
    )
    changed = last_event(desk_hotel, "room_status")
    assert by_staff(changed) == ("staff:Arne Agent", "Maintenance") and changed["room"] == "104"


async def test_audit_trail_filters_by_booking_and_by_staff_member(
    desk_hotel: Hotel, idle_clock
) -> None:
    session = locked(desk_hotel)
    app = kiosk_app(desk_hotel, idle_clock, session)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, AGENT)
        await override(pilot, "unlock")
        await give_reason(pilot, choice=0)
        await show_tab(pilot, "audit")
        everything = rows(app, "audit-table")
        assert len(everything) == len(events(desk_hotel))
        # Newest first: the unlock, then the help request it solved, closing.
        assert [row[2] for row in everything[:2]] == ["help closed", "session unlocked"]

        await click(pilot, "#audit-booking")
        await pilot.press(*"lh6144")
        await pilot.pause()
        assert {row[4] for row in rows(app, "audit-table")} == {"LH6144"}

        app.screen.query_one("#audit-staff").value = AGENT.name
        await pilot.pause()
        assert [row[1:3] for row in rows(app, "audit-table")] == [
            ["staff:Arne Agent", "help closed"],
            ["staff:Arne Agent", "session unlocked"],
        ]


# -- disk trouble and the daily archive (issue 5 §5) -----------------------------------------


def notices(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [notification.message for notification in app._notifications]


async def test_a_full_disk_during_an_override_shows_staff_the_file_and_the_reason(
    desk_hotel: Hotel, idle_clock
) -> None:
    session = locked(desk_hotel)
    data_file = desk_hotel.data_dir.database
    app = kiosk_app(desk_hotel, idle_clock, session)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, AGENT)
        before = stored(data_file)
        with pytest.MonkeyPatch.context() as disk:
            full_disk(disk, data_file)
            await override(pilot, "unlock")
            await give_reason(pilot, choice=0)

            assert app.is_running and isinstance(app.screen, StaffScreen)
            problem = f"{data_file}: cannot write data file: {os.strerror(errno.ENOSPC)}"
            assert notices(app) == [problem]  # (run_test draws no toasts: checked here)
            assert stored(data_file) == before
            assert desk_hotel.gateway.booking("LH6144").locked and session.step is Step.LOCKED

        # The disk works again: the same override goes through.
        await override(pilot, "unlock")
        await give_reason(pilot, choice=0)
        assert text_of(app, "#session-outcome") == "Session unlocked."
    assert session.step is Step.IDENTIFY and not desk_hotel.gateway.booking("LH6144").locked


async def test_choose_room_goes_through_once_the_disk_works_again(
    desk_hotel: Hotel, idle_clock, monkeypatch
) -> None:
    session = no_room(desk_hotel)
    app = kiosk_app(desk_hotel, idle_clock, session)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, AGENT)
        await override(pilot, "choose-room")
        await pick_rooms(pilot, "409")
        full_disk(monkeypatch, desk_hotel.data_dir.database)
        await give_reason(pilot, choice=0)
        assert len(notices(app)) == 1 and isinstance(app.screen, StaffScreen)

        monkeypatch.undo()
        await override(pilot, "choose-room")
        assert isinstance(app.screen, RoomPicker)
        assert app.screen.title_text == "Rooms for LH8290"  # not "move from room 409"
        await pick_rooms(pilot, "409")
        await give_reason(pilot, choice=0)
        assert isinstance(app.screen, KeysDialog)
    assert desk_hotel.gateway.booking("LH8290").assigned_rooms == ["409"]


async def test_staff_mode_is_left_even_on_a_full_disk(
    desk_hotel: Hotel, idle_clock, monkeypatch
) -> None:
    app = kiosk_app(desk_hotel, idle_clock)
    async with app.run_test(size=SIZE) as pilot:
        guest_screen = app.screen
        await log_in(pilot, AGENT)
        full_disk(monkeypatch, desk_hotel.data_dir.database)
        await pilot.press("f2")
        await pilot.pause()
        assert app.screen is guest_screen and not app.staff_mode.active
        assert notices(app) == [
            f"{desk_hotel.data_dir.database}: cannot write data file: No space left on device"
        ]
        # Logging in writes too (the audit trail): the prompt says why it cannot.
        await log_in(pilot, AGENT)
        assert isinstance(app.screen, StaffPinPrompt) and not app.staff_mode.active


async def test_the_daily_archive_runs_on_a_timer_and_staff_see_when_it_fails(
    desk_hotel: Hotel, idle_clock, monkeypatch
) -> None:
    from screens.app import HOUSEKEEPING_SECONDS

    for _ in range(5):  # some stays are over; the desk wrote something every day
        desk_hotel.clock.advance(days=1)
        desk_hotel.staff.logout(AGENT, "end of shift")
    full_disk(monkeypatch, desk_hotel.data_dir.database)
    app = kiosk_app(desk_hotel, idle_clock)
    async with app.run_test(size=SIZE) as pilot:
        app.tick()
        assert app.housekeeping_failed is None, "not due yet"
        idle_clock.advance(HOUSEKEEPING_SECONDS)
        app.tick()  # the timer's tick meets a full disk
        await pilot.pause()
        assert app.housekeeping_failed is not None
        assert app.is_running and not app._notifications  # not the guests' business
        monkeypatch.undo()  # the disk works again

        await log_in(pilot, AGENT)
        assert notices(app) == [str(app.housekeeping_failed)]
        app.housekeeping()
        assert app.housekeeping_failed is not None  # it waits while staff are in
        await pilot.press("f2")
        await pilot.pause()
        idle_clock.advance(HOUSEKEEPING_SECONDS)
        app.tick()
        await pilot.pause()
        assert app.housekeeping_failed is None
    archived = events(desk_hotel, "history_archived")
    assert len(archived) == 1 and archived[0]["detail"]["bookings"] > 0


async def test_staff_serve_a_locked_guest_at_the_desk(desk_hotel: Hotel, idle_clock) -> None:
    """The guest gave up at the kiosk and came to the desk: staff open their booking from
    Arrivals, unlock it, approve the document and give a room; the kiosk's own guest (here
    on Welcome) is left as they were."""
    locked(desk_hotel, "LH7015").forget()  # the guest walked away from the kiosk
    app = kiosk_app(desk_hotel, idle_clock)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, AGENT)
        await show_tab(pilot, "arrivals")
        table = app.screen.query_one("#arrivals-table", DataTable)
        table.move_cursor(row=table.get_row_index("LH7015"))
        await click(pilot, "#arrivals-desk")
        await pilot.pause()
        assert app.screen.query_one(TabbedContent).active == "session"
        facts = str(app.screen.query_one("#session-facts", Static).render())
        assert "at the desk" in facts and "LH7015" in facts and "locked" in facts

        await override(pilot, "unlock")
        await give_reason(pilot, choice=0)
        await override(pilot, "approve-identity")
        await give_reason(pilot, choice=0)
        await override(pilot, "choose-room")
        await pick_rooms(pilot, "104")
        await give_reason(pilot, choice=0)
        assert isinstance(app.screen, KeysDialog)
        pin = app.screen.query_one(Digits).value
        assert desk_hotel.door.verify("104", pin).opens
        await pilot.press("escape")
        await pilot.press("f2")  # log out
        await pilot.pause()
        assert app.session is None and type(app.screen.page).__name__ == "WelcomePage"

    booking = desk_hotel.gateway.booking("LH7015")
    assert booking.status is BookingStatus.CHECKED_IN and booking.assigned_rooms == ["104"]
    opened = last_event(desk_hotel, "session_opened_at_desk")
    assert opened["actor"] == "staff:Arne Agent" and opened["booking"] == "LH7015"
