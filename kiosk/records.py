"""Each record in kiosk.json has the fields the kiosk reads, of the types it expects.

A record edited by hand (an arrival typed as a number) would otherwise fail in the middle
of a guest's lookup, far from the cause. `check_records` runs whenever the file is read
(at start, and when another kiosk has written it) and stops with CorruptDataError naming
the table, the record and the field, like any other broken file. The message never
quotes the value: it may be a guest's data. Fields the kiosk does not read are not checked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from kiosk.models import BookingStatus, ChargeKind, RoomStatus
from kiosk.staff import Role
from kiosk.storage import CorruptDataError

Check = Callable[[Any], bool]
_MISSING = object()
_NONE = type(None)


def _iso(parse: Callable[[str], Any]) -> Check:
    def check(value: str) -> bool:
        try:
            parse(value)
        except ValueError:
            return False
        return True

    return check


def _all_text(values: list[Any]) -> bool:
    return all(type(item) is str for item in values)


def _one_of(values: type) -> Check:
    return frozenset(str(value) for value in values).__contains__  # type: ignore[attr-defined]


_day, _moment = _iso(date.fromisoformat), _iso(datetime.fromisoformat)


def _decimal(value: str) -> bool:
    """A finite decimal number, as money is kept (text, never a binary float)."""
    try:
        return Decimal(value).is_finite()
    except InvalidOperation:
        return False


def _decimal_or_none(value: str | None) -> bool:
    return value is None or _decimal(value)


class _Field:
    """One field: the types its value may have, and a finer check for some (run only on a
    value of the right type). Reading a file checks every record's fields, so this is
    kept to a set lookup and, for dates and lists, one call."""

    __slots__ = ("check", "expected", "name", "required", "types")

    def __init__(
        self,
        name: str,
        expected: str,
        types: tuple[type, ...],
        check: Check | None = None,
        *,
        required: bool = False,
    ) -> None:
        self.name, self.expected, self.required = name, expected, required
        self.types = frozenset(types)
        self.check = check


def _text(name: str, *, required: bool = False) -> _Field:
    return _Field(name, "text", (str,), required=required)


def _whole(name: str, *, required: bool = False) -> _Field:
    return _Field(name, "a whole number", (int,), required=required)


def _texts(name: str) -> _Field:
    return _Field(name, "a list of texts", (list,), _all_text)


def _when(
    name: str, words: str, parsed: Check, *, required: bool = False, null: bool = False
) -> _Field:
    """A date or a moment, kept as ISO text; `null` allows None."""
    if null:
        return _Field(
            name, f"{words} or null", (str, _NONE), lambda value: value is None or parsed(value)
        )
    return _Field(name, words, (str,), parsed, required=required)


def _day_field(name: str, *, required: bool = False, null: bool = False) -> _Field:
    return _when(name, "a date (YYYY-MM-DD)", _day, required=required, null=null)


def _moment_field(name: str, *, required: bool = False, null: bool = False) -> _Field:
    return _when(name, "a date and time", _moment, required=required, null=null)


# Fields the kiosk reads with a default may be missing; the others are required.
FIELDS: dict[str, tuple[_Field, ...]] = {
    "bookings": (
        _text("code", required=True),
        _text("code_as_imported"),
        _text("last_name", required=True),
        _day_field("arrival", required=True),
        _day_field("departure", required=True),
        _text("room_type", required=True),
        _Field("status", "a booking status", (str,), _one_of(BookingStatus)),
        _text("first_name"),
        _whole("rooms"),
        _whole("adults"),
        _whole("children"),
        _day_field("date_of_birth", null=True),
        _text("nationality"),
        _text("email"),
        _texts("assigned_rooms"),
        _texts("last_name_keys"),
        _Field("identity", "an object or null", (dict, _NONE)),
        _whole("identity_failures"),
        _Field("locked", "true or false", (bool,)),
        _moment_field("checked_in_at", null=True),
        _moment_field("checked_out_at", null=True),
        _Field("balance_due", "a decimal number as text or null", (str, _NONE), _decimal_or_none),
        _Field("paid", "a decimal number as text or null", (str, _NONE), _decimal_or_none),
    ),
    "rooms": (
        _text("number", required=True),
        _whole("floor", required=True),
        _text("type", required=True),
        _Field("status", "a room status", (str,), _one_of(RoomStatus)),
        _texts("features"),
        _moment_field("status_since", null=True),
    ),
    "grants": (
        _text("id", required=True),
        _text("booking", required=True),
        _text("room", required=True),
        _text("pin_hash", required=True),
        _moment_field("valid_from", required=True),
        _moment_field("valid_until", required=True),
        _moment_field("revoked_at", null=True),
    ),
    "charges": (
        _text("id", required=True),
        _text("booking", required=True),
        _Field("kind", "a charge kind", (str,), _one_of(ChargeKind), required=True),
        _text("description", required=True),
        _Field("amount", "a decimal number as text", (str,), _decimal, required=True),
        _text("currency", required=True),
        _moment_field("charged_at", required=True),
        _text("charged_by", required=True),
        _moment_field("voided_at", null=True),
        _Field("void_reason", "text or null", (str, _NONE)),
    ),
    "staff": (
        _text("name", required=True),
        _Field("role", "a staff role", (str,), _one_of(Role), required=True),
        _text("pin", required=True),
    ),
    "help_requests": (
        _text("reason", required=True),
        _moment_field("created_at", required=True),
        _text("status", required=True),
        _Field("booking", "text or null", (str, _NONE)),
        _Field("taken_by", "text or null", (str, _NONE)),
    ),
}


def _kind(value: Any) -> str:
    """What a value is, in words, without the value itself."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "other text"
    if isinstance(value, list):
        return "a list"
    return "an object"


def check_records(
    path: Path,
    data: Mapping[str, Mapping[str, Mapping[str, Any]]],
    checked: Mapping[str, Mapping[str, Mapping[str, Any]]] | None = None,
) -> None:
    """Raise CorruptDataError for the first record with a missing or mistyped field.
    `checked` is data that passed before (the file as this process last read it): a record
    equal to its copy there is not checked again, so a re-read after another kiosk's write
    costs a comparison per record, done in C, and the full check for what changed."""
    for table, fields in FIELDS.items():
        before = checked.get(table, {}) if checked is not None else {}
        for doc_id, doc in data.get(table, {}).items():
            if before.get(doc_id) == doc:
                continue
            for field in fields:
                value = doc.get(field.name, _MISSING)
                if value is _MISSING:
                    if field.required:
                        raise _bad(path, table, doc_id, doc, f"has no {field.name!r}")
                elif type(value) not in field.types or (
                    field.check is not None and not field.check(value)
                ):
                    raise _bad(
                        path,
                        table,
                        doc_id,
                        doc,
                        f"{field.name!r} must be {field.expected}, not {_kind(value)}",
                    )


def _bad(
    path: Path, table: str, doc_id: str, doc: Mapping[str, Any], problem: str
) -> CorruptDataError:
    # A booking's code and a room's number name the record for staff; names never.
    label = {"bookings": "code", "rooms": "number", "grants": "id", "charges": "id"}.get(table)
    named = f" ({label} {doc[label]})" if label and isinstance(doc.get(label), str) else ""
    return CorruptDataError(
        f"{path}: table {table!r} record {doc_id}{named}: {problem}. Correct the record or "
        "restore the file from a backup."
    )
