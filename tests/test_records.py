"""Records are checked when kiosk.json is read (issue 10): a booking with one hand-edited field
(arrival as a number) crashed a guest's lookup with a traceback that printed another
guest's name. Now the file is refused like a corrupt one, naming the record and the field."""

from __future__ import annotations

import json
import sys

import pytest
from click.testing import CliRunner

from helpers import Guest, shown
from kiosk import cli
from kiosk.hotel import Hotel, open_hotel
from kiosk.storage import CorruptDataError

SIZE = (100, 30)


def edit_record(hotel: Hotel, table: str, code_field: str, code: str, **fields: object) -> str:
    """Change a record in kiosk.json as a text editor (or another program) would; returns
    its document id."""
    path = hotel.data_dir.database
    data = json.loads(path.read_text(encoding="utf-8"))
    doc_id = next(key for key, doc in data[table].items() if doc[code_field] == code)
    data[table][doc_id].update(fields)
    path.write_text(json.dumps(data), encoding="utf-8")
    return doc_id


def reopen(hotel: Hotel) -> Hotel:
    return open_hotel(hotel.data_dir, clock=hotel.clock, kiosk_id="test-kiosk")


def test_a_mistyped_field_stops_the_start_naming_record_and_field(guest_hotel: Hotel) -> None:
    doc_id = edit_record(guest_hotel, "bookings", "code", "LH6144", arrival=20260612)

    with pytest.raises(CorruptDataError) as refused:
        reopen(guest_hotel)

    message = str(refused.value)
    assert str(guest_hotel.data_dir.database) in message
    assert f"table 'bookings' record {doc_id} (code LH6144)" in message
    assert "'arrival' must be a date (YYYY-MM-DD), not a number" in message
    assert "20260612" not in message and "Müller" not in message


@pytest.mark.parametrize(
    ("table", "key", "code", "fields", "problem"),
    [
        ("bookings", "code", "LH4821", {"last_name": None}, "'last_name' must be text, not null"),
        ("bookings", "code", "LH4821", {"status": "arrived"}, "'status' must be a booking status"),
        (
            "bookings",
            "code",
            "LH4821",
            {"assigned_rooms": "104"},
            "'assigned_rooms' must be a list",
        ),
        (
            "rooms",
            "number",
            "104",
            {"floor": "1"},
            "'floor' must be a whole number, not other text",
        ),
        (
            "bookings",
            "code",
            "LH4821",
            {"date_of_birth": "12.08.1974"},
            "'date_of_birth' must be a date",
        ),
    ],
)
def test_each_kind_of_mistake_is_named(guest_hotel, table, key, code, fields, problem) -> None:
    edit_record(guest_hotel, table, key, code, **fields)
    with pytest.raises(CorruptDataError, match=problem):
        reopen(guest_hotel)


def test_a_missing_required_field_is_named(guest_hotel: Hotel) -> None:
    path = guest_hotel.data_dir.database
    data = json.loads(path.read_text(encoding="utf-8"))
    doc_id, doc = next(
        (key, doc) for key, doc in data["bookings"].items() if doc["code"] == "LH4821"
    )
    del doc["departure"]
    path.write_text(json.dumps(data), encoding="utf-8")

    with pytest.raises(
        CorruptDataError, match=f"record {doc_id} \\(code LH4821\\): has no 'departure'"
    ):
        reopen(guest_hotel)


def test_a_bad_record_written_by_another_process_is_refused_on_re_read(guest_hotel: Hotel) -> None:
    assert guest_hotel.gateway.booking("LH4821") is not None
    edit_record(guest_hotel, "bookings", "code", "LH6144", departure=["2026-06-14"])

    with pytest.raises(CorruptDataError, match="'departure' must be a date"):
        guest_hotel.gateway.booking("LH4821")


async def test_a_guest_meets_a_calm_page_not_a_traceback(app, guest_hotel: Hotel) -> None:
    async with app.run_test(size=SIZE) as pilot:
        edit_record(guest_hotel, "bookings", "code", "LH6144", arrival=20260612)
        guest = Guest(pilot)
        await guest.click("#check-in")  # the first read of the data since the edit

        assert app.is_running and guest.on("StorageTroublePage")
        assert shown(app, "Something went wrong on our side") and not shown(app, "Müller")


def test_the_command_line_names_the_record_without_a_traceback(guest_hotel: Hotel) -> None:
    edit_record(guest_hotel, "bookings", "code", "LH6144", arrival=20260612)

    result = CliRunner().invoke(cli.cli, ["--data-dir", str(guest_hotel.data_dir.root), "bookings"])

    assert result.exit_code == 1
    assert "record" in result.output and "'arrival' must be a date" in result.output
    assert "Traceback" not in result.output


def test_a_bad_record_seen_in_the_middle_of_a_command_is_a_message(
    guest_hotel: Hotel, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """Opened fine, then another process writes a bad record before the command reads it."""
    opened = cli.open_hotel

    def open_then_edited(*args: object, **kwargs: object) -> Hotel:
        fresh = opened(*args, **kwargs)
        edit_record(fresh, "bookings", "code", "LH6144", arrival=20260612)
        return fresh

    monkeypatch.setattr(cli, "open_hotel", open_then_edited)
    monkeypatch.setattr(
        sys, "argv", ["kiosk", "--data-dir", str(guest_hotel.data_dir.root), "bookings"]
    )
    with pytest.raises(SystemExit) as exited:
        cli.main()

    assert exited.value.code == 1
    error = capsys.readouterr().err
    assert "'arrival' must be a date" in error and "Traceback" not in error
