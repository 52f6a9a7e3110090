"""Imports from the property system's export: CSV with a header row, or a JSON list of
objects. All or nothing: one bad row changes nothing and is named with its line and field."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from kiosk.audit import SYSTEM
from kiosk.gateway import Writer
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
    keys_moved: int = 0  # active door keys that now end at their stay's new departure
    ignored_columns: list[str] = field(default_factory=list)

    def summary(self, noun: str) -> str:
        text = f"{noun}: {self.added} added, {self.updated} updated, {self.unchanged} unchanged"
        if self.kept_checked_in:
            text += f", {self.kept_checked_in} already checked in kept their status"
        if self.keys_moved:
            text += f", {self.keys_moved} door key(s) now end at their stay's new departure"
        if self.ignored_columns:
            text += f" (ignored columns: {', '.join(self.ignored_columns)})"
        return text


Row = tuple[str, dict[str, Any]]  # where ("line 4" or "item 3"), values by column
Record = TypeVar("Record")  # what one row becomes: a Booking or a Room
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# What str.isprintable() refuses, by Unicode category, in the words of the message.
_UNPRINTABLE = {
    "Cc": "a control character",
    "Cf": "an invisible formatting character",
    "Zs": "a special space",
    "Zl": "a line separator",
    "Zp": "a paragraph separator",
}


@dataclass(frozen=True)
class ImportLimits:
    """How big one import file may be (hotel.toml [import]): every open booking makes each
    later check-in write and door check slower, so a runaway export is refused whole."""

    max_rows: int
    max_bytes: int


def read_rows(path: Path, limits: ImportLimits) -> list[Row]:
    text = _read_text(path, limits)
    if path.suffix.lower() == ".json" or text.lstrip().startswith("["):
        try:
            items = json.loads(text)
        except json.JSONDecodeError as error:
            raise ImportFileError(
                f"{path}: line {error.lineno}: not valid JSON: {error.msg}"
            ) from None
        except RecursionError:
            raise ImportFileError(f"{path}: not a JSON import: nested too deeply") from None
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise ImportFileError(f"{path}: a JSON import is a list of objects")
        if len(items) > limits.max_rows:
            raise _too_many_rows(path, limits)
        return [(f"item {number}", item) for number, item in enumerate(items, start=1)]
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows: list[Row] = []
    try:
        header = reader.fieldnames or []
        twice = sorted({name for name in header if header.count(name) > 1})
        if twice:
            raise ImportFileError(f"{path}: line 1: column(s) named twice: {', '.join(twice)}")
        for row in reader:
            if None in row:
                raise ImportFileError(f"{path}: line {reader.line_num}: more values than columns")
            if any((value or "").strip() for value in row.values()):
                if len(rows) == limits.max_rows:
                    raise _too_many_rows(path, limits)
                # A quoted value may hold line breaks: the row is named by its first line.
                breaks = sum(len(_LINE_BREAK.findall(value or "")) for value in row.values())
                rows.append((f"line {reader.line_num - breaks}", row))
    except csv.Error as error:
        raise ImportFileError(f"{path}: line {reader.line_num}: {error}") from None
    return rows


def _read_text(path: Path, limits: ImportLimits) -> str:
    """The file as text, never more than the limit in memory (a pipe has no size to check first)."""
    try:
        with path.open("rb") as file:
            raw = file.read(limits.max_bytes + 1)
    except OSError as error:
        raise ImportFileError(f"{path}: cannot read: {error.strerror}") from None
    if len(raw) > limits.max_bytes:
        raise ImportFileError(
            f"{path}: larger than the {limits.max_bytes:,} bytes an import may have "
            "(hotel.toml [import] max_bytes); import the coming days' arrivals, or raise the limit"
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(f"{path}: not UTF-8 text (byte {error.start})") from None


def _too_many_rows(path: Path, limits: ImportLimits) -> ImportFileError:
    return ImportFileError(
        f"{path}: more than the {limits.max_rows:,} rows an import may have "
        "(hotel.toml [import] max_rows); import the coming days' arrivals, or raise the limit"
    )


class _Row:
    """Typed access to one row's values; every complaint names the row and the column."""

    def __init__(self, path: Path, where: str, values: dict[str, Any]) -> None:
        self.path, self.where, self.values = path, where, values

    def error(self, column: str, reason: str) -> ImportFileError:
        return ImportFileError(f"{self.path}: {self.where}, column {column}: {reason}")

    def text(
        self, column: str, *, required: bool = True, default: str = "", number_allowed: bool = False
    ) -> str:
        value = self.checked(column, self._plain(column, number_allowed=number_allowed))
        if not value:
            if required:
                raise self.error(column, "is required")
            return default
        return value

    def _plain(self, column: str, *, number_allowed: bool) -> str:
        """A CSV value is always text; a JSON one has a type, and only a whole-number
        column takes a number."""
        value = self.values.get(column)
        if value is None or isinstance(value, str):
            return value or ""
        if number_allowed and type(value) is int:
            return str(value)
        expected = "a whole number" if number_allowed else "text"
        raise self.error(column, f"must be {expected}, not {_json_kind(value)}")

    def checked(self, column: str, value: str) -> str:
        """One text value without its surrounding spaces, refused if it holds a control
        character (anywhere: a line break or an escape sequence would reach a screen)."""
        if not value.isprintable():
            position, character = next(
                (n, c) for n, c in enumerate(value, start=1) if not c.isprintable()
            )
            kind = _UNPRINTABLE.get(
                unicodedata.category(character), "a character that cannot be shown"
            )
            raise self.error(
                column, f"contains {kind} (U+{ord(character):04X} at position {position})"
            )
        value = value.strip(" ")
        if len(value) > 100:
            raise self.error(column, "is longer than 100 characters")
        return value

    def matching(
        self, column: str, pattern: str, hint: str, *, required: bool = True, default: str = ""
    ) -> str:
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

    def whole(self, column: str, low: int, high: int, default: int | None = None) -> int:
        """A whole number from `low` to `high`; required unless there is a default."""
        value = self.text(column, required=default is None, number_allowed=True)
        if not value:
            assert default is not None
            return default
        if not re.fullmatch(r"-?\d+", value) or not low <= int(value) <= high:
            raise self.error(column, f"a whole number from {low} to {high}, not {value!r}")
        return int(value)

    def money(self, column: str, *, negative: bool = False) -> Decimal | None:
        """A gross amount in the hotel's currency, as "289.50" (a JSON number too); None
        when the column is empty or missing."""
        value = self.values.get(column)
        if isinstance(value, int | float) and not isinstance(value, bool):
            text = repr(value)  # the shortest text that is that number: 289.5, never 289.4999
        else:
            text = self.text(column, required=False)
        if not text:
            return None
        sign = "-?" if negative else ""
        if not re.fullmatch(rf"{sign}\d{{1,9}}(\.\d{{1,4}})?", text):
            hint = "an amount like 289.50" + (" (or -12.00 for a credit)" if negative else "")
            raise self.error(column, f"{hint}, not {text!r}")
        return Decimal(text)

    def choice(self, column: str, options: list[str], default: str) -> str:
        value = self.text(column, required=False, default=default).lower()
        if value not in options:
            raise self.error(column, f"one of {', '.join(options)}, not {value!r}")
        return value


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return f"the number {value}"
    return "a list" if isinstance(value, list) else "an object"


BOOKING_COLUMNS = ["code", "last_name", "first_name", "arrival", "departure", "room_type"]
BOOKING_OPTIONAL = [
    "rooms",
    "adults",
    "children",
    "date_of_birth",
    "nationality",
    "email",
    "status",
    "balance_due",
    "paid",
]
ROOM_COLUMNS = ["number", "floor", "type"]
ROOM_OPTIONAL = ["status", "features"]


def _booking(row: _Row, today: date) -> Booking:
    as_imported = row.text("code")
    code = normalise_code(as_imported)
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
    balance_due = row.money("balance_due", negative=True)
    paid = row.money("paid")
    if paid is not None and balance_due is None:
        # What was paid says nothing about what is owed: the folio needs both (kiosk/folio.py).
        raise row.error("paid", "needs balance_due beside it (what is still owed, after paid)")
    return Booking(
        code=code,
        code_as_imported=" ".join(as_imported.split()),
        last_name=row.text("last_name"),
        first_name=row.text("first_name", required=False),
        arrival=arrival,
        departure=departure,
        room_type=row.matching("room_type", r"[a-z][a-z0-9_]{0,30}", "a room type like double"),
        rooms=row.whole("rooms", 1, 9, 1),
        adults=row.whole("adults", 1, 20, 1),
        children=row.whole("children", 0, 20, 0),
        date_of_birth=birth,
        nationality=row.matching(
            "nationality", r"[A-Z]{3}", "an ISO 3166 alpha-3 code like DEU", required=False
        ),
        email=row.matching(
            "email", r"[^@\s]+@[^@\s]+\.[^@\s]+", "an e-mail address", required=False
        ),
        status=BookingStatus(row.choice("status", ["reserved", "cancelled"], "reserved")),
        balance_due=balance_due,
        paid=paid,
    )


def _room(row: _Row) -> Room:
    return Room(
        number=row.matching(
            "number", r"[A-Za-z0-9\-]{1,8}", "1 to 8 letters, digits or dashes"
        ).upper(),
        floor=row.whole("floor", -5, 200),
        type=row.matching("type", r"[a-z][a-z0-9_]{0,30}", "a room type like double"),
        status=RoomStatus(row.choice("status", [str(status) for status in RoomStatus], "clean")),
        features=_features(row),
    )


def _features(row: _Row) -> list[str]:
    """Words separated by ';' (or ',' or '|') in CSV, a list of texts in JSON."""
    value = row.values.get("features") or []
    parts = re.split(r"[;,|]", value) if isinstance(value, str) else value
    if not isinstance(parts, list) or not all(isinstance(part, str) for part in parts):
        raise row.error("features", "a list of words, separated by ';' in CSV")
    return [feature for feature in (row.checked("features", part) for part in parts) if feature]


def _parse(
    path: Path,
    limits: ImportLimits,
    required: list[str],
    optional: list[str],
    make: Callable[[_Row], Record],
    key: Callable[[Record], str],
    key_column: str,
) -> tuple[list[Record], list[str]]:
    rows = read_rows(path, limits)
    if not rows:
        raise ImportFileError(f"{path}: no rows to import")
    columns = set().union(*(values.keys() for _, values in rows))
    header = "line 1: " if rows[0][0].startswith("line") else ""
    unreadable = sorted(repr(column) for column in columns if not column.isprintable())
    if unreadable:  # the summary prints the columns it ignored
        raise ImportFileError(
            f"{path}: {header}column name(s) with control characters: {', '.join(unreadable)}"
        )
    missing = [column for column in required if column not in columns]
    if missing:
        raise ImportFileError(f"{path}: {header}missing column(s): {', '.join(missing)}")
    records: list[Record] = []
    seen: dict[str, str] = {}  # key -> where it was first
    for where, values in rows:
        record = make(_Row(path, where, values))
        if key(record) in seen:
            raise ImportFileError(
                f"{path}: {where}, column {key_column}: {key(record)} "
                f"already on {seen[key(record)]}"
            )
        seen[key(record)] = where
        records.append(record)
    ignored = sorted(columns - set(required) - set(optional))
    return records, ignored


def limits_of(hotel: Hotel) -> ImportLimits:
    return ImportLimits(hotel.profile.import_max_rows, hotel.profile.import_max_bytes)


def import_bookings(hotel: Hotel, path: Path) -> ImportResult:
    bookings, ignored = _parse(
        path,
        limits_of(hotel),
        BOOKING_COLUMNS,
        BOOKING_OPTIONAL,
        lambda row: _booking(row, hotel.today()),
        lambda b: b.code,
        "code",
    )
    result = ImportResult(ignored_columns=ignored)
    with hotel.transaction() as db:
        existing = {booking.code: booking for booking in db.bookings()}
        for booking in bookings:
            _upsert_booking(hotel, db, existing.get(booking.code), booking, result)
        db.audit(
            SYSTEM,
            "import_bookings",
            file=path.name,
            added=result.added,
            updated=result.updated,
            unchanged=result.unchanged,
            keys_moved=result.keys_moved,
        )
    return result


def _upsert_booking(
    hotel: Hotel, db: Writer, kept: Booking | None, booking: Booking, result: ImportResult
) -> None:
    if kept is None:
        db.add_bookings([booking])
        result.added += 1
        return
    # The code as written too: a code the property system now writes with a dash shows so.
    updated = ["code_as_imported", *BOOKING_COLUMNS[1:], *BOOKING_OPTIONAL]
    imported = {name: getattr(booking, name) for name in updated}
    if kept.status in (BookingStatus.CHECKED_IN, BookingStatus.CHECKED_OUT):
        imported.pop("status")
        if booking.status is BookingStatus.CANCELLED:
            result.kept_checked_in += 1
    merged = Booking(
        **{**{name: getattr(kept, name) for name in kept.__dataclass_fields__}, **imported}
    )
    if merged.to_doc() == kept.to_doc():
        result.unchanged += 1
        return
    db.save_booking(merged)
    result.updated += 1
    if merged.departure != kept.departure:
        # A stay the property system extends or shortens keeps its door keys to its new
        # departure.
        result.keys_moved += hotel.grants.move_ends(
            db, merged, SYSTEM, "departure changed by import"
        )


def import_rooms(hotel: Hotel, path: Path) -> ImportResult:
    rooms, ignored = _parse(
        path,
        limits_of(hotel),
        ROOM_COLUMNS,
        ROOM_OPTIONAL,
        _room,
        lambda room: room.number,
        "number",
    )
    result = ImportResult(ignored_columns=ignored)
    with hotel.transaction() as db:
        existing = {room.number: room for room in db.rooms()}
        for room in rooms:
            current = existing.get(room.number)
            if current is None:
                db.add_rooms([room])
                result.added += 1
            elif current.to_doc() == room.to_doc():
                result.unchanged += 1
            else:
                db.save_room(room)
                result.updated += 1
        db.audit(
            SYSTEM,
            "import_rooms",
            file=path.name,
            added=result.added,
            updated=result.updated,
            unchanged=result.unchanged,
        )
    return result
