"""The hotel as the kiosk sees it: one object over the data directory that every screen,
command and check-in session goes through. Rules live here and in the modules it calls;
nothing here knows about Textual."""

from __future__ import annotations

import secrets
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from tinydb import TinyDB, where
from tinydb.table import Document

from kiosk import audit, keys
from kiosk.archive import JsonlArchive
from kiosk.audit import SYSTEM, Actor
from kiosk.clock import Clock, SystemClock
from kiosk.datadir import DataDir
from kiosk.models import Booking, BookingStatus, Room, RoomStatus, normalise_code
from kiosk.profile import HotelProfile, load_profile
from kiosk.staff import Role, StaffError, StaffMember, check_pin_format, hash_pin, pin_matches
from kiosk.storage import Store


class HelpStatus(StrEnum):
    OPEN = "open"
    TAKEN = "taken"
    CLOSED = "closed"


@dataclass(frozen=True)
class DoorVerdict:
    opens: bool
    reason: str  # "open", "wrong_code", "wrong_room", "not_yet_valid", "expired", "revoked", "locked_out"
    booking: str | None = None
    locked_until: datetime | None = None


@dataclass(frozen=True)
class StaffLogin:
    member: StaffMember | None
    locked_until: datetime | None = None
    attempts_left: int = 0


def grant_is_active(grant: dict[str, Any], now: datetime) -> bool:
    return grant.get("revoked_at") is None and datetime.fromisoformat(grant["valid_until"]) > now


class Hotel:
    def __init__(
        self,
        data_dir: DataDir,
        profile: HotelProfile,
        store: Store,
        secret: bytes,
        clock: Clock,
        kiosk_id: str,
    ) -> None:
        self.data_dir = data_dir
        self.profile = profile
        self.store = store
        self.secret = secret
        self.clock = clock
        self.kiosk_id = kiosk_id
        self.audit_archive = audit.archive_for(data_dir.root)
        self.history = JsonlArchive(data_dir.history, key=lambda record: record["booking"]["code"])
        # A help request's number can come again once the table has emptied: its time too.
        self.help_history = JsonlArchive(
            data_dir.help_history,
            key=lambda record: f"{record['request']['id']}@{record['request']['created_at']}",
        )
        self._archived_on: date | None = None
        store.register_index("bookings", "code", lambda doc: doc["code"])
        store.register_index("bookings", "last_name", lambda doc: doc.get("last_name_keys"))
        store.register_index(
            "bookings",
            "room",
            lambda doc: doc.get("assigned_rooms") if doc["status"] == BookingStatus.CHECKED_IN else None,
        )
        store.register_index("rooms", "number", lambda doc: doc["number"])
        store.register_index("grants", "room", lambda doc: doc["room"])
        store.register_index("grants", "id", lambda doc: doc["id"])
        store.register_index("grants", "booking", lambda doc: doc["booking"])

    # -- time -------------------------------------------------------------------------------

    def now(self) -> datetime:
        return self.clock.now().astimezone(self.profile.zone)

    def today(self) -> date:
        return self.now().date()

    def departure_moment(self, departure: date) -> datetime:
        return datetime.combine(departure, self.profile.check_out_time, tzinfo=self.profile.zone)

    # -- writing ----------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[TinyDB]:
        with self.store.transaction() as db:
            yield db
            audit.rotate(db, self.audit_archive)

    def audit(self, db: TinyDB, actor: Actor, action: str, **fields: Any) -> None:
        audit.record(db, at=self.now(), kiosk=self.kiosk_id, actor=actor, action=action, **fields)

    # -- bookings and rooms -----------------------------------------------------------------

    def booking(self, code: str) -> Booking | None:
        found = self.store.find("bookings", "code", normalise_code(code))
        return Booking.from_doc(found[0]) if found else None

    def bookings(self, *, arrival: date | None = None, status: str | None = None) -> list[Booking]:
        docs = self.store.snapshot().table("bookings").all()
        found = [Booking.from_doc(doc) for doc in docs]
        return sorted(
            (
                booking
                for booking in found
                if (arrival is None or booking.arrival == arrival)
                and (status is None or booking.status == status)
            ),
            key=lambda booking: (booking.arrival, booking.last_name, booking.code),
        )

    def rooms(self) -> list[Room]:
        docs = self.store.snapshot().table("rooms").all()
        return sorted((Room.from_doc(doc) for doc in docs), key=lambda room: (room.floor, room.number))

    def occupant(self, room: str) -> str | None:
        holders = self.store.find("bookings", "room", room)
        return holders[0]["code"] if holders else None

    def held_rooms(self) -> set[str]:
        """Rooms a checked-in stay holds (the store's indexes follow every write, also inside
        a transaction)."""
        return self.store.values("rooms", "number") & self.store.values("bookings", "room")

    def set_room_status(self, staff: StaffMember, number: str, status: RoomStatus, reason: str) -> None:
        with self.transaction() as db:
            rooms = db.table("rooms")
            found = rooms.search(where("number") == number)
            if not found:
                raise StaffError(f"There is no room {number}.")
            rooms.update({"status": str(status)}, doc_ids=[found[0].doc_id])
            self.audit(
                db, Actor("staff", staff.name), "room_status", room=number,
                status=str(status), previous=found[0]["status"], reason=reason,
            )

    def archive_departed(self, *, once_a_day: bool = False) -> int:
        """Move stays that are over (checked out, or the departure day has passed) and their
        key grants from the main file to history.jsonl, and closed help requests to
        help.jsonl, so that every later write costs in proportion to the open bookings, not
        to years of history (DESIGN.md, Data).

        The records are appended and fsynced before the main file drops them: a crash in
        between leaves them in both places, never in neither. Returns how many stays moved.
        `kiosk run` calls it at start; a kiosk that runs for months calls it with
        `once_a_day=True` from a timer, which costs nothing after the day's first call."""
        today = self.today()
        if once_a_day and self._archived_on == today:
            return 0
        moved = self._archive_departed(today)
        self._archived_on = today
        return moved

    def _archive_departed(self, today: date) -> int:
        with self.transaction() as db:
            closed = self._archive_closed_help_requests(db)
            over = [
                doc for doc in db.table("bookings").all()
                if doc.get("status") == BookingStatus.CHECKED_OUT or date.fromisoformat(doc["departure"]) < today
            ]
            grants = {doc["code"]: self.store.find("grants", "booking", doc["code"]) for doc in over}
            if over:
                archived_at = self.now().isoformat()
                self.history.append(
                    {"booking": dict(doc), "grants": [dict(grant) for grant in grants[doc["code"]]],
                     "archived_at": archived_at}
                    for doc in over
                )
                db.table("grants").remove(doc_ids=[grant.doc_id for found in grants.values() for grant in found])
                db.table("bookings").remove(doc_ids=[doc.doc_id for doc in over])
            if over or closed:
                self.audit(db, SYSTEM, "history_archived", bookings=len(over),
                           grants=sum(len(found) for found in grants.values()), help_requests=closed)
        return len(over)

    def _archive_closed_help_requests(self, db: TinyDB) -> int:
        table = db.table("help_requests")
        closed = [doc for doc in table.all() if doc["status"] == HelpStatus.CLOSED]
        if closed:
            archived_at = self.now().isoformat()
            self.help_history.append(
                {"request": {**doc, "id": doc.doc_id}, "archived_at": archived_at} for doc in closed
            )
            table.remove(doc_ids=[doc.doc_id for doc in closed])
        return len(closed)

    # -- key grants -------------------------------------------------------------------------

    def active_grants(self, room: str) -> list[dict[str, Any]]:
        now = self.now()
        return [grant for grant in self.store.find("grants", "room", room) if grant_is_active(grant, now)]

    def grants_for(self, booking_code: str) -> list[dict[str, Any]]:
        return self.store.find("grants", "booking", booking_code)

    def issue_grant(
        self, db: TinyDB, booking: Booking, room: str, actor: Actor, *, active_hashes: set[str]
    ) -> tuple[str, str, datetime]:
        """Insert a grant for `room`; returns the plain PIN, the QR token and the end of validity.
        `active_hashes` are the PIN hashes of the room's active grants, so no two share a PIN."""
        while True:
            pin = keys.draw_pin(self.profile.pin_length)
            hashed = keys.pin_hash(self.secret, room, pin)
            if hashed not in active_hashes:
                break
        active_hashes.add(hashed)
        grant_id = keys.new_grant_id()
        valid_from = self.now().replace(second=0, microsecond=0)
        valid_until = self.departure_moment(booking.departure)
        db.table("grants").insert(
            {
                "id": grant_id,
                "booking": booking.code,
                "room": room,
                "pin_hash": hashed,
                "valid_from": valid_from.isoformat(),
                "valid_until": valid_until.isoformat(),
                "issued_at": self.now().isoformat(),
                "issued_by": str(actor),
                "revoked_at": None,
            }
        )
        self.audit(db, actor, "key_issued", booking=booking.code, room=room, grant=grant_id,
                   valid_until=valid_until.isoformat())
        token = keys.make_token(self.secret, grant_id, room, valid_from, valid_until)
        return pin, token, valid_until

    def revoke_grants(self, db: TinyDB, booking_code: str, actor: Actor, room: str | None = None,
                      reason: str = "") -> int:
        grants = db.table("grants")
        now = self.now()
        revoked = [
            grant for grant in self.store.find("grants", "booking", booking_code)
            if grant_is_active(grant, now) and (room is None or grant["room"] == room)
        ]
        for grant in revoked:
            grants.update({"revoked_at": now.isoformat()}, doc_ids=[grant.doc_id])
            self.audit(db, actor, "key_revoked", booking=booking_code, room=grant["room"],
                       grant=grant["id"], reason=reason)
        return len(revoked)

    def verify_key(self, room: str, code: str) -> DoorVerdict:
        """The door's question: does this PIN or scanned token open `room` now?"""
        room = room.strip().upper()
        now = self.now()
        door = Actor("door", room)
        with self.transaction() as db:
            locked_until = self.locked_until_in(db, f"door:{room}", now)
            if keys.looks_like_pin(code):
                if locked_until:
                    verdict = DoorVerdict(False, "locked_out", locked_until=locked_until)
                else:
                    verdict = self._verify_pin(db, room, code.strip(), now)
            else:
                verdict = self._verify_token(room, code, now)
            self.audit(db, door, "key_verified", outcome=verdict.reason, room=room,
                       booking=verdict.booking, method="pin" if keys.looks_like_pin(code) else "qr")
        return verdict

    def _verify_pin(self, db: TinyDB, room: str, pin: str, now: datetime) -> DoorVerdict:
        hashed = keys.pin_hash(self.secret, room, pin)
        # Reads go through the store's index before this transaction writes anything.
        known: DoorVerdict | None = None
        for grant in self.store.find("grants", "room", room):
            if secrets.compare_digest(grant["pin_hash"], hashed):
                verdict = self._window_verdict(grant, now)
                if verdict.opens:
                    self.clear_failures(db, f"door:{room}")
                    return verdict
                known = known or verdict
        if known:
            # A PIN this room once had (expired, revoked, not yet valid) is no guess: say why
            # it stays shut, as for a token, and do not count it towards the lock-out.
            return known
        locked_until = self.count_failure(
            db, f"door:{room}", self.profile.door_pin_attempts, self.profile.door_lockout_minutes, now
        )
        if locked_until:
            self.audit(db, SYSTEM, "door_locked_out", outcome="locked", room=room,
                       until=locked_until.isoformat())
        return DoorVerdict(False, "wrong_code", locked_until=locked_until)

    def _verify_token(self, room: str, token: str, now: datetime) -> DoorVerdict:
        claims = keys.read_token(self.secret, token)
        if claims is None:
            return DoorVerdict(False, "wrong_code")
        if claims.room != room:
            return DoorVerdict(False, "wrong_room")
        grants = self.store.find("grants", "id", claims.grant_id)
        if not grants:
            return DoorVerdict(False, "revoked")
        return self._window_verdict(grants[0], now)

    @staticmethod
    def _window_verdict(grant: dict[str, Any], now: datetime) -> DoorVerdict:
        booking = grant["booking"]
        if grant.get("revoked_at"):
            return DoorVerdict(False, "revoked", booking)
        if now < datetime.fromisoformat(grant["valid_from"]):
            return DoorVerdict(False, "not_yet_valid", booking)
        if now >= datetime.fromisoformat(grant["valid_until"]):
            return DoorVerdict(False, "expired", booking)
        return DoorVerdict(True, "open", booking)

    # -- attempt limits that survive restarts -----------------------------------------------

    @staticmethod
    def counter(db: TinyDB, key: str) -> dict[str, Any]:
        found = db.table("limits").search(where("key") == key)
        return dict(found[0]) if found else {"key": key, "failures": 0, "locked_until": None}

    def locked_until_in(self, db: TinyDB, key: str, now: datetime) -> datetime | None:
        until = self.counter(db, key)["locked_until"]
        if until and datetime.fromisoformat(until) > now:
            return datetime.fromisoformat(until)
        return None

    def count_failure(self, db: TinyDB, key: str, limit: int, minutes: int | None,
                       now: datetime) -> datetime | None:
        """One more failure under `key`; at `limit` it locks (for `minutes`, or until staff act)."""
        counter = self.counter(db, key)
        counter["failures"] += 1
        locked_until = None
        if counter["failures"] >= limit:
            # Without minutes the lock lasts until staff clear it; a century stands in for "forever"
            # without the overflow datetime.max would risk in time-zone arithmetic.
            locked_until = now + timedelta(minutes=minutes) if minutes else now.replace(year=now.year + 100)
            counter.update(failures=0, locked_until=locked_until.isoformat())
        db.table("limits").upsert(counter, where("key") == key)
        return locked_until

    def clear_failures(self, db: TinyDB, key: str) -> None:
        db.table("limits").remove(where("key") == key)

    def failures(self, key: str) -> int:
        return self.counter(self.store.snapshot(), key)["failures"]

    # -- help requests ----------------------------------------------------------------------

    def request_help(self, actor: Actor, reason: str, booking: str | None = None) -> int:
        with self.transaction() as db:
            return self.file_help_request(db, actor, reason, booking)

    def file_help_request(self, db: TinyDB, actor: Actor, reason: str, booking: str | None) -> int:
        request_id = db.table("help_requests").insert(
            {
                "kiosk": self.kiosk_id,
                "reason": reason,
                "booking": booking,
                "created_at": self.now().isoformat(),
                "status": str(HelpStatus.OPEN),
                "taken_by": None,
            }
        )
        self.audit(db, actor, "help_requested", booking=booking, reason=reason, request=request_id)
        return request_id

    def help_requests(self, *, open_only: bool = True) -> list[dict[str, Any]]:
        table = self.store.snapshot().table("help_requests")
        requests = [{**doc, "id": doc.doc_id} for doc in table.all()]
        if open_only:
            requests = [request for request in requests if request["status"] != HelpStatus.CLOSED]
        return sorted(requests, key=lambda request: request["created_at"])

    def update_help_request(self, staff: StaffMember, request_id: int, status: HelpStatus) -> None:
        with self.transaction() as db:
            table = db.table("help_requests")
            if not table.contains(doc_id=request_id):
                raise StaffError(f"There is no help request {request_id}.")
            table.update({"status": str(status), "taken_by": staff.name}, doc_ids=[request_id])
            self.audit(db, Actor("staff", staff.name), f"help_{status}", request=request_id)

    # -- staff ------------------------------------------------------------------------------

    def staff_members(self) -> list[StaffMember]:
        docs = self.store.snapshot().table("staff").all()
        return sorted((StaffMember(doc["name"], Role(doc["role"])) for doc in docs), key=lambda m: m.name)

    def add_staff(self, name: str, role: Role, pin: str) -> None:
        name = name.strip()
        if not name:
            raise StaffError("A staff member needs a name.")
        check_pin_format(pin)
        hashed = hash_pin(pin)
        with self.transaction() as db:
            staff = db.table("staff")
            if staff.contains(where("name") == name):
                raise StaffError(f"There is already a staff member called {name}.")
            if any(pin_matches(pin, doc["pin"]) for doc in staff.all()):
                raise StaffError("That PIN is taken; choose another.")
            staff.insert({"name": name, "role": str(role), "pin": hashed, "created_at": self.now().isoformat()})
            self.audit(db, SYSTEM, "staff_added", staff=name, role=str(role))

    def remove_staff(self, name: str) -> None:
        with self.transaction() as db:
            if not db.table("staff").remove(where("name") == name):
                raise StaffError(f"There is no staff member called {name}.")
            self.audit(db, SYSTEM, "staff_removed", staff=name)

    def reset_staff_pin(self, name: str, pin: str) -> None:
        check_pin_format(pin)
        hashed = hash_pin(pin)
        with self.transaction() as db:
            staff = db.table("staff")
            if not staff.contains(where("name") == name):
                raise StaffError(f"There is no staff member called {name}.")
            if any(pin_matches(pin, doc["pin"]) for doc in staff.all() if doc["name"] != name):
                raise StaffError("That PIN is taken; choose another.")
            staff.update({"pin": hashed}, where("name") == name)
            self.audit(db, SYSTEM, "staff_pin_reset", staff=name)

    def staff_login(self, pin: str) -> StaffLogin:
        """Check a staff PIN; wrong PINs count towards a lock-out shared by all kiosks."""
        now = self.now()
        # The PIN is checked against each account's scrypt hash (some 50 ms each) before the
        # data lock is taken, so that other kiosks' writes do not wait for it; under the
        # lock, only whether that account is still as it was.
        snapshot = self.store.snapshot()
        checked: list[Document] | None = None  # the accounts the PIN was checked against
        matched = None
        if self.locked_until_in(snapshot, "staff_login", now) is None:
            checked = snapshot.table("staff").all()
            matched = _staff_with_pin(checked, pin)
        with self.transaction() as db:
            locked_until = self.locked_until_in(db, "staff_login", now)
            if locked_until:
                self.audit(db, SYSTEM, "staff_login", outcome="locked_out")
                return StaffLogin(None, locked_until)
            accounts = db.table("staff").all()
            if accounts != checked:  # an account added, removed or changed meanwhile
                matched = _staff_with_pin(accounts, pin)
            if matched is not None:
                member = StaffMember(matched["name"], Role(matched["role"]))
                self.clear_failures(db, "staff_login")
                self.audit(db, Actor("staff", member.name), "staff_login")
                return StaffLogin(member)
            locked_until = self.count_failure(
                db, "staff_login", self.profile.staff_pin_attempts, self.profile.staff_lockout_minutes, now
            )
            self.audit(db, SYSTEM, "staff_login", outcome="locked_out" if locked_until else "wrong_pin")
            left = self.profile.staff_pin_attempts - self.counter(db, "staff_login")["failures"]
            return StaffLogin(None, locked_until, 0 if locked_until else left)

    def staff_logout(self, member: StaffMember, reason: str) -> None:
        with self.transaction() as db:
            self.audit(db, Actor("staff", member.name), "staff_logout", reason=reason)

    # -- audit trail ------------------------------------------------------------------------

    def audit_events(self, *, limit: int = 50, booking: str | None = None,
                     actor: str | None = None) -> list[dict[str, Any]]:
        events = audit.events(self.store.snapshot(), self.audit_archive)
        if booking:
            events = [event for event in events if event.get("booking") == normalise_code(booking)]
        if actor:
            events = [event for event in events if actor.lower() in event["actor"].lower()]
        return events[-limit:]


def _staff_with_pin(accounts: list[Document], pin: str) -> Document | None:
    return next((doc for doc in accounts if pin_matches(pin, doc["pin"])), None)


def default_kiosk_id() -> str:
    return socket.gethostname() or "kiosk"


def open_hotel(data_dir: DataDir, *, clock: Clock | None = None, kiosk_id: str | None = None) -> Hotel:
    """The composition root's one way to reach the data: prepares the folder, checks the
    profile, the store and the property secret, and fails with a message naming the file."""
    data_dir.prepare()
    data_dir.outbox.mkdir(exist_ok=True)
    profile = load_profile(data_dir.profile)
    store = Store(data_dir.database)
    grants_exist = len(store.snapshot().table("grants")) > 0
    secret = keys.load_or_create_secret(data_dir.secret, grants_exist=grants_exist)
    return Hotel(
        data_dir,
        profile,
        store,
        secret,
        clock or SystemClock(profile.zone),
        kiosk_id or default_kiosk_id(),
    )
