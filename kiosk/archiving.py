"""What the daily archive moves to history (stays that are clearly over, with their keys and
charges, and closed help requests), only while the host clock agrees with the data; and how
an archived stay comes back.

A clock that jumps ahead makes stays look over that are not (issue 9: five days ahead, the
day's arrivals went to history). Two guards, each enough on its own against jumps up to the
margin: a stay waits `archive_after_days` past its departure day, and the clock must not be
further than that margin ahead of the last record written, nor behind it. So a clock that is
wrong by more than the margin is noticed before it moves anything, and one that is wrong by
less cannot move a stay that is not over.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from kiosk.archive import JsonlArchive
from kiosk.audit import SYSTEM, Actor
from kiosk.gateway import Writer
from kiosk.help_desk import HelpDesk
from kiosk.models import (
    Booking,
    BookingStatus,
    Charge,
    Grant,
    HelpReason,
    HelpStatus,
    RoomStatus,
    normalise_code,
)
from kiosk.storage import StorageError

if TYPE_CHECKING:
    from kiosk.hotel import Hotel

# The help request staff close once they have checked the host clock; while one is open,
# nothing is archived (a record written meanwhile may carry the wrong time itself).
CLOCK_HELP_REASON = HelpReason.CLOCK_JUMP
# Every kiosk of a house runs on its one host, so records come from one clock; a few
# minutes absorb a time-sync step without calling a small correction a jump.
CLOCK_BEHIND_TOLERANCE = timedelta(minutes=5)


class ArchivePaused(StorageError):
    """The archive moved nothing because the clock is out of line with the data."""


class RestoreError(Exception):
    """`kiosk history restore` cannot bring this stay back; the message says why."""


def help_key(request_id: int, created_at: str) -> str:
    """A help request as help.jsonl knows it: its number and when it was raised (ISO)."""
    return f"{request_id}@{created_at}"


def stay_is_over(booking: Booking, today: date, after_days: int) -> bool:
    if booking.status is BookingStatus.CHECKED_OUT:
        return True
    return booking.departure < today - timedelta(days=after_days)


def clock_out_of_line(now: datetime, last_written: datetime | None, after_days: int) -> str | None:
    """Why `now` cannot be trusted to archive, or None. `last_written`: the time of the
    last record written (None in a house with no records yet)."""
    if last_written is None:
        return None
    if now < last_written - CLOCK_BEHIND_TOLERANCE:
        return (
            f"the clock ({now:%Y-%m-%d %H:%M}) is {_span(last_written - now)} behind the last "
            f"record written ({last_written:%Y-%m-%d %H:%M})"
        )
    if now - last_written > timedelta(days=after_days):
        return (
            f"the clock ({now:%Y-%m-%d %H:%M}) is {_span(now - last_written)} ahead of the last "
            f"record written ({last_written:%Y-%m-%d %H:%M})"
        )
    return None


def _span(delta: timedelta) -> str:
    minutes = round(delta.total_seconds() / 60)
    if minutes < 60:
        return f"{minutes} minutes"
    hours = minutes // 60
    return f"{hours // 24} days {hours % 24} hours" if hours >= 24 else f"{hours} hours"


class Archive:
    """The daily archive and `kiosk history restore`, over history.jsonl and help.jsonl."""

    def __init__(self, hotel: Hotel) -> None:
        self.hotel = hotel
        data_dir = hotel.data_dir
        self.history = JsonlArchive(data_dir.history, key=lambda record: record["booking"]["code"])
        # A help request's number can come again once the table has emptied: its time too.
        self.help_history = JsonlArchive(
            data_dir.help_history,
            key=lambda record: help_key(record["request"]["id"], record["request"]["created_at"]),
        )
        self._archived_on: date | None = None

    def departed(self, *, once_a_day: bool = False) -> int:
        """Move stays that are over and their key grants from the main file to
        history.jsonl, and closed help requests to help.jsonl, so that every later write
        costs in proportion to the open bookings, not to years of history.

        The records are appended and fsynced before the main file drops them: a crash in
        between leaves them in both places, never in neither. Returns how many stays moved.
        `kiosk run` calls it at start; a kiosk that runs for months calls it with
        `once_a_day=True` from a timer, which costs nothing after the day's first call.
        A clock out of line with the data moves nothing and raises ArchivePaused, after
        filing one help request for staff (and auditing why) until they close it."""
        today = self.hotel.today()
        if once_a_day and self._archived_on == today:
            return 0
        with self.hotel.transaction() as db:
            paused = self.paused(db)
            if paused is None:
                moved, closed = self._archive_over(db, today)
        if paused is not None:
            raise ArchivePaused(paused)
        if moved or closed:
            # A new snapshot of what is still open: the journal holds what moved out as it
            # was, and every start would read it again until the next compaction.
            self.hotel.gateway.store.compact()
        self._archived_on = today
        return moved

    def _archive_over(self, db: Writer, today: date) -> tuple[int, int]:
        """How many stays and closed help requests moved to history."""
        closed = self._archive_closed_help_requests(db)
        after_days = self.hotel.profile.archive_after_days
        over = [
            booking.code for booking in db.bookings() if stay_is_over(booking, today, after_days)
        ]
        self._keep_rooms_to_clean(db, set(over))
        # Gone from memory only: the file drops them at the commit, once history.jsonl has
        # them (a failed append aborts the transaction).
        stays = db.remove_stays(over)
        if stays:
            archived_at = self.hotel.now().isoformat()
            self.history.append(
                {
                    "booking": stay.booking,
                    "grants": stay.grants,
                    "charges": stay.charges,
                    "archived_at": archived_at,
                }
                for stay in stays
            )
        if stays or closed:
            db.audit(
                SYSTEM,
                "history_archived",
                bookings=len(stays),
                grants=sum(len(stay.grants) for stay in stays),
                charges=sum(len(stay.charges) for stay in stays),
                help_requests=closed,
            )
        return len(stays), closed

    def _keep_rooms_to_clean(self, db: Writer, leaving: set[str]) -> None:
        """A stay that ended without a check-out is what makes its rooms due for cleaning
        (kiosk/turnover.py); going to history, it leaves that on the rooms themselves."""
        now = self.hotel.now()
        for state in self.hotel.turnover.rooms(db):
            if state.vacated_by in leaving:
                db.save_room(replace(state.room, status=RoomStatus.DIRTY, status_since=now))
                db.audit(
                    SYSTEM,
                    "room_status",
                    room=state.room.number,
                    status=str(RoomStatus.DIRTY),
                    previous=str(state.room.status),
                    reason=f"{state.vacated_by} went to history without a check-out",
                )

    def _archive_closed_help_requests(self, db: Writer) -> int:
        closed = [
            request
            for request in db.help_requests(open_only=False)
            if request.status is HelpStatus.CLOSED
        ]
        if closed:
            archived_at = self.hotel.now().isoformat()
            self.help_history.append(
                {"request": {**request.to_doc(), "id": request.id}, "archived_at": archived_at}
                for request in closed
            )
            db.remove_help_requests(closed)
        return len(closed)

    def paused(self, db: Writer) -> str | None:
        """Why nothing may be archived now (nor purged, kiosk/retention.py), or None."""
        waiting = HelpDesk.open_request(db, CLOCK_HELP_REASON)
        if waiting is None:
            return None
        return (
            f"{self.hotel.data_dir.database}: nothing archived until staff close help request "
            f"{waiting.id}: {waiting.note}. Check the host clock first."
        )

    def notice_clock(self, db: Writer) -> None:
        """Every write compares the clock with the previous write's, so the first write after a
        jump sees it, whoever makes it: a guest's lookup on the wrong clock, written before the
        day's archive, must not make the jump look like the present. Staff are called once,
        and the archive waits until they close that request."""
        now = self.hotel.now()
        why = clock_out_of_line(now, db.last_write(), self.hotel.profile.archive_after_days)
        if why is not None and HelpDesk.open_request(db, CLOCK_HELP_REASON) is None:
            request = self.hotel.help.file(db, SYSTEM, CLOCK_HELP_REASON, None, note=why)
            db.audit(SYSTEM, "archive_paused", outcome="clock_jump", why=why, request=request)
        db.set_last_write(now)

    def archived_charges(self) -> list[Charge]:
        """The charges of the stays in history.jsonl (`kiosk export` reads them)."""
        return [
            Charge.from_doc(doc)
            for record in self.history.records()
            for doc in record.get("charges", [])
        ]

    def restore(self, code: str, actor: Actor = SYSTEM) -> tuple[Booking, int]:
        """Bring an archived stay back from history.jsonl with its key grants and charges as
        they were (`kiosk history restore`). Returns the booking and how many grants came back.
        history.jsonl keeps its copy (it is append-only); the main file is what is open."""
        code = normalise_code(code)
        with self.hotel.transaction() as db:
            if db.booking(code) is not None:
                raise RestoreError(f"{code} is open, not in history; nothing restored.")
            record = next(
                (found for found in self.history.records() if found["booking"]["code"] == code),
                None,
            )
            if record is None:
                raise RestoreError(
                    f"There is no stay {code} in {self.history.path}; nothing restored."
                )
            booking = Booking.from_doc(record["booking"])
            if booking.status == BookingStatus.CHECKED_IN:
                for room in booking.assigned_rooms:
                    holder = self.hotel.turnover.occupant(room, db)
                    if holder is not None:
                        raise RestoreError(
                            f"Room {room} is held by {holder} now; move or "
                            "check out that stay first. Nothing restored."
                        )
            grants = [Grant.from_doc(doc) for doc in record["grants"]]
            db.add_bookings([booking])
            db.add_grants(grants)
            # A stay archived before charges went with it has none.
            for charge in record.get("charges", []):
                db.add_charge(Charge.from_doc(charge))
            db.audit(
                actor,
                "history_restored",
                booking=code,
                grants=len(grants),
                archived_at=record["archived_at"],
            )
        return booking, len(grants)
