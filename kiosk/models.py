"""The records the kiosk keeps, and how they map to TinyDB documents."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
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
    doc_id: int | None = None

    @property
    def nights(self) -> int:
        return (self.departure - self.arrival).days

    @property
    def guest_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def to_doc(self) -> dict[str, Any]:
        doc = asdict(self)
        doc.pop("doc_id")
        for key in ("arrival", "departure", "date_of_birth", "checked_in_at"):
            doc[key] = doc[key].isoformat() if doc[key] else None
        doc["status"] = str(self.status)
        doc["last_name_keys"] = last_name_keys(self.last_name)
        return doc

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Booking:
        identity = doc.get("identity")
        checked_in_at = doc.get("checked_in_at")
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
            date_of_birth=date.fromisoformat(doc["date_of_birth"]) if doc.get("date_of_birth") else None,
            nationality=doc.get("nationality", ""),
            email=doc.get("email", ""),
            status=BookingStatus(doc.get("status", "reserved")),
            assigned_rooms=list(doc.get("assigned_rooms", [])),
            identity=IdentityRecord(**identity) if identity else None,
            identity_failures=doc.get("identity_failures", 0),
            locked=doc.get("locked", False),
            checked_in_at=datetime.fromisoformat(checked_in_at) if checked_in_at else None,
            doc_id=getattr(doc, "doc_id", None),
        )


@dataclass
class Room:
    number: str
    floor: int
    type: str
    status: RoomStatus = RoomStatus.CLEAN
    features: list[str] = field(default_factory=list)

    def to_doc(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "floor": self.floor,
            "type": self.type,
            "status": str(self.status),
            "features": list(self.features),
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Room:
        return cls(
            number=doc["number"],
            floor=doc["floor"],
            type=doc["type"],
            status=RoomStatus(doc.get("status", "clean")),
            features=list(doc.get("features", [])),
        )
