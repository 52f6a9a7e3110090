"""The door's decisions: does this PIN or scanned token open this room now, and how long do
wrong PINs keep the keypad shut.

A door decides from what it has read, and only then tries to write what happened: a full
disk or another process holding the data lock must never keep a guest out (issue 9). The
event it could not write goes to a folder of pending events, one small file each, written
without the data lock; every later write of any kiosk folds them into the store. One file
per event, made whole under a temporary name and then renamed, because an appender never
has to coordinate with the folder that way: a reader sees whole events or none, and the
folder removes only files it has folded (an event folded twice is recognised by its id).
What neither the store nor that folder takes stays in memory until the next write, and
the command line prints it rather than drop it.

Wrong PINs (issue 10) count over a window that a right PIN does not reset, so an attacker
cannot spread guesses between a guest's own openings. From the `door_pin_attempts`-th wrong
PIN in the window the keypad locks, for `door_lockout_minutes`, doubling with each further
wrong PIN up to `door_lockout_max_minutes`. While it is locked every PIN is refused unread,
the right one too: a keypad cannot tell the guest from the person guessing, and a right PIN
that opened during a lock-out would leave the guessing unlimited. The QR key is no guess
(a 128-bit signature) and opens throughout, and each lock-out step is short (README,
Security). The lock-out's figures are kiosk/attempts.py's.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from kiosk import audit, keys
from kiosk.attempts import FailureWindow
from kiosk.audit import SYSTEM, Actor
from kiosk.gateway import Writer
from kiosk.grants import with_pin
from kiosk.models import AttemptCounter, Grant
from kiosk.storage import StorageError, read_data

PENDING_FOLDER = "door-events"
# A door answers within a second whatever the data lock does: it waits this long for the
# lock before it writes its event to the pending folder instead.
LOCK_WAIT_SECONDS = 0.5

DoorRead = Callable[[str], tuple[list[Grant], AttemptCounter | None]]
"""A room's grants and its wrong-PIN counter (None: none on record)."""


def limit_key(room: str) -> str:
    """The room's document in the limits table: its recent wrong PINs and lock-out."""
    return f"door:{room}"


@dataclass(frozen=True)
class DoorVerdict:
    opens: bool
    reason: str  # "open", "wrong_code", "wrong_room", "not_yet_valid", "expired", "revoked", "locked_out"
    booking: str | None = None
    locked_until: datetime | None = None
    unrecorded: str | None = None
    """Why the door's event is not on disk yet (None: in the store or the pending folder)."""


@dataclass
class DoorRecord:
    """What a room's door has on record: its grants and its recent wrong PINs."""

    grants: list[Grant]
    wrong_pins: list[datetime] = field(default_factory=list)
    locked_until: datetime | None = None


def record_from(
    grants: list[Grant], counter: AttemptCounter | None, pending: Iterable[dict[str, Any]]
) -> DoorRecord:
    """The room's record from the store's records and the events not folded into it yet."""
    record = DoorRecord(grants)
    if counter:
        record.wrong_pins = list(counter.failed_at)
        record.locked_until = counter.locked_until
    for event in pending:
        _add_event(record, event)
    return record


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _add_event(record: DoorRecord, event: dict[str, Any]) -> None:
    if event["wrong_pin"]:
        record.wrong_pins.append(datetime.fromisoformat(event["at"]))
    until = _moment(event["locked_until"])
    if until and (record.locked_until is None or until > record.locked_until):
        record.locked_until = until


def decide(
    record: DoorRecord,
    secret: bytes,
    limit: FailureWindow,
    room: str,
    code: str,
    now: datetime,
    kiosk: str,
) -> tuple[DoorVerdict, dict[str, Any]]:
    """The verdict, and the event to write (an audit event that may also count a wrong PIN)."""
    method = "pin" if keys.looks_like_pin(code) else "qr"
    wrong_pin = False
    if method == "qr":
        verdict = _token_verdict(record, secret, room, code, now)
    elif record.locked_until and now < record.locked_until <= now + limit.wait.longest:
        # A lock-out that would last longer than any lock-out does was set by a clock that
        # ran ahead; it ends once the clock is right again (issue 9: one ran for five days).
        verdict = DoorVerdict(False, "locked_out", locked_until=record.locked_until)
    else:
        verdict = _pin_verdict(record, secret, room, code.strip(), now)
        if verdict.reason == "wrong_code":
            wrong_pin = True
            # Likewise wrong PINs "from the future" were counted on a clock that ran ahead
            # (FailureWindow.counted leaves them out).
            locked_until = limit.next_try_at([*record.wrong_pins, now], now)
            if locked_until:
                verdict = DoorVerdict(False, "wrong_code", locked_until=locked_until)
    event = {
        "id": secrets.token_hex(8),
        "at": now.isoformat(),
        "kiosk": kiosk,
        "room": room,
        "outcome": verdict.reason,
        "booking": verdict.booking,
        "method": method,
        "wrong_pin": wrong_pin,
        "locked_until": verdict.locked_until.isoformat()
        if wrong_pin and verdict.locked_until
        else None,
    }
    return verdict, event


def _pin_verdict(
    record: DoorRecord, secret: bytes, room: str, pin: str, now: datetime
) -> DoorVerdict:
    known: DoorVerdict | None = None
    for grant in with_pin(record.grants, secret, room, pin):
        verdict = window_verdict(grant, now)
        if verdict.opens:
            return verdict
        known = known or verdict
    # A PIN this room once had (expired, revoked, not yet valid) is no guess: say why it
    # stays shut, as for a token, and do not count it towards the lock-out.
    return known or DoorVerdict(False, "wrong_code")


def _token_verdict(
    record: DoorRecord, secret: bytes, room: str, token: str, now: datetime
) -> DoorVerdict:
    claims = keys.read_token(secret, token)
    if claims is None:
        return DoorVerdict(False, "wrong_code")
    if claims.room != room:
        return DoorVerdict(False, "wrong_room")
    grant = next((grant for grant in record.grants if grant.id == claims.grant_id), None)
    if grant is None:
        return DoorVerdict(False, "revoked")
    return window_verdict(grant, now)


def window_verdict(grant: Grant, now: datetime) -> DoorVerdict:
    booking = grant.booking
    if grant.revoked_at:
        return DoorVerdict(False, "revoked", booking)
    if now < grant.valid_from:
        return DoorVerdict(False, "not_yet_valid", booking)
    if now >= grant.valid_until:
        return DoorVerdict(False, "expired", booking)
    return DoorVerdict(True, "open", booking)


# -- writing what the door did --------------------------------------------------------------


def write_event(db: Writer, event: dict[str, Any], limit: FailureWindow) -> None:
    """The event into the store (under the data lock): its audit event and, for a wrong PIN,
    the room's count."""
    at = datetime.fromisoformat(event["at"])
    room, kiosk = event["room"], event["kiosk"]
    db.add_audit_event(
        audit.event(
            at=at,
            kiosk=kiosk,
            actor=Actor("door", room),
            action="key_verified",
            outcome=event["outcome"],
            room=room,
            booking=event["booking"],
            method=event["method"],
            event=event["id"],
        )
    )
    if not event["wrong_pin"]:
        return
    counter = db.counter(limit_key(room))
    record = record_from([], counter, [event])
    # Written without the count before wrong PINs had times (`failures`).
    db.save_counter(
        AttemptCounter(
            counter.key,
            failed_at=tuple(
                sorted(moment for moment in record.wrong_pins if moment > at - limit.span)
            ),
            locked_until=record.locked_until,
        )
    )
    if event["locked_until"]:
        db.add_audit_event(
            audit.event(
                at=at,
                kiosk=kiosk,
                actor=SYSTEM,
                action="door_locked_out",
                outcome="locked",
                room=room,
                until=event["locked_until"],
            )
        )


class PendingEvents:
    """The folder of door events that could not be written to the store yet."""

    def __init__(self, data_root: Path) -> None:
        self.folder = data_root / PENDING_FOLDER

    def add(self, event: dict[str, Any]) -> None:
        """Raises OSError when the disk cannot take it either."""
        self.folder.mkdir(exist_ok=True)
        final = self.folder / f"{event['id']}.json"
        partial = self.folder / f".{event['id']}.tmp"
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            try:
                payload = memoryview(orjson.dumps(event))
                while payload:
                    payload = payload[os.write(descriptor, payload) :]
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
            os.replace(partial, final)
        except OSError:
            with contextlib.suppress(OSError):
                partial.unlink()
            raise

    def events(self, room: str | None = None) -> list[tuple[Path, dict[str, Any]]]:
        """The pending events (of `room`), oldest first. A file that cannot be read now is
        left for a later fold rather than guessed at."""
        try:
            paths = [path for path in self.folder.iterdir() if path.suffix == ".json"]
        except OSError:
            return []
        found = []
        for path in paths:
            try:
                event = orjson.loads(path.read_bytes())
            except (OSError, orjson.JSONDecodeError):
                continue
            if room is None or event.get("room") == room:
                found.append((path, event))
        return sorted(found, key=lambda pair: pair[1]["at"])

    @staticmethod
    def remove(paths: Iterable[Path]) -> None:
        """After their events are committed to the store; one left behind is folded again
        harmlessly (write_event knows it by its id)."""
        for path in paths:
            with contextlib.suppress(OSError):
                path.unlink()


def file_reader(database: Path) -> DoorRead:
    """A door's `read` over kiosk.json and its journal, read once without the data lock,
    for a door that could not open the store: whole journal records only, so it is one
    committed state. Raises StorageError naming the file that cannot be read."""
    data = read_data(database)

    def read(room: str) -> tuple[list[Grant], AttemptCounter | None]:
        grants = [
            Grant.from_doc(doc)
            for doc in data.get("grants", {}).values()
            if doc.get("room") == room
        ]
        counter = next(
            (
                AttemptCounter.from_doc(doc)
                for doc in data.get("limits", {}).values()
                if doc.get("key") == limit_key(room)
            ),
            None,
        )
        return grants, counter

    return read


class Door:
    """Checks codes for any room of the house and writes what happened where it can.

    `read(room)` gives the room's grants and its wrong-PIN counter as last read (no lock);
    `write(event)` writes one event to the store under the data lock, raising on failure
    (None: this door never takes the lock, e.g. when the store could not be opened)."""

    def __init__(
        self,
        *,
        secret: bytes,
        limit: FailureWindow,
        kiosk_id: str,
        now: Callable[[], datetime],
        pending: PendingEvents,
        read: DoorRead,
        write: Callable[[dict[str, Any]], None] | None,
    ) -> None:
        self.secret = secret
        self.limit = limit
        self.kiosk_id = kiosk_id
        self.now = now
        self.pending = pending
        self._read = read
        self._write = write
        self.unwritten: list[dict[str, Any]] = []
        """Events neither the store nor the pending folder took; the next write folds them."""

    def verify(self, room: str, code: str) -> DoorVerdict:
        room = room.strip().upper()
        now = self.now()
        grants, counter = self._read(room)
        not_folded = [event for _, event in self.pending.events(room)]
        not_folded += [event for event in self.unwritten if event["room"] == room]
        verdict, event = decide(
            record_from(grants, counter, not_folded),
            self.secret,
            self.limit,
            room,
            code,
            now,
            self.kiosk_id,
        )
        return _with_unrecorded(verdict, self._keep(event))

    def _keep(self, event: dict[str, Any]) -> str | None:
        """Write the event as soon as it can be; returns why it is only in memory, or None."""
        if self._write is not None:
            try:
                self._write(event)
                return None
            except StorageError:
                pass  # a full disk or a lock held elsewhere: the pending folder, then memory
        try:
            self.pending.add(event)
            return None
        except OSError as error:
            self.unwritten.append(event)
            return (
                f"{self.pending.folder}: cannot keep the door's event ({error.strerror or error}); "
                f"kept in memory until the next write: {orjson.dumps(event).decode()}"
            )

    def fold(self, db: Writer) -> list[Path]:
        """Inside a store transaction: write every event not in the store yet. Returns the
        pending files to remove once the transaction has committed."""
        pending = self.pending.events()
        events = [event for _, event in pending] + self.unwritten
        if events:
            # A pending file left behind by a crash after its fold committed is folded again:
            # its event is known by its id.
            written = {event["detail"].get("event") for event in db.audit_in_file()}
            for event in events:
                if event["id"] not in written:
                    write_event(db, event, self.limit)
        return [path for path, _ in pending]

    def folded(self, paths: list[Path]) -> None:
        """The fold's transaction committed."""
        self.unwritten.clear()
        self.pending.remove(paths)


def _with_unrecorded(verdict: DoorVerdict, why: str | None) -> DoorVerdict:
    if why is None:
        return verdict
    return DoorVerdict(verdict.opens, verdict.reason, verdict.booking, verdict.locked_until, why)
