"""Build data directories of a given size for the benchmark, and the same records in sqlite3.

The house is the same at every scale: ROOMS rooms, CHECKED_IN of them held by checked-in
stays (each with a live key grant), ARRIVALS reserved bookings arriving today (the ones the
benchmark checks in). The rest of the `open` bookings are future reservations; `departed`
bookings lie in the past, checked out, each with its expired grant.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import orjson

from kiosk import keys
from kiosk.clock import FixedClock
from kiosk.datadir import DataDir
from kiosk.hotel import Hotel, open_hotel
from kiosk.models import Booking, BookingStatus, IdentityRecord, Room, RoomStatus

ZONE = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 3, 14, 16, 30, tzinfo=ZONE)
TODAY = NOW.date()
ROOMS = 600
CHECKED_IN = 300
ARRIVALS = 200
SURNAMES = [
    "Müller",
    "Weiß",
    "O'Brien",
    "Nguyễn",
    "Schmidt-Weber",
    "García Lorca",
    "Rossi",
    "Tanaka",
    "Eriksson",
    "Kowalski",
    "Okafor",
    "Dubois",
    "Andersen",
    "Smith",
    "Novak",
    "Meyer",
]


@dataclass(frozen=True)
class House:
    root: Path
    open_bookings: int
    departed: int
    arrival_codes: list[str]  # reserved, arriving today: to be checked in
    checked_in: list[tuple[str, str, str]]  # (code, room, plain PIN) of live grants


def clock() -> FixedClock:
    return FixedClock(NOW)


def code_of(i: int) -> str:
    return f"BK{i:07d}"


def describe(root: Path, open_bookings: int, departed: int = 0) -> House:
    """What `build` puts in a house of this size, without building it (codes and PINs are
    a function of the booking's number)."""
    numbers = _held_rooms()
    arrivals = [
        code_of(CHECKED_IN + 1 + k)
        for k in range(max(0, min(ARRIVALS, open_bookings - CHECKED_IN)))
    ]
    live = [
        (code_of(k + 1), numbers[k], _pin(k + 1)) for k in range(min(CHECKED_IN, open_bookings))
    ]
    return House(root, open_bookings, departed, arrivals, live)


def _pin(i: int) -> str:
    return f"{(i * 7919) % 1_000_000:06d}"


def _held_rooms() -> list[str]:
    rooms = _rooms()
    numbers = [room.number for room in rooms if room.type == "single"]  # guests hold singles
    return (
        numbers
        + [room.number for room in rooms if room.type == "double"][: CHECKED_IN - len(numbers)]
    )


def _rooms() -> list[Room]:
    rooms = []
    for i in range(ROOMS):
        floor, position = divmod(i, 30)
        rooms.append(
            Room(
                f"{floor + 1}{position + 1:02d}",
                floor + 1,
                "double" if position % 3 else "single",
                RoomStatus.CLEAN,
            )
        )
    return rooms


def _booking(
    i: int, arrival: date, nights: int, status: BookingStatus, rooms: list[str]
) -> Booking:
    identity = IdentityRecord(method="hand", number_last4=f"{i % 10000:04d}") if rooms else None
    return Booking(
        code=code_of(i),
        last_name=SURNAMES[i % len(SURNAMES)],
        first_name="Kim",
        arrival=arrival,
        departure=arrival + timedelta(days=nights),
        room_type="double",
        adults=2,
        date_of_birth=date(1985, 2, 3),
        nationality="DEU",
        email=f"guest{i}@example.org",
        status=status,
        assigned_rooms=rooms,
        identity=identity,
        checked_in_at=datetime.combine(arrival, datetime.min.time(), ZONE).replace(hour=15)
        if rooms
        else None,
    )


def _grant(secret: bytes, booking: Booking, room: str, pin: str, i: int) -> dict:
    valid_from = datetime.combine(booking.arrival, datetime.min.time(), ZONE).replace(hour=15)
    valid_until = datetime.combine(booking.departure, datetime.min.time(), ZONE).replace(hour=11)
    return {
        "id": f"G{i:07d}",
        "booking": booking.code,
        "room": room,
        "pin_hash": keys.pin_hash(secret, room, pin),
        "valid_from": valid_from.isoformat(),
        "valid_until": valid_until.isoformat(),
        "issued_at": valid_from.isoformat(),
        "issued_by": "guest:bench",
        "revoked_at": None,
    }


def records(secret: bytes, open_bookings: int, departed: int):
    """(rooms, bookings, grants, arrival codes, live keys) for a house of this size."""
    rooms = _rooms()
    numbers = _held_rooms()
    bookings, grants, arrivals, live = [], [], [], []
    i = 0
    for k in range(open_bookings):
        i += 1
        if k < CHECKED_IN:
            b = _booking(i, TODAY - timedelta(days=1), 3, BookingStatus.CHECKED_IN, [numbers[k]])
            pin = _pin(i)
            grants.append(_grant(secret, b, numbers[k], pin, i))
            live.append((b.code, numbers[k], pin))
        elif k < CHECKED_IN + ARRIVALS:
            b = _booking(i, TODAY, 2, BookingStatus.RESERVED, [])
            arrivals.append(b.code)
        else:
            b = _booking(
                i, TODAY + timedelta(days=1 + k % 300), 1 + k % 5, BookingStatus.RESERVED, []
            )
        bookings.append(b)
    for k in range(departed):
        i += 1
        room = rooms[k % ROOMS].number
        b = _booking(
            i, TODAY - timedelta(days=3 + k % 700), 1 + k % 3, BookingStatus.CHECKED_OUT, [room]
        )
        bookings.append(b)
        grants.append(_grant(secret, b, room, _pin(i), i))
    return rooms, bookings, grants, arrivals, live


def build(root: Path, open_bookings: int, departed: int = 0) -> House:
    """A kiosk data directory holding everything in kiosk.json (departed stays not yet archived)."""
    hotel = open_hotel(DataDir(root), clock=clock(), kiosk_id="bench")
    rooms, bookings, grants, arrivals, live = records(hotel.secret, open_bookings, departed)
    with hotel.gateway.store.transaction() as db:
        db.table("rooms").insert_multiple(room.to_doc() for room in rooms)
        db.table("bookings").insert_multiple(booking.to_doc() for booking in bookings)
        db.table("grants").insert_multiple(grants)
    house = House(root, open_bookings, departed, arrivals, live)
    assert house == describe(root, open_bookings, departed)
    return house


def open_house(house: House, kiosk_id: str = "bench") -> Hotel:
    return open_hotel(DataDir(house.root), clock=clock(), kiosk_id=kiosk_id)


# ---------------------------------------------------------------- the sqlite3 reference

SCHEMA = """
CREATE TABLE rooms (number TEXT PRIMARY KEY, floor INT, type TEXT, status TEXT, features TEXT);
CREATE TABLE bookings (code TEXT PRIMARY KEY, last_name TEXT, status TEXT, arrival TEXT, departure TEXT,
                       room_type TEXT, doc BLOB);
CREATE INDEX bookings_status ON bookings(status, arrival);
CREATE TABLE booking_rooms (code TEXT, room TEXT);
CREATE INDEX booking_rooms_room ON booking_rooms(room);
CREATE TABLE grants (id TEXT PRIMARY KEY, booking TEXT, room TEXT, pin_hash TEXT, valid_from TEXT,
                     valid_until TEXT, revoked_at TEXT, doc BLOB);
CREATE INDEX grants_room ON grants(room);
CREATE INDEX grants_booking ON grants(booking);
CREATE TABLE audit (id INTEGER PRIMARY KEY, at TEXT, kiosk TEXT, actor TEXT, action TEXT, outcome TEXT,
                    booking TEXT, room TEXT, detail BLOB);
CREATE TABLE limits (key TEXT PRIMARY KEY, failures INT, locked_until TEXT);
"""


def connect(path: Path) -> sqlite3.Connection:
    """WAL with synchronous=FULL: every commit is fsynced, like the kiosk's writes."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    return db


def build_sqlite(
    path: Path, secret: bytes, open_bookings: int, departed: int = 0
) -> sqlite3.Connection:
    rooms, bookings, grants, _, _ = records(secret, open_bookings, departed)
    db = connect(path)
    db.executescript(SCHEMA)
    db.execute("BEGIN")
    db.executemany(
        "INSERT INTO rooms VALUES (?,?,?,?,?)",
        [(r.number, r.floor, r.type, str(r.status), "") for r in rooms],
    )
    db.executemany(
        "INSERT INTO bookings VALUES (?,?,?,?,?,?,?)",
        [
            (
                b.code,
                b.last_name,
                str(b.status),
                b.arrival.isoformat(),
                b.departure.isoformat(),
                b.room_type,
                orjson.dumps(b.to_doc()),
            )
            for b in bookings
        ],
    )
    db.executemany(
        "INSERT INTO booking_rooms VALUES (?,?)",
        [
            (b.code, r)
            for b in bookings
            if b.status is BookingStatus.CHECKED_IN
            for r in b.assigned_rooms
        ],
    )
    db.executemany(
        "INSERT INTO grants VALUES (?,?,?,?,?,?,?,?)",
        [
            (
                g["id"],
                g["booking"],
                g["room"],
                g["pin_hash"],
                g["valid_from"],
                g["valid_until"],
                g["revoked_at"],
                orjson.dumps(g),
            )
            for g in grants
        ],
    )
    db.execute("COMMIT")
    return db
