"""How long each kind of personal record is kept, and what the daily purge deletes once that
time is over: the periods of hotel.toml's [retention] and, for registration cards, the law of
[registration] country (kiosk/registration.py).

What is past its period on a day:
- a stay in history.jsonl (its booking, keys and charges) `stays_days` after its departure;
- an audit event `audit_days` after its day, in the main file and in audit.jsonl;
- a help request `help_days` after the day it was raised, in help.jsonl and, once closed, in
  the main file (an open one stays: someone is still waiting);
- a door's wrong-PIN counter and a kiosk's lookup counter (they name a room, or the bookings
  a lookup forgave) once the longest of these periods has passed since their last moment;
  and the bookings a lookup forgave once the booking has left the main file (a lookup can
  no longer find it);
- a registration card on the day the law no longer keeps it.

A door event pending in door-events/ (kiosk/door.py) is folded into the audit trail by the
next write, the purge's own too, and goes as an audit event.

The purge runs under the data lock, like every append to the JSON-lines files, and only
while the clock is in line with the data (kiosk/archiving.py): a clock a year ahead would
otherwise destroy a year of records that are not due. It audits how many records of each
kind went, never which.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from kiosk.archive import Change
from kiosk.archiving import ArchivePaused, help_key
from kiosk.audit import SYSTEM
from kiosk.gateway import Reads, Writer
from kiosk.models import AttemptCounter, HelpStatus
from kiosk.profile import HotelProfile
from kiosk.registration import RegistrationCard
from kiosk.registrations import RegistrationKeyError
from kiosk.storage import StorageError

if TYPE_CHECKING:
    from kiosk.hotel import Hotel

STAYS = "stays"
AUDIT_EVENTS = "audit_events"
HELP_REQUESTS = "help_requests"
ATTEMPT_COUNTERS = "attempt_counters"
FORGIVEN_BOOKINGS = "forgiven_bookings"
REGISTRATION_CARDS = "registration_cards"
KINDS = (
    STAYS,
    AUDIT_EVENTS,
    HELP_REQUESTS,
    ATTEMPT_COUNTERS,
    FORGIVEN_BOOKINGS,
    REGISTRATION_CARDS,
)


KeptUntil = Callable[[date, HotelProfile], date]
"""The last day a record is on file, from the day its period counts from."""


def stay_kept_until(departure: date, profile: HotelProfile) -> date:
    """The last day a stay (its booking, keys and charges) is on file."""
    return departure + timedelta(days=profile.stays_days)


def audit_kept_until(day: date, profile: HotelProfile) -> date:
    """The last day an audit event of `day` is on file."""
    return day + timedelta(days=profile.audit_days)


def help_kept_until(day: date, profile: HotelProfile) -> date:
    """The last day a help request raised on `day` is on file."""
    return day + timedelta(days=profile.help_days)


def trace_kept_until(day: date, profile: HotelProfile) -> date:
    """The last day a counter last touched on `day` is on file: as long as the longest
    period, so that it never outlives the records it could be matched with."""
    longest = max(profile.stays_days, profile.audit_days, profile.help_days)
    return day + timedelta(days=longest)


@dataclass(frozen=True)
class Expired:
    """The records of one kind past their period."""

    kind: str
    count: int
    oldest: date
    """The earliest of the days their periods count from (a departure, an event's day, a
    request's, a counter's last moment, a card's arrival)."""
    newest: date


@dataclass(frozen=True)
class Due:
    """What is past its period on `day`, each kind with something due, in KINDS' order."""

    day: date
    kinds: tuple[Expired, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.kinds)

    def counts(self) -> dict[str, int]:
        return {expired.kind: expired.count for expired in self.kinds}


@dataclass
class _Plan:
    """What one purge deletes, found from one reading of the records."""

    day: date
    stays: dict[str, date]
    audit_events: dict[str, date]
    help_requests: dict[str, date]
    counters: list[tuple[AttemptCounter, date]]
    forgiven: list[tuple[AttemptCounter, tuple[str, ...], date]]
    """Counters that stay, with the codes of bookings no longer open that they drop."""
    cards: list[RegistrationCard]

    def due(self) -> Due:
        days: dict[str, list[date]] = {
            STAYS: list(self.stays.values()),
            AUDIT_EVENTS: list(self.audit_events.values()),
            HELP_REQUESTS: list(self.help_requests.values()),
            ATTEMPT_COUNTERS: [day for _, day in self.counters],
            FORGIVEN_BOOKINGS: [day for _, codes, day in self.forgiven for _ in codes],
            REGISTRATION_CARDS: [card.arrival for card in self.cards],
        }
        return Due(
            self.day,
            tuple(
                Expired(kind, len(days[kind]), min(days[kind]), max(days[kind]))
                for kind in KINDS
                if days[kind]
            ),
        )


class _NothingDue(Exception):
    """Ends the purge's transaction without a write."""


class Retention:
    """The daily purge, `kiosk purge` and its dry run, over every file of the data folder."""

    def __init__(self, hotel: Hotel) -> None:
        self.hotel = hotel
        self._purged_on: date | None = None

    def due(self, today: date | None = None) -> Due:
        """What a purge on `today` (default: the hotel's today) would delete; reads only."""
        return self._plan(self.hotel.gateway, today or self.hotel.today()).due()

    def purge(self, *, once_a_day: bool = False) -> Due:
        """Delete what is past its period today, and return what went. With
        `once_a_day=True` only the day's first call does anything. A clock out of line with
        the data deletes nothing and raises ArchivePaused (the archive has called staff)."""
        today = self.hotel.today()
        if once_a_day and self._purged_on == today:
            return Due(today)
        gone = Due(today)
        try:
            with self.hotel.transaction() as db:
                # Committed while paused: the clock's help request filed in this write stays.
                paused = self.hotel.archive.paused(db)
                if paused is None:
                    # One reading of every file, under the lock: what it finds is what goes.
                    plan = self._plan(db, today)
                    gone = plan.due()
                    if not gone:
                        raise _NothingDue  # nothing to delete costs no write
                    self._delete(db, plan)
                    db.audit(SYSTEM, "records_purged", **gone.counts())
        except _NothingDue:
            pass
        if gone:
            # The journal still holds what was deleted as it was: a new snapshot drops it.
            self.hotel.gateway.store.compact()
        if paused is not None:
            raise ArchivePaused(paused)
        self._purged_on = today
        return gone

    def housekeeping(self, *, once_a_day: bool = False) -> tuple[int, Due]:
        """The daily archive (kiosk/archiving.py), then the purge: how many stays moved to
        history, and what was deleted. Raises ArchivePaused before purging anything while
        the clock is out of line."""
        moved = self.hotel.archive.departed(once_a_day=once_a_day)
        return moved, self.purge(once_a_day=once_a_day)

    # -- what is due --------------------------------------------------------------------------

    def _day(self, moment: str) -> date:
        return datetime.fromisoformat(moment).astimezone(self.hotel.profile.zone).date()

    def _plan(self, db: Reads, today: date) -> _Plan:
        archive = self.hotel.archive

        def past(kept_until: KeptUntil, day: date) -> bool:
            return kept_until(day, self.hotel.profile) < today

        stays = {
            archive.history.key(record): day
            for record in archive.history.records()
            if past(stay_kept_until, day := _stay_day(record))
        }
        events = [*self.hotel.audit_archive.records(), *db.audit_in_file()]
        audit_events = {
            event["id"]: day
            for event in events
            if past(audit_kept_until, day := self._day(event["at"]))
        }
        requests = [
            (archive.help_history.key(record), record["request"]["created_at"])
            for record in archive.help_history.records()
        ] + [
            (help_key(request.id, request.created_at.isoformat()), request.created_at.isoformat())
            for request in db.help_requests(open_only=False)
            if request.status is HelpStatus.CLOSED
        ]
        help_requests = {
            key: day
            for key, created in requests
            if past(help_kept_until, day := self._day(created))
        }
        counters, forgiven = self._counters(db, lambda day: past(trace_kept_until, day))
        try:
            cards = self.hotel.registrations.due(today)
        except RegistrationKeyError as error:
            # Nothing is purged until staff restore the key: the daily housekeeping reports
            # a failure of the store's kind to staff, and deletes nothing it cannot account for.
            raise StorageError(str(error)) from None
        return _Plan(
            today,
            stays,
            audit_events,
            help_requests,
            counters,
            forgiven,
            cards,
        )

    def _counters(
        self, db: Reads, past: Callable[[date], bool]
    ) -> tuple[
        list[tuple[AttemptCounter, date]], list[tuple[AttemptCounter, tuple[str, ...], date]]
    ]:
        """The counters that name a room or a booking and were last touched before the
        longest period; and, of the others, the bookings they forgave that left the main
        file."""
        old: list[tuple[AttemptCounter, date]] = []
        forgiven: list[tuple[AttemptCounter, tuple[str, ...], date]] = []
        for counter in db.counters():
            if not (counter.kind == "door" or counter.forgiven):
                continue  # names neither a room nor a booking
            moments = [*counter.failed_at, counter.last_failure, counter.locked_until]
            last = max((moment for moment in moments if moment is not None), default=None)
            if last is None:
                continue
            day = last.astimezone(self.hotel.profile.zone).date()
            if past(day):
                old.append((counter, day))
                continue
            gone = tuple(code for code in counter.forgiven if db.booking(code) is None)
            if gone:
                forgiven.append((counter, gone, day))
        return old, forgiven

    # -- deleting -----------------------------------------------------------------------------

    def _delete(self, db: Writer, plan: _Plan) -> None:
        """The files beside the main file first, each replaced whole, and the main file at the
        commit: a kill in between leaves records that the next purge deletes."""
        archive = self.hotel.archive
        archive.history.rewrite(_drop_if(lambda record: archive.history.key(record) in plan.stays))
        self.hotel.audit_archive.rewrite(_drop_if(lambda event: event["id"] in plan.audit_events))
        archive.help_history.rewrite(
            _drop_if(lambda record: archive.help_history.key(record) in plan.help_requests)
        )
        db.remove_audit_events(plan.audit_events)
        db.remove_help_requests(
            request
            for request in db.help_requests(open_only=False)
            if request.status is HelpStatus.CLOSED
            and help_key(request.id, request.created_at.isoformat()) in plan.help_requests
        )
        for counter, _ in plan.counters:
            db.remove_counter(counter.key)
        for counter, codes, _ in plan.forgiven:
            kept = tuple(code for code in counter.forgiven if code not in codes)
            db.save_counter(replace(counter, forgiven=kept))
        self.hotel.registrations.destroy(plan.cards)


def _stay_day(record: dict[str, Any]) -> date:
    return date.fromisoformat(record["booking"]["departure"])


def _drop_if(due: Callable[[dict[str, Any]], bool]) -> Change:
    return lambda record: None if due(record) else record
