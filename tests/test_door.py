"""The door (kiosk/door.py): it opens when the disk cannot be written or another process
holds the data lock, and keeps every event it could not write until it can (issue 9); wrong
PINs count over a window that a right one does not reset, with growing lock-outs that give a
guesser under 1 chance in 1,000 a month (issue 10)."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import check_in, events, full_disk, reopen, stored
from kiosk import door
from kiosk.audit import SYSTEM
from kiosk.cli import cli
from kiosk.clock import FixedClock
from kiosk.hotel import Hotel, open_hotel
from kiosk.session import RoomKey

# Assumption behind the monthly figure: a room has at most this many active grants at once
# (its guest's, and an arriving guest's issued before the last one's key expired).
ACTIVE_GRANTS_PER_ROOM = 2


def no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def guessed(pin: str, n: int = 1) -> list[str]:
    return [f"{(int(pin) + step) % 10 ** len(pin):0{len(pin)}d}" for step in range(1, n + 1)]


def guest_key(hotel: Hotel) -> RoomKey:
    """The key of LH6144, checked in at the kiosk."""
    _, result = check_in(hotel, "LH6144")
    (key,) = result.keys
    return key


def pending_files(hotel: Hotel) -> list[Path]:
    folder = hotel.data_dir.root / door.PENDING_FOLDER
    return sorted(path for path in folder.glob("*.json")) if folder.exists() else []


def door_events(hotel: Hotel, room: str) -> list[str]:
    return [event["outcome"] for event in events(hotel, "key_verified") if event["room"] == room]


def wrong_pins_on_file(hotel: Hotel, room: str) -> int:
    return len(reopen(hotel).gateway.counter(f"door:{room}").failed_at)


@contextmanager
def lock_held_elsewhere(hotel: Hotel) -> Iterator[None]:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sys, filelock; l = filelock.FileLock(sys.argv[1]); l.acquire();"
                "print('locked', flush=True); sys.stdin.readline()"
            ),
            f"{hotel.data_dir.database}.lock",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "locked\n"
        yield
    finally:
        holder.communicate("done\n")


def verify(root: Path, room: str, code: str):
    return CliRunner().invoke(
        cli,
        ["--data-dir", str(root), "--kiosk-id", "door-104", "key", "verify", "--room", room, code],
    )


# -- a full disk ----------------------------------------------------------------------------


def test_a_full_disk_opens_the_door_and_the_events_are_written_once_it_can(
    demo_hotel: Hotel, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = guest_key(demo_hotel)
    room = key.room.number
    kiosk_json = stored(demo_hotel.data_dir.database)

    full_disk(monkeypatch)  # nothing at all can be written
    opened = demo_hotel.door.verify(room, key.pin)
    wrong = demo_hotel.door.verify(room, guessed(key.pin)[0])
    by_qr = demo_hotel.door.verify(room, key.token)
    assert (opened.opens, wrong.reason, by_qr.opens) == (True, "wrong_code", True)
    assert (
        "No space left on device" in opened.unrecorded and '"outcome":"open"' in opened.unrecorded
    )
    assert stored(demo_hotel.data_dir.database) == kiosk_json

    monkeypatch.undo()  # space again: the next write of this kiosk folds what it kept
    assert demo_hotel.door.verify(room, key.pin).unrecorded is None
    assert door_events(demo_hotel, room) == ["open", "wrong_code", "open", "open"]
    assert wrong_pins_on_file(demo_hotel, room) == 1


def test_a_store_that_cannot_be_written_keeps_the_events_in_the_pending_folder(
    demo_hotel: Hotel, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = guest_key(demo_hotel)
    room = key.room.number
    # The big file does not fit any more; a small one does.
    full_disk(monkeypatch, demo_hotel.data_dir.database)
    assert demo_hotel.door.verify(room, key.pin).opens
    limit = demo_hotel.profile.door_pin_attempts
    verdicts = []
    for pin in guessed(key.pin, limit):
        clock.advance(seconds=10)
        verdicts.append(reopen(demo_hotel, kiosk_id="door-104").door.verify(room, pin))
    assert len(pending_files(demo_hotel)) == 1 + limit
    # Each door process counted the others' wrong PINs from the pending folder.
    assert verdicts[-1].locked_until == clock.current + timedelta(
        minutes=demo_hotel.profile.door_lockout_minutes
    )
    assert all(verdict.unrecorded is None for verdict in verdicts)
    clock.advance(seconds=1)
    assert demo_hotel.door.verify(room, key.pin).reason == "locked_out"

    monkeypatch.undo()
    demo_hotel.help.request(SYSTEM, "guest")  # any write of any kiosk folds them
    assert pending_files(demo_hotel) == []
    assert door_events(demo_hotel, room) == ["open"] + ["wrong_code"] * limit + ["locked_out"]
    assert wrong_pins_on_file(demo_hotel, room) == limit
    assert [event["room"] for event in events(demo_hotel, "door_locked_out")] == [room]
    assert reopen(demo_hotel).door.verify(room, key.pin).reason == "locked_out"


def test_key_verify_on_a_full_disk_opens_without_a_traceback(
    demo_hotel: Hotel, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = demo_hotel.data_dir.root
    monkeypatch.setattr(door, "LOCK_WAIT_SECONDS", 0)
    full_disk(monkeypatch)
    done = verify(root, "104", "123456")
    assert done.exit_code == 1 and done.stdout == "SHUT: wrong code\n"
    assert "Traceback" not in done.output
    assert "No space left on device" in done.stderr and "kept in memory" in done.stderr
    assert '"room":"104"' in done.stderr  # the event itself, for the door controller's log


# -- a lock held by another process ---------------------------------------------------------


def test_a_lock_held_by_another_process_does_not_keep_the_door_shut(
    demo_hotel: Hotel, clock: FixedClock
) -> None:
    key = guest_key(demo_hotel)
    room = key.room.number
    at_the_door = open_hotel(demo_hotel.data_dir, clock=clock, kiosk_id="door-104", lock_timeout=0)
    with lock_held_elsewhere(demo_hotel):
        opened = at_the_door.door.verify(room, key.pin)
        clock.advance(seconds=1)
        wrong = at_the_door.door.verify(room, guessed(key.pin)[0])
        assert (opened.opens, opened.unrecorded, wrong.reason) == (True, None, "wrong_code")
        assert len(pending_files(demo_hotel)) == 2
    clock.advance(seconds=1)
    at_the_door.door.verify(room, key.token)  # the lock is free: this write folds the two
    assert pending_files(demo_hotel) == []
    assert door_events(demo_hotel, room) == ["open", "wrong_code", "open"]
    assert wrong_pins_on_file(demo_hotel, room) == 1


def test_key_verify_decides_while_another_process_holds_the_lock(
    real_time_house: Hotel, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo_hotel = real_time_house
    key = guest_key(demo_hotel)
    room = key.room.number
    monkeypatch.setattr(door, "LOCK_WAIT_SECONDS", 0)
    with lock_held_elsewhere(demo_hotel):
        for code in (key.pin, key.token):
            done = verify(root, room, code)
            assert (done.exit_code, done.stdout, done.stderr) == (0, f"OPEN: room {room}\n", "")
        done = verify(root, room, guessed(key.pin)[0])
        assert (done.exit_code, done.stdout) == (1, "SHUT: wrong code\n")
    assert len(pending_files(demo_hotel)) == 3
    assert verify(root, room, key.pin).exit_code == 0
    assert pending_files(demo_hotel) == []
    assert door_events(demo_hotel, room) == ["open", "open", "wrong_code", "open"]
    assert {event["kiosk"] for event in events(demo_hotel, "key_verified")} == {"door-104"}


def test_key_verify_on_an_unreadable_data_file_stays_shut_with_a_message(demo_hotel: Hotel) -> None:
    database = demo_hotel.data_dir.database
    database.write_bytes(b"{ broken")
    done = verify(demo_hotel.data_dir.root, "104", "123456")
    assert done.exit_code == 1
    assert done.stdout.startswith(f"SHUT: {database}: ") and "Traceback" not in done.output


def test_key_verify_on_a_damaged_grant_stays_shut_without_a_traceback(demo_hotel: Hotel) -> None:
    key = guest_key(demo_hotel)
    grant = demo_hotel.gateway.grants_of_booking("LH6144")[0]
    with demo_hotel.gateway.store.transaction() as db:  # a hand-edited file: the grant lost its end
        db.table("grants").update({"valid_until": "soon"}, doc_ids=[grant.doc_id])
    done = verify(demo_hotel.data_dir.root, key.room.number, key.pin)
    shut = "SHUT: cannot check the code: ValueError: Invalid isoformat string: 'soon'\n"
    assert (done.exit_code, done.stdout) == (1, shut)
    assert "Traceback" not in done.output


# -- wrong PINs: a window, growing lock-outs ------------------------------------------------


def test_lockouts_grow_with_each_wrong_pin_up_to_the_longest(
    demo_hotel: Hotel, clock: FixedClock
) -> None:
    key = guest_key(demo_hotel)
    room = key.room.number
    profile = demo_hotel.profile
    for pin in guessed(key.pin, profile.door_pin_attempts - 1):
        assert demo_hotel.door.verify(room, pin).locked_until is None
    lockouts = []
    for pin in guessed(key.pin[::-1], 6):
        verdict = demo_hotel.door.verify(room, pin)
        assert verdict.reason == "wrong_code"
        lockouts.append((verdict.locked_until - clock.current) // timedelta(minutes=1))
        clock.current = verdict.locked_until
    assert lockouts == [15, 30, 60, 120, 120, 120]
    assert profile.door_lockout_max_minutes == 120


def test_wrong_pins_older_than_the_window_no_longer_count(
    demo_hotel: Hotel, clock: FixedClock
) -> None:
    key = guest_key(demo_hotel)
    room = key.room.number
    attempts = demo_hotel.profile.door_pin_attempts
    for pin in guessed(key.pin, attempts - 1):
        demo_hotel.door.verify(room, pin)
    clock.advance(hours=demo_hotel.profile.door_pin_window_hours, minutes=1)
    assert demo_hotel.door.verify(room, guessed(key.pin[::-1])[0]).locked_until is None
    assert demo_hotel.door.verify(room, key.pin).opens


def test_a_guesser_has_under_one_chance_in_a_thousand_a_month(
    demo_hotel: Hotel, clock: FixedClock
) -> None:
    """A guesser who types a wrong PIN every 10 seconds whenever the keypad takes one, for 30
    days, on the defaults of hotel.toml; the figures go to the README (Security)."""
    room = next(
        room.number
        for room in demo_hotel.gateway.rooms()
        if not demo_hotel.gateway.grants_of_booking(room.number)
        and not demo_hotel.grants.active(demo_hotel.gateway, room.number)
    )
    start = clock.current
    guesses: list[timedelta] = []
    candidates = iter(range(10**6))
    while clock.current < start + timedelta(days=30):
        verdict = demo_hotel.door.verify(room, f"{next(candidates):06d}")
        assert verdict.reason == "wrong_code"
        guesses.append(clock.current - start)
        clock.current = max(verdict.locked_until or clock.current, clock.current) + timedelta(
            seconds=10
        )
    in_first_hour = sum(1 for at in guesses if at < timedelta(hours=1))
    in_first_day = sum(1 for at in guesses if at < timedelta(days=1))
    chance = len(guesses) * ACTIVE_GRANTS_PER_ROOM / 10**demo_hotel.profile.pin_length
    print(
        json.dumps(
            {
                "first_hour": in_first_hour,
                "first_day": in_first_day,
                "month": len(guesses),
                "per_hour_after_the_first_day": round((len(guesses) - in_first_day) / (29 * 24), 2),
                "chance": chance,
            }
        )
    )
    assert chance < 1 / 1000
