"""The audit trail: what an event records (who did what, on which kiosk, when; never a PIN, a
document number or a zone), when events leave the main file, and how the trail is searched.

Events are written in the same atomic write as the change they describe (table `audit`
of the main file) and moved in batches to `audit.jsonl` so the main file stays small.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.archive import JsonlArchive
from kiosk.models import normalise_code

if TYPE_CHECKING:
    from kiosk.gateway import Reads, Writer

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


def event(
    *,
    at: datetime,
    kiosk: str,
    actor: Actor,
    action: str,
    outcome: str = "ok",
    booking: str | None = None,
    room: str | None = None,
    **detail: Any,
) -> dict[str, Any]:
    """The document of one event; refuses details the trail may never carry."""
    leaked = _FORBIDDEN.intersection(detail)
    if leaked:
        raise ValueError(f"audit detail may not carry {sorted(leaked)}")
    return {
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


def archive_at(path: Path) -> JsonlArchive:
    """audit.jsonl: the events that left the main file."""
    return JsonlArchive(path, key=lambda event: event["id"])


def rotate(db: Writer, archive: JsonlArchive) -> None:
    """Move the oldest events out of the main file once it holds more than ROTATE_ABOVE."""
    in_file = db.audit_count()
    if in_file <= ROTATE_ABOVE:
        return
    # Appended before the main file drops them: a crash between leaves them in both.
    oldest = db.audit_in_file()[: in_file - KEEP_IN_MAIN_FILE]
    archive.append(oldest)
    db.drop_oldest_audit_events(len(oldest))


def events(db: Reads, archive: JsonlArchive) -> list[dict[str, Any]]:
    """The whole trail, oldest first, each event once."""
    seen: dict[str, dict[str, Any]] = {event["id"]: event for event in archive.records()}
    for event in db.audit_in_file():
        seen[event["id"]] = event
    return sorted(seen.values(), key=lambda event: event["at"])


class AuditTrail:
    """What staff and the command line ask of the trail."""

    def __init__(self, gateway: Reads, archive: JsonlArchive) -> None:
        self.gateway = gateway
        self.archive = archive

    def events(
        self, *, limit: int = 50, booking: str | None = None, actor: str | None = None
    ) -> list[dict[str, Any]]:
        """The latest `limit` events, of one booking or of actors whose name holds `actor`."""
        found = events(self.gateway, self.archive)
        if booking:
            found = [event for event in found if event.get("booking") == normalise_code(booking)]
        if actor:
            found = [event for event in found if actor.lower() in event["actor"].lower()]
        return found[-limit:]
