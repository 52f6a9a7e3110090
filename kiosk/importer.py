"""Imports from the property system's export: CSV with a header row, or a JSON list of
objects. All or nothing: one bad row changes nothing and is named with its line and field."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from tinydb import TinyDB

from kiosk.audit import SYSTEM
from kiosk.hotel import Hotel
from kiosk.models import Booking, BookingStatus, Room, RoomStatus, normalise_code


class ImportFileError(Exception):
    """A file that cannot be imported; the message names the line (or item) and the column."""


@dataclass
class ImportResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_checked_in: int = 0
    ignored_columns: list[str] = field(default_factory=list)

    def summary(self, noun: str) -> str:
        text = f"{noun}: {self.added} added, {self.updated} updated, {self.unchanged} unchanged"
        if self.kept_checked_in:
            text += f", {self.kept_checked_in} already checked in kept their status"
        if self.ignored_columns:
            text += f" (ignored columns: {', '.join(self.ignored_columns)})"
        return text


Row = tuple[str, dict[str, Any]]  # where ("line 4" or "item 3"), values by column


def read_rows(path: Path) -> list[Row]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise ImportFileError(f"{path}: cannot read: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise ImportFileError(f"{path}: not UTF-8 text (byte {error.start})") from None
    if path.suffix.lower() == ".json" or text.lstrip().startswith("["):
        try:
            items = json.loads(text)
        except json.JSONDecodeError as error:
            raise ImportFileError(f"{path}: line {error.lineno}: not valid JSON: {error.msg}") from None
        except RecursionError:
            raise ImportFileError(f"{path}: not a JSON import: nested too deeply") from None
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise ImportFileError(f"{path}: a JSON import is a list of objects")
        return [(f"item {number}", item) for number, item in enumerate(items, start=1)]
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = []
    try:
        header = reader.fieldnames or []
        twice = sorted({name for name in header if header.count(name) > 1})
        if twice:
            raise ImportFileError(f"{path}: line 1: column(s) named twice: {', '.join(twice)}")
        for row in reader:
            if None in row:
                raise ImportFileError(f"{path}: line {reader.line_num}: more values than columns")
            if any((value or "").strip() for value in row.values()):
                rows.append((f"line {reader.line_num}", row))
    except csv.Error as error:
        raise ImportFileError(f"{path}: line {reader.line_num}: {error}") from None
    return rows


class _Row:
    """Typed access to one row's values; every complaint names the row and the column."""

    def __init__(self, path: Path, where: str, values: dict[str, Any]) -> None:
        self.path, self.where, self.values = path, where, values

    def error(self, column: str, reason: str) -> ImportFileError:
        return ImportFileError(f"{self.path}: {self.where}, column {column}: {reason}")

    def text(self, column: str, *, required: bool = True, default: str = "") -> str:
        value = self.values.get(column)
        value = "" if value is None else str(value).strip()
        if not value:
            if required:
                raise self.error(column, "is required")
            return default
        if not value.isprintable():
            raise self.error(column, "contains control characters")
        if len(value) > 100:
            raise self.error(column, "is longer than 100 characters")
        return value

    def matching(self, column: str, pattern: str, hint: str, *, required: bool = True,
                 default: str = "") -> str:
        value = self.text(column, required=required, default=default)
        if value and not re.fullmatch(pattern, value):
            raise self.error(column, f"{hint}, not {value!r}")
        return value

    def day(self, column: str, *, required: bool = True) -> date | None:
        value = self.text(column, required=required)
        if not value:
            return None
        try:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                return date.fromisoformat(value)
        except ValueError:
            pass
        raise self.error(column, f"not a date (YYYY-MM-DD): {value!r}")

    def whole(self, column: str, low: int, high: int, default: int) -> int:
        value = self.text(column, required=False)
        if not value:
            return default
        if not re.fullmatch(r"-?\d+", value) or not low <= int(value) <= high:
            raise self.error(column, f"a whole number from {low} to {high}, not {value!r}")
        return int(value)

    def choice(self, column: str, options: list[str], default: str) -> str:
        value = self.text(column, required=False, default=default).lower()
        if value not in options:
            raise self.error(column, f"one of {', '.join(options)}, not {value!r}")
        return value


BOOKING_COLUMNS = ["code", "last_name", "first_name", "arrival", "departure", "room_type"]
BOOKING_OPTIONAL = ["rooms", "adults", "children", "date_of_birth", "nationality", "email", "status"]
ROOM_COLUMNS = ["number", "floor", "type"]
ROOM_OPTIONAL = ["status", "features"]


def _booking(row: _Row, today: date) -> Booking:
    code = normalise_code(row.text("code"))
    if not re.fullmatch(r"[A-Z0-9]{3,20}", code):
        raise row.error("code", f"3 to 20 letters and digits, not {row.values.get('code')!r}")
    arrival = row.day("arrival")
    departure = row.day("departure")
    assert arrival and departure
    if departure <= arrival:
        raise row.error("departure", "must be after arrival")
    birth = row.day("date_of_birth", required=False)
    if birth and birth >= today:
        raise row.error("date_of_birth", "must be in the past")
    if "first_name" not in row.values:
        raise row.error("first_name", "is required")
    return Booking(
        code=code,
        last_name=row.text("last_name"),
        first_name=row.text("first_name", required=False),
        arrival=arrival,
        departure=departure,
        room_type=row.matching("room_type", r"[a-z][a-z0-9_]{0,30}", "a room type like double"),
        rooms=row.whole("rooms", 1, 9, 1),
        adults=row.whole("adults", 1, 20, 1),
        children=row.whole("children", 0, 20, 0),
        date_of_birth=birth,
        nationality=row.matching("nationality", r"[A-Z]{3}", "an ISO 3166 alpha-3 code like DEU",
                                 required=False),
        email=row.matching("email", r"[^@\s]+@[^@\s]+\.[^@\s]+", "an e-mail address", required=False),
        status=BookingStatus(row.choice("status", ["reserved", "cancelled"], "reserved")),
    )


def _room(row: _Row) -> Room:
    features = row.values.get("features") or []
    if isinstance(features, str):
        features = [part.strip() for part in re.split(r"[;,|]", features) if part.strip()]
    if not isinstance(features, list) or not all(isinstance(item, str) for item in features):
        raise row.error("features", "a list of words, separated by ';' in CSV")
    return Room(
        number=row.matching("number", r"[A-Za-z0-9\-]{1,8}", "1 to 8 letters, digits or dashes").upper(),
        floor=row.whole("floor", -5, 200, 0) if row.text("floor") else 0,
        type=row.matching("type", r"[a-z][a-z0-9_]{0,30}", "a room type like double"),
        status=RoomStatus(row.choice("status", [str(status) for status in RoomStatus], "clean")),
        features=features,
    )


def _parse(path: Path, required: list[str], optional: list[str],
           make: Callable[[_Row], Any], key: Callable[[Any], str], key_column: str) -> tuple[list[Any], list[str]]:
    rows = read_rows(path)
    if not rows:
        raise ImportFileError(f"{path}: no rows to import")
    columns = set().union(*(values.keys() for _, values in rows))
    missing = [column for column in required if column not in columns]
    if missing:
        header = "line 1: " if rows[0][0].startswith("line") else ""
        raise ImportFileError(f"{path}: {header}missing column(s): {', '.join(missing)}")
    records, seen = [], {}
    for where, values in rows:
        record = make(_Row(path, where, values))
        if key(record) in seen:
            raise ImportFileError(f"{path}: {where}, column {key_column}: {key(record)} already on {seen[key(record)]}")
        seen[key(record)] = where
        records.append(record)
    ignored = sorted(columns - set(required) - set(optional))
    return records, ignored


def import_bookings(hotel: Hotel, path: Path) -> ImportResult:
    bookings, ignored = _parse(path, BOOKING_COLUMNS, BOOKING_OPTIONAL,
                               lambda row: _booking(row, hotel.today()), lambda b: b.code, "code")
    result = ImportResult(ignored_columns=ignored)
    with hotel.transaction() as db:
        existing = {doc["code"]: doc for doc in db.table("bookings").all()}
        for booking in bookings:
            _upsert_booking(db, existing.get(booking.code), booking, result)
        hotel.audit(db, SYSTEM, "import_bookings", file=path.name, added=result.added,
                    updated=result.updated, unchanged=result.unchanged)
    return result


def _upsert_booking(db: TinyDB, current: Any, booking: Booking, result: ImportResult) -> None:
    table = db.table("bookings")
    if current is None:
        table.insert(booking.to_doc())
        result.added += 1
        return
    kept = Booking.from_doc(current)
    imported = {name: getattr(booking, name) for name in BOOKING_COLUMNS[1:] + BOOKING_OPTIONAL}
    if kept.status in (BookingStatus.CHECKED_IN, BookingStatus.CHECKED_OUT):
        imported.pop("status")
        if booking.status is BookingStatus.CANCELLED:
            result.kept_checked_in += 1
    merged = Booking(**{**{name: getattr(kept, name) for name in kept.__dataclass_fields__}, **imported})
    if merged.to_doc() == kept.to_doc():
        result.unchanged += 1
    else:
        table.update(merged.to_doc(), doc_ids=[current.doc_id])
        result.updated += 1


def import_rooms(hotel: Hotel, path: Path) -> ImportResult:
    rooms, ignored = _parse(path, ROOM_COLUMNS, ROOM_OPTIONAL, _room, lambda room: room.number, "number")
    result = ImportResult(ignored_columns=ignored)
    with hotel.transaction() as db:
        table = db.table("rooms")
        existing = {doc["number"]: doc for doc in table.all()}
        for room in rooms:
            current = existing.get(room.number)
            if current is None:
                table.insert(room.to_doc())
                result.added += 1
            elif dict(current) == room.to_doc():
                result.unchanged += 1
            else:
                table.update(room.to_doc(), doc_ids=[current.doc_id])
                result.updated += 1
        hotel.audit(db, SYSTEM, "import_rooms", file=path.name, added=result.added,
                    updated=result.updated, unchanged=result.unchanged)
    return result
