"""Snapshots of staff mode: the PIN prompt, the dashboard and the override dialogs.

Deterministic: a fixed clock in the hotel's time zone, fixed door PINs (`fixed_codes`),
and nothing on these screens that comes from a random session id.
Update with `pytest tests/test_staff_snapshots.py --snapshot-update`, then look at them."""

from __future__ import annotations

from pathlib import Path

from helpers import (
    AGENT,
    KIOSK,
    MANAGER,
    NOW,
    SIZE,
    WRONG_PIN,
    give_reason,
    kiosk_app,
    locked,
    log_in,
    no_room,
    override,
    pick_rooms,
    type_pin,
)
from kiosk.clock import FixedClock
from kiosk.datadir import DataDir
from kiosk.hotel import Hotel, open_hotel


def test_pin_prompt_after_a_wrong_pin(snap_compare, desk_hotel: Hotel, idle_clock) -> None:
    async def wrong_pin_once(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("f2")
        await pilot.pause()
        await type_pin(pilot, WRONG_PIN)

    assert snap_compare(
        kiosk_app(desk_hotel, idle_clock), run_before=wrong_pin_once, terminal_size=SIZE
    )


def test_pin_prompt_before_any_staff_account(snap_compare, tmp_path: Path, idle_clock) -> None:
    empty = open_hotel(DataDir(tmp_path / "data"), clock=FixedClock(NOW), kiosk_id=KIOSK)
    # The prompt names the kiosk's folder: the same one in every run keeps the picture the
    # same (nothing else reads the folder's name while the prompt is up).
    empty.data_dir = DataDir(Path("/var/lib/lobby-kiosk"))
    assert snap_compare(kiosk_app(empty, idle_clock), press=["f2"], terminal_size=SIZE)


def test_dashboard_on_a_locked_session(snap_compare, desk_hotel: Hotel, idle_clock) -> None:
    async def staff_in(pilot) -> None:  # type: ignore[no-untyped-def]
        await log_in(pilot, AGENT)

    app = kiosk_app(desk_hotel, idle_clock, locked(desk_hotel))
    assert snap_compare(app, run_before=staff_in, terminal_size=SIZE)


def test_reason_dialog(snap_compare, desk_hotel: Hotel, idle_clock) -> None:
    async def unlock(pilot) -> None:  # type: ignore[no-untyped-def]
        await log_in(pilot, AGENT)
        await override(pilot, "unlock")

    app = kiosk_app(desk_hotel, idle_clock, locked(desk_hotel))
    assert snap_compare(app, run_before=unlock, terminal_size=SIZE)


def test_free_room_picker(snap_compare, desk_hotel: Hotel, idle_clock) -> None:
    async def choose_room(pilot) -> None:  # type: ignore[no-untyped-def]
        await log_in(pilot, AGENT)
        await override(pilot, "choose-room")

    app = kiosk_app(desk_hotel, idle_clock, no_room(desk_hotel))
    assert snap_compare(app, run_before=choose_room, terminal_size=SIZE)


def test_new_key_dialog(snap_compare, desk_hotel: Hotel, idle_clock, fixed_codes) -> None:
    async def give_room(pilot) -> None:  # type: ignore[no-untyped-def]
        await log_in(pilot, MANAGER)
        await override(pilot, "choose-room")
        await pick_rooms(pilot, "409")
        await give_reason(pilot, choice=0)

    app = kiosk_app(desk_hotel, idle_clock, no_room(desk_hotel))
    assert snap_compare(app, run_before=give_room, terminal_size=SIZE)
