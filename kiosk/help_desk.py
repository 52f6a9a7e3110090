"""Help requests: a kiosk calls staff (for a reason, never with a guest's personal data),
and staff take and close the request."""

from __future__ import annotations

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
