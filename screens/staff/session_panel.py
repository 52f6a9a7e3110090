"""The guest session on this kiosk as staff see it, with the overrides they may run on it.

Each override asks for a reason (and a room where one is needed), calls the session's own
override method and shows what came back. Who may do what is the core's decision: a refusal
arrives as StaffError and is shown as it is."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Static

from kiosk.hotel import Hotel
from kiosk.models import BookingStatus, Room
from kiosk.overrides import NO_BOOKING, StaffOverride, why_not
from kiosk.session import CheckedIn, CheckInSession, Failure, Rejected, RoomKey, Step
from kiosk.staff import StaffError, StaffMember
from screens.staff import reasons
from screens.staff.dialogs import KeysDialog, ReasonDialog, RoomPicker, room_names, words
from screens.staff.reasons import Override
from screens.trouble import TroubleGuard

Result = TypeVar("Result")

STEP_TEXT = {
    Step.FIND: "looking for the booking",
    Step.CONFIRM: "confirming the booking",
    Step.IDENTIFY: "proving identity",
    Step.READY: "identified, no room yet",
    Step.REGISTER: "identified, filling in the registration card",
    Step.OFFERS: "identified, choosing offers",
    Step.KEYS: "checked in, door codes on screen",
    Step.DONE: "checked in, finished",
    Step.NO_ROOM: "no room ready, waiting for staff",
    Step.LOCKED: "locked, waiting for staff",
    Step.ENDED: "ended",
}

# Why the core refused a staff check-in, in the words a desk agent needs.
CHECK_IN_REFUSALS = {
    Failure.WRONG_STEP: "The guest is not identified yet: approve the identity first.",
    Failure.ALREADY_CHECKED_IN: "This booking is not reserved any more (already checked in?).",
    Failure.NO_ROOM_READY: "None of those rooms can be given.",
}


def session_facts(session: CheckInSession) -> list[tuple[str, str]]:
    """Label and value lines describing the session, guest names in full (staff only)."""
    facts = [("Step", STEP_TEXT[session.step])]
    booking = session.booking
    if booking is None:
        return [*facts, ("Booking", "none found yet")]
    identity = booking.identity
    if identity is None:
        proven = f"not proven ({booking.identity_failures} failed)"
    elif identity.method == "staff":
        proven = f"approved by {identity.approved_by}"
    else:
        proven = f"checked ({identity.method})"
    return [
        *facts,
        ("Booking", f"{booking.code_as_imported}  {booking.guest_name}  ({words(booking.status)})"),
        (
            "Stay",
            f"{booking.arrival:%a %d %b} to {booking.departure:%a %d %b}, {booking.nights} nights",
        ),
        (
            "Asked for",
            (
                f"{booking.rooms} × {words(booking.room_type)}, "
                f"{booking.adults} adults, {booking.children} children"
            ),
        ),
        ("Identity", proven + ("; booking locked" if booking.locked else "")),
        ("Rooms", ", ".join(booking.assigned_rooms) or "none yet"),
    ]


class SessionPanel(TroubleGuard, Vertical):
    """Summary of the current guest session, the override buttons, and the last outcome."""

    class Overridden(Message):
        """An override went through: the help requests it solved have closed (kiosk/session.py),
        so the dashboard redraws what counts them."""

    def __init__(
        self,
        hotel: Hotel,
        member: StaffMember,
        session: CheckInSession,
        *,
        at_the_desk: bool = False,
    ) -> None:
        """`at_the_desk`: a session staff opened for a guest at the desk, not the one on
        this kiosk's screen."""
        super().__init__()
        self.hotel = hotel
        self.member = member
        self.session = session
        self.at_the_desk = at_the_desk
        self._flows: dict[str, Callable[[], Awaitable[None]]] = {
            reasons.APPROVE_IDENTITY.id: self._approve_identity,
            reasons.UNLOCK.id: self._unlock,
            reasons.CHOOSE_ROOM.id: self._choose_room,
            reasons.REISSUE_KEY.id: self._reissue_key,
            reasons.REVOKE_KEY.id: self._revoke_key,
            reasons.UNDO_CHECK_IN.id: self._undo_check_in,
            reasons.END_SESSION.id: self._end_session,
        }

    def compose(self) -> ComposeResult:
        yield Static(id="session-facts")
        with Grid(id="session-overrides"):
            for override in reasons.SESSION_OVERRIDES:
                yield Button(override.title, id=override.id, classes="override")
        yield Static("", id="session-outcome", markup=False)

    def on_mount(self) -> None:
        self.show_facts()

    def on_unmount(self) -> None:
        if self.at_the_desk:
            self.session.forget()  # the desk's guest has their codes; nobody comes back to it

    def show_facts(self) -> None:
        facts = session_facts(self.session)
        if self.at_the_desk:
            facts.insert(0, ("Where", "at the desk (the kiosk's own guest is left as they were)"))
        width = max(len(label) for label, _ in facts)
        lines = [
            Content.assemble((label.ljust(width), "bold"), "  ", value) for label, value in facts
        ]
        self.query_one("#session-facts", Static).update(Content("\n").join(lines))
        # Only what would do something can be pressed; the tooltip says why the rest cannot.
        for override, why in why_not(self.session, self.member).items():
            button = self.query_one(f"#{override}", Button)
            button.disabled = why is not None
            button.tooltip = why

    @on(Button.Pressed, ".override")
    def _button(self, event: Button.Pressed) -> None:
        assert event.button.id is not None
        self.run_override(event.button.id)

    def run_override(self, override_id: str) -> None:
        """Start an override by id (buttons and the command palette both come here); one that
        does not apply now says why at once, before it asks for a reason."""
        why = why_not(self.session, self.member)[StaffOverride(override_id)]
        if why is not None:
            self._show(why, refused=True)
            return
        self.run_worker(self._flows[override_id](), exclusive=True, group="override")

    # -- the overrides ----------------------------------------------------------------------

    async def _approve_identity(self) -> None:
        if reason := await self._ask_reason(reasons.APPROVE_IDENTITY):
            self._apply(
                lambda: self.session.approve_identity(self.member, reason),
                lambda _: "Identity approved.",
            )

    async def _unlock(self) -> None:
        if reason := await self._ask_reason(reasons.UNLOCK):
            self._apply(
                lambda: self.session.unlock(self.member, reason), lambda _: "Session unlocked."
            )

    async def _choose_room(self) -> None:
        """Before check-in: the rooms the guest gets. After it: a move from one room to another."""
        booking = self.session.booking
        if booking is None:
            self._show(NO_BOOKING, refused=True)
            return
        # Every free room is offered; those of the booked type come first.
        free = sorted(self.session.free_rooms(), key=lambda room: room.type != booking.room_type)
        if booking.status is not BookingStatus.CHECKED_IN:
            chosen = await self._pick(f"Rooms for {booking.code_as_imported}", free, booking.rooms)
            if not chosen:
                return
            if reason := await self._ask_reason(
                reasons.CHOOSE_ROOM, f"Room {room_names(chosen, free)}"
            ):
                self._apply(
                    lambda: self.session.check_in(chosen, staff=self.member, reason=reason),
                    self._checked_in,
                )
            return
        old = await self._pick_held_room("Move the guest out of which room?")
        if old is None:
            return
        new = await self._pick(f"New room instead of {old}", free, 1)
        if new and (
            reason := await self._ask_reason(
                reasons.CHOOSE_ROOM, f"Room {old} → {room_names(new, free)}"
            )
        ):
            self._apply(
                lambda: self.session.reassign_room(self.member, old, new[0], reason),
                lambda key: self._show_keys(f"Moved from room {old}", [key]),
            )

    async def _reissue_key(self) -> None:
        room = await self._pick_held_room("New key for which room?")
        if room and (reason := await self._ask_reason(reasons.REISSUE_KEY, f"Room {room}")):
            self._apply(
                lambda: self.session.reissue_key(self.member, room, reason),
                lambda key: self._show_keys("New key issued", [key]),
            )

    async def _revoke_key(self) -> None:
        room = await self._pick_held_room("Revoke the key of which room?")
        if room and (reason := await self._ask_reason(reasons.REVOKE_KEY, f"Room {room}")):
            self._apply(
                lambda: self.session.revoke_key(self.member, room, reason),
                lambda revoked: (
                    f"Key for room {room} revoked."
                    if revoked
                    else f"Room {room} had no active key."
                ),
            )

    async def _undo_check_in(self) -> None:
        if reason := await self._ask_reason(reasons.UNDO_CHECK_IN):
            self._apply(
                lambda: self.session.undo_check_in(self.member, reason),
                lambda _: "Check-in undone: keys revoked, rooms freed, booking reserved again.",
            )

    async def _end_session(self) -> None:
        if reason := await self._ask_reason(reasons.END_SESSION):
            self._apply(
                lambda: self.session.end_session(self.member, reason), lambda _: "Session ended."
            )

    # -- the steps they share ---------------------------------------------------------------

    async def _ask_reason(self, override: Override, subject: str = "") -> str | None:
        booking = self.session.booking
        about = "  ".join(
            part for part in (booking.code_as_imported if booking else "", subject) if part
        )
        return await self.app.push_screen_wait(
            ReasonDialog(override.title, override.effect, override.reasons, subject=about)
        )

    async def _pick(self, title: str, rooms: Sequence[Room], count: int) -> list[str] | None:
        return await self.app.push_screen_wait(RoomPicker(title, rooms, count=count))

    async def _pick_held_room(self, title: str) -> str | None:
        """The room the booking holds, or the one staff choose when it holds several."""
        booking = self.session.booking
        if booking is None or not booking.assigned_rooms:
            self._show(
                NO_BOOKING
                if booking is None
                else f"Booking {booking.code_as_imported} holds no room.",
                refused=True,
            )
            return None
        if len(booking.assigned_rooms) == 1:
            return booking.assigned_rooms[0]
        held = [
            room for room in self.hotel.gateway.rooms() if room.number in booking.assigned_rooms
        ]
        chosen = await self._pick(title, held, 1)
        return chosen[0] if chosen else None

    def _apply(self, override: Callable[[], Result], report: Callable[[Result], str]) -> None:
        """Run the core's override; `report` turns its answer into the outcome line (and may
        show the keys it issued). A refusal from the core is shown as it is."""
        try:
            outcome = override()
        except StaffError as refusal:
            self._show(str(refusal), refused=True)
            return
        if isinstance(outcome, Rejected):
            self._show(CHECK_IN_REFUSALS.get(outcome.failure, str(outcome.failure)), refused=True)
            return
        self.post_message(self.Overridden())
        self._show(report(outcome))

    def _checked_in(self, outcome: CheckedIn) -> str:
        return self._show_keys("Checked in", outcome.keys)

    def _show_keys(self, title: str, keys: Sequence[RoomKey]) -> str:
        self.app.push_screen(KeysDialog(title, keys))
        return f"{title}: room {', '.join(key.room.number for key in keys)}, new PIN shown."

    def _show(self, text: str, *, refused: bool = False) -> None:
        self.show_facts()
        outcome = self.query_one("#session-outcome", Static)
        outcome.update(text)
        outcome.set_class(refused, "-refused")
