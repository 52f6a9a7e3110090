"""What staff can do to a guest session, and the reasons they usually give for it.

Every override asks for a reason before it runs: one of a few common ones, a free note,
or both. The reason goes to the audit trail with the staff member's name."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.overrides import StaffOverride


@dataclass(frozen=True)
class Override:
    id: str  # button id, command name
    title: str
    effect: str  # one line on the reason dialog: what happens if staff go on
    reasons: tuple[str, ...]


APPROVE_IDENTITY = Override(
    StaffOverride.APPROVE_IDENTITY,
    "Approve identity",
    "The guest counts as identified: staff saw the document.",
    ("Passport seen at the desk", "ID card seen at the desk", "Scanner cannot read the document"),
)
UNLOCK = Override(
    StaffOverride.UNLOCK,
    "Unlock",
    "Failed attempts are cleared and the guest can go on.",
    ("Guest identified at the desk", "Typing mistakes", "Scanner trouble"),
)
CHOOSE_ROOM = Override(
    StaffOverride.CHOOSE_ROOM,
    "Choose room",
    "The guest gets the room chosen here, with a new key.",
    ("No room of the booked type ready", "Guest asked for another room", "Problem with the room"),
)
REISSUE_KEY = Override(
    StaffOverride.REISSUE_KEY,
    "Re-issue key",
    "The old key stops working; a new PIN is shown.",
    ("Guest forgot the PIN", "Code does not open the door", "Guest lost the code"),
)
REVOKE_KEY = Override(
    StaffOverride.REVOKE_KEY,
    "Revoke key",
    "The key stops working at once; no new key is issued.",
    ("Key shared or lost", "Guest asked for it", "Security concern"),
)
UNDO_CHECK_IN = Override(
    StaffOverride.UNDO_CHECK_IN,
    "Undo check-in",
    "Keys revoked, rooms freed, booking back to reserved.",
    ("Wrong booking checked in", "Guest left without staying", "Payment problem"),
)
END_SESSION = Override(
    StaffOverride.END_SESSION,
    "End session",
    "The kiosk forgets this guest and shows Welcome.",
    ("Guest left", "Finished at the desk", "Session stuck"),
)

SESSION_OVERRIDES = (
    APPROVE_IDENTITY,
    UNLOCK,
    CHOOSE_ROOM,
    REISSUE_KEY,
    REVOKE_KEY,
    UNDO_CHECK_IN,
    END_SESSION,
)

VOID_OFFER = Override(
    "sales-void",
    "Void offer",
    "The charge stays on the folio, voided: it counts for nothing. A late check-out's keys "
    "end at the check-out time again.",
    ("Guest changed their mind", "Sold by mistake", "Service not available"),
)

ROOM_STATUS_REASONS = ("Housekeeping report", "Checked by staff", "Maintenance")
