"""Which staff overrides apply to a guest session as it stands, and why not where one does
not: the dashboard offers only those that would do something (a desk agent asked for a
reason to approve the identity of a session with no booking was then told there was no
booking). The session's override methods still check for themselves when they run: another
kiosk may have changed the booking in between."""

from __future__ import annotations

from enum import StrEnum

from kiosk.models import Booking, BookingStatus
from kiosk.session import CheckInSession, Step
from kiosk.staff import StaffMember


class StaffOverride(StrEnum):
    APPROVE_IDENTITY = "approve-identity"
    UNLOCK = "unlock"
    CHOOSE_ROOM = "choose-room"
    REISSUE_KEY = "reissue-key"
    REVOKE_KEY = "revoke-key"
    UNDO_CHECK_IN = "undo-check-in"
    END_SESSION = "end-session"


NO_SESSION = "No guest is using this kiosk."
NO_BOOKING = "This session has no booking yet."
NOTHING_LOCKED = "Nothing is locked: no failed tries to clear."


def why_not(session: CheckInSession, staff: StaffMember) -> dict[StaffOverride, str | None]:
    """For each override, None where it applies now, else why it does not, in the words a
    desk agent needs."""
    # Failed lookups lock the kiosk itself, whoever uses it next.
    locked = session.step is Step.LOCKED or session.waiting_until() is not None
    booking = session.booking and session.hotel.gateway.booking(session.booking.code)
    if booking is None:
        ended = session.step is Step.ENDED
        return {
            **dict.fromkeys(StaffOverride, NO_SESSION if ended else NO_BOOKING),
            StaffOverride.UNLOCK: None if locked else NOTHING_LOCKED,
            StaffOverride.END_SESSION: NO_SESSION if ended else None,
        }
    locked = locked or booking.locked or booking.identity_failures > 0
    return {
        StaffOverride.APPROVE_IDENTITY: _approve_identity(booking),
        StaffOverride.UNLOCK: None if locked else NOTHING_LOCKED,
        StaffOverride.CHOOSE_ROOM: _choose_room(booking),
        StaffOverride.REISSUE_KEY: _change_key(booking),
        StaffOverride.REVOKE_KEY: _change_key(booking),
        StaffOverride.UNDO_CHECK_IN: _undo_check_in(booking, staff),
        StaffOverride.END_SESSION: None,
    }


def _approve_identity(booking: Booking) -> str | None:
    if booking.status is not BookingStatus.RESERVED:
        return f"Booking {booking.code} is {booking.status}, not reserved."
    if booking.identity is not None:
        return "The guest's identity is proven already."
    return None


def _choose_room(booking: Booking) -> str | None:
    """A room for a reserved guest whose identity is proven, or a move for a checked-in one."""
    if booking.status is BookingStatus.CHECKED_IN:
        return None
    if booking.status is not BookingStatus.RESERVED:
        return f"Booking {booking.code} is {booking.status}."
    if booking.identity is None:
        return "The guest is not identified yet: approve the identity first."
    return None


def _change_key(booking: Booking) -> str | None:
    if booking.status is not BookingStatus.CHECKED_IN:
        return f"Booking {booking.code} is not checked in."
    if not booking.assigned_rooms:
        return f"Booking {booking.code} holds no room."
    return None


def _undo_check_in(booking: Booking, staff: StaffMember) -> str | None:
    if booking.status is not BookingStatus.CHECKED_IN:
        return f"Booking {booking.code} is not checked in."
    if not staff.is_manager:
        return "Only a manager can undo a check-in."
    return None
