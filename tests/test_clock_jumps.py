"""A clock that jumps loses nothing (issue 9): the daily archive moves only stays that are
clearly over, notices a host clock out of line with the data and then moves nothing and
calls staff; `kiosk history restore` brings an archived stay back; a fresh key opens a door
whose clock runs a little behind."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import (
    AGENT,
    NOW,
    TODAY,
    booking,
    check_in,
    events,
    furnish,
    reopen,
    set_profile,
    stored,
)
from kiosk import demo
from kiosk.archiving import CLOCK_HELP_REASON, ArchivePaused, RestoreError
from kiosk.cli import cli
from kiosk.clock import FixedClock
from kiosk.datadir import DataDir
from kiosk.hotel import Hotel, open_hotel
from kiosk.models import BookingStatus, HelpStatus, Room
from kiosk.profile import ProfileError
from kiosk.session import CheckInSession
from kiosk.staff import Role

ALL_DEMO_CODES = sorted(guest.code for guest in demo.GUESTS)


def open_codes(hotel: Hotel) -> list[str]:
    return sorted(found.code for found in reopen(hotel).gateway.bookings())


def clock_requests(hotel: Hotel) -> list[dict]:
    return [request for request in hotel.help.requests() if request.reason == CLOCK_HELP_REASON]


# -- what is over ---------------------------------------------------------------------------


def test_only_stays_clearly_over_are_archived(hotel: Hotel) -> None:
    furnish(
        hotel,
        rooms=[Room("101", 1, "double")],
        bookings=[
            booking("LEFT01", arrival=TODAY, nights=3, status=BookingStatus.CHECKED_OUT),
            booking("LONG01", arrival=TODAY - timedelta(days=6), nights=3),  # left three days ago
            booking("YEST01", arrival=TODAY - timedelta(days=2), nights=1),  # left yesterday
            booking(
                "TWOD01",
                arrival=TODAY - timedelta(days=3),
                nights=1,
                status=BookingStatus.CHECKED_IN,
            ),
            booking(
                "STAY01",
                arrival=TODAY - timedelta(days=1),
                nights=1,
                status=BookingStatus.CHECKED_IN,
            ),
            booking("COME01", arrival=TODAY),
        ],
    )
    assert hotel.profile.archive_after_days == 2
    assert hotel.archive.departed() == 2
    assert open_codes(hotel) == ["COME01", "STAY01", "TWOD01", "YEST01"]
    assert sorted(record["booking"]["code"] for record in hotel.archive.history.records()) == [
        "LEFT01",
        "LONG01",
    ]


def test_the_days_a_stay_waits_past_departure_come_from_the_profile(
    root: Path, clock: FixedClock
) -> None:
    set_profile(root, "archive_after_days", "5")
    hotel = open_hotel(DataDir(root), clock=clock, kiosk_id="k1")
    furnish(
        hotel,
        bookings=[
            booking("LONG01", arrival=TODAY - timedelta(days=7), nights=3),
            booking("OLD001", arrival=TODAY - timedelta(days=9), nights=3),
        ],
    )
    assert hotel.archive.departed() == 1
    assert open_codes(hotel) == ["LONG01"]


@pytest.mark.parametrize("value", ["0", "61", '"two"'])
def test_archive_after_days_is_range_checked(root: Path, clock: FixedClock, value: str) -> None:
    set_profile(root, "archive_after_days", value)
    with pytest.raises(ProfileError, match=r"\[stay\] archive_after_days \(line \d+\)"):
        open_hotel(DataDir(root), clock=clock)


# -- a clock out of line with the data ------------------------------------------------------


def test_a_clock_days_ahead_at_a_restart_archives_nothing_and_calls_staff(
    demo_hotel: Hotel, clock: FixedClock
) -> None:
    _, result = check_in(demo_hotel, "LH6144")
    (key,) = result.keys
    room = key.room.number

    clock.advance(days=5)  # the host clock is wrong at the restart
    restarted = reopen(demo_hotel)
    with pytest.raises(
        ArchivePaused, match="5 days 0 hours ahead of the last record written"
    ) as paused:
        restarted.archive.departed()
    assert str(demo_hotel.data_dir.database) in str(paused.value)
    assert open_codes(demo_hotel) == ALL_DEMO_CODES
    assert not demo_hotel.data_dir.history.exists()
    (request,) = clock_requests(restarted)
    (event,) = events(demo_hotel, "archive_paused")
    assert (event["outcome"], event["detail"]["request"]) == ("clock_jump", request.id)
    assert "ahead" in event["detail"]["why"]

    # The timer tries again: still nothing moves, and staff are not called twice.
    with pytest.raises(ArchivePaused, match=f"until staff close help request {request.id}"):
        restarted.archive.departed(once_a_day=True)
    assert len(clock_requests(restarted)) == 1 and len(events(demo_hotel, "archive_paused")) == 1

    clock.current = NOW  # the clock is corrected: nothing was lost
    corrected = reopen(demo_hotel)
    assert (
        corrected.door.verify(room, key.pin).opens and corrected.door.verify(room, key.token).opens
    )
    assert corrected.turnover.occupant(room) == "LH6144"
    assert corrected.gateway.booking("LH4821").status == BookingStatus.RESERVED


def test_a_write_on_a_clock_that_jumped_ahead_does_not_hide_the_jump(
    demo_hotel: Hotel, clock: FixedClock
) -> None:
    """The clock jumps while the kiosk runs, and a guest's lookup is written before the day's
    archive: the archive still sees the jump, because the lookup's write noticed it."""
    clock.advance(days=5)
    CheckInSession(demo_hotel).find(
        "NOSUCH", "Nobody"
    )  # a write at the wrong time, before the archive
    with pytest.raises(ArchivePaused):
        demo_hotel.archive.departed()
    assert open_codes(demo_hotel) == ALL_DEMO_CODES
    assert len(clock_requests(demo_hotel)) == 1


def test_the_archive_waits_until_staff_close_the_clock_help_request(
    demo_hotel: Hotel, clock: FixedClock
) -> None:
    clock.advance(days=5)
    with pytest.raises(ArchivePaused):
        demo_hotel.archive.departed()
    (request,) = clock_requests(demo_hotel)
    demo_hotel.door.verify("104", "000000")  # written on the wrong clock, so no longer "behind"
    with pytest.raises(ArchivePaused):
        demo_hotel.archive.departed()
    assert open_codes(demo_hotel) == ALL_DEMO_CODES

    # Staff checked the host clock (here: it was right, the house was closed) and close it.
    demo_hotel.help.update(AGENT, request.id, HelpStatus.CLOSED)
    assert demo_hotel.archive.departed() > 0
    assert "LH8602" not in open_codes(demo_hotel)  # one night, left four days ago


def test_a_clock_behind_the_last_record_archives_nothing_and_calls_staff(
    demo_hotel: Hotel, clock: FixedClock
) -> None:
    furnish(demo_hotel, bookings=[booking("LEFT01", nights=1, status=BookingStatus.CHECKED_OUT)])
    demo_hotel.door.verify("104", "000000")  # a record on the clock of that day
    clock.current = NOW - timedelta(hours=3)  # then it was set back
    with pytest.raises(ArchivePaused, match="3 hours behind the last record written"):
        reopen(demo_hotel).archive.departed()
    assert "LEFT01" in open_codes(demo_hotel)
    assert len(clock_requests(demo_hotel)) == 1


def test_a_small_step_back_of_the_clock_is_no_jump(demo_hotel: Hotel, clock: FixedClock) -> None:
    furnish(demo_hotel, bookings=[booking("LEFT01", nights=1, status=BookingStatus.CHECKED_OUT)])
    clock.advance(minutes=-2)  # time sync stepped the clock back a little
    assert demo_hotel.archive.departed() == 1
    assert clock_requests(demo_hotel) == []


def test_kiosk_run_starts_though_the_archive_is_paused(demo_hotel: Hotel, monkeypatch) -> None:
    # The demo was written on 14 March 2026; `kiosk run` reads the real clock, months later.
    started = []
    monkeypatch.setattr("screens.app.start", lambda hotel, demo, speaker: started.append(hotel))
    done = CliRunner().invoke(cli, ["--data-dir", str(demo_hotel.data_dir.root), "run"])
    assert done.exit_code == 0, done.output
    assert len(started) == 1
    assert "Warning:" in done.stderr and "ahead of the last record written" in done.stderr
    assert open_codes(demo_hotel) == ALL_DEMO_CODES


async def test_staff_see_the_paused_archive_when_they_log_in(
    demo_hotel: Hotel, clock: FixedClock
) -> None:
    from helpers import IdleClock
    from screens.app import make_app

    demo_hotel.staff.add("Marta Manager", Role.MANAGER, "246810")
    clock.advance(days=5)
    app = make_app(demo_hotel, demo=False, clock=IdleClock())
    async with app.run_test(size=(100, 30)) as pilot:
        app.housekeeping()  # what the daily timer calls
        assert not app._notifications  # not the guests' business
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press(*"246810", "enter")
        await pilot.pause()
        (notice,) = app._notifications
        assert notice.title == "Daily housekeeping failed"
        assert "5 days 0 hours ahead of the last record written" in notice.message
        assert "close help request" in notice.message
    assert open_codes(demo_hotel) == ALL_DEMO_CODES


# -- bringing a stay back -------------------------------------------------------------------


def archived_guest(demo_hotel: Hotel, clock: FixedClock) -> tuple[Hotel, object]:
    """LH6144 checked in, then archived by a clock six days ahead that staff trusted."""
    _, result = check_in(demo_hotel, "LH6144")
    clock.advance(days=6)
    with pytest.raises(ArchivePaused):
        demo_hotel.archive.departed()
    (request,) = clock_requests(demo_hotel)
    demo_hotel.help.update(AGENT, request.id, HelpStatus.CLOSED)
    demo_hotel.archive.departed()
    assert demo_hotel.gateway.booking("LH6144") is None
    clock.current = NOW
    return demo_hotel, result.keys[0]


def test_history_restore_brings_a_stay_back_with_its_keys(
    demo_hotel: Hotel, clock: FixedClock
) -> None:
    hotel, key = archived_guest(demo_hotel, clock)
    room = key.room.number
    before = hotel.door.verify(room, key.pin)
    assert before.reason == "wrong_code"
    (record,) = [
        found for found in hotel.archive.history.records() if found["booking"]["code"] == "LH6144"
    ]

    restored, grants = hotel.archive.restore("lh-6144")
    assert (restored.code, restored.status, grants) == ("LH6144", BookingStatus.CHECKED_IN, 1)
    again = reopen(hotel)
    assert (
        again.gateway.booking("LH6144").assigned_rooms == [room]
        and again.turnover.occupant(room) == "LH6144"
    )
    assert [grant.to_doc() for grant in again.gateway.grants_of_booking("LH6144")] == record[
        "grants"
    ]
    assert again.door.verify(room, key.pin).opens and again.door.verify(room, key.token).opens
    (event,) = events(hotel, "history_restored")
    assert (event["actor"], event["booking"], event["detail"]["grants"]) == ("system", "LH6144", 1)


def test_history_restore_refuses_an_unknown_or_open_stay(
    demo_hotel: Hotel, clock: FixedClock
) -> None:
    hotel, _ = archived_guest(demo_hotel, clock)
    kiosk_json = stored(hotel.data_dir.database)
    with pytest.raises(RestoreError, match=r"There is no stay NOSUCH in .*history\.jsonl"):
        hotel.archive.restore("NOSUCH")
    with pytest.raises(RestoreError, match="LH8719 is open, not in history"):
        hotel.archive.restore("LH8719")  # four nights: not over yet
    assert stored(hotel.data_dir.database) == kiosk_json

    hotel.archive.restore("LH6144")
    with pytest.raises(RestoreError, match="LH6144 is open"):
        hotel.archive.restore("LH6144")
    assert len(hotel.gateway.grants_of_booking("LH6144")) == 1


def test_history_restore_refuses_a_stay_whose_room_was_given_again(
    demo_hotel: Hotel, clock: FixedClock
) -> None:
    hotel, key = archived_guest(demo_hotel, clock)
    # Its room went to the next guest while LH6144 was in history.
    holder = "LH8719"
    with hotel.transaction() as db:
        db.save_booking(
            replace(
                db.booking(holder),
                status=BookingStatus.CHECKED_IN,
                assigned_rooms=[key.room.number],
            )
        )
    with pytest.raises(RestoreError, match=f"Room {key.room.number} is held by {holder} now"):
        hotel.archive.restore("LH6144")
    assert hotel.gateway.booking("LH6144") is None


def test_kiosk_history_restore_on_the_command_line(demo_hotel: Hotel, clock: FixedClock) -> None:
    hotel, _ = archived_guest(demo_hotel, clock)
    root = str(hotel.data_dir.root)
    done = CliRunner().invoke(cli, ["--data-dir", root, "history", "restore", "LH6144"])
    assert done.exit_code == 0, done.output
    assert (
        done.output.startswith("Restored LH6144 (checked_in,")
        and "with 1 key grant." in done.output
    )
    done = CliRunner().invoke(cli, ["--data-dir", root, "history", "restore", "LH6144"])
    assert (
        done.exit_code == 1 and "LH6144 is open, not in history; nothing restored." in done.output
    )
    assert "Traceback" not in done.output
    assert "restore" in CliRunner().invoke(cli, ["history", "--help"]).output
    assert "history" in CliRunner().invoke(cli, ["--help"]).output


# -- a fresh key and a door clock a little behind -------------------------------------------


def test_a_fresh_key_opens_a_door_whose_clock_is_two_minutes_behind(
    demo_hotel: Hotel, clock: FixedClock
) -> None:
    _, result = check_in(demo_hotel, "LH6144")
    (key,) = result.keys
    clock.advance(minutes=-2)
    assert demo_hotel.door.verify(key.room.number, key.pin).opens
    assert demo_hotel.door.verify(key.room.number, key.token).opens
    clock.advance(minutes=-10)
    assert demo_hotel.door.verify(key.room.number, key.token).reason == "not_yet_valid"


def test_a_door_lock_out_set_on_a_clock_days_ahead_ends_once_the_clock_is_right(
    demo_hotel: Hotel, clock: FixedClock
) -> None:
    _, result = check_in(demo_hotel, "LH6144")
    (key,) = result.keys
    room = key.room.number
    clock.advance(days=5)
    for pin in [f"{(int(key.pin) + step) % 10**6:06d}" for step in range(1, 6)]:
        demo_hotel.door.verify(room, pin)
    assert demo_hotel.door.verify(room, key.pin).reason == "locked_out"
    clock.current = NOW + timedelta(minutes=5)  # corrected
    assert demo_hotel.door.verify(room, key.pin).opens
    # The wrong PINs counted on the wrong clock do not bring the next lock-out closer.
    assert demo_hotel.door.verify(room, f"{(int(key.pin) + 7) % 10**6:06d}").locked_until is None
