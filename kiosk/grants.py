"""Which door keys a booking holds: issuing a key for a room, revoking keys, which keys
are active, and until when a stay's keys open (the departure day's check-out time, or the
late check-out time the guest bought). The cryptography of a key is kiosk/keys.py's; what a door does with it is
kiosk/door.py's."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from kiosk import keys
from kiosk.audit import Actor
from kiosk.gateway import Reads, Writer
from kiosk.models import Booking, ChargeKind, Grant

if TYPE_CHECKING:
    from kiosk.hotel import Hotel


def with_pin(grants: Iterable[Grant], secret: bytes, room: str, pin: str) -> Iterator[Grant]:
    """The grants of `room` whose door PIN `pin` is, compared in constant time."""
    hashed = keys.pin_hash(secret, room, pin)
    return (grant for grant in grants if secrets.compare_digest(grant.pin_hash, hashed))


@dataclass(frozen=True)
class IssuedKey:
    """What the guest takes away; only the hash of the PIN stays on file."""

    pin: str
    token: str
    valid_until: datetime
    opens_at: datetime | None = None
    """Set when the key opens later than now (a guest too early for a free check-in)."""


class KeyGrants:
    def __init__(self, hotel: Hotel) -> None:
        self.hotel = hotel

    def active(self, db: Reads, room: str) -> list[Grant]:
        now = self.hotel.now()
        return [grant for grant in db.grants_of_room(room) if grant.is_active(now)]

    def ends(self, db: Reads, booking: Booking) -> datetime:
        """When the stay's keys stop opening: the departure day's check-out time, or its
        late check-out time while the folio holds a late check-out that is not voided."""
        late = any(
            charge.kind is ChargeKind.LATE_CHECK_OUT and not charge.voided
            for charge in db.charges_of_booking(booking.code)
        )
        if late:
            profile = self.hotel.profile
            return datetime.combine(booking.departure, profile.late_check_out_time, profile.zone)
        return self.hotel.departure_moment(booking.departure)

    def issue(
        self,
        db: Writer,
        booking: Booking,
        room: str,
        actor: Actor,
        *,
        opens_at: datetime | None = None,
    ) -> IssuedKey:
        """A key for `room` until the stay's end (`ends`), opening now or at `opens_at`. No
        two active keys of a room share a PIN: a guest's PIN must not open another guest's
        stay."""
        taken = {grant.pin_hash for grant in self.active(db, room)}
        secret = self.hotel.secret
        while True:
            pin = keys.draw_pin(self.hotel.profile.pin_length)
            hashed = keys.pin_hash(secret, room, pin)
            if hashed not in taken:
                break
        now = self.hotel.now()
        valid_from = (now - keys.VALID_BEFORE_ISSUE).replace(second=0, microsecond=0)
        if opens_at is not None and opens_at > now:
            valid_from = opens_at
        grant = Grant(
            id=keys.new_grant_id(),
            booking=booking.code,
            room=room,
            pin_hash=hashed,
            valid_from=valid_from,
            valid_until=self.ends(db, booking),
            issued_at=now,
            issued_by=str(actor),
        )
        db.add_grants([grant])
        db.audit(
            actor,
            "key_issued",
            booking=booking.code,
            room=room,
            grant=grant.id,
            valid_until=grant.valid_until.isoformat(),
        )
        token = keys.make_token(secret, grant.id, room, grant.valid_from, grant.valid_until)
        return IssuedKey(pin, token, grant.valid_until, valid_from if valid_from > now else None)

    def revoke(
        self, db: Writer, booking_code: str, actor: Actor, room: str | None = None, reason: str = ""
    ) -> int:
        """The booking's active keys (of `room`) stop opening now; returns how many."""
        now = self.hotel.now()
        revoked = [
            grant
            for grant in db.grants_of_booking(booking_code)
            if grant.is_active(now) and (room is None or grant.room == room)
        ]
        for grant in revoked:
            db.save_grant(replace(grant, revoked_at=now))
            db.audit(
                actor,
                "key_revoked",
                booking=booking_code,
                room=grant.room,
                grant=grant.id,
                reason=reason,
            )
        return len(revoked)

    def move_ends(self, db: Writer, booking: Booking, actor: Actor, reason: str) -> int:
        """A stay extended or shortened, or a late check-out sold or voided: its active keys
        open until the stay's new end (`ends`); returns how many moved."""
        valid_until = self.ends(db, booking)
        now = self.hotel.now()
        active = [grant for grant in db.grants_of_booking(booking.code) if grant.is_active(now)]
        for grant in active:
            db.save_grant(replace(grant, valid_until=valid_until))
            db.audit(
                actor,
                "key_validity_changed",
                booking=booking.code,
                room=grant.room,
                grant=grant.id,
                valid_until=valid_until.isoformat(),
                previous=grant.valid_until.isoformat(),
                reason=reason,
            )
        return len(active)
