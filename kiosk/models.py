"""The records the kiosk keeps, and how they map to TinyDB documents."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from kiosk.mrz import name_forms, transliterate


class BookingStatus(StrEnum):
    RESERVED = "reserved"
    CANCELLED = "cancelled"
    CHECKED_IN = "checked_in"
    CHECKED_OUT = "checked_out"


class RoomStatus(StrEnum):
    CLEAN = "clean"
    DIRTY = "dirty"
    INSPECTED = "inspected"
    OUT_OF_ORDER = "out_of_order"


READY_STATUSES = frozenset({RoomStatus.CLEAN, RoomStatus.INSPECTED})


def normalise_code(text: str) -> str:
    """Booking codes as guests type or scanners send them: any case, spaces and dashes ignored."""
    return re.sub(r"[\s\-_]+", "", text).upper()


def normalise_name(text: str) -> str:
    """A typed last name as the kiosk looks it up: case, accents, spaces and punctuation aside."""
    return transliterate(text).replace("<", "")


def last_name_keys(last_name: str) -> list[str]:
    """Every way a guest may type this name and still find it: Müller as MUELLER or MULLER,
    and a double name whole or by any whole part (Schmidt-Weber as SCHMIDT or WEBER)."""
    keys = set()
    for form in name_forms(last_name):
        keys.add(form.replace("<", ""))
        keys.update(part for part in form.split("<") if part)
    return sorted(keys)


@dataclass(frozen=True)
class IdentityRecord:
    """What is kept of a checked document: never the zone, never the whole number."""

    method: str  # "mrz", "hand" or "staff"
    document_type: str = ""
    issuing_state: str = ""
    nationality: str = ""
    expiry: str = ""
    number_last4: str = ""
    approved_by: str = ""


@dataclass
class Booking:
    code: str
    last_name: str
    first_name: str
    arrival: date
    departure: date
    room_type: str
    rooms: int = 1
    adults: int = 1
    children: int = 0
    date_of_birth: date | None = None
    nationality: str = ""
    email: str = ""
    status: BookingStatus = BookingStatus.RESERVED
    assigned_rooms: list[str] = field(default_factory=list)
    identity: IdentityRecord | None = None
    identity_failures: int = 0
    locked: bool = False
    checked_in_at: datetime | None = None
    checked_out_at: datetime | None = None
    balance_due: Decimal | None = None
    """What the property system said the guest still owed for the stay when it exported the
    booking (gross, after what was paid to it); None: it did not say (kiosk/folio.py)."""
    paid: Decimal | None = None
    """What the guest had paid towards the stay by then, as the property system has it."""
    code_as_imported: str = ""
    """The code as the property system writes it (`ZQ7-4416`), the one guests and staff
    read; `code` is its normalised form (`ZQ74416`), the one it is found and referred to by.
    Left out: `code`."""
    doc_id: int | None = None

    def __post_init__(self) -> None:
        self.code_as_imported = self.code_as_imported or self.code

    @property
    def nights(self) -> int:
        return (self.departure - self.arrival).days

    @property
    def guest_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def to_doc(self) -> dict[str, Any]:
        # Field by field rather than asdict's deep copy of every value (at each check-in):
        # the list and the identity are the only values that are not immutable.
        doc = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "doc_id"}
        doc["assigned_rooms"] = list(self.assigned_rooms)
        doc["identity"] = asdict(self.identity) if self.identity else None
        for key in ("arrival", "departure", "date_of_birth", "checked_in_at", "checked_out_at"):
            doc[key] = doc[key].isoformat() if doc[key] else None
        for key in ("balance_due", "paid"):
            # Money as text, never a binary float (kiosk/money.py).
            doc[key] = None if doc[key] is None else str(doc[key])
        doc["status"] = str(self.status)
        doc["last_name_keys"] = last_name_keys(self.last_name)
        return doc

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Booking:
        identity = doc.get("identity")
        checked_in_at = doc.get("checked_in_at")
        balance_due, paid = doc.get("balance_due"), doc.get("paid")
        return cls(
            code=doc["code"],
            last_name=doc["last_name"],
            first_name=doc.get("first_name", ""),
            arrival=date.fromisoformat(doc["arrival"]),
            departure=date.fromisoformat(doc["departure"]),
            room_type=doc["room_type"],
            rooms=doc.get("rooms", 1),
            adults=doc.get("adults", 1),
            children=doc.get("children", 0),
            date_of_birth=date.fromisoformat(doc["date_of_birth"])
            if doc.get("date_of_birth")
            else None,
            nationality=doc.get("nationality", ""),
            email=doc.get("email", ""),
            status=BookingStatus(doc.get("status", "reserved")),
            assigned_rooms=list(doc.get("assigned_rooms", [])),
            identity=IdentityRecord(**identity) if identity else None,
            identity_failures=doc.get("identity_failures", 0),
            locked=doc.get("locked", False),
            checked_in_at=datetime.fromisoformat(checked_in_at) if checked_in_at else None,
            checked_out_at=_moment(doc.get("checked_out_at")),
            balance_due=None if balance_due is None else Decimal(balance_due),
            paid=None if paid is None else Decimal(paid),
            code_as_imported=doc.get("code_as_imported", ""),
            doc_id=getattr(doc, "doc_id", None),
        )


@dataclass
class Room:
    number: str
    floor: int
    type: str
    status: RoomStatus = RoomStatus.CLEAN
    features: list[str] = field(default_factory=list)
    status_since: datetime | None = None
    """When housekeeping last set the status (None: not since the room came on file). A stay
    that ended here later has left the room to be cleaned (kiosk/turnover.py)."""

    def to_doc(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "floor": self.floor,
            "type": self.type,
            "status": str(self.status),
            "features": list(self.features),
            "status_since": _moment_text(self.status_since),
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Room:
        return cls(
            number=doc["number"],
            floor=doc["floor"],
            type=doc["type"],
            status=RoomStatus(doc.get("status", "clean")),
            features=list(doc.get("features", [])),
            status_since=_moment(doc.get("status_since")),
        )


@dataclass(frozen=True)
class Grant:
    """A door key of one room for one booking: the PIN only as a keyed hash (kiosk/keys.py)."""

    id: str
    booking: str
    room: str
    pin_hash: str
    valid_from: datetime
    valid_until: datetime
    issued_at: datetime | None = None
    issued_by: str = ""
    revoked_at: datetime | None = None
    doc_id: int | None = field(default=None, compare=False)

    def is_active(self, now: datetime) -> bool:
        """Not revoked and not over; a key issued for later counts as active too."""
        return self.revoked_at is None and self.valid_until > now

    def to_doc(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "booking": self.booking,
            "room": self.room,
            "pin_hash": self.pin_hash,
            "valid_from": self.valid_from.isoformat(),
            "valid_until": self.valid_until.isoformat(),
            "issued_at": _moment_text(self.issued_at),
            "issued_by": self.issued_by,
            "revoked_at": _moment_text(self.revoked_at),
        }

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any]) -> Grant:
        return cls(
            id=doc["id"],
            booking=doc["booking"],
            room=doc["room"],
            pin_hash=doc["pin_hash"],
            valid_from=datetime.fromisoformat(doc["valid_from"]),
            valid_until=datetime.fromisoformat(doc["valid_until"]),
            issued_at=_moment(doc.get("issued_at")),
            issued_by=doc.get("issued_by", ""),
            revoked_at=_moment(doc.get("revoked_at")),
            doc_id=getattr(doc, "doc_id", None),
        )


class ChargeKind(StrEnum):
    """What the kiosk charged for: the offers it sells, and the city tax."""

    BREAKFAST = "breakfast"
    LATE_CHECK_OUT = "late_check_out"
    UPGRADE = "upgrade"
    EARLY_CHECK_IN = "early_check_in"
    CITY_TAX = "city_tax"


@dataclass(frozen=True)
class Charge:
    """Something the kiosk charged to a booking's folio, at a final price including VAT
    (German price law: the guest is shown and charged gross prices). Staff may void it, with
    a reason; a voided charge stays on file and counts for nothing."""

    id: str
    booking: str
    kind: ChargeKind
    description: str
    """In the hotel's own language, as the property system and the folio show it."""
    amount: Decimal
    """The gross total of this charge (every night and guest it covers), in `currency`."""
    currency: str
    charged_at: datetime
    charged_by: str
    voided_at: datetime | None = None
    void_reason: str | None = None
    doc_id: int | None = field(default=None, compare=False)

    @property
    def voided(self) -> bool:
        return self.voided_at is not None

    def to_doc(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "booking": self.booking,
            "kind": str(self.kind),
            "description": self.description,
            "amount": str(self.amount),
            "currency": self.currency,
            "charged_at": self.charged_at.isoformat(),
            "charged_by": self.charged_by,
            "voided_at": _moment_text(self.voided_at),
            "void_reason": self.void_reason,
        }

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any]) -> Charge:
        return cls(
            id=doc["id"],
            booking=doc["booking"],
            kind=ChargeKind(doc["kind"]),
            description=doc["description"],
            amount=Decimal(doc["amount"]),
            currency=doc["currency"],
            charged_at=datetime.fromisoformat(doc["charged_at"]),
            charged_by=doc["charged_by"],
            voided_at=_moment(doc.get("voided_at")),
            void_reason=doc.get("void_reason"),
            doc_id=getattr(doc, "doc_id", None),
        )


class HelpStatus(StrEnum):
    OPEN = "open"
    TAKEN = "taken"
    CLOSED = "closed"


class HelpReason(StrEnum):
    """Why the kiosk calls staff."""

    GUEST = "guest"  # the guest pressed the help button
    LOCKED = "locked"  # a guest found a booking that already waits for staff
    LOOKUP_LOCKED = "lookup_locked"  # failed lookups made the kiosk wait
    IDENTITY_LOCKED = "identity_locked"  # too many wrong dates of birth
    DOCUMENT_REFUSED = "document_refused"  # a document no other one may stand in for
    TOO_YOUNG = "too_young"
    NO_ROOM = "no_room"  # identity proven but no room ready
    BALANCE_DUE = "balance_due"  # checked out at the kiosk owing money; the guest comes to the desk
    CARD_NOT_PRINTED = "card_not_printed"  # a registration card the printer did not take
    CLOCK_JUMP = "clock_jump"  # the archive waits until staff have checked the host clock
    UNEXPECTED_ERROR = "unexpected_error"  # the guest met an error page


@dataclass(frozen=True)
class HelpRequest:
    id: int
    """The document id: numbers come again once the table has emptied (with another time)."""
    kiosk: str
    reason: str
    """A HelpReason for every request a kiosk files; read as text, so that a request filed
    by another version of the kiosk still shows."""
    booking: str | None
    created_at: datetime
    status: HelpStatus = HelpStatus.OPEN
    taken_by: str | None = None
    note: str | None = None
    """What staff should know beyond the reason (never a guest's personal data)."""

    def to_doc(self) -> dict[str, Any]:
        return {
            "kiosk": self.kiosk,
            "reason": str(self.reason),
            "booking": self.booking,
            "created_at": self.created_at.isoformat(),
            "status": str(self.status),
            "taken_by": self.taken_by,
            "note": self.note,
        }

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any], doc_id: int) -> HelpRequest:
        return cls(
            id=doc_id,
            kiosk=doc.get("kiosk", ""),
            reason=doc["reason"],
            booking=doc.get("booking"),
            created_at=datetime.fromisoformat(doc["created_at"]),
            status=HelpStatus(doc["status"]),
            taken_by=doc.get("taken_by"),
            note=doc.get("note"),
        )


@dataclass(frozen=True)
class AttemptCounter:
    """The failed attempts under one key of the limits table (kiosk/attempts.py): a kiosk's
    lookups (`lookup:KIOSK`), a kiosk's staff PINs (`staff_login:KIOSK`), a door's PINs
    (`door:ROOM`)."""

    key: str
    failures: int = 0
    """Lookups: failed ones since the last quiet spell or forgiven booking."""
    failed_at: tuple[datetime, ...] = ()
    """PINs: when the recent wrong ones were typed, oldest first."""
    locked_until: datetime | None = None
    last_failure: datetime | None = None
    forgiven: tuple[str, ...] = ()
    """Lookups: the bookings whose finding cleared the count (each clears it once)."""

    @property
    def kind(self) -> str:
        return self.key.partition(":")[0]

    def to_doc(self) -> dict[str, Any]:
        moments = [moment.isoformat() for moment in self.failed_at]
        if self.kind == "door":
            return {
                "key": self.key,
                "wrong_pins": moments,
                "locked_until": _moment_text(self.locked_until),
            }
        if self.kind == "staff_login":
            return {"key": self.key, "wrong_at": moments}
        doc: dict[str, Any] = {
            "key": self.key,
            "failures": self.failures,
            "locked_until": _moment_text(self.locked_until),
        }
        if self.last_failure is not None:
            doc["last_failure"] = self.last_failure.isoformat()
        if self.forgiven:
            doc["forgiven"] = list(self.forgiven)
        return doc

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any]) -> AttemptCounter:
        # Doors and staff PINs keep their moments under the names they always had.
        moments = doc.get("wrong_pins", doc.get("wrong_at", []))
        return cls(
            key=doc["key"],
            failures=doc.get("failures", 0),
            failed_at=tuple(sorted(datetime.fromisoformat(moment) for moment in moments)),
            locked_until=_moment(doc.get("locked_until")),
            last_failure=_moment(doc.get("last_failure")),
            forgiven=tuple(doc.get("forgiven", ())),
        )


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _moment_text(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
