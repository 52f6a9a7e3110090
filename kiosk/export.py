"""What goes back to the property system (`kiosk export`): every check-in, undone check-in,
room move, check-out, charge and void since a moment, as rows of one stable schema, in CSV
or JSON.

The rows come from the audit trail (kiosk.json and audit.jsonl) and from the charges (open
stays' and those in history.jsonl), never from what the bookings look like now: an export
tells what happened. Each row has an id that every later export repeats (the audit event's
own id, or the charge's), so the property system can drop what it has already read. Times
are ISO 8601 in the hotel's zone; amounts are gross decimals as text ("36.00"), in
`currency`: a JSON number would be a binary float.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from kiosk import audit
from kiosk.hotel import Hotel
from kiosk.models import Charge

COLUMNS = (
    "event_id",
    "type",
    "at",
    "booking",
    "room",
    "previous_room",
    "amount",
    "currency",
    "kind",
    "description",
    "actor",
    "kiosk",
    "reason",
)
"""The schema, in this order; README "Exporting to the property system" says what each holds.
New columns only ever go at the end."""

Row = dict[str, str | None]


class EventType(StrEnum):
    CHECK_IN = "check_in"
    CHECK_IN_UNDONE = "check_in_undone"
    ROOM_MOVE = "room_move"
    CHECK_OUT = "check_out"
    CHARGE = "charge"
    CHARGE_VOID = "charge_void"


# The audit actions the property system hears of (successful ones only).
_AUDITED = {
    "checked_in": EventType.CHECK_IN,
    "check_in_undone": EventType.CHECK_IN_UNDONE,
    "room_reassigned": EventType.ROOM_MOVE,
    "checked_out": EventType.CHECK_OUT,
}


def rows(hotel: Hotel, since: datetime) -> list[Row]:
    """Every event at or after `since`, oldest first. Events of one moment keep the order
    they happened in: the trail's for what it records, then the charges by their id (an
    audit event's id is random, so it cannot order them)."""
    zone = hotel.profile.zone
    charged = sorted(
        _charged(_all_charges(hotel), zone), key=lambda row: (_moment(row), row["event_id"] or "")
    )
    found = [
        row
        for row in (*_audited(audit.events(hotel.gateway, hotel.audit_archive), zone), *charged)
        if _moment(row) >= since
    ]
    return sorted(found, key=_moment)  # stable: a moment's events stay in that order


def _moment(row: Row) -> datetime:
    assert row["at"] is not None
    return datetime.fromisoformat(row["at"])


def _row(**values: str | None) -> Row:
    return {column: values.get(column) for column in COLUMNS}


def _at(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).isoformat(timespec="seconds")


def _audited(events: Iterable[dict[str, Any]], zone: ZoneInfo) -> Iterable[Row]:
    for event in events:
        kind = _AUDITED.get(event["action"])
        if kind is None or event["outcome"] != "ok":
            continue
        detail = event.get("detail", {})
        rooms = detail.get("rooms")
        yield _row(
            event_id=event["id"],
            type=kind,
            at=_at(datetime.fromisoformat(event["at"]), zone),
            booking=event.get("booking"),
            room=" ".join(rooms) if rooms else event.get("room"),
            previous_room=detail.get("previous"),
            amount=detail.get("balance"),
            currency=detail.get("currency"),
            actor=event["actor"],
            kiosk=event["kiosk"],
            reason=detail.get("reason") or None,
        )


def _all_charges(hotel: Hotel) -> list[Charge]:
    """Open stays' charges and archived ones, each once (the open copy is the newer)."""
    by_id = {charge.id: charge for charge in hotel.archive.archived_charges()}
    by_id.update((charge.id, charge) for charge in hotel.gateway.charges())
    return list(by_id.values())


def _charged(charges: Iterable[Charge], zone: ZoneInfo) -> Iterable[Row]:
    for charge in charges:
        common = {
            "booking": charge.booking,
            "currency": charge.currency,
            "kind": str(charge.kind),
            "description": charge.description,
        }
        yield _row(
            event_id=f"charge:{charge.id}",
            type=EventType.CHARGE,
            at=_at(charge.charged_at, zone),
            amount=str(charge.amount),
            actor=charge.charged_by,
            **common,
        )
        if charge.voided_at is not None:
            # A void takes the charge back: its amount with the other sign.
            yield _row(
                event_id=f"void:{charge.id}",
                type=EventType.CHARGE_VOID,
                at=_at(charge.voided_at, zone),
                amount=str(-charge.amount),
                reason=charge.void_reason,
                **common,
            )


def as_csv(found: list[Row]) -> str:
    """A header row, then one line per event; an empty cell where JSON has null."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({key: value or "" for key, value in row.items()} for row in found)
    return buffer.getvalue()


def as_json(found: list[Row]) -> str:
    """A list of objects with every column, in the schema's order."""
    return json.dumps(found, ensure_ascii=False, indent=2) + "\n"
