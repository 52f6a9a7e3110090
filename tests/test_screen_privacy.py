"""What the next person at the kiosk must not find: a door PIN behind the idle warning, a QR
key saved as a picture on the kiosk's disk (issue 10)."""

from __future__ import annotations

from textual.widgets import Digits

from helpers import Guest, screen_text, shown
from kiosk.datadir import DataDir
from kiosk.hotel import open_hotel

SIZE = (100, 30)


def pin_rows(app) -> list[str]:
    """The rows of the terminal that the big PIN digits cover, as drawn now."""
    region = app.screen.query_one("#pin", Digits).region
    rows = screen_text(app).splitlines()[region.y : region.bottom]
    return [row[region.x : region.right] for row in rows]


async def test_the_idle_warning_hides_the_door_pin(app, guest_hotel, idle_clock) -> None:
    profile = guest_hotel.profile
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot, idle_clock)
        await guest.to_door_code("LH7388", "17.05.1980")
        (key,) = app.session.keys
        drawn_pin = pin_rows(app)
        assert shown(app, f"Room {key.room.number}") and any(row.strip() for row in drawn_pin)

        await guest.walk_away(profile.idle_timeout - profile.idle_warning + 1)

        assert guest.on("IdleWarning") and shown(app, "Are you still there?")
        on_screen = screen_text(app)
        assert not shown(app, f"Room {key.room.number}") and not shown(app, "Door PIN")
        assert not any(row.strip() and row in on_screen for row in drawn_pin)
        await pilot.press("space")  # the guest is back: the PIN is there again
        assert guest.on("DoorCodePage") and pin_rows(app) == drawn_pin


async def test_the_door_code_page_offers_no_picture_to_save(app, guest_hotel) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await Guest(pilot).to_door_code("LH4821", "12.08.1974")
        assert not app.screen.query("#save-qr") and not shown(app, "picture")
    assert not guest_hotel.data_dir.outbox.exists()


def test_pictures_saved_by_an_older_kiosk_are_deleted_at_start(guest_hotel) -> None:
    outbox = guest_hotel.data_dir.outbox
    outbox.mkdir()
    for name in ("room-104-20260612-143000.png", "room-212-20260611-101500.png"):
        (outbox / name).write_bytes(b"\x89PNG a bearer key")

    open_hotel(DataDir(guest_hotel.data_dir.root), clock=guest_hotel.clock, kiosk_id="restarted")

    assert not outbox.exists()


def test_only_pictures_go_from_the_outbox(guest_hotel) -> None:
    """Something an operator put there is not the kiosk's to delete."""
    outbox = guest_hotel.data_dir.outbox
    outbox.mkdir()
    (outbox / "room-104-20260612-143000.png").write_bytes(b"\x89PNG")
    (outbox / "notes.txt").write_text("mine")

    open_hotel(DataDir(guest_hotel.data_dir.root), clock=guest_hotel.clock, kiosk_id="restarted")

    assert [path.name for path in outbox.iterdir()] == ["notes.txt"]
