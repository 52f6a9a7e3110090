"""The QR key as the guest sees it: read back from the terminal's cells, decoded by a real
QR reader, and tried on the door."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from click.testing import CliRunner
from PIL import Image

from helpers import Guest
from kiosk import cli
from kiosk.hotel import open_hotel

UPPER, LOWER, FULL = "▀", "▄", "█"
MODULE_PIXELS = 8


def _is_dark(color) -> bool:
    rgb = color.get_truecolor()
    return (rgb.red + rgb.green + rgb.blue) / 3 < 128


def modules_on_screen(app) -> list[list[bool]]:
    """The QR modules as the terminal shows them: each cell is two modules, upper and lower,
    each drawn in the cell's foreground or background colour depending on the character."""
    region = app.screen.query_one("#qr").region
    strips = app.screen._compositor.render_strips()
    rows: list[list[bool]] = []
    for y in range(region.y, region.bottom):
        upper, lower = [], []
        cells = [(char, segment.style) for segment in strips[y] for char in segment.text]
        for char, style in cells[region.x : region.right]:
            upper.append(_is_dark(style.color if char in (UPPER, FULL) else style.bgcolor))
            lower.append(_is_dark(style.color if char in (LOWER, FULL) else style.bgcolor))
        rows += [upper, lower]
    return rows[: region.width]  # 41 modules square; the last cell row's lower half is padding


def decode(modules: list[list[bool]]) -> str:
    size = len(modules)
    image = Image.new("L", (size, size))
    image.putdata([0 if dark else 255 for row in modules for dark in row])
    image = image.resize((size * MODULE_PIXELS, size * MODULE_PIXELS), Image.Resampling.NEAREST)
    # try_invert=False: only a dark-on-light code counts, as a door reader would see it.
    (barcode,) = zxingcpp.read_barcodes(
        image, formats=zxingcpp.BarcodeFormat.QRCode, try_invert=False
    )
    return barcode.text


def door_verify(monkeypatch, hotel, room: str, code: str) -> int:
    """`kiosk key verify` on the hotel's data directory, at the tests' fixed time."""
    monkeypatch.setattr(
        cli,
        "open_hotel",
        lambda data_dir, **kw: open_hotel(data_dir, **{**kw, "clock": hotel.clock}),
    )
    result = CliRunner().invoke(
        cli.cli, ["--data-dir", str(hotel.data_dir.root), "key", "verify", "--room", room, code]
    )
    return result.exit_code


@pytest.mark.parametrize("size", [(100, 30), (80, 24), (43, 46)], ids=["100x30", "80x24", "phone"])
async def test_qr_on_screen_opens_the_door(app, guest_hotel, monkeypatch, size) -> None:
    async with app.run_test(size=size) as pilot:
        await Guest(pilot).to_door_code("LH4821", "12.08.1974")
        (key,) = app.session.keys
        pin = app.screen.query_one("#pin")
        assert pin.value == key.pin and app.screen.region.contains_region(pin.region)
        modules = modules_on_screen(app)
        assert len(modules) == 41 and all(len(row) == 41 for row in modules)
        quiet_zone = modules[:4] + modules[-4:] + [row[:4] + row[-4:] for row in modules]
        assert not any(any(row) for row in quiet_zone)
        token = decode(modules)

        app.theme = "textual-light"  # dark on light whatever the theme
        await pilot.pause()
        assert modules_on_screen(app) == modules

    room = key.room.number
    assert guest_hotel.door.verify(room, token).opens
    assert door_verify(monkeypatch, guest_hotel, room, token) == 0
    other_room = "204" if room != "204" else "205"
    assert door_verify(monkeypatch, guest_hotel, other_room, token) == 1


async def test_no_save_my_key_at_a_terminal(app) -> None:
    async with app.run_test(size=(43, 46)) as pilot:
        await Guest(pilot).to_door_code("LH4821", "12.08.1974")
        assert app.screen.query_one("#pin") and not app.screen.query("#save-key")


async def test_save_my_key_delivers_the_qr_picture_to_the_browser(app, monkeypatch) -> None:
    """In a browser the guest saves the QR code on their own device, as a picture a
    reader decodes to their key (Textual's delivery: nothing written on the kiosk)."""
    delivered: list[tuple[bytes, dict]] = []

    def deliver_binary(self, file, **options) -> str:
        delivered.append((file.read(), options))
        return "delivery-1"

    monkeypatch.setattr(type(app), "deliver_binary", deliver_binary)
    monkeypatch.setattr(type(app), "is_web", property(lambda self: True))
    async with app.run_test(size=(43, 46)) as pilot:
        guest = Guest(pilot)
        await guest.to_door_code("LH4821", "12.08.1974")
        (key,) = app.session.keys
        await guest.click("#save-key")
    ((picture, options),) = delivered
    assert options["mime_type"] == "image/png"
    (barcode,) = zxingcpp.read_barcodes(
        Image.open(io.BytesIO(picture)), formats=zxingcpp.BarcodeFormat.QRCode, try_invert=False
    )
    assert barcode.text == key.token
