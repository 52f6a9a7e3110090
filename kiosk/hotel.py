"""The hotel as the kiosk sees it: the house's clock, its one way to write, and its services,
put together over one data directory. The rules live in the services' modules; nothing here
knows about Textual."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from kiosk import audit, keys
from kiosk.archiving import Archive
from kiosk.attempts import FailureWindow
from kiosk.audit import AuditTrail
from kiosk.clock import Clock, SystemClock
from kiosk.datadir import DataDir
from kiosk.door import Door, DoorRead, PendingEvents, file_reader, limit_key, write_event
from kiosk.gateway import Gateway, Writer
from kiosk.grants import KeyGrants
from kiosk.help_desk import HelpDesk
from kiosk.models import AttemptCounter, Grant
from kiosk.profile import HotelProfile, load_profile
from kiosk.records import check_records
from kiosk.registrations import Register, SignatureRoute
from kiosk.retention import Retention
from kiosk.signing import Handwritten
from kiosk.staff_accounts import StaffAccounts
from kiosk.storage import DEFAULT_LOCK_TIMEOUT, Store
from kiosk.turnover import Turnover


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
        self.secret = secret
        self.clock = clock
        self.kiosk_id = kiosk_id
        self.gateway = Gateway(store, now=self.now, kiosk=kiosk_id)
        self.audit_archive = audit.archive_at(data_dir.audit_log)
        self.audit_trail = AuditTrail(self.gateway, self.audit_archive)
        self.door = _door(
            data_dir,
            profile,
            secret,
            self.now,
            kiosk_id,
            read=self._door_read,
            write=self._door_write,
        )
        self.grants = KeyGrants(self)
        self.help = HelpDesk(self)
        self.staff = StaffAccounts(self)
        self.archive = Archive(self)
        self.turnover = Turnover(self)
        self.registrations = Register(data_dir.registrations, data_dir.registration_key, self.now)
        self.signature: SignatureRoute = Handwritten(profile.card_printer)
        self.retention = Retention(self)

    def now(self) -> datetime:
        return self.clock.now().astimezone(self.profile.zone)

    def today(self) -> date:
        return self.now().date()

    def departure_moment(self, departure: date) -> datetime:
        return datetime.combine(departure, self.profile.check_out_time, tzinfo=self.profile.zone)

    @contextmanager
    def transaction(self) -> Iterator[Writer]:
        """Every write also folds in the door events that could not be written when they
        happened (kiosk/door.py), and notices a clock out of line (kiosk/archiving.py)."""
        with self.gateway.transaction() as db:
            folded = self.door.fold(db)
            self.archive.notice_clock(db)
            yield db
            audit.rotate(db, self.audit_archive)
        self.door.folded(folded)

    def _door_read(self, room: str) -> tuple[list[Grant], AttemptCounter | None]:
        return self.gateway.grants_of_room(room), self.gateway.counter(limit_key(room))

    def _door_write(self, event: dict[str, Any]) -> None:
        with self.transaction() as db:
            write_event(db, event, self.door.limit)


def default_kiosk_id() -> str:
    return socket.gethostname() or "kiosk"


def _door(
    data_dir: DataDir,
    profile: HotelProfile,
    secret: bytes,
    now: Callable[[], datetime],
    kiosk_id: str,
    *,
    read: DoorRead,
    write: Callable[[dict[str, Any]], None] | None,
) -> Door:
    return Door(
        secret=secret,
        limit=FailureWindow.for_door_pins(profile),
        kiosk_id=kiosk_id,
        now=now,
        pending=PendingEvents(data_dir.root),
        read=read,
        write=write,
    )


def _profile_clock_and_name(
    data_dir: DataDir, clock: Clock | None, kiosk_id: str | None
) -> tuple[HotelProfile, Clock, str]:
    profile = load_profile(data_dir.profile)
    return profile, clock or SystemClock(profile.zone), kiosk_id or default_kiosk_id()


def open_hotel(
    data_dir: DataDir,
    *,
    clock: Clock | None = None,
    kiosk_id: str | None = None,
    create: bool = True,
    lock_timeout: float | None = None,
) -> Hotel:
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
    profile, clock, kiosk_id = _profile_clock_and_name(data_dir, clock, kiosk_id)
    if not create:
        # Else the store and the secret would be made.
        data_dir.require(data_dir.database, data_dir.secret)
    store = Store(
        data_dir.database,
        check=check_records,
        lock_timeout=DEFAULT_LOCK_TIMEOUT if lock_timeout is None else lock_timeout,
    )
    secret = keys.load_or_create_secret(data_dir.secret, grants_exist=Gateway.has_grants(store))
    return Hotel(data_dir, profile, store, secret, clock, kiosk_id)


def open_door(
    data_dir: DataDir, *, clock: Clock | None = None, kiosk_id: str | None = None
) -> Door:
    """A door for a process that could not open the store (another process holds the data
    lock): it reads kiosk.json without the lock and keeps its events in the pending folder."""
    profile, clock, kiosk_id = _profile_clock_and_name(data_dir, clock, kiosk_id)
    secret = keys.load_or_create_secret(data_dir.secret, grants_exist=True)  # never invents one
    return _door(
        data_dir,
        profile,
        secret,
        lambda: clock.now().astimezone(profile.zone),
        kiosk_id,
        read=file_reader(data_dir.database),
        write=None,
    )
