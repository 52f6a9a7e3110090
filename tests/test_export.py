"""`kiosk export` (kiosk/export.py): every check-in, room move, check-out, charge and void
since a moment, with ids that a second export repeats, the same in CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import AGENT, NOW, booking, check_in, furnish, reopen
from kiosk import export
from kiosk.check_out import CheckOutSession
from kiosk.cli import cli
from kiosk.clock import FixedClock
from kiosk.hotel import Hotel
from kiosk.models import Charge, ChargeKind, Room

ROOMS = [Room("201", 2, "double"), Room("202", 2, "double")]


def a_stay(hotel: Hotel, clock: FixedClock) -> Hotel:
    """AB123 checks in to 201 at NOW, is moved to 202, has breakfast charged and an upgrade
    charged and voided, and checks out the next morning."""
    furnish(hotel, ROOMS, [booking("AB123", nights=1)])
    session, checked_in = check_in(hotel, "AB123")
    (key,) = checked_in.keys
    clock.advance(minutes=10)
    moved = session.reassign_room(AGENT, key.room.number, "202", "noise")
    upgrade = Charge(
        id="UPG1",
        booking="AB123",
        kind=ChargeKind.UPGRADE,
        description="Upgrade to a suite",
        amount=Decimal("40.00"),
        currency="EUR",
        charged_at=hotel.now(),
        charged_by="guest:abc",
    )
    with hotel.transaction() as db:
        db.add_charge(upgrade)
        db.add_charge(
            Charge(
                id="BRK1",
                booking="AB123",
                kind=ChargeKind.BREAKFAST,
                description="Frühstück",
                amount=Decimal("18.00"),
                currency="EUR",
                charged_at=hotel.now(),
                charged_by="guest:abc",
            )
        )
    clock.advance(minutes=5)
    with hotel.transaction() as db:
        db.save_charge(replace(upgrade, voided_at=hotel.now(), void_reason="changed their mind"))
    clock.current = NOW.replace(hour=9) + timedelta(days=1)
    leaving = CheckOutSession(hotel)
    leaving.identify("202", moved.pin)
    leaving.confirm()
    return hotel


@pytest.fixture
def stayed(hotel: Hotel, clock: FixedClock) -> Hotel:
    return a_stay(hotel, clock)


def test_every_event_of_a_stay_is_exported_in_order(stayed: Hotel) -> None:
    found = export.rows(stayed, NOW - timedelta(hours=1))
    assert [(row["type"], row["room"], row["amount"]) for row in found] == [
        ("check_in", "201", None),
        ("room_move", "202", None),
        ("charge", None, "18.00"),
        ("charge", None, "40.00"),
        ("charge_void", None, "-40.00"),
        ("check_out", "202", "18.00"),
    ]
    move = found[1]
    assert (move["previous_room"], move["reason"], move["actor"]) == (
        "201",
        "noise",
        "staff:Arne Agent",
    )
    assert found[0]["at"] == "2026-03-14T16:30:00+01:00"  # ISO, in the hotel's zone
    assert {row["booking"] for row in found} == {"AB123"}
    assert list(found[0]) == list(export.COLUMNS)


def test_ids_are_stable_across_exports_and_unique(stayed: Hotel) -> None:
    first = export.rows(stayed, NOW - timedelta(hours=1))
    again = export.rows(reopen(stayed), NOW - timedelta(hours=1))
    assert first == again
    ids = [row["event_id"] for row in first]
    assert len(set(ids)) == len(ids)


def test_since_leaves_out_what_came_before(stayed: Hotel) -> None:
    later = export.rows(stayed, NOW + timedelta(minutes=12))
    assert [row["type"] for row in later] == ["charge_void", "check_out"]


def test_an_archived_stay_is_still_exported(stayed: Hotel) -> None:
    before = export.rows(stayed, NOW - timedelta(hours=1))
    assert stayed.archive.departed() == 1
    assert reopen(stayed).gateway.charges() == []
    assert export.rows(reopen(stayed), NOW - timedelta(hours=1)) == before


def test_csv_and_json_say_the_same(stayed: Hotel) -> None:
    found = export.rows(stayed, NOW - timedelta(hours=1))
    from_csv = list(csv.DictReader(io.StringIO(export.as_csv(found), newline="")))
    from_json = json.loads(export.as_json(found))
    assert [{key: value or "" for key, value in row.items()} for row in from_json] == from_csv
    assert from_json == found
    assert from_csv[2]["description"] == "Frühstück"


def invoke(root: Path, *args: str):
    return CliRunner().invoke(cli, ["--data-dir", str(root), "export", *args])


def test_the_command_writes_csv_or_json(stayed: Hotel, root: Path, tmp_path: Path) -> None:
    shown = invoke(root, "--since", "2026-03-14")
    assert shown.exit_code == 0, shown.output
    assert shown.output.splitlines()[0] == ",".join(export.COLUMNS)
    assert len(shown.output.splitlines()) == 7
    out = tmp_path / "events.json"
    written = invoke(root, "--since", "2026-03-14T16:00", "--format", "json", "--out", str(out))
    assert written.exit_code == 0, written.output
    assert "6 events written" in written.output
    assert json.loads(out.read_text()) == export.rows(stayed, NOW - timedelta(minutes=30))


@pytest.mark.parametrize("since", ["yesterday", "14.03.2026", ""])
def test_a_since_that_is_no_moment_gets_a_clear_message(stayed: Hotel, root: Path, since) -> None:
    outcome = invoke(root, "--since", since)
    assert outcome.exit_code == 2
    assert "a date or a date and time like 2026-03-14" in outcome.output


def test_an_out_file_that_cannot_be_written_says_so(stayed: Hotel, root: Path, tmp_path) -> None:
    outcome = invoke(root, "--since", "2026-03-14", "--out", str(tmp_path / "no" / "x.csv"))
    assert outcome.exit_code == 1
    assert "cannot write" in outcome.output
