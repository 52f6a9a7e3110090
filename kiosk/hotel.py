"""The hotel as the kiosk sees it: one object over the data directory that every screen,
command and check-in session goes through. Rules live here and in the modules it calls;
nothing here knows about Textual."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from tinydb import TinyDB, where
from tinydb.table import Document

from kiosk import audit, door, keys
from kiosk.archive import JsonlArchive
from kiosk.archiving import (
    CLOCK_HELP_REASON,
    LAST_WRITE_TABLE,
    ArchivePaused,
    RestoreError,
    clock_out_of_line,
    stay_is_over,
)
from kiosk.audit import SYSTEM, Actor
from kiosk.clock import Clock, SystemClock
from kiosk.datadir import DataDir
from kiosk.door import Door, DoorVerdict, PendingEvents, WrongPinLimit
from kiosk.login_delay import LoginDelay
from kiosk.models import Booking, BookingStatus, Room, RoomStatus, normalise_code
from kiosk.profile import HotelProfile, load_profile
from kiosk.records import check_records
from kiosk.staff import (
    Role,
    StaffError,
    StaffMember,
    StaffPinCheck,
    check_pin_format,
    hash_pin,
    pin_matches,
    staff_with_pin,
)
from kiosk.storage import DEFAULT_LOCK_TIMEOUT, Store


class HelpStatus(StrEnum):
    OPEN = "open"
    TAKEN = "taken"
    CLOSED = "closed"


@dataclass(frozen=True)
class StaffLogin:
    member: StaffMember | None
    wait_until: datetime | None = None
    """When this kiosk checks the next PIN, after too many wrong ones; None: at once."""
    attempts_left: int = 0
    """Wrong PINs left before this kiosk starts to wait."""
    pin_checked: bool = True
    """False when the PIN came before the wait was over: it was not looked at."""


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
        self.door = Door(secret=secret, limit=WrongPinLimit.from_profile(profile), kiosk_id=kiosk_id,
                         now=self.now, pending=PendingEvents(data_dir.root), read=self._door_read,
                         write=self._door_write)
        store.register_index("bookings", "code", lambda doc: doc["code"])
        store.register_index("bookings", "last_name", lambda doc: doc.get("last_name_keys"))
        store.register_index(
            "bookings",
            "room",
            lambda doc: doc.get("assigned_rooms") if doc["status"] == BookingStatus.CHECKED_IN else None,
        )
        store.register_index("rooms", "number", lambda doc: doc["number"])
        store.register_index("grants", "room", lambda doc: doc["room"])
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
        """Every write also folds in the door events that could not be written when they
        happened (kiosk/door.py)."""
        with self.store.transaction() as db:
            folded = self.door.fold(db)
            self._notice_clock(db)
            yield db
            audit.rotate(db, self.audit_archive)
        self.door.folded(folded)

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
        """Move stays that are over (kiosk/archiving.py) and their key grants from the main
        file to history.jsonl, and closed help requests to help.jsonl, so that every later
        write costs in proportion to the open bookings, not to years of history (DESIGN.md,
        Data).

        The records are appended and fsynced before the main file drops them: a crash in
        between leaves them in both places, never in neither. Returns how many stays moved.
        `kiosk run` calls it at start; a kiosk that runs for months calls it with
        `once_a_day=True` from a timer, which costs nothing after the day's first call.
        A clock out of line with the data moves nothing and raises ArchivePaused, after
        filing one help request for staff (and auditing why) until they close it."""
        today = self.today()
        if once_a_day and self._archived_on == today:
            return 0
        moved = self._archive_departed(today)
        self._archived_on = today
        return moved

    def _archive_departed(self, today: date) -> int:
        with self.transaction() as db:
            paused = self._archive_paused(db)
            if paused is None:
                moved = self._archive_over(db, today)
        if paused is not None:
            raise ArchivePaused(paused)
        return moved

    def _archive_over(self, db: TinyDB, today: date) -> int:
        closed = self._archive_closed_help_requests(db)
        after_days = self.profile.archive_after_days
        over = [doc for doc in db.table("bookings").all() if stay_is_over(doc, today, after_days)]
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

    def _archive_paused(self, db: TinyDB) -> str | None:
        """Why nothing may be archived now, or None."""
        waiting = self._open_clock_request(db)
        if waiting is None:
            return None
        return (f"{self.store.path}: nothing archived until staff close help request {waiting.doc_id}: "
                f"{waiting.get('note')}. Check the host clock first.")

    def _notice_clock(self, db: TinyDB) -> None:
        """Every write compares the clock with the previous write's, so the first write after a
        jump sees it, whoever makes it: a guest's lookup on the wrong clock, written before the
        day's archive, must not make the jump look like the present. Staff are called once,
        and the archive waits until they close that request."""
        now = self.now()
        table = db.table(LAST_WRITE_TABLE)
        last = table.get(doc_id=1)
        last_written = datetime.fromisoformat(last["at"]) if isinstance(last, Document) else None
        why = clock_out_of_line(now, last_written, self.profile.archive_after_days)
        if why is not None and self._open_clock_request(db) is None:
            request = self.file_help_request(db, SYSTEM, CLOCK_HELP_REASON, None, note=why)
            self.audit(db, SYSTEM, "archive_paused", outcome="clock_jump", why=why, request=request)
        table.upsert(Document({"at": now.isoformat()}, doc_id=1))

    @staticmethod
    def _open_clock_request(db: TinyDB) -> Document | None:
        return next(
            (doc for doc in db.table("help_requests").all()
             if doc["reason"] == CLOCK_HELP_REASON and doc["status"] != HelpStatus.CLOSED),
            None,
        )

    def restore_stay(self, code: str, actor: Actor = SYSTEM) -> tuple[Booking, int]:
        """Bring an archived stay back from history.jsonl with its key grants as they were
        (`kiosk history restore`). Returns the booking and how many grants came back.
        history.jsonl keeps its copy (it is append-only); the main file is what is open."""
        code = normalise_code(code)
        with self.transaction() as db:
            if self.store.find("bookings", "code", code):
                raise RestoreError(f"{code} is open, not in history; nothing restored.")
            record = next((found for found in self.history.records() if found["booking"]["code"] == code), None)
            if record is None:
                raise RestoreError(f"There is no stay {code} in {self.history.path}; nothing restored.")
            booking = Booking.from_doc(record["booking"])
            if booking.status == BookingStatus.CHECKED_IN:
                for room in booking.assigned_rooms:
                    holder = self.occupant(room)
                    if holder is not None:
                        raise RestoreError(f"Room {room} is held by {holder} now; move or check out that "
                                           f"stay first. Nothing restored.")
            db.table("bookings").insert(record["booking"])
            db.table("grants").insert_multiple(record["grants"])
            self.audit(db, actor, "history_restored", booking=code, grants=len(record["grants"]),
                       archived_at=record["archived_at"])
        return booking, len(record["grants"])

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
        valid_from = (self.now() - keys.VALID_BEFORE_ISSUE).replace(second=0, microsecond=0)
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

    # -- the door (kiosk/door.py) ---------------------------------------------------------

    def verify_key(self, room: str, code: str) -> DoorVerdict:
        """The door's question: does this PIN or scanned token open `room` now?"""
        return self.door.verify(room, code)

    def _door_read(self, room: str) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        limits = self.store.snapshot().table("limits").search(where("key") == door.limit_key(room))
        return self.store.find("grants", "room", room), limits[0] if limits else None

    def _door_write(self, event: dict[str, Any]) -> None:
        with self.transaction() as db:
            door.write_event(db, event, self.door.limit)

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

    def file_help_request(self, db: TinyDB, actor: Actor, reason: str, booking: str | None,
                          note: str | None = None) -> int:
        """`note`: what staff should know beyond the reason (never a guest's personal data)."""
        request_id = db.table("help_requests").insert(
            {
                "kiosk": self.kiosk_id,
                "reason": reason,
                "booking": booking,
                "created_at": self.now().isoformat(),
                "status": str(HelpStatus.OPEN),
                "taken_by": None,
                "note": note,
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

    def _wrong_staff_pins_key(self) -> str:
        return f"staff_login:{self.kiosk_id}"

    def _wrong_staff_pins(self, db: TinyDB) -> list[datetime]:
        found = db.table("limits").search(where("key") == self._wrong_staff_pins_key())
        return [datetime.fromisoformat(moment) for moment in found[0]["wrong_at"]] if found else []

    def staff_login(self, pin: str) -> StaffLogin:
        """Check a staff PIN here and now (the command line; tests). A screen does the slow
        part on a thread: prepare_staff_login, StaffPinCheck.run, finish_staff_login."""
        return self.finish_staff_login(self.prepare_staff_login(pin).run())

    def prepare_staff_login(self, pin: str) -> StaffPinCheck:
        """The accounts to check `pin` against, read without the data lock: the check (an
        scrypt hash per account) must not hold up other kiosks' writes. While this kiosk
        waits after wrong PINs, nothing is checked."""
        snapshot = self.store.snapshot()
        waiting = LoginDelay.for_staff(self.profile).next_try_at(self._wrong_staff_pins(snapshot), self.now())
        return StaffPinCheck(pin, None if waiting else snapshot.table("staff").all())

    def finish_staff_login(self, check: StaffPinCheck) -> StaffLogin:
        """Decide on a checked PIN: wrong PINs count towards this kiosk's delay
        (kiosk/login_delay.py), a right one after the delay logs in."""
        now = self.now()
        delay = LoginDelay.for_staff(self.profile)
        with self.transaction() as db:
            wrong_at = delay.counted(self._wrong_staff_pins(db), now)
            wait_until = delay.next_try_at(wrong_at, now)
            if wait_until:
                self.audit(db, SYSTEM, "staff_login", outcome="too_soon", until=wait_until.isoformat())
                return StaffLogin(None, wait_until, pin_checked=False)
            accounts = db.table("staff").all()
            matched = check.matched
            if accounts != check.accounts:  # an account added, removed or changed meanwhile
                matched = staff_with_pin(accounts, check.pin)
            if matched is not None:
                member = StaffMember(matched["name"], Role(matched["role"]))
                self.audit(db, Actor("staff", member.name), "staff_login")
                return StaffLogin(member)
            wrong_at.append(now)
            db.table("limits").upsert(
                {"key": self._wrong_staff_pins_key(), "wrong_at": [moment.isoformat() for moment in wrong_at]},
                where("key") == self._wrong_staff_pins_key(),
            )
            wait_until = delay.next_try_at(wrong_at, now)
            self.audit(db, SYSTEM, "staff_login", outcome="wrong_pin",
                       until=wait_until.isoformat() if wait_until else None)
            return StaffLogin(None, wait_until, delay.tries_left(wrong_at, now))

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


def default_kiosk_id() -> str:
    return socket.gethostname() or "kiosk"


def open_hotel(data_dir: DataDir, *, clock: Clock | None = None, kiosk_id: str | None = None,
               create: bool = True, lock_timeout: float | None = None) -> Hotel:
    """The composition root's one way to reach the data: prepares the folder, checks the
    profile, the store and the property secret, and fails with a message naming the file.
    With `create=False` (the commands that only look, and the door's check) the data
    directory must exist already, and nothing in it is created or has its mode changed.
    `lock_timeout`: seconds to wait for the data lock (default: the store's)."""
    if create:
        data_dir.prepare()
        data_dir.remove_saved_qr_pictures()
    else:
        data_dir.require(data_dir.profile)
    profile = load_profile(data_dir.profile)
    if not create:
        data_dir.require(data_dir.database, data_dir.secret)  # else the store and the secret would be made
    store = Store(data_dir.database, check=check_records, lock_timeout=lock_timeout or DEFAULT_LOCK_TIMEOUT)
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


def open_door(data_dir: DataDir, *, clock: Clock | None = None, kiosk_id: str | None = None) -> Door:
    """A door for a process that could not open the store (another process holds the data
    lock): it reads kiosk.json without the lock and keeps its events in the pending folder."""
    profile = load_profile(data_dir.profile)
    secret = keys.load_or_create_secret(data_dir.secret, grants_exist=True)  # never invents one
    clock = clock or SystemClock(profile.zone)
    return Door(secret=secret, limit=WrongPinLimit.from_profile(profile), kiosk_id=kiosk_id or default_kiosk_id(),
                now=lambda: clock.now().astimezone(profile.zone), pending=PendingEvents(data_dir.root),
                read=door.file_reader(data_dir.database), write=None)
