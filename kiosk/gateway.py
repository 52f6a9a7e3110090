"""The one way into the store: which table and index holds each kind of record, and how
records are read and written as typed values.

Nothing else in the core names a table (storage.py, records.py and the door's lock-free
file reader aside). A `Gateway` reads the data as last committed, without the lock; a
`Writer`, which only `Gateway.transaction` hands out, reads the transaction's own state
(its writes included) and writes. The store's indexes follow every write, also inside a
transaction, so an indexed read costs the same in both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from tinydb import TinyDB, where
from tinydb.table import Document

from kiosk import audit
from kiosk.audit import Actor
from kiosk.models import (
    AttemptCounter,
    Booking,
    BookingStatus,
    Charge,
    Grant,
    HelpRequest,
    HelpStatus,
    Room,
    normalise_code,
)
from kiosk.staff import StaffAccount
from kiosk.storage import Store

BOOKINGS = "bookings"
ROOMS = "rooms"
GRANTS = "grants"
CHARGES = "charges"
LIMITS = "limits"
HELP_REQUESTS = "help_requests"
STAFF = "staff"
# One record: the time of the last write, which the next write compares its clock with.
LAST_WRITE = "last_write"

Doc = dict[str, Any]
"""A record as stored, for the files that keep records as they were (history.jsonl)."""


class RemovedStay(NamedTuple):
    """A stay as it leaves the main file: its booking's, grants' and charges' documents."""

    booking: Doc
    grants: list[Doc]
    charges: list[Doc]


def _assigned_rooms(doc: Mapping[str, Any]) -> list[str] | None:
    return doc.get("assigned_rooms") if doc["status"] == BookingStatus.CHECKED_IN else None


def _checked_in_departure(doc: Mapping[str, Any]) -> str | None:
    return doc["departure"] if doc["status"] == BookingStatus.CHECKED_IN else None


def _days_held(doc: Mapping[str, Any]) -> list[str] | None:
    """The days a reserved or checked-in stay holds a room: its arrival day to the day
    before its departure."""
    if doc["status"] not in (BookingStatus.RESERVED, BookingStatus.CHECKED_IN):
        return None
    first = date.fromisoformat(doc["arrival"]).toordinal()
    end = date.fromisoformat(doc["departure"]).toordinal()
    return [date.fromordinal(day).isoformat() for day in range(first, end)]


def _rooms_in_order(docs: Mapping[str, Doc]) -> tuple[Room, ...]:
    """Every check-in reads all the rooms, and they seldom change: decoded once per change
    (Store.derived), not at every step."""
    return tuple(
        sorted(map(Room.from_doc, docs.values()), key=lambda room: (room.floor, room.number))
    )


class Reads:
    """What any reader may ask of the records."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _db(self) -> TinyDB:
        return self.store.snapshot()

    # -- bookings and rooms -----------------------------------------------------------------

    def booking(self, code: str) -> Booking | None:
        found = self.store.find(BOOKINGS, "code", normalise_code(code))
        return Booking.from_doc(found[0]) if found else None

    def bookings(
        self, *, arrival: date | None = None, status: BookingStatus | None = None
    ) -> list[Booking]:
        """By arrival, last name and code."""
        found = (Booking.from_doc(doc) for doc in self._db().table(BOOKINGS).all())
        return sorted(
            (
                booking
                for booking in found
                if (arrival is None or booking.arrival == arrival)
                and (status is None or booking.status == status)
            ),
            key=lambda booking: (booking.arrival, booking.last_name, booking.code),
        )

    def stays_during(self, first: date, last: date) -> list[Booking]:
        """Reserved and checked-in bookings whose stay holds a room on a day from `first` to
        `last` (from the arrival day to the day before departure), through the index of
        the days each stay holds: a check-in's offers ask this, and making every open
        booking into a record would cost a step some 50 ms at 10,000 of them."""
        found: dict[str, Booking] = {}
        day = first
        while day <= last:
            for doc in self.store.find(BOOKINGS, "day", day.isoformat()):
                if doc["code"] not in found:
                    found[doc["code"]] = Booking.from_doc(doc)
            day += timedelta(days=1)
        return list(found.values())

    def rooms(self) -> tuple[Room, ...]:
        """By floor and number: the same tuple until a room changes."""
        return self.store.derived(ROOMS, _rooms_in_order)

    def room(self, number: str) -> Room | None:
        found = self.store.find(ROOMS, "number", number)
        return Room.from_doc(found[0]) if found else None

    def stays_in(self, room: str) -> list[str]:
        """The codes of the checked-in bookings given `room`, in the order they were filed.
        More than one once a room has turned over (kiosk/turnover.py says which holds it)."""
        return [doc["code"] for doc in self.store.find(BOOKINGS, "room", room)]

    def assigned_rooms(self) -> set[str]:
        """Rooms some checked-in stay was given; kiosk/turnover.py says which it still holds."""
        return self.store.values(ROOMS, "number") & self.store.values(BOOKINGS, "room")

    def checked_in_departing_by(self, day: date) -> list[Booking]:
        """Checked-in stays whose departure day is `day` or before, by departure and code."""
        last = day.isoformat()
        departures = sorted(d for d in self.store.values(BOOKINGS, "departure") if d <= last)
        found = [
            Booking.from_doc(doc)
            for departure in departures
            for doc in self.store.find(BOOKINGS, "departure", departure)
        ]
        return sorted(found, key=lambda booking: (booking.departure, booking.code))

    # -- keys, limits, help, staff ----------------------------------------------------------

    def grants_of_room(self, room: str) -> list[Grant]:
        return [Grant.from_doc(doc) for doc in self.store.find(GRANTS, "room", room)]

    def grants_of_booking(self, code: str) -> list[Grant]:
        return [Grant.from_doc(doc) for doc in self.store.find(GRANTS, "booking", code)]

    def charges_of_booking(self, code: str) -> list[Charge]:
        """Every charge of the booking's folio, voided ones too, oldest first."""
        found = (Charge.from_doc(doc) for doc in self.store.find(CHARGES, "booking", code))
        return sorted(found, key=lambda charge: charge.charged_at)

    def charges(self) -> list[Charge]:
        """Every charge on file (open stays only: charges move to history with their stay)."""
        docs = self._db().table(CHARGES).all()
        return sorted((Charge.from_doc(doc) for doc in docs), key=lambda charge: charge.charged_at)

    def counter(self, key: str) -> AttemptCounter:
        """The counter under `key`; a new one when nothing failed there yet."""
        found = self._db().table(LIMITS).search(where("key") == key)
        return AttemptCounter.from_doc(found[0]) if found else AttemptCounter(key)

    def counters(self) -> list[AttemptCounter]:
        """Every counter on file (kiosk/retention.py forgets the old ones)."""
        return [AttemptCounter.from_doc(doc) for doc in self._db().table(LIMITS).all()]

    def help_requests(self, *, open_only: bool = True) -> list[HelpRequest]:
        """Oldest first."""
        docs = self._db().table(HELP_REQUESTS).all()
        requests = [HelpRequest.from_doc(doc, doc.doc_id) for doc in docs]
        if open_only:
            requests = [request for request in requests if request.status is not HelpStatus.CLOSED]
        return sorted(requests, key=lambda request: request.created_at)

    def help_request(self, request_id: int) -> HelpRequest | None:
        doc = self._db().table(HELP_REQUESTS).get(doc_id=request_id)
        return HelpRequest.from_doc(doc, request_id) if isinstance(doc, Document) else None

    def staff_accounts(self) -> list[StaffAccount]:
        """By name."""
        docs = self._db().table(STAFF).all()
        found = (StaffAccount.from_doc(doc) for doc in docs)
        return sorted(found, key=lambda account: account.name)

    def staff_account(self, name: str) -> StaffAccount | None:
        found = self._db().table(STAFF).search(where("name") == name)
        return StaffAccount.from_doc(found[0]) if found else None

    # -- the trail and the clock ------------------------------------------------------------

    def audit_in_file(self) -> list[dict[str, Any]]:
        """The audit events the main file holds, in the order written."""
        table = self._db().table(audit.TABLE)
        return [dict(event) for event in sorted(table.all(), key=lambda event: event.doc_id)]

    def audit_count(self) -> int:
        return len(self._db().table(audit.TABLE))

    def last_write(self) -> datetime | None:
        """When the last transaction wrote (its clock), None in a house with no writes yet."""
        last = self._db().table(LAST_WRITE).get(doc_id=1)
        return datetime.fromisoformat(last["at"]) if isinstance(last, Document) else None


class Writer(Reads):
    """Reads and writes inside one store transaction; everything commits together."""

    def __init__(
        self, store: Store, db: TinyDB, *, now: Callable[[], datetime], kiosk: str
    ) -> None:
        super().__init__(store)
        self._transaction_db = db
        self._now = now
        self._kiosk = kiosk

    def _db(self) -> TinyDB:
        return self._transaction_db

    def _table(self, name: str) -> Any:
        return self._transaction_db.table(name)

    # -- bookings and rooms -----------------------------------------------------------------

    def add_bookings(self, bookings: Iterable[Booking]) -> None:
        self._table(BOOKINGS).insert_multiple(booking.to_doc() for booking in bookings)

    def save_booking(self, booking: Booking) -> None:
        """`booking` as read from the store (it knows its document)."""
        assert booking.doc_id is not None, "a booking read from the store"
        self._table(BOOKINGS).update(booking.to_doc(), doc_ids=[booking.doc_id])

    def remove_stays(self, codes: Iterable[str]) -> list[RemovedStay]:
        """Remove these bookings with their key grants and charges; returns each booking's
        documents as stored (history.jsonl keeps them so, and costs no conversion per stay)."""
        stays = [
            (
                booking,
                self.store.find(GRANTS, "booking", booking["code"]),
                self.store.find(CHARGES, "booking", booking["code"]),
            )
            for code in codes
            for booking in self.store.find(BOOKINGS, "code", code)
        ]
        self._table(GRANTS).remove(doc_ids=[doc.doc_id for _, grants, _ in stays for doc in grants])
        self._table(CHARGES).remove(
            doc_ids=[doc.doc_id for _, _, charges in stays for doc in charges]
        )
        self._table(BOOKINGS).remove(doc_ids=[booking.doc_id for booking, _, _ in stays])
        return [
            RemovedStay(
                dict(booking), [dict(doc) for doc in grants], [dict(doc) for doc in charges]
            )
            for booking, grants, charges in stays
        ]

    def add_rooms(self, rooms: Iterable[Room]) -> None:
        self._table(ROOMS).insert_multiple(room.to_doc() for room in rooms)

    def save_room(self, room: Room) -> None:
        (doc,) = self.store.find(ROOMS, "number", room.number)
        self._table(ROOMS).update(room.to_doc(), doc_ids=[doc.doc_id])

    # -- the folio ---------------------------------------------------------------------------

    def add_charge(self, charge: Charge) -> None:
        self._table(CHARGES).insert(charge.to_doc())

    def save_charge(self, charge: Charge) -> None:
        """Write a charge's new state (a void) over the one with its id."""
        (doc,) = (
            doc
            for doc in self.store.find(CHARGES, "booking", charge.booking)
            if doc["id"] == charge.id
        )
        self._table(CHARGES).update(charge.to_doc(), doc_ids=[doc.doc_id])

    # -- keys -------------------------------------------------------------------------------

    def add_grants(self, grants: Iterable[Grant]) -> None:
        self._table(GRANTS).insert_multiple(grant.to_doc() for grant in grants)

    def save_grant(self, grant: Grant) -> None:
        """`grant` as read from the store (it knows its document)."""
        assert grant.doc_id is not None, "a grant read from the store"
        self._table(GRANTS).update(grant.to_doc(), doc_ids=[grant.doc_id])

    # -- attempt limits ---------------------------------------------------------------------

    def save_counter(self, counter: AttemptCounter) -> None:
        self._table(LIMITS).upsert(counter.to_doc(), where("key") == counter.key)

    def remove_counter(self, key: str) -> None:
        self._table(LIMITS).remove(where("key") == key)

    # -- help requests ----------------------------------------------------------------------

    def add_help_request(self, request: HelpRequest) -> int:
        """Returns the request's number (its `id` here is not used)."""
        request_id: int = self._table(HELP_REQUESTS).insert(request.to_doc())
        return request_id

    def save_help_request(self, request: HelpRequest) -> None:
        self._table(HELP_REQUESTS).update(request.to_doc(), doc_ids=[request.id])

    def remove_help_requests(self, requests: Iterable[HelpRequest]) -> None:
        self._table(HELP_REQUESTS).remove(doc_ids=[request.id for request in requests])

    # -- staff ------------------------------------------------------------------------------

    def add_staff_account(self, account: StaffAccount) -> None:
        self._table(STAFF).insert(account.to_doc())

    def save_staff_account(self, account: StaffAccount) -> None:
        self._table(STAFF).update(account.to_doc(), where("name") == account.name)

    def remove_staff_account(self, name: str) -> bool:
        """Whether there was such an account."""
        return bool(self._table(STAFF).remove(where("name") == name))

    # -- the trail and the clock ------------------------------------------------------------

    def audit(self, actor: Actor, action: str, **fields: Any) -> None:
        """An audit event of this kiosk, now (kiosk/audit.py says what it may carry)."""
        self.add_audit_event(
            audit.event(at=self._now(), kiosk=self._kiosk, actor=actor, action=action, **fields)
        )

    def add_audit_event(self, event: dict[str, Any]) -> None:
        self._table(audit.TABLE).insert(event)

    def drop_oldest_audit_events(self, count: int) -> list[dict[str, Any]]:
        """Remove the `count` oldest events of the main file; returns them."""
        table = self._table(audit.TABLE)
        oldest = sorted(table.all(), key=lambda event: event.doc_id)[:count]
        table.remove(doc_ids=[event.doc_id for event in oldest])
        return [dict(event) for event in oldest]

    def remove_audit_events(self, ids: Iterable[str]) -> None:
        """Remove the main file's events with these ids (kiosk/retention.py: past their period)."""
        gone = frozenset(ids)
        table = self._table(audit.TABLE)
        table.remove(doc_ids=[event.doc_id for event in table.all() if event["id"] in gone])

    def set_last_write(self, at: datetime) -> None:
        self._table(LAST_WRITE).upsert(Document({"at": at.isoformat()}, doc_id=1))


class Gateway(Reads):
    """Reads without the lock; `transaction` for everything that writes."""

    def __init__(self, store: Store, *, now: Callable[[], datetime], kiosk: str) -> None:
        super().__init__(store)
        self._now = now
        self._kiosk = kiosk
        store.register_index(BOOKINGS, "code", lambda doc: doc["code"])
        store.register_index(BOOKINGS, "last_name", lambda doc: doc.get("last_name_keys"))
        store.register_index(BOOKINGS, "room", _assigned_rooms)
        store.register_index(BOOKINGS, "departure", _checked_in_departure)
        store.register_index(BOOKINGS, "day", _days_held)
        store.register_index(ROOMS, "number", lambda doc: doc["number"])
        store.register_index(GRANTS, "room", lambda doc: doc["room"])
        store.register_index(GRANTS, "booking", lambda doc: doc["booking"])
        store.register_index(CHARGES, "booking", lambda doc: doc["booking"])

    @contextmanager
    def transaction(self) -> Iterator[Writer]:
        with self.store.transaction() as db:
            yield Writer(self.store, db, now=self._now, kiosk=self._kiosk)

    @staticmethod
    def has_grants(store: Store) -> bool:
        """Whether any key was ever issued (and is still on file): then the property secret
        must never be made anew."""
        return len(store.snapshot().table(GRANTS)) > 0
