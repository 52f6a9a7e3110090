"""Never a shell, never a traceback (issue 10).

Found: a guest named `[/oops]` crashed staff mode and the app exited with status 0 to a
root shell; a hand-edited booking crashed a guest's lookup with a traceback that printed
another guest's name. Here an error nobody expected is injected (a session method that
raises, with a guest's name in its message and in its locals): the guest gets a calm page
and the way to the desk, staff are called, the log names no one, the kiosk stays up."""

from __future__ import annotations

import configparser
import json
import sys
from pathlib import Path

import pytest

from helpers import MANAGER, Guest, kiosk_app, log_in, shown
from kiosk import cli, error_report, lobby
from kiosk.gateway import Gateway
from kiosk.hotel import Hotel
from kiosk.session import CheckInSession
from screens.staff.dashboard import StaffScreen

SIZE = (100, 30)
GUEST = "Anna Eriksson"  # LH4821's guest in the demo


def a_bug_that_knows_the_guest(session: CheckInSession) -> None:
    guest_on_file = session.booking.guest_name  # a local a traceback would print
    raise RuntimeError(f"cannot confirm {guest_on_file}")


def log_lines(hotel: Hotel) -> list[dict]:
    return [json.loads(line) for line in error_report.log_path(hotel).read_text().splitlines()]


def error_events(hotel: Hotel) -> list[dict]:
    return [
        event
        for event in hotel.audit_trail.events(limit=1000)
        if event["action"] == "unexpected_error"
    ]


async def test_an_error_in_a_step_shows_a_calm_page_calls_staff_and_logs_no_name(
    app, guest_hotel, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(CheckInSession, "confirm", a_bug_that_knows_the_guest)
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await guest.confirm("LH4821")

        assert app.is_running and guest.on("UnexpectedErrorPage")
        assert shown(app, "Sorry, something went wrong on our side") and shown(app, "front desk")
        assert app.session is None and not shown(app, GUEST)
        assert [request.reason for request in guest_hotel.help.requests()] == ["unexpected_error"]

        monkeypatch.undo()  # the next guest finds the kiosk working
        await guest.click("#start-over")
        assert guest.on("WelcomePage")
        await guest.confirm("LH4821")
        assert guest.on("IdentityChoicePage")

    log = error_report.log_path(guest_hotel).read_text()
    assert "Anna" not in log and "Eriksson" not in log and "cannot confirm" not in log
    (entry,) = log_lines(guest_hotel)
    (raised,) = entry["error"]
    assert raised["type"] == "RuntimeError"
    assert raised["frames"][-1]["function"] == "a_bug_that_knows_the_guest"
    (event,) = error_events(guest_hotel)
    assert event["detail"]["error"] == "RuntimeError" and event["detail"]["log_id"] == entry["id"]
    assert "a_bug_that_knows_the_guest" in event["detail"]["where"]


async def test_an_error_in_a_callback_is_caught_too(app, guest_hotel) -> None:
    """Timers, workers and callbacks reach Textual's exception handler, not a widget's."""

    def failing_callback() -> None:
        raise KeyError(GUEST)

    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot)
        await guest.find("LH4821")
        app.call_later(failing_callback)
        await pilot.pause()

        assert app.is_running and guest.on("UnexpectedErrorPage")
    assert GUEST not in error_report.log_path(guest_hotel).read_text()
    assert [event["detail"]["error"] for event in error_events(guest_hotel)] == ["KeyError"]


async def test_an_error_that_recurs_is_reported_once_a_minute_and_staff_called_once(
    app, guest_hotel, idle_clock
) -> None:
    """A widget that fails on every frame must not fill the log, the audit trail and the
    help list."""

    def failing_callback() -> None:
        raise KeyError(GUEST)

    async with app.run_test(size=SIZE) as pilot:
        for _ in range(3):
            app.call_later(failing_callback)
            await pilot.pause()
        assert Guest(pilot).on("UnexpectedErrorPage")
        assert len(error_events(guest_hotel)) == 1

        idle_clock.advance(60)
        app.call_later(failing_callback)
        await pilot.pause()
    assert len(error_events(guest_hotel)) == len(log_lines(guest_hotel)) == 2
    assert len(guest_hotel.help.requests()) == 1  # staff are on their way already


async def test_an_error_in_staff_mode_tells_staff_and_leaves_the_guest_alone(
    desk_hotel: Hotel, idle_clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_arrivals(hotel: Hotel) -> list:
        raise ValueError(GUEST)

    monkeypatch.setattr(lobby, "arrivals", failing_arrivals)
    app = kiosk_app(desk_hotel, idle_clock)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, MANAGER)
        await pilot.click("#--content-tab-arrivals")
        await pilot.pause()

        assert app.is_running and isinstance(app.screen, StaffScreen)
        (notice,) = app._notifications
        assert notice.title == "Unexpected error" and "ValueError at" in notice.message
        assert GUEST not in notice.message
    assert not desk_hotel.help.requests()  # staff are already here
    assert len(error_events(desk_hotel)) == 1


async def test_the_exit_status_is_not_0_unless_a_manager_quits(
    desk_hotel: Hotel, idle_clock
) -> None:
    """A manager's quit gives 0 (tests/test_staff_mode.py); nothing else does."""
    app = kiosk_app(desk_hotel, idle_clock)
    async with app.run_test(size=SIZE) as pilot:
        app.exit()  # anything else that ends it: Textual, a signal, a bug
        await pilot.pause()
    assert app.exit_status != 0


async def test_a_kiosk_that_cannot_show_the_calm_page_exits_with_status_1(
    app, guest_hotel, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Then the service manager restarts it (deploy/); never a shell with status 0."""

    def broken_welcome() -> None:
        raise RuntimeError("the screen itself is broken")

    async with app.run_test(size=SIZE) as pilot:
        monkeypatch.setattr(app, "welcome_next_guest", broken_welcome)
        app.call_later(a_bug_that_knows_the_guest, CheckInSession(guest_hotel))
        await pilot.pause()
    assert not app.is_running and app.exit_status == 1


def test_the_command_line_prints_no_traceback_for_a_bug(
    guest_hotel: Hotel, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    def failing_bookings(self: Gateway, **filters: object) -> list:
        raise KeyError(GUEST)

    monkeypatch.setattr(Gateway, "bookings", failing_bookings)
    monkeypatch.setattr(
        sys, "argv", ["kiosk", "--data-dir", str(guest_hotel.data_dir.root), "bookings"]
    )
    with pytest.raises(SystemExit) as exited:
        cli.main()

    assert exited.value.code == cli.EXIT_INTERNAL_ERROR
    error = capsys.readouterr().err
    assert (
        "Internal error: KeyError at test_crash_recovery.py" in error
        and "in failing_bookings" in error
    )
    assert "Traceback" not in error and "Eriksson" not in error


@pytest.mark.parametrize(
    ("unit", "command"), [("lobby-kiosk.service", " run"), ("lobby-kiosk-serve.service", " serve ")]
)
def test_the_shipped_service_restarts_a_kiosk_that_fails(unit: str, command: str) -> None:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.read(Path(__file__).parent.parent / "deploy" / unit, encoding="utf-8")
    service = parser["Service"]
    assert command in service["ExecStart"] and service["ExecStart"].startswith(
        "/opt/lobby-kiosk/bin/kiosk"
    )
    # on-failure: a manager's quit (status 0, tested above) stops it; anything else restarts it.
    assert service["Restart"] == "on-failure"
    assert parser["Install"]["WantedBy"] == "multi-user.target"
