"""Help requests: a kiosk calls staff (for a reason, never with a guest's personal data),
staff take and close the request, and a request closes itself once staff have solved what
it was about."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from typing import TYPE_CHECKING

from kiosk.audit import Actor
from kiosk.gateway import Reads, Writer
from kiosk.models import HelpReason, HelpRequest, HelpStatus
from kiosk.staff import StaffError, StaffMember

if TYPE_CHECKING:
    from kiosk.hotel import Hotel


class HelpDesk:
    def __init__(self, hotel: Hotel) -> None:
        self.hotel = hotel

    def request(self, actor: Actor, reason: HelpReason, booking: str | None = None) -> int:
        """File a request in a write of its own; returns its number."""
        with self.hotel.transaction() as db:
            return self.file(db, actor, reason, booking)

    def file(
        self,
        db: Writer,
        actor: Actor,
        reason: HelpReason,
        booking: str | None,
        note: str | None = None,
    ) -> int:
        """File a request within `db`'s write; returns its number. `note`: what staff should
        know beyond the reason."""
        request = HelpRequest(
            id=0,
            kiosk=self.hotel.kiosk_id,
            reason=reason,
            booking=booking,
            created_at=self.hotel.now(),
            note=note,
        )
        request_id = db.add_help_request(request)
        db.audit(actor, "help_requested", booking=booking, reason=str(reason), request=request_id)
        return request_id

    def requests(self, *, open_only: bool = True) -> list[HelpRequest]:
        """Oldest first."""
        return self.hotel.gateway.help_requests(open_only=open_only)

    @staticmethod
    def open_request(db: Reads, reason: HelpReason) -> HelpRequest | None:
        """The first request for `reason` that staff have not closed yet."""
        return next((request for request in db.help_requests() if request.reason == reason), None)

    def update(self, staff: StaffMember, request_id: int, status: HelpStatus) -> None:
        """Staff take or close a request."""
        with self.hotel.transaction() as db:
            request = db.help_request(request_id)
            if request is None:
                raise StaffError(f"There is no help request {request_id}.")
            db.save_help_request(replace(request, status=status, taken_by=staff.name))
            db.audit(Actor("staff", staff.name), f"help_{status}", request=request_id)

    @staticmethod
    def close_solved(
        db: Writer,
        actor: Actor,
        reasons: Collection[HelpReason],
        *,
        solved_by: str,
        booking: str | None = None,
        kiosk: str | None = None,
    ) -> list[int]:
        """Close the open requests for one of `reasons` about `booking` (or, for a request
        about no booking, filed by `kiosk`): `actor` has solved them with `solved_by` (an
        audit action). Returns their numbers."""
        solved = [
            request
            for request in db.help_requests()
            if request.reason in reasons
            and request.booking == booking
            and (booking is not None or request.kiosk == kiosk)
        ]
        # A guest whose retry solved it (a room cleaned meanwhile) took nothing on.
        solver = actor.name if actor.kind == "staff" else None
        for request in solved:
            db.save_help_request(
                replace(request, status=HelpStatus.CLOSED, taken_by=request.taken_by or solver)
            )
            db.audit(
                actor,
                "help_closed",
                booking=request.booking,
                request=request.id,
                solved_by=solved_by,
            )
        return [request.id for request in solved]
