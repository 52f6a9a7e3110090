"""The audit trail: who did what, on which kiosk, when. Never a PIN, a document number or a zone.

Events are written in the same atomic write as the change they describe (table `audit`
of the main file) and moved in batches to `audit.jsonl` so the main file stays small.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tinydb import TinyDB

from kiosk.archive import JsonlArchive

TABLE = "audit"
KEEP_IN_MAIN_FILE = 500
ROTATE_ABOVE = 1000
# Detail keys an event may never carry, whatever a caller passes.
_FORBIDDEN = frozenset({"pin", "code", "token", "mrz", "zone", "document_number", "secret"})


@dataclass(frozen=True)
class Actor:
    kind: str  # "guest", "staff", "system" or "door"
    name: str = ""

    def __str__(self) -> str:
        return f"{self.kind}:{self.name}" if self.name else self.kind


SYSTEM = Actor("system")


def record(
    db: TinyDB,
    *,
    at: datetime,
    kiosk: str,
    actor: Actor,
    action: str,
    outcome: str = "ok",
    booking: str | None = None,
    room: str | None = None,
    **detail: Any,
) -> None:
    leaked = _FORBIDDEN.intersection(detail)
    if leaked:
        raise ValueError(f"audit detail may not carry {sorted(leaked)}")
    db.table(TABLE).insert(
        {
            "id": secrets.token_hex(8),
            "at": at.isoformat(timespec="seconds"),
            "kiosk": kiosk,
            "actor": str(actor),
            "action": action,
            "outcome": outcome,
            "booking": booking,
            "room": room,
            "detail": detail,
        }
    )


def archive_for(data_dir_path: Any) -> JsonlArchive:
    return JsonlArchive(data_dir_path / "audit.jsonl", key=lambda event: event["id"])


def rotate(db: TinyDB, archive: JsonlArchive) -> None:
    """Move the oldest events out of the main file once it holds more than ROTATE_ABOVE."""
    table = db.table(TABLE)
    if len(table) <= ROTATE_ABOVE:
        return
    events = sorted(table.all(), key=lambda event: event.doc_id)
    old = events[: len(events) - KEEP_IN_MAIN_FILE]
    archive.append(dict(event) for event in old)
    table.remove(doc_ids=[event.doc_id for event in old])


def events(db: TinyDB, archive: JsonlArchive) -> list[dict[str, Any]]:
    """The whole trail, oldest first, each event once."""
    seen: dict[str, dict[str, Any]] = {event["id"]: event for event in archive.records()}
    for event in sorted(db.table(TABLE).all(), key=lambda event: event.doc_id):
        seen[event["id"]] = dict(event)
    return sorted(seen.values(), key=lambda event: event["at"])
