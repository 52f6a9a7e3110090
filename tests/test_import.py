"""Imports from the property system (issue 2, item 4): CSV and JSON, all or nothing,
idempotent, UTF-8 names intact, and a message naming line and column for every bad row."""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import TODAY, check_in, events, furnish, ready, reopen, set_profile, stored
from kiosk.audit import SYSTEM
from kiosk.cli import cli
from kiosk.clock import FixedClock
from kiosk.datadir import DataDir
from kiosk.hotel import Hotel, open_hotel
from kiosk.importer import ImportFileError, import_bookings, import_rooms
from kiosk.models import Booking, BookingStatus, Room, RoomStatus
from kiosk.profile import ProfileError
from kiosk.session import CheckedIn, CheckInSession, Found

D0, D1, D2, D3 = (TODAY + timedelta(days=n) for n in range(4))
HEADER = (
    "code,last_name,first_name,arrival,departure,room_type,"
    "rooms,adults,children,date_of_birth,nationality,email,status"
)
ROWS = [
    f"LH1001,Müller,Jürgen,{D0},{D2},double,1,2,0,1975-03-02,DEU,jm@example.de,reserved",
    f"LH1002,Weiß,Thomas,{D0},{D1},single,,,,,AUT,,",
    f"LH1003,O'Brien,Siobhan,{D0},{D3},double,2,3,2,,IRL,sob@example.ie,reserved",
    f'LH1004,Nguyễn,Thị Lan,{D1},{D3},junior_suite,1,1,0,1990-12-24,VNM,"lan@example.vn",cancelled',
]
EXPECTED = {
    "LH1001": dict(
        last_name="Müller",
        first_name="Jürgen",
        arrival=D0,
        departure=D2,
        room_type="double",
        rooms=1,
        adults=2,
        children=0,
        date_of_birth=date(1975, 3, 2),
        nationality="DEU",
        email="jm@example.de",
        status=BookingStatus.RESERVED,
    ),
    "LH1002": dict(
        last_name="Weiß",
        first_name="Thomas",
        arrival=D0,
        departure=D1,
        room_type="single",
        rooms=1,
        adults=1,
        children=0,
        date_of_birth=None,
        nationality="AUT",
        email="",
        status=BookingStatus.RESERVED,
    ),
    "LH1003": dict(
        last_name="O'Brien",
        first_name="Siobhan",
        arrival=D0,
        departure=D3,
        room_type="double",
        rooms=2,
        adults=3,
        children=2,
        date_of_birth=None,
        nationality="IRL",
        email="sob@example.ie",
        status=BookingStatus.RESERVED,
    ),
    "LH1004": dict(
        last_name="Nguyễn",
        first_name="Thị Lan",
        arrival=D1,
        departure=D3,
        room_type="junior_suite",
        rooms=1,
        adults=1,
        children=0,
        date_of_birth=date(1990, 12, 24),
        nationality="VNM",
        email="lan@example.vn",
        status=BookingStatus.CANCELLED,
    ),
}
ROOMS_CSV = (
    "number,floor,type,status,features\n101,1,double,clean,\n102,1,double,inspected,balcony;courtyard\n"
    "103,1,double,dirty,\n104,1,single,out_of_order,\n201,2,double,,\nb01,-1,junior_suite,clean,sauna\n"
)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def bookings_csv(
    tmp_path: Path, rows: list[str] = ROWS, header: str = HEADER, name: str = "bookings.csv"
) -> Path:
    return write(tmp_path / name, "\n".join([header, *rows]) + "\n")


def as_json_items(rows: list[str] = ROWS) -> list[dict]:
    import csv
    import io

    reader = csv.DictReader(io.StringIO("\n".join([HEADER, *rows])))
    return [{k: v for k, v in row.items() if v != ""} for row in reader]


def fields(booking: Booking) -> dict:
    return {name: value for name, value in asdict(booking).items() if name in EXPECTED["LH1001"]}


def kiosk_json(hotel: Hotel) -> bytes:
    return stored(hotel.data_dir.database)


# -- round trips ----------------------------------------------------------------------------


def test_csv_with_every_column_round_trips_utf8_names(hotel: Hotel, tmp_path: Path) -> None:
    result = import_bookings(hotel, bookings_csv(tmp_path))
    assert (result.added, result.updated, result.unchanged) == (4, 0, 0)
    fresh = reopen(hotel)
    assert {b.code: fields(b) for b in fresh.gateway.bookings()} == EXPECTED
    # The names are findable as guests type them.
    assert CheckInSession(fresh).find("LH1001", "Mueller").booking.code == "LH1001"
    assert CheckInSession(fresh).find("LH1002", "weiss").booking.code == "LH1002"
    assert CheckInSession(fresh).find("LH1003", "OBrien").booking.code == "LH1003"
    assert "Nguyễn".encode() in kiosk_json(hotel) or b"Nguy\\u1ec5n" in kiosk_json(hotel)


def test_json_with_every_column_round_trips(hotel: Hotel, tmp_path: Path) -> None:
    items = as_json_items()
    items[2]["rooms"] = 2  # JSON numbers are fine too
    path = write(tmp_path / "bookings.json", json.dumps(items, ensure_ascii=False, indent=1))
    result = import_bookings(hotel, path)
    assert result.added == 4
    assert {b.code: fields(b) for b in reopen(hotel).gateway.bookings()} == EXPECTED


def test_csv_from_a_spreadsheet_with_bom_and_crlf(hotel: Hotel, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(("\ufeff" + "\r\n".join([HEADER, *ROWS]) + "\r\n").encode("utf-8"))
    assert import_bookings(hotel, path).added == 4
    assert {b.code: fields(b) for b in reopen(hotel).gateway.bookings()} == EXPECTED


def test_readme_examples_import(hotel: Hotel, tmp_path: Path) -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```csv\n(.*?)```", readme, flags=re.S)
    bookings_text = next(block for block in blocks if block.startswith("code,"))
    rooms_text = next(block for block in blocks if block.startswith("number,"))
    assert (
        import_bookings(hotel, write(tmp_path / "b.csv", bookings_text)).added
        == bookings_text.count("\n") - 1
    )
    assert (
        import_rooms(hotel, write(tmp_path / "r.csv", rooms_text)).added
        == rooms_text.count("\n") - 1
    )


def test_code_is_normalised_on_import(hotel: Hotel, tmp_path: Path) -> None:
    rows = [ROWS[0].replace("LH1001", "lh-10 01", 1)]
    import_bookings(hotel, bookings_csv(tmp_path, rows))
    assert [b.code for b in hotel.gateway.bookings()] == ["LH1001"]


def test_unknown_columns_are_reported_not_fatal(hotel: Hotel, tmp_path: Path) -> None:
    path = bookings_csv(tmp_path, [row + ",gold" for row in ROWS], header=HEADER + ",loyalty_tier")
    result = import_bookings(hotel, path)
    assert result.added == 4 and result.ignored_columns == ["loyalty_tier"]
    assert "ignored columns: loyalty_tier" in result.summary("Bookings")


# -- idempotence ----------------------------------------------------------------------------


def test_reimport_updates_and_never_duplicates(hotel: Hotel, tmp_path: Path) -> None:
    path = bookings_csv(tmp_path)
    import_bookings(hotel, path)
    again = import_bookings(hotel, path)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 4)
    changed = [
        ROWS[0].replace("jm@example.de", "juergen@example.de"),
        *ROWS[1:],
        f"LH1005,Smith,Ann,{D0},{D1},double,,,,,GBR,,",
    ]
    result = import_bookings(hotel, bookings_csv(tmp_path, changed))
    assert (result.added, result.updated, result.unchanged) == (1, 1, 3)
    fresh = reopen(hotel)
    assert sorted(b.code for b in fresh.gateway.bookings()) == [
        "LH1001",
        "LH1002",
        "LH1003",
        "LH1004",
        "LH1005",
    ]
    assert fresh.gateway.booking("LH1001").email == "juergen@example.de"
    assert [e["detail"]["added"] for e in events(hotel, "import_bookings")] == [4, 0, 1]


def test_reimport_never_downgrades_a_checked_in_booking(hotel: Hotel, tmp_path: Path) -> None:
    furnish(hotel, rooms=[Room("101", 1, "double"), Room("102", 1, "double")])
    import_bookings(hotel, bookings_csv(tmp_path))
    session = ready(hotel, "LH1003")  # no date of birth on file: identified by hand
    checked = session.check_in()
    assert isinstance(checked, CheckedIn)

    cancelled = [
        ROWS[0],
        ROWS[1],
        ROWS[2].replace(",reserved", ",cancelled").replace(f",{D3},", f",{D2},"),
        ROWS[3],
    ]
    result = import_bookings(hotel, bookings_csv(tmp_path, cancelled))
    assert result.kept_checked_in == 1 and result.updated == 1
    assert "already checked in kept their status" in result.summary("Bookings")
    stored = reopen(hotel).gateway.booking("LH1003")
    assert stored.status is BookingStatus.CHECKED_IN
    assert stored.departure == D2  # other changes still arrive
    assert sorted(stored.assigned_rooms) == ["101", "102"]
    assert stored.identity is not None
    assert reopen(hotel).turnover.occupant("101") == "LH1003"
    for key in checked.keys:
        assert hotel.door.verify(key.room.number, key.pin).opens


# -- all or nothing -------------------------------------------------------------------------


def edit(row: str, column: str, value: str) -> str:
    names = HEADER.split(",")
    values = row.split(",")
    values[names.index(column)] = value
    return ",".join(values)


BAD_ROWS = [
    ("arrival", "2026-02-30", "not a date"),
    ("arrival", "tomorrow", "not a date"),
    ("departure", "16.03.2026", "not a date"),
    ("departure", str(D0 - timedelta(days=1)), "after arrival"),
    ("departure", str(D0), "after arrival"),
    ("last_name", "", "required"),
    ("code", "", "required"),
    ("code", "X1", "3 to 20"),
    ("code", "LH-1001", "already on line 2"),
    ("status", "maybe", "reserved, cancelled"),
    ("status", "checked_in", "reserved, cancelled"),
    ("nationality", "Germany", "alpha-3"),
    ("rooms", "0", "whole number"),
    ("adults", "two", "whole number"),
    ("email", "not-an-address", "e-mail"),
    ("room_type", "Double Room", "room type"),
    ("date_of_birth", str(D1), "in the past"),
]


@pytest.mark.parametrize(
    ("column", "value", "reason"), BAD_ROWS, ids=[f"{c}={v!r}" for c, v, _ in BAD_ROWS]
)
def test_one_bad_row_changes_nothing_and_is_named(
    hotel: Hotel, tmp_path: Path, column: str, value: str, reason: str
) -> None:
    import_bookings(hotel, bookings_csv(tmp_path, ROWS[:1], name="first.csv"))
    before = kiosk_json(hotel)
    rows = [ROWS[0].replace("jm@", "changed@"), edit(ROWS[1], column, value), *ROWS[2:]]
    with pytest.raises(ImportFileError) as raised:
        import_bookings(hotel, bookings_csv(tmp_path, rows))
    message = str(raised.value)
    assert "line 3" in message and f"column {column}" in message and reason in message, message
    assert kiosk_json(hotel) == before
    assert reopen(hotel).gateway.booking("LH1001").email == "jm@example.de"


def test_a_missing_column_changes_nothing_and_is_named(hotel: Hotel, tmp_path: Path) -> None:
    header = HEADER.replace(",room_type", "")
    rows = [re.sub(r",(double|single|junior_suite),", ",", row) for row in ROWS]
    before = kiosk_json(hotel)
    with pytest.raises(ImportFileError, match=r"line 1.*room_type"):
        import_bookings(hotel, bookings_csv(tmp_path, rows, header=header))
    assert kiosk_json(hotel) == before


def test_a_row_with_more_values_than_columns(hotel: Hotel, tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match=r"line 4.*more values than columns"):
        import_bookings(hotel, bookings_csv(tmp_path, [ROWS[0], ROWS[1], ROWS[2] + ",extra"]))
    assert hotel.gateway.bookings() == []


def test_json_bad_item_is_named(hotel: Hotel, tmp_path: Path) -> None:
    items = as_json_items()
    del items[1]["first_name"]
    items[2]["arrival"] = "2026-13-01"
    with pytest.raises(ImportFileError, match="item 2, column first_name"):
        import_bookings(hotel, write(tmp_path / "b.json", json.dumps(items)))
    del items[1]
    with pytest.raises(ImportFileError, match="item 2, column arrival"):
        import_bookings(hotel, write(tmp_path / "b.json", json.dumps(items)))
    assert hotel.gateway.bookings() == []


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{}", "list of objects"),
        ("[1, 2]", "list of objects"),
        ('[{"code": ', "not valid JSON"),
        ("", "no rows"),
    ],
)
def test_unusable_files_are_refused(hotel: Hotel, tmp_path: Path, text: str, reason: str) -> None:
    suffix = ".csv" if not text else ".json"
    with pytest.raises(ImportFileError, match=reason):
        import_bookings(hotel, write(tmp_path / f"b{suffix}", text))


def test_a_file_that_is_not_utf8_is_refused(hotel: Hotel, tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(("\n".join([HEADER, ROWS[0]]) + "\n").encode("latin-1"))
    with pytest.raises(ImportFileError, match="UTF-8"):
        import_bookings(hotel, path)


# -- imports that cannot hurt the house (issue 9) -------------------------------------------


def limited_house(root: Path, clock: FixedClock, **limits: int) -> Hotel:
    """A house whose hotel.toml sets [import] max_rows / max_bytes."""
    for key, value in limits.items():
        set_profile(root, key, str(value))
    return open_hotel(DataDir(root), clock=clock, kiosk_id="k1")


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_more_rows_than_the_profile_allows_are_refused_whole(
    root: Path, clock: FixedClock, tmp_path: Path, suffix: str
) -> None:
    hotel = limited_house(root, clock, max_rows=3)
    path = (
        bookings_csv(tmp_path)
        if suffix == ".csv"
        else write(tmp_path / "b.json", json.dumps(as_json_items()))
    )
    before = kiosk_json(hotel)
    with pytest.raises(ImportFileError) as raised:
        import_bookings(hotel, path)
    message = str(raised.value)
    assert "more than the 3 rows" in message and "max_rows" in message, message
    assert kiosk_json(hotel) == before
    assert import_bookings(hotel, bookings_csv(tmp_path, ROWS[:3], name="three.csv")).added == 3


def test_a_file_larger_than_the_profile_allows_is_refused_by_its_size(
    root: Path, clock: FixedClock, tmp_path: Path
) -> None:
    hotel = limited_house(root, clock, max_bytes=1_000)
    text = "\n".join([HEADER, *ROWS]) + "\n"
    # Past the limit the file is not even text: only the first 1,001 bytes are read.
    path = tmp_path / "big.csv"
    path.write_bytes(text.encode() + b" " * (1_000 - len(text.encode())) + b"\xff" * 100_000)
    with pytest.raises(ImportFileError) as raised:
        import_rooms(hotel, path)
    message = str(raised.value)
    assert "larger than the 1,000 bytes" in message and "max_bytes" in message, message
    assert hotel.gateway.bookings() == [] and hotel.gateway.rooms() == ()


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("max_rows", "0", ["between 1 and 100000"]),
        ("max_bytes", "500", ["between 1000 and 100000000"]),
        ("max_rows", '"many"', ["int"]),
    ],
)
def test_import_limits_are_range_checked(
    root: Path, clock: FixedClock, key: str, value: str, words: list[str]
) -> None:
    set_profile(root, key, value)
    with pytest.raises(ProfileError) as raised:
        open_hotel(DataDir(root), clock=clock)
    assert "[import]" in str(raised.value) and all(word in str(raised.value) for word in words), (
        str(raised.value)
    )


WRONG_TYPES = [
    ("last_name", {"first": "Eve"}, "must be text, not an object"),
    ("first_name", ["Eve"], "must be text, not a list"),
    ("arrival", 20260314, "must be text, not the number 20260314"),
    ("code", 1002, "must be text, not the number 1002"),
    ("email", False, "must be text, not false"),
    ("adults", 2.5, "must be a whole number, not the number 2.5"),
    ("rooms", True, "must be a whole number, not true"),
]


@pytest.mark.parametrize(
    ("column", "value", "reason"), WRONG_TYPES, ids=[f"{c}={v!r}" for c, v, _ in WRONG_TYPES]
)
def test_a_json_value_of_the_wrong_type_is_refused_naming_item_and_field(
    hotel: Hotel, tmp_path: Path, column: str, value, reason: str
) -> None:
    items = as_json_items()
    items[1][column] = value
    with pytest.raises(ImportFileError) as raised:
        import_bookings(hotel, write(tmp_path / "b.json", json.dumps(items)))
    assert f"item 2, column {column}: {reason}" in str(raised.value), str(raised.value)
    assert hotel.gateway.bookings() == []


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("number", 301, "must be text, not the number 301"),
        ("floor", "3", None),
        ("floor", [3], "whole number"),
        ("type", {"name": "suite"}, "must be text, not an object"),
        ("features", {"balcony": True}, "a list of words"),
    ],
)
def test_a_json_room_value_of_the_wrong_type_is_refused(
    hotel: Hotel, tmp_path: Path, column: str, value, reason: str | None
) -> None:
    items = [
        {"number": "301", "floor": 3, "type": "suite"},
        {"number": "302", "floor": 3, "type": "double"},
    ]
    items[1][column] = value
    path = write(tmp_path / "rooms.json", json.dumps(items))
    if reason is None:  # a whole number may come as text, as in CSV
        assert import_rooms(hotel, path).added == 2
        return
    with pytest.raises(ImportFileError) as raised:
        import_rooms(hotel, path)
    assert f"item 2, column {column}: " in str(raised.value) and reason in str(raised.value), str(
        raised.value
    )
    assert hotel.gateway.rooms() == ()


# (around a valid value, what the message names)
CONTROL = [
    ("Eve\x1b[2J", "a control character (U+001B"),
    ("Eve\n", "a control character (U+000A"),
    ("\tEve", "a control character (U+0009 at position 1)"),
    ("Eve\x00", "a control character (U+0000"),
    ("Eve\u202e", "an invisible formatting character (U+202E"),
    ("Eve\x85", "a control character (U+0085"),
    ("Eve\u2028", "a line separator (U+2028"),
]
BOOKING_TEXT_COLUMNS = [
    "code",
    "last_name",
    "first_name",
    "arrival",
    "departure",
    "room_type",
    "date_of_birth",
    "nationality",
    "email",
    "status",
]


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    import csv
    import io

    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    return out.getvalue()


@pytest.mark.parametrize("suffix", [".csv", ".json"])
@pytest.mark.parametrize("column", BOOKING_TEXT_COLUMNS)
def test_control_characters_are_refused_in_every_booking_field(
    hotel: Hotel, tmp_path: Path, column: str, suffix: str
) -> None:
    items = as_json_items([ROWS[1], ROWS[0]])  # the second has every column
    for bad, named in CONTROL:
        # Each bad character around a value that is valid without it.
        spoilt = bad.replace("Eve", items[1][column])
        changed = [dict(item) for item in items]
        changed[1][column] = spoilt
        if suffix == ".json":
            path = write(tmp_path / "b.json", json.dumps(changed))
        else:
            header = HEADER.split(",")
            path = write(
                tmp_path / "b.csv",
                csv_text(header, [[item.get(name, "") for name in header] for item in changed]),
            )
        with pytest.raises(ImportFileError) as raised:
            import_bookings(hotel, path)
        message = str(raised.value)
        where = "item 2" if suffix == ".json" else "line 3"
        assert f"{where}, column {column}: contains {named}" in message, (spoilt, message)
    assert hotel.gateway.bookings() == []


@pytest.mark.parametrize("suffix", [".csv", ".json"])
@pytest.mark.parametrize("column", ["number", "type", "status", "features"])
def test_control_characters_are_refused_in_every_room_field(
    hotel: Hotel, tmp_path: Path, column: str, suffix: str
) -> None:
    good = {
        "number": "302",
        "floor": "3",
        "type": "double",
        "status": "clean",
        "features": "balcony",
    }
    for bad, named in CONTROL:
        spoilt = dict(good, **{column: bad.replace("Eve", good[column])})
        rows = [dict(good, number="301"), spoilt]
        if suffix == ".json":
            items = [dict(row, features=row["features"].split(";")) for row in rows]
            path = write(tmp_path / "rooms.json", json.dumps(items))
        else:
            header = list(good)
            path = write(
                tmp_path / "rooms.csv",
                csv_text(header, [[row[name] for name in header] for row in rows]),
            )
        with pytest.raises(ImportFileError) as raised:
            import_rooms(hotel, path)
        where = "item 2" if suffix == ".json" else "line 3"
        assert f"{where}, column {column}: contains {named}" in str(raised.value), (
            spoilt,
            raised.value,
        )
    assert hotel.gateway.rooms() == ()


def test_a_column_name_with_control_characters_is_refused(hotel: Hotel, tmp_path: Path) -> None:
    path = bookings_csv(tmp_path, [row + ",x" for row in ROWS], header=HEADER + ",\x1b]0;owned\x07")
    with pytest.raises(ImportFileError, match="line 1: column name"):
        import_bookings(hotel, path)
    assert hotel.gateway.bookings() == []


def test_a_stay_the_import_extends_or_shortens_moves_its_keys_end_audited(
    hotel: Hotel, tmp_path: Path, clock: FixedClock
) -> None:
    furnish(
        hotel, rooms=[Room("101", 1, "double"), Room("102", 1, "double"), Room("103", 1, "double")]
    )
    import_bookings(hotel, bookings_csv(tmp_path))
    _, checked = check_in(hotel, "LH1003")  # two rooms, until D3
    check_in(hotel, "LH1002")  # until D1; its key must not move
    (room_a, room_b) = (key.room.number for key in checked.keys)
    with hotel.transaction() as db:  # staff revoked one of the two keys: it stays revoked
        hotel.grants.revoke(db, "LH1003", SYSTEM, room=room_b, reason="lost")

    # All or nothing: a later bad row leaves the keys as they were.
    extended = [*ROWS[:2], edit(ROWS[2], "departure", str(D3 + timedelta(days=3))), ROWS[3]]
    with pytest.raises(ImportFileError):
        import_bookings(hotel, bookings_csv(tmp_path, [*extended, edit(ROWS[0], "code", "X1")]))
    old_end = hotel.departure_moment(D3).isoformat()
    assert [
        grant.valid_until.isoformat() for grant in hotel.gateway.grants_of_booking("LH1003")
    ] == [old_end, old_end]

    result = import_bookings(hotel, bookings_csv(tmp_path, extended))
    assert result.keys_moved == 1
    assert "1 door key(s) now end at their stay's new departure" in result.summary("Bookings")
    clock.current = hotel.departure_moment(D3) + timedelta(
        days=2
    )  # past the old end, before the new one
    assert reopen(hotel).door.verify(room_a, checked.keys[0].pin).opens
    assert (
        reopen(hotel).door.verify(room_a, checked.keys[0].token).opens
    )  # online, the grant decides
    assert reopen(hotel).door.verify(room_b, checked.keys[1].pin).reason == "revoked"
    (moved,) = events(hotel, "key_validity_changed")
    assert (moved["booking"], moved["room"], moved["actor"]) == ("LH1003", room_a, "system")
    assert moved["detail"]["previous"] == old_end
    assert (
        moved["detail"]["valid_until"] == hotel.departure_moment(D3 + timedelta(days=3)).isoformat()
    )
    assert [
        grant.valid_until.isoformat() for grant in hotel.gateway.grants_of_booking("LH1002")
    ] == [hotel.departure_moment(D1).isoformat()]

    # Back to the day before the old end: the stay shortened to D1 ends at D1's check-out time.
    clock.current = hotel.departure_moment(D1) + timedelta(hours=1)
    shortened = [*ROWS[:2], edit(ROWS[2], "departure", str(D1)), ROWS[3]]
    assert import_bookings(hotel, bookings_csv(tmp_path, shortened)).keys_moved == 1
    assert reopen(hotel).door.verify(room_a, checked.keys[0].pin).reason == "expired"
    assert len(events(hotel, "key_validity_changed")) == 2


# -- rooms ----------------------------------------------------------------------------------


def test_rooms_import_csv_and_reimport(hotel: Hotel, tmp_path: Path) -> None:
    path = write(tmp_path / "rooms.csv", ROOMS_CSV)
    result = import_rooms(hotel, path)
    assert (result.added, result.updated, result.unchanged) == (6, 0, 0)
    rooms = {room.number: room for room in reopen(hotel).gateway.rooms()}
    assert rooms["102"] == Room("102", 1, "double", RoomStatus.INSPECTED, ["balcony", "courtyard"])
    assert rooms["104"].status is RoomStatus.OUT_OF_ORDER
    assert rooms["201"].status is RoomStatus.CLEAN  # the default
    assert rooms["B01"] == Room("B01", -1, "junior_suite", RoomStatus.CLEAN, ["sauna"])

    again = import_rooms(hotel, path)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 6)
    cleaned = write(
        tmp_path / "rooms2.csv", ROOMS_CSV.replace("103,1,double,dirty", "103,1,double,clean")
    )
    result = import_rooms(hotel, cleaned)
    assert (result.added, result.updated, result.unchanged) == (0, 1, 5)
    assert len(reopen(hotel).gateway.rooms()) == 6


def test_rooms_import_json(hotel: Hotel, tmp_path: Path) -> None:
    items = [
        {"number": "301", "floor": 3, "type": "suite", "features": ["balcony", "bath"]},
        {"number": "302", "floor": "3", "type": "double", "status": "DIRTY"},
    ]
    assert import_rooms(hotel, write(tmp_path / "rooms.json", json.dumps(items))).added == 2
    assert reopen(hotel).gateway.rooms() == (
        Room("301", 3, "suite", RoomStatus.CLEAN, ["balcony", "bath"]),
        Room("302", 3, "double", RoomStatus.DIRTY, []),
    )


BAD_ROOMS = [
    ("103,1,double,filthy,", "status"),
    ("103,first,double,clean,", "floor"),
    ("103,,double,clean,", "floor"),
    ("103,1,,clean,", "type"),
    ("1 03,1,double,clean,", "number"),
    ("102,1,double,clean,", "number"),
]


@pytest.mark.parametrize(("row", "column"), BAD_ROOMS)
def test_one_bad_room_changes_nothing(hotel: Hotel, tmp_path: Path, row: str, column: str) -> None:
    import_rooms(hotel, write(tmp_path / "first.csv", "number,floor,type\n901,9,double\n"))
    before = kiosk_json(hotel)
    text = f"number,floor,type,status,features\n101,1,double,clean,\n102,1,double,clean,\n{row}\n"
    with pytest.raises(ImportFileError) as raised:
        import_rooms(hotel, write(tmp_path / "rooms.csv", text))
    assert "line 4" in str(raised.value) and f"column {column}" in str(raised.value), str(
        raised.value
    )
    assert kiosk_json(hotel) == before


# -- the command line -----------------------------------------------------------------------


def run(root: Path, *args: str):
    return CliRunner().invoke(cli, ["--data-dir", str(root), *args])


def test_cli_import_prints_counts(root: Path, tmp_path: Path) -> None:
    outcome = run(root, "import", "rooms", str(write(tmp_path / "rooms.csv", ROOMS_CSV)))
    assert outcome.exit_code == 0, outcome.output
    assert "Rooms: 6 added, 0 updated, 0 unchanged" in outcome.output
    path = bookings_csv(tmp_path)
    outcome = run(root, "import", "bookings", str(path))
    assert outcome.exit_code == 0, outcome.output
    assert "Bookings: 4 added, 0 updated, 0 unchanged" in outcome.output
    outcome = run(root, "import", "bookings", str(path))
    assert "Bookings: 0 added, 0 updated, 4 unchanged" in outcome.output


def test_cli_import_error_exits_non_zero_and_names_line_and_column(
    root: Path, tmp_path: Path
) -> None:
    run(root, "import", "bookings", str(bookings_csv(tmp_path, ROWS[:1], name="first.csv")))
    before = stored(root / "kiosk.json")
    path = bookings_csv(tmp_path, [ROWS[0], edit(ROWS[1], "arrival", "2026-02-30"), *ROWS[2:]])
    outcome = run(root, "import", "bookings", str(path))
    assert outcome.exit_code != 0
    assert "line 3, column arrival" in outcome.output and "Nothing was imported." in outcome.output
    assert stored(root / "kiosk.json") == before

    outcome = run(
        root, "import", "rooms", str(write(tmp_path / "r.csv", "number,floor,type\n101,1,Double\n"))
    )
    assert outcome.exit_code != 0 and "line 2, column type" in outcome.output

    outcome = run(root, "import", "bookings", str(tmp_path / "missing.csv"))
    assert outcome.exit_code != 0 and "missing.csv" in outcome.output


def test_cli_imported_guest_can_check_in(root: Path, tmp_path: Path) -> None:
    """The path an operator takes: import rooms and today's arrivals, then the kiosk finds them."""
    run(root, "import", "rooms", str(write(tmp_path / "rooms.csv", ROOMS_CSV)))
    # Today in the hotel's time zone, as the command line sees it (not the machine's date).
    today = open_hotel(DataDir(root)).today()
    row = f"LH2001,Nguyễn,Lan,{today},{today + timedelta(days=1)},double,,,,,,,"
    assert run(root, "import", "bookings", str(bookings_csv(tmp_path, [row]))).exit_code == 0
    assert isinstance(CheckInSession(open_hotel(DataDir(root))).find("LH2001", "nguyen"), Found)
